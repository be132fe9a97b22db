"""ContactmomentDetailsFilterSet: the query filters and orderings of the /api/v1 list.

The /api/v1 list and /api/v1/statistieken (without ``ordering``) filter through this class,
so a filter means the same in both; a face that offers the same filters should use it too.
(The admin list has its own list filters, search and date hierarchy, and its export exports
what that list selects; the KISS management endpoint filters only by upstream's from/to.)

Callers pass a QueryDict and get a queryset (or form errors); the only thing it reads of a
request is the user's role. Who may filter on a personal field is decided by
``contactmomenten.privacy``: ``PRIVACY_FILTERS`` names those filters, so a view can refuse
them up front (``privacy_filters_refused``), and the filters themselves only match what the
requesting role sees (``self.request``; no request means no personal filter). Datetime values
are parsed by ``contactmomenten.datetimes``.
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.dateparse import parse_date
from drf_spectacular.utils import extend_schema_field

from contactmomenten import privacy
from contactmomenten.constants import STABLE_ORDER
from contactmomenten.datetimes import query_datetime
from contactmomenten.models import GESPREKSDUUR, Bron, ContactmomentDetails
from contactmomenten.roles import user_role

# Date-only filter values mean the start of that day here, whatever the server's TIME_ZONE.
AMSTERDAM = ZoneInfo("Europe/Amsterdam")

# Filters on personal fields (wire name -> model field): usable as far as the role sees them.
PRIVACY_FILTERS = {"emailadresKcm": "emailadres_kcm"}


def privacy_filters_refused(params, role: str | None) -> list[str]:
    """The names of filters on personal fields in ``params`` that ``role`` may not use."""
    used = (name for name in PRIVACY_FILTERS if name in params)
    return [name for name in used if not privacy.may_query(role, PRIVACY_FILTERS[name])]


def datum_of_datumtijd(value: str) -> datetime | None:
    """Parse an ISO 8601 datetime, or a date meaning its start in Europe/Amsterdam.

    Datetimes without an offset are read as Europe/Amsterdam too (``query_datetime``).
    Returns None when ``value`` is neither.
    """
    moment = query_datetime(value, naive_zone=AMSTERDAM)
    if moment is not None:
        return moment
    try:
        day = parse_date(value.strip())
    except ValueError:  # well-formed but impossible, e.g. 2024-02-30
        return None
    return None if day is None else datetime.combine(day, time.min, tzinfo=AMSTERDAM)


class DatumTijdField(forms.Field):
    """Form field for :func:`datum_of_datumtijd`."""

    default_error_messages = {
        "invalid": "Geef een datum (JJJJ-MM-DD) of een datum-tijd in ISO 8601 (2024-03-01T09:30:00+01:00).",
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value
        if isinstance(value, date):
            return datetime.combine(value, time.min, tzinfo=AMSTERDAM)
        moment = datum_of_datumtijd(str(value))
        if moment is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return moment


class DatumTijdFilter(django_filters.Filter):
    """A datetime filter that also accepts a date (its start in Europe/Amsterdam)."""

    field_class = DatumTijdField


def datumtijd_filter(field_name: str, lookup_expr: str, label: str, help_text: str) -> DatumTijdFilter:
    """A DatumTijdFilter documented as "date-time or date" with its Dutch description."""
    schema = {
        "anyOf": [{"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}],
        "description": help_text,
    }
    return extend_schema_field(schema)(
        DatumTijdFilter(field_name=field_name, lookup_expr=lookup_expr, label=label, help_text=help_text)
    )


class ContactmomentDetailsOrderingFilter(django_filters.OrderingFilter):
    """Ordering on the public field names, always ending in a unique tie-breaker (id).

    Without a tie-breaker, records with the same startdatum could move between pages.
    ``gespreksduur`` is computed in the database only when someone sorts on it.
    """

    def filter(self, qs, value):
        # Empty items ("ordering=,,") are skipped, as django-filter's own OrderingFilter does.
        ordering = [self.get_ordering_value(param) for param in value or [] if param]
        if not ordering:
            return qs.order_by(*STABLE_ORDER)
        if any(field.lstrip("-") == "duur" for field in ordering):
            qs = qs.annotate(duur=GESPREKSDUUR)
        tie_breaker = "-id" if ordering[-1].startswith("-") else "id"
        return qs.order_by(*ordering, tie_breaker)


class ContactmomentDetailsFilterSet(django_filters.FilterSet):
    startdatum__gte = datumtijd_filter(
        "startdatum",
        "gte",
        "startdatum vanaf",
        "Alleen gesprekken die op of na dit moment begonnen. Een datum (JJJJ-MM-DD) betekent "
        "het begin van die dag in Europe/Amsterdam.",
    )
    startdatum__lt = datumtijd_filter(
        "startdatum",
        "lt",
        "startdatum voor",
        "Alleen gesprekken die voor dit moment begonnen. Een datum (JJJJ-MM-DD) betekent het "
        "begin van die dag in Europe/Amsterdam, dus die dag telt niet mee.",
    )
    einddatum__gte = datumtijd_filter(
        "einddatum",
        "gte",
        "einddatum vanaf",
        "Alleen gesprekken die op of na dit moment eindigden. Een datum (JJJJ-MM-DD) betekent "
        "het begin van die dag in Europe/Amsterdam.",
    )
    einddatum__lt = datumtijd_filter(
        "einddatum",
        "lt",
        "einddatum voor",
        "Alleen gesprekken die voor dit moment eindigden. Een datum (JJJJ-MM-DD) betekent het "
        "begin van die dag in Europe/Amsterdam.",
    )
    verantwoordelijkeAfdeling = django_filters.CharFilter(
        field_name="verantwoordelijke_afdeling",
        label="verantwoordelijke afdeling",
        help_text="Verantwoordelijke afdeling, exact (hoofdlettergevoelig).",
    )
    verantwoordelijkeAfdeling__icontains = django_filters.CharFilter(
        field_name="verantwoordelijke_afdeling",
        lookup_expr="icontains",
        label="verantwoordelijke afdeling bevat",
        help_text="Verantwoordelijke afdeling bevat deze tekst (niet hoofdlettergevoelig).",
    )
    gespreksresultaat = django_filters.CharFilter(
        label="gespreksresultaat",
        help_text="Gespreksresultaat, exact, bijvoorbeeld 'Zelfstandig afgehandeld'.",
    )
    kanaal = django_filters.CharFilter(label="kanaal", help_text="Kanaal, exact, bijvoorbeeld 'telefoon'.")
    gespreksId = django_filters.CharFilter(
        field_name="gespreks_id",
        label="gespreksId",
        help_text="Alle vragen uit één gesprek: gespreksId, exact.",
    )
    contactmoment = django_filters.CharFilter(
        label="contactmoment",
        help_text="Verwijzing naar het contactmoment in het Klantinteracties-register, exact.",
    )
    bronSoort = django_filters.CharFilter(
        method="filter_bron_soort",
        label="soort bron",
        help_text=(
            "Alleen contactmomentdetails met minstens één bron van deze soort (bijvoorbeeld "
            "kennisartikel, vac, website, nieuwsbericht of werkinstructie). Elk record komt één "
            "keer voor, hoeveel bronnen van die soort het ook heeft."
        ),
    )
    emailadresKcm = django_filters.CharFilter(
        method="filter_emailadres_kcm",
        label="e-mailadres KCM",
        help_text=(
            "E-mailadres van de klantcontactmedewerker (niet hoofdlettergevoelig), zoals uw rol het "
            "ziet: beheerders het adres; analisten alleen als EMAILADRES_KCM_VOOR_ANALIST 'tonen' "
            "is, of het pseudoniem bij 'pseudoniem'; anders 403."
        ),
    )
    ordering = ContactmomentDetailsOrderingFilter(
        fields=(
            ("startdatum", "startdatum"),
            ("einddatum", "einddatum"),
            ("duur", "gespreksduur"),
            ("verantwoordelijke_afdeling", "verantwoordelijkeAfdeling"),
            ("gewijzigd", "gewijzigd"),
        ),
        field_labels={
            "startdatum": "startdatum",
            "einddatum": "einddatum",
            "duur": "gespreksduur",
            "verantwoordelijke_afdeling": "verantwoordelijke afdeling",
            "gewijzigd": "gewijzigd",
        },
        label="sortering",
        help_text=(
            "Sortering: startdatum, einddatum, gespreksduur, verantwoordelijkeAfdeling of "
            "gewijzigd; met '-' ervoor aflopend, meerdere gescheiden door komma's. Standaard "
            "-startdatum. Gelijke waarden staan altijd in dezelfde volgorde (op id)."
        ),
    )

    class Meta:
        model = ContactmomentDetails
        fields = []

    def filter_emailadres_kcm(self, queryset, name, value: str):
        role = user_role(getattr(self.request, "user", None))
        return privacy.queryset_filter(queryset, role, PRIVACY_FILTERS[name], value)

    def filter_bron_soort(self, queryset, name, value: str):
        # EXISTS instead of a join: one row per record, no DISTINCT needed.
        return queryset.filter(Exists(Bron.objects.filter(contactmomentdetails=OuterRef("pk"), soort=value)))
