"""All reads of kiss-details: single records and pages of contactmomentdetails.

Views never build querysets themselves; they call a function here, so the query shape
(ordering, prefetching, what is counted) is decided in one place and can be tested for its
number of queries.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet

from contactmomenten.models import Bron, ContactmomentDetails

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
