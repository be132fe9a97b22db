"""All reads of kiss-details: single records and pages of contactmomentdetails, and the
values in use of the vocabulary fields (gespreksresultaat, afdeling, kanaal).

Views never build querysets themselves; they call a function here, so the query shape
(ordering, prefetching, what is counted) is decided in one place and can be tested for its
number of queries.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import Prefetch, QuerySet

from contactmomenten.models import Bron, ContactmomentDetails

# The vocabularies of free-text fields (afdelingen, resultaten, kanalen) are small and change
# rarely: their distinct values are read at most once per this many seconds per process.
VALUES_IN_USE_CACHE_SECONDS = 10 * 60
VALUES_IN_USE_MAX = 200
VOCABULARY_FIELDS = ("gespreksresultaat", "verantwoordelijke_afdeling", "kanaal")

# Newest first; the unique id breaks ties on startdatum so that offset pagination never shows
# a record twice or skips one (served by the index on (startdatum, id)).
STABLE_ORDER = ("-startdatum", "-id")


def _with_bronnen(queryset: QuerySet) -> QuerySet:
    """One extra query for the bronnen of all records in ``queryset``, never one per record."""
    return queryset.prefetch_related(
        Prefetch("bronnen", queryset=Bron.objects.only("contactmomentdetails_id", "soort", "titel", "url"))
    )


def contactmomentdetails_get(*, contactmoment: str) -> ContactmomentDetails | None:
    """The details of one contactmoment, with bronnen, or None."""
    return _with_bronnen(ContactmomentDetails.objects.filter(contactmoment=contactmoment)).first()


@dataclass(frozen=True)
class RapportagePage:
    count: int
    page_count: int
    results: list[ContactmomentDetails]


def contactmomentdetails_rapportage_page(
    *, start: datetime, end: datetime, page: int, page_size: int
) -> RapportagePage:
    """Page ``page`` (1-based) of the records with ``start <= startdatum <= end``, newest first.

    Two queries for the records (count, one LIMIT/OFFSET page) plus one for their bronnen;
    a page past the last runs only the count.
    """
    in_period = ContactmomentDetails.objects.filter(startdatum__gte=start, startdatum__lte=end)
    count = in_period.count()
    page_count = -(-count // page_size)
    offset = (page - 1) * page_size
    results = []
    if offset < count:
        results = list(_with_bronnen(in_period.order_by(*STABLE_ORDER))[offset : offset + page_size])
    return RapportagePage(count=count, page_count=page_count, results=results)


def _values_in_use_key(field_name: str) -> str:
    return f"kiss:waarden-in-gebruik:{field_name}"


def contactmomentdetails_values_in_use(field_name: str) -> list[str]:
    """The distinct non-empty values of one vocabulary field, sorted, from a cache.

    ``SELECT DISTINCT`` scans the whole table, so the admin's filter choices and the change
    form's suggestions read it at most once per ``VALUES_IN_USE_CACHE_SECONDS`` per process.
    """
    if field_name not in VOCABULARY_FIELDS:
        raise ValueError(f"{field_name} is no vocabulary field")
    key = _values_in_use_key(field_name)
    values = cache.get(key)
    if values is None:
        values = list(
            ContactmomentDetails.objects.exclude(**{field_name: ""})
            .order_by(field_name)
            .values_list(field_name, flat=True)
            .distinct()[:VALUES_IN_USE_MAX]
        )
        cache.set(key, values, VALUES_IN_USE_CACHE_SECONDS)
    return values


def contactmomentdetails_values_in_use_forget(field_name: str) -> None:
    """Drop the cached values of ``field_name`` (a beheerder just confirmed a new one)."""
    cache.delete(_values_in_use_key(field_name))
