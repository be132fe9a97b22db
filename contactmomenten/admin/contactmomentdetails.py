"""Admin for contactmomentdetails: the list analysts search and the form beheerders correct."""

from django.contrib import admin

from contactmomenten.models import Bron, ContactmomentDetails


def format_duur(duur) -> str:
    """A gespreksduur as mm:ss (hours folded into the minutes)."""
    if duur is None:
        return "-"
    seconds = int(duur.total_seconds())
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


class BronInline(admin.TabularInline):
    model = Bron
    extra = 0
    fields = ("soort", "titel", "url")


@admin.register(ContactmomentDetails)
class ContactmomentDetailsAdmin(admin.ModelAdmin):
    list_display = (
        "startdatum",
        "gespreksduur_display",
        "vraag",
        "gespreksresultaat",
        "verantwoordelijke_afdeling",
        "kanaal",
        "gespreks_id",
    )
    list_filter = ("gespreksresultaat", "verantwoordelijke_afdeling", "kanaal", "startdatum")
    date_hierarchy = "startdatum"
    search_fields = ("vraag", "specifieke_vraag", "gespreks_id", "contactmoment")
    readonly_fields = ("uuid", "aangemaakt", "gewijzigd")
    inlines = [BronInline]
    fieldsets = (
        (None, {"fields": ("contactmoment", "uuid", "vraag", "specifieke_vraag")}),
        (
            "Gesprek",
            {
                "fields": (
                    "gespreksresultaat",
                    ("startdatum", "einddatum"),
                    "verantwoordelijke_afdeling",
                    "gespreks_id",
                    "kanaal",
                    "emailadres_kcm",
                )
            },
        ),
        ("Registratie", {"fields": ("aangemaakt", "gewijzigd")}),
    )

    @admin.display(description="gespreksduur", ordering="einddatum")
    def gespreksduur_display(self, obj):
        return format_duur(obj.gespreksduur)
