"""Changelist pieces that keep the contactmomentdetails list fast at millions of rows, and
truthful about what it shows.

Django's defaults each scan the whole table on every page view: ``COUNT(*)`` for the
paginator, ``SELECT DISTINCT`` for every field filter, and ``SELECT DISTINCT
date_trunc(...)`` for every level of the date hierarchy. Here each is replaced by something
bounded: a count that is exact up to ``COUNT_CAP`` and otherwise a PostgreSQL estimate
(shown as "ca."; other databases count exactly), filter choices from a cache, and date
hierarchy choices probed with one ``EXISTS`` per period between ``MIN`` and ``MAX``. A page
number past the last page shows the last page, with a message.
"""

import copy
from datetime import date, datetime, time

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import Exists, Max, Min
from django.utils import timezone
from django.utils.functional import cached_property

from contactmomenten.selectors import contactmomentdetails_values_in_use, estimated_rows

# Up to this many rows the paginator counts exactly; above it PostgreSQL estimates.
COUNT_CAP = 10_000
# A filter or search the planner expects to match this many times the cap is not counted
# at all: even a capped count reads every posting of a frequent search term (tens of ms
# at a million rows), the estimate costs an EXPLAIN.
UNCOUNTED_FROM = 5


def table_row_estimate(model, using: str) -> int | None:
    """PostgreSQL's estimate of the row count (``pg_class.reltuples``), or None elsewhere.

    Kept current by autovacuum/ANALYZE; -1 (never analyzed) gives None.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)", [model._meta.db_table]
        )
        row = cursor.fetchone()
    return row[0] if row and row[0] is not None and row[0] >= 0 else None


class EstimatedCountPaginator(Paginator):
    """A paginator that never counts a whole large table on PostgreSQL.

    The count is exact up to ``count_cap`` (``SELECT COUNT(*) FROM (... LIMIT cap+1)``).
    Above it, PostgreSQL estimates: the table statistics when unfiltered, the planner when
    filtered or searched (never below the cap); when the planner expects more than
    ``UNCOUNTED_FROM`` times the cap, nothing is counted. ``count_kind`` is then "estimate", and the
    templates say "ca.". Other databases count exactly. A page at or past the estimated last
    page counts exactly (reaching it reads that far anyway), so the last real page is
    reachable; a page past the last gives the last page.
    """

    count_cap = COUNT_CAP

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_kind = "exact"

    @cached_property
    def count(self):
        queryset = self.object_list
        postgres = connections[queryset.db].vendor == "postgresql"
        if postgres and not queryset.query.where:
            estimate = table_row_estimate(queryset.model, queryset.db)
            if estimate is not None and estimate > self.count_cap:
                self.count_kind = "estimate"
                return estimate
        planned = estimated_rows(queryset) if postgres and queryset.query.where else 0
        if planned > UNCOUNTED_FROM * self.count_cap:
            self.count_kind = "estimate"
            return planned
        # values("pk") drops the select-list annotations (bronnen count) from the subquery.
        capped = queryset.order_by().values("pk")[: self.count_cap + 1].count()
        if capped <= self.count_cap:
            return capped
        if not postgres:
            return self._exact_count()
        self.count_kind = "estimate"
        return max(planned, capped)

    def _exact_count(self) -> int:
        return self.object_list.order_by().values("pk").count()

    def count_exactly(self) -> None:
        self.__dict__["count"] = self._exact_count()
        self.__dict__.pop("num_pages", None)
        self.count_kind = "exact"

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("Dat paginanummer is geen geheel getal.") from None
        number = max(number, 1)
        if self.count_kind == "estimate" and number >= self.num_pages:
            self.count_exactly()
        return min(number, self.num_pages)


class TruthfulChangeList(ChangeList):
    """A ChangeList whose count and page number are those of the page it shows: after the
    count turned exact, or for a page number past the last (see ``EstimatedCountPaginator``),
    which shows the last page with a message instead of a redirect to page 1."""

    def get_results(self, request):
        super().get_results(request)
        paginator = self.paginator
        self.result_count = paginator.count
        requested = self.page_num
        last = paginator.num_pages if self.multi_page else 1
        self.page_num = min(max(requested, 1), last)
        if requested > last and not self.show_all:
            messages.info(request, f"Pagina {requested} bestaat niet: u ziet de laatste pagina ({last}).")


class CachedValuesFilter(admin.SimpleListFilter):
    """Filter on the distinct values of one text field, with the choices from a cache
    (``contactmomentdetails_values_in_use``) instead of a ``SELECT DISTINCT`` per page view."""

    field_name: str

    def lookups(self, request, model_admin):
        return [(value, value) for value in contactmomentdetails_values_in_use(self.field_name)]

    def queryset(self, request, queryset):
        value = self.value()
        if value and "\x00" in value:
            # No stored text contains a NUL byte (PostgreSQL refuses them in a query).
            return queryset.none()
        if value:
            return queryset.filter(**{self.field_name: value})
        return queryset


def cached_values_filter(field_name: str, title: str) -> type[CachedValuesFilter]:
    """A ``CachedValuesFilter`` subclass for ``field_name`` (the URL parameter is the field)."""
    return type(
        f"{field_name.title().replace('_', '')}Filter",
        (CachedValuesFilter,),
        {"field_name": field_name, "parameter_name": field_name, "title": title},
    )


def _periods(first: date, last: date, kind: str) -> list[date]:
    """Every year, month or day from ``first`` to ``last`` (their first days)."""
    if kind == "year":
        return [date(year, 1, 1) for year in range(first.year, last.year + 1)]
    if kind == "month":
        months = range(first.year * 12 + first.month - 1, last.year * 12 + last.month)
        return [date(m // 12, m % 12 + 1, 1) for m in months]
    return [date.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1)]


def _period_end(start: date, kind: str) -> date:
    if kind == "year":
        return date(start.year + 1, 1, 1)
    if kind == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return date.fromordinal(start.toordinal() + 1)


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time()))


class _DateRangeQuerySet:
    """Stands in for ``cl.queryset`` in Django's ``date_hierarchy``: ``aggregate`` passes
    through; ``datetimes``/``dates`` take the candidate years, months or days between the
    first and last date (``MIN``/``MAX``, two index lookups) and keep those with records,
    probed in one query with an ``EXISTS`` per period (an index range lookup each), instead
    of ``SELECT DISTINCT date_trunc(...)`` over all matching rows."""

    def __init__(self, queryset, field_name: str):
        self._queryset = queryset
        self._field_name = field_name

    def aggregate(self, *args, **kwargs):
        return self._queryset.aggregate(*args, **kwargs)

    def datetimes(self, field_name, kind, *args, **kwargs):
        bounds = self._queryset.aggregate(first=Min(field_name), last=Max(field_name))
        if bounds["first"] is None:
            return []
        first = timezone.localtime(bounds["first"]).date()
        last = timezone.localtime(bounds["last"]).date()
        candidates = _periods(first, last, kind)
        probes = {
            f"p{n}": Exists(
                self._queryset.filter(
                    **{
                        f"{field_name}__gte": _local_midnight(start),
                        f"{field_name}__lt": _local_midnight(_period_end(start, kind)),
                    }
                )
            )
            for n, start in enumerate(candidates)
        }
        # One row of the table carries the probes (the table has rows: MIN found one).
        found = (
            self._queryset.model._base_manager.using(self._queryset.db)
            .order_by()
            .annotate(**probes)
            .values(*probes)[0]
        )
        return [start for n, start in enumerate(candidates) if found[f"p{n}"]]

    dates = datetimes


def date_hierarchy_context(cl):
    """Django's date hierarchy context, offering only periods that have records."""
    from django.contrib.admin.templatetags.admin_list import date_hierarchy

    cheap = copy.copy(cl)
    cheap.queryset = _DateRangeQuerySet(cl.queryset, cl.date_hierarchy)
    return date_hierarchy(cheap)
