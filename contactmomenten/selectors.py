"""Reads of kiss-details shared by several faces: a single record for KISS, the keyset pages
of contactmomentdetails (/api/v1 list, KISS management endpoint), the values in use of the
vocabulary fields (gespreksresultaat, afdeling, kanaal), the resultaten of the KPI mapping,
upstream's FAQ (the most frequent recent vragen) and what changed in a record since a
version (the admin's refused save). The aggregates live
in ``contactmomenten.statistieken``.

The API faces call a function here for their pages, so the query shape of a page (ordering,
prefetching, what is counted, which columns a row has) is decided in one place and can be
tested for its number of queries; the admin and the single-record views of /api/v1 build
their querysets with Django's own machinery. Pages are keyset pages (``contactmomenten.paging``)
of plain rows, not model instances: the API faces shape them without DRF field machinery.
"""

import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any

import orjson
from django.core.cache import cache
from django.db import connections
from django.db.models import Count, Prefetch, QuerySet

from contactmomenten import privacy
from contactmomenten.constants import BRON_FIELDS, DETAIL_FIELDS, STABLE_ORDER
from contactmomenten.models import Bron, ContactmomentDetails, GespreksresultaatCategorie, version_moment
from contactmomenten.paging import Page, page_fetch

# The vocabularies of free-text fields (afdelingen, resultaten, kanalen) are small and change
# rarely: their distinct values are read at most once per this many seconds per process.
VALUES_IN_USE_CACHE_SECONDS = 10 * 60
VALUES_IN_USE_MAX = 200
VOCABULARY_FIELDS = ("gespreksresultaat", "verantwoordelijke_afdeling", "kanaal")


def _with_bronnen(queryset: QuerySet) -> QuerySet:
    """One extra query for the bronnen of all records in ``queryset``, never one per record."""
    return queryset.prefetch_related(
        Prefetch("bronnen", queryset=Bron.objects.only("contactmomentdetails_id", "soort", "titel", "url"))
    )


def contactmomentdetails_get(*, contactmoment: str) -> ContactmomentDetails | None:
    """The details of one contactmoment, with bronnen, or None."""
    return _with_bronnen(ContactmomentDetails.objects.filter(contactmoment=contactmoment)).first()


# The columns of a record on a page, for every face (KISS, /api/v1): one fetch, two shapes.
# Who may see emailadres_kcm is decided by contactmomenten.privacy (see page_expressions).
PAGE_FIELDS = (
    "id",
    "uuid",
    "contactmoment",
    *(field for field in DETAIL_FIELDS if field != "emailadres_kcm"),
    "aangemaakt",
    "gewijzigd",
)


def page_expressions(role: str | None) -> dict:
    """The computed columns of a page row: ``emailadres`` as ``role`` may see it (in SQL)."""
    return {"emailadres": privacy.expression(role, "emailadres_kcm")}


# The bronnen of each page record as the JSON the page writes, built by PostgreSQL in the
# page's own statement (``page_rows``): one compact object per bron (row_to_json: keys in the
# serializer's order, the same escapes as orjson and DRF), joined by "," (json_agg would add
# spaces), in the order consulted; NULL without any.
_BRON_ROW = f"LATERAL (SELECT {', '.join(BRON_FIELDS)}) AS b({', '.join(BRON_FIELDS)})"
_BRONNEN_JSON = f"""(SELECT '[' || string_agg(row_to_json(b)::text, ',' ORDER BY bron.id) || ']'
    FROM {Bron._meta.db_table} AS bron, {_BRON_ROW}
    WHERE bron.contactmomentdetails_id = page."id")"""


def _bronnen_json(row: dict) -> dict:
    text = row["bronnen"]
    row["bronnen"] = orjson.Fragment(text) if text is not None else []
    return row


def _page_bronnen(ids: list[int], using: str) -> dict[int, list[dict]]:
    """The bronnen (soort, titel, url) of ``ids`` per details id, in the order consulted."""
    bronnen = {}
    for details_id, *values in (
        Bron.objects.using(using)
        .filter(contactmomentdetails_id__in=ids)
        .order_by("contactmomentdetails_id", "id")
        .values_list("contactmomentdetails_id", *BRON_FIELDS)
    ):
        bronnen.setdefault(details_id, []).append(dict(zip(BRON_FIELDS, values, strict=True)))
    return bronnen


