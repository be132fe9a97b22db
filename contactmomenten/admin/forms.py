"""The change form of contactmomentdetails: guided input for the vocabulary fields.

gespreksresultaat, verantwoordelijke afdeling and kanaal are free text in KISS, and every
typo becomes a new filter value that breaks the figures. So their inputs suggest the values
in use (an HTML ``<datalist>``: no script, CSP-safe), and a value that is not yet in use is
only saved after the beheerder ticks "Ja, ... is een nieuwe waarde". The resultaten of the
KPI mapping count as known gespreksresultaten. URL and vraag get
inputs wide enough to read them.
"""

from django import forms
from django.contrib.admin.widgets import AdminTextInputWidget

from contactmomenten.models import ContactmomentDetails
from contactmomenten.selectors import (
    VOCABULARY_FIELDS,
    contactmomentdetails_values_in_use,
    contactmomentdetails_values_in_use_forget,
    gespreksresultaat_categorie_resultaten,
)


def confirm_name(field_name: str) -> str:
    """The POST parameter that confirms a new value of ``field_name``."""
    return f"{field_name}__nieuw"


class KnownValuesInput(AdminTextInputWidget):
    """A text input with the known values as suggestions and, for a new value, a checkbox
    that confirms it (its value is the confirmed text, so changing the text asks again)."""

    template_name = "contactmomenten/widgets/known_values_input.html"

    def __init__(self, known_values=(), attrs=None):
        super().__init__(attrs)
        self.known_values = list(known_values)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["datalist_id"] = f"{widget['attrs'].get('id', name)}_waarden"
        widget["attrs"]["list"] = widget["datalist_id"]
        widget["attrs"]["autocomplete"] = "off"
        widget["known_values"] = self.known_values
        widget["is_new"] = bool(value) and value not in self.known_values
        widget["confirm_name"] = confirm_name(name)
        return context


class ContactmomentDetailsAdminForm(forms.ModelForm):
    class Meta:
        model = ContactmomentDetails
        fields = (  # noqa: DJ007  every editable field; the admin's fieldsets choose and order them
            "__all__"
        )
        widgets = {
            "contactmoment": AdminTextInputWidget(attrs={"class": "vTextField kiss-breed"}),
            "vraag": AdminTextInputWidget(attrs={"class": "vTextField kiss-breed"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.new_values = []
        for name in VOCABULARY_FIELDS:
            if name in self.fields:
                self.fields[name].widget = KnownValuesInput(self._known_values(name))

    def _known_values(self, name: str) -> list[str]:
        """The values in use, plus this record's own value (it may be newer than the cache);
        for gespreksresultaat also every resultaat of the KPI mapping (a beheerder mapped it,
        so it is no typo even before a record uses it)."""
        values = contactmomentdetails_values_in_use(name)
        extra = set(gespreksresultaat_categorie_resultaten()) if name == "gespreksresultaat" else set()
        if self.instance.pk:
            extra.add(getattr(self.instance, name, ""))
        extra -= {""}
        return sorted({*values, *extra}) if extra - set(values) else values

    def clean(self):
        cleaned = super().clean()
        for name in VOCABULARY_FIELDS:
            value = cleaned.get(name)
            if name not in self.fields or not value or value in self.fields[name].widget.known_values:
                continue
            if self.data.get(confirm_name(name)) == value:
                self.new_values.append(name)
                continue
            label = self.fields[name].label
            self.add_error(
                name,
                f"'{value}' komt nog niet voor als {label.lower()}. Kies een bestaande waarde uit "
                "de lijst, of vink aan dat dit een nieuwe waarde is.",
            )
        return cleaned

    def save(self, commit=True):
        instance = super().save(commit)
        for name in self.new_values:  # suggest the confirmed value from now on
            contactmomentdetails_values_in_use_forget(name)
        return instance
