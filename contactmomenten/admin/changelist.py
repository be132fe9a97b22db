"""Changelist pieces that keep the contactmomentdetails list fast at millions of rows.

Django's defaults each scan the whole table on every page view: ``COUNT(*)`` for the
paginator, ``SELECT DISTINCT`` for every field filter, and ``SELECT DISTINCT
date_trunc(...)`` for every level of the date hierarchy. Here each is replaced by something
bounded: an estimated or capped count, filter choices from a cache, and date hierarchy
choices generated from ``MIN``/``MAX`` (two index lookups on ``startdatum``).
"""

import copy
from datetime import date, timedelta

from django.contrib import admin
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.functional import cached_property

# Above this many rows the paginator stops counting and says "more than".
COUNT_CAP = 10_000
FILTER_CHOICES_CACHE_SECONDS = 10 * 60
FILTER_CHOICES_MAX = 200


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
    """A paginator that never counts a whole large table.

    Unfiltered: PostgreSQL's estimate when it is above the cap (pages past the real end are
    then empty rather than an error). Filtered or searched: an exact count up to
    ``COUNT_CAP``, else ``COUNT_CAP`` itself (``SELECT COUNT(*) FROM (... LIMIT cap+1)``).
    ``count_kind`` ("exact", "estimate", "capped") tells the template to say "ca." or
    "meer dan".
    """

    count_cap = COUNT_CAP
    count_kind = "exact"

    @cached_property
    def count(self):
        queryset = self.object_list
        if not queryset.query.where:
            estimate = table_row_estimate(queryset.model, queryset.db)
            if estimate is not None and estimate > self.count_cap:
                self.count_kind = "estimate"
                return estimate
        # values("pk") drops the select-list annotations (bronnen count) from the subquery.
        capped = queryset.order_by().values("pk")[: self.count_cap + 1].count()
        if capped > self.count_cap:
            self.count_kind = "capped"
            return self.count_cap
        return capped


class CachedValuesFilter(admin.SimpleListFilter):
    """Filter on the distinct values of one text field, with the choices cached.

    Django's field filter runs ``SELECT DISTINCT`` over the whole table on every page view;
    these vocabularies (afdelingen, resultaten, kanalen) are small and change rarely, so they
    are read once per ``FILTER_CHOICES_CACHE_SECONDS`` per process.
    """

    field_name: str

    def lookups(self, request, model_admin):
        key = f"kiss:admin:filterkeuzes:{model_admin.model._meta.label_lower}:{self.field_name}"
        values = cache.get(key)
        if values is None:
            values = list(
                model_admin.model._default_manager.exclude(**{self.field_name: ""})
                .order_by(self.field_name)
                .values_list(self.field_name, flat=True)
                .distinct()[:FILTER_CHOICES_MAX]
            )
            cache.set(key, values, FILTER_CHOICES_CACHE_SECONDS)
        return [(value, value) for value in values]

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


class _DateRangeQuerySet:
    """Stands in for ``cl.queryset`` in Django's ``date_hierarchy``: ``aggregate`` passes
    through, ``datetimes``/``dates`` return every year, month or day between the first and
    last date instead of ``SELECT DISTINCT date_trunc(...)`` over all matching rows. A day
    or month without records may therefore be offered; it just shows an empty list."""

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
        if kind == "year":
            return [date(year, 1, 1) for year in range(first.year, last.year + 1)]
        if kind == "month":
            months = range(first.year * 12 + first.month - 1, last.year * 12 + last.month)
            return [date(m // 12, m % 12 + 1, 1) for m in months]
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    dates = datetimes


def date_hierarchy_context(cl):
    """Django's date hierarchy context, with choices from MIN/MAX instead of DISTINCT."""
    from django.contrib.admin.templatetags.admin_list import date_hierarchy

    cheap = copy.copy(cl)
    cheap.queryset = _DateRangeQuerySet(cl.queryset, cl.date_hierarchy)
    return date_hierarchy(cheap)