def contactmomentdetails_page(
    queryset: QuerySet,
    *,
    role: str | None,
    page: int,
    page_size: int,
    cursor: str | None,
    query_key: str,
    consume: Callable[[Iterator[dict]], Any] = list,
) -> Page:
    """One page of ``queryset`` (ordered, ending with the id) as ``consume`` of its rows with
    bronnen: a count (once per walk) and the page by keyset, on PostgreSQL its bronnen in the
    same statement (rows read as they arrive), elsewhere in one more query; see
    ``contactmomenten.paging``."""
    postgres = connections[queryset.db].vendor == "postgresql"
    result = page_fetch(
        queryset,
        fields=PAGE_FIELDS,
        expressions=page_expressions(role),
        page=page,
        page_size=page_size,
        cursor=cursor,
        query_key=query_key,
        extra={"bronnen": _BRONNEN_JSON} if postgres else None,
        consume=(lambda rows: consume(map(_bronnen_json, rows))) if postgres else list,
    )
    if postgres:
        return result
    bronnen = _page_bronnen([row["id"] for row in result.rows], queryset.db) if result.rows else {}
    for row in result.rows:
        row["bronnen"] = bronnen.get(row["id"], [])
    return replace(result, rows=consume(iter(result.rows)))


def contactmomentdetails_rapportage_page(
    *,
    start: datetime,
    end: datetime,
    role: str | None,
    page: int,
    page_size: int,
    cursor: str | None,
    consume: Callable[[Iterator[dict]], Any] = list,
) -> Page:
    """Page ``page`` (1-based) of the records with ``start <= startdatum <= end``, newest
    first, as ``consume`` of its rows (see ``contactmomentdetails_page``)."""
    in_period = ContactmomentDetails.objects.filter(startdatum__gte=start, startdatum__lte=end)
    return contactmomentdetails_page(
        in_period.order_by(*STABLE_ORDER),
        role=role,
        page=page,
        page_size=page_size,
        cursor=cursor,
        query_key=f"rapportage|{start.isoformat()}|{end.isoformat()}|{page_size}",
        consume=consume,
    )


def contactmomentdetails_changed_since(details: ContactmomentDetails, versie: str) -> list[str] | None:
    """The names (verbose_name) of the fields of ``details`` that differ from its version
    ``versie`` (``ContactmomentDetails.versie``), "bronnen" included; None when the history
    does not hold that version."""
    try:
        gewijzigd = version_moment(versie)
    except (ValueError, OverflowError):
        return None
    old = details.history.filter(gewijzigd=gewijzigd).order_by("history_id").first()
    if old is None:
        return None
    current = details.history.order_by("-history_id").first()
    fields = [f for f in ContactmomentDetails._meta.concrete_fields if f.name not in ("id", "gewijzigd")]
    changed = [str(f.verbose_name) for f in fields if getattr(old, f.attname) != getattr(details, f.attname)]
    if current is not None and current.history_bronnen != old.history_bronnen:
        changed.append("bronnen")
    return changed


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


def gespreksresultaat_categorie_resultaten() -> list[str]:
    """The gespreksresultaten the KPI mapping knows (a small table: read on each call)."""
    return list(GespreksresultaatCategorie.objects.order_by("resultaat").values_list("resultaat", flat=True))


# Upstream's FAQ: the FAQ_AANTAL most frequent vragen among the FAQ_VENSTER latest records.
FAQ_VENSTER, FAQ_AANTAL = 500, 10


def faq_vragen() -> list[str]:
    """The ``FAQ_AANTAL`` most frequent non-blank vragen among the ``FAQ_VENSTER`` records
    with a non-blank vraag and the latest einddatum, most frequent first: two queries' worth
    of work in one (an index scan of einddatum, then a GROUP BY of 500 rows).

    As upstream (Kiss.Bff/Intern/Faq/GetFaq.cs): blank vragen (IsNullOrWhiteSpace) are left
    out before the 500 are taken, and vragen are grouped as stored. Upstream leaves the order
    of equal counts to the database; here they are alphabetical, so the answer is stable.
    """
    latest = (
        ContactmomentDetails.objects.exclude(vraag__regex=r"^\s*$")
        .order_by("-einddatum", "-id")
        .values("id")[:FAQ_VENSTER]
    )
    ranked = (
        ContactmomentDetails.objects.filter(id__in=latest)
        .order_by()
        .values("vraag")
        .annotate(aantal=Count("id"))
        .order_by("-aantal", "vraag")
        .values_list("vraag", "aantal")[:FAQ_AANTAL]
    )
    return [vraag for vraag, _ in ranked]


def estimated_rows(queryset: QuerySet) -> int:
    """PostgreSQL's planner estimate of the rows ``queryset`` selects (``EXPLAIN``, nothing
    runs); 0 for a queryset that can match nothing (``none()``, an impossible filter)."""
    if queryset.query.is_empty():
        return 0
    plan = queryset.order_by().values("pk").explain(format="json")
    return int(json.loads(plan)[0]["Plan"]["Plan Rows"]) if plan else 0
