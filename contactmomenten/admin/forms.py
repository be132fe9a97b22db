"""The change form of contactmomentdetails: guided input for the vocabulary fields, and a
refusal to save over a change made after the form was opened.

gespreksresultaat, verantwoordelijke afdeling and kanaal are free text in KISS, and every
typo becomes a new filter value that breaks the figures. So their inputs suggest the values
in use (an HTML ``<datalist>``: no script, CSP-safe), and a value that is not yet in use is
only saved after the beheerder ticks "Ja, ... is een nieuwe waarde". The resultaten of the
KPI mapping count as known gespreksresultaten. URL and vraag get
inputs wide enough to read them.

The form carries the version of the record it was opened with (a hidden ``versie``). The
admin reads the record under a row lock when the form is posted
(``ContactmomentDetailsAdmin.get_object``), so comparing that version with the locked row's
here is decisive: when the API or another beheerder wrote the record meanwhile, the form is
invalid with a Dutch message naming what changed, the beheerder's input stays on the form,
and the hidden version moves on to the current one, so saving again overwrites knowingly.
"""

from django import forms
from django.contrib.admin.widgets import AdminTextInputWidget

from contactmomenten.models import ContactmomentDetails
from contactmomenten.selectors import (
    VOCABULARY_FIELDS,
    contactmomentdetails_changed_since,
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


def stale_message(changed: list[str] | None) -> str:
    """The refusal of a save over a change made after the form was opened."""
    what = f" Intussen gewijzigd: {', '.join(changed)}." if changed else ""
    return (
        "Dit contactmoment is gewijzigd nadat u het formulier opende (via de API of door een "
        f"andere beheerder); uw wijzigingen zijn niet opgeslagen.{what} Uw invoer staat nog in "
        "het formulier: vergelijk met de geschiedenis van dit record en sla opnieuw op om de "
        "huidige versie met uw invoer te overschrijven."
    )


class ContactmomentDetailsAdminForm(forms.ModelForm):
    # The version the form was opened with (ContactmomentDetails.versie); empty on the add
    # form and on the history page's revert, which save without this check.
    versie = forms.CharField(widget=forms.HiddenInput, required=False)

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
        if self.instance.pk and "versie" in self.fields:
            self.fields["versie"].initial = self.instance.versie
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
        self._refuse_if_stale(cleaned.get("versie"))
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

    def _refuse_if_stale(self, seen: str | None) -> None:
        current = self.instance.versie if self.instance.pk else ""
        if not seen or seen == current:
            return
        self.add_error(None, stale_message(contactmomentdetails_changed_since(self.instance, seen)))
        data = self.data.copy()  # the input stays; the next save is against today's version
        data[self.add_prefix("versie")] = current
        self.data = data

    def save(self, commit=True):
        instance = super().save(commit)
        for name in self.new_values:  # suggest the confirmed value from now on
            contactmomentdetails_values_in_use_forget(name)
        return instance
