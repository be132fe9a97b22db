"""Exports straight from PostgreSQL: the filtered queryset compiled to SQL, every value
computed in SQL, streamed with ``COPY (...) TO STDOUT``.

The queryset (the admin's filters, search, date hierarchy and ordering) becomes the inner
query, each field in it as ``contactmomenten.privacy`` lets the exporting role see it (the
pseudonym is computed in SQL too); the outer query adds what the Python writer does per
row: the formula guard and the empty-string rule of ``csvfile``, local time in
``EXPORT_TIME_ZONE``, the gespreksduur in seconds, and the bronnen aggregated per record.
CSV comes out of ``COPY ... (FORMAT csv)`` ready to send; XLSX reads typed rows from
``COPY ... (FORMAT binary)``. Python touches each
row only to pass its bytes on, so a million rows cost little more than COPY itself.
"""

import time
from collections.abc import Iterator, Sequence

from django.db import connections
from django.db.models import F, QuerySet
from django.db.models.expressions import OrderBy

from contactmomenten import privacy
from contactmomenten.exports.columns import (
    BRONNEN_AANTAL,
    BRONNEN_SEPARATOR,
    BRONNEN_SOORTEN,
    BRONNEN_TITELS,
    DERIVED,
    EXPORT_TIME_ZONE_NAME,
    GESPREKSDUUR_SECONDEN,
    Column,
)
from contactmomenten.exports.csvfile import FORMULA_GUARD, FORMULA_PREFIXES
from contactmomenten.models import Bron
from contactmomenten.raw_sql import statement_logged
from contactmomenten.selectors import estimated_rows

# Bytes per yielded chunk (COPY sends one message per row).
CHUNK_BYTES = 64 * 1024
# CSV: above this many estimated rows, the bronnen of the whole table are aggregated once and
# joined (a hash join: the fastest in total, but the rows start only after the sort, some
# seconds for a year); below it, each record's bronnen are read through the index. XLSX
# always reads them per record: that plan walks the ordering's index and sends rows at once,
# so PostgreSQL and the (slower) XLSX writer work side by side from the first row.
GROUPED_BRONNEN_FROM_ROWS = 20_000
# The code points of the formula prefixes (constants, so inlined); ascii() gives a text's first.
_FORMULA_CODES = ", ".join(str(ord(prefix)) for prefix in FORMULA_PREFIXES)
BINARY_TYPES = {"text": "text", "int": "int8", "datetime": "timestamp"}


def _ordering(queryset: QuerySet) -> list[OrderBy]:
    """The queryset's ORDER BY as expressions (explicit, else the model's default)."""
    query = queryset.query
    items = query.order_by or (query.get_meta().ordering if query.default_ordering else ())
    ordering = []
    for item in items:
        if isinstance(item, str):
            if item == "?":
                continue
            name = item.lstrip("-")
            if name == "pk":
                name = queryset.model._meta.pk.name
            ordering.append(OrderBy(F(name), descending=item.startswith("-")))
        elif isinstance(item, OrderBy):
            ordering.append(item)
        else:
            ordering.append(OrderBy(item))
    return ordering


class _Select:
    """Builds the export SELECT; ``params`` collects the values in placeholder order."""

    def __init__(
        self,
        queryset: QuerySet,
        columns: Sequence[Column],
        *,
        role: str | None,
        typed: bool,
        bronnen_join: str,
    ):
        self.queryset = queryset
        self.role = role
        self.columns = columns
        self.typed = typed
        self.bronnen_join = bronnen_join
        self.params: list = []
        self.meta = queryset.model._meta

    def _param(self, value) -> str:
        self.params.append(value)
        return "%s"

    def _text(self, expression: str) -> str:
        if self.typed:
            return expression
        # csvfile: '' and NULL both empty (COPY would quote ''), text formula-guarded. The
        # first character compared by its code (ascii(), 0 for ''): a tenth of the export's
        # time less than left(..., 1) = ANY(...), which builds a string per cell.
        return (
            f"CASE WHEN ascii({expression}) IN ({_FORMULA_CODES}) "
            f"THEN {self._param(FORMULA_GUARD)} || {expression} ELSE NULLIF({expression}, '') END"
        )

    def _field(self, name: str) -> str:
        return f'd."kiss_{name}"'

    def _expression(self, column: Column) -> str:
        source = column.source
        if source == GESPREKSDUUR_SECONDEN:
            return (
                f"trunc(extract(epoch FROM {self._field('einddatum')} - {self._field('startdatum')}))::bigint"
            )
        if source == BRONNEN_AANTAL:
            return "COALESCE(b.aantal, 0)::bigint"
        if source in (BRONNEN_SOORTEN, BRONNEN_TITELS):
            return self._text(f"b.{source.removeprefix('bronnen_')}")
        field = self._field(source)
        if column.kind == "datetime":
            local = f"({field} AT TIME ZONE {self._param(EXPORT_TIME_ZONE_NAME)})"
            # YYYY-MM-DD HH:MI:SS: a timestamp's text in DateStyle ISO (the one psycopg reads
            # dates in), at half the cost of to_char.
            return local if self.typed else f"date_trunc('second', {local})::text"
        if column.kind == "text":
            return self._text(f"{field}::text")
        return f"{field}::bigint"

    def _bronnen(self) -> str:
        bron = Bron._meta
        table = bron.db_table
        fk = bron.get_field("contactmomentdetails").column
        separator = f"'{BRONNEN_SEPARATOR}'"  # a constant without quotes: a literal is safe
        aggregates = (
            f'count(*) AS aantal, string_agg(x."soort", {separator} ORDER BY x."id") AS soorten, '
            f'string_agg(x."titel", {separator} ORDER BY x."id") AS titels'
        )
        if self.bronnen_join == "lateral":
            per_record = f'SELECT {aggregates} FROM "{table}" x WHERE x."{fk}" = d."kiss_id"'
            return f"LEFT JOIN LATERAL ({per_record}) b ON true"
        return (
            f'LEFT JOIN (SELECT x."{fk}" AS cid, {aggregates} FROM "{table}" x GROUP BY x."{fk}") b '
            'ON b.cid = d."kiss_id"'
        )

    def sql(self) -> str:
        ordering = _ordering(self.queryset)
        sources = {c.source for c in self.columns if c.source not in DERIVED}
        fields = sorted(sources | {"id", "startdatum", "einddatum"})
        # Each field as the role may see it (privacy decides: shown, pseudonym or NULL).
        shown = {f"kiss_{name}": privacy.expression(self.role, name) for name in fields}
        sort = {f"kiss_sort_{i}": order.expression for i, order in enumerate(ordering)}
        inner = self.queryset.order_by().values(**shown, **sort)
        inner_sql, inner_params = inner.query.get_compiler(using=self.queryset.db).as_sql()
        select = ", ".join(self._expression(c) for c in self.columns)
        bronnen = self._bronnen()
        self.params.extend(inner_params)  # placeholders: select list, then the inner query
        order_by = ", ".join(
            f'd."{name}"'
            + (" DESC" if order.descending else "")
            + (" NULLS FIRST" if order.nulls_first else " NULLS LAST" if order.nulls_last else "")
            for name, order in zip(sort, ordering, strict=True)
        )
        sql = f"SELECT {select} FROM ({inner_sql}) d {bronnen}"
        return f"{sql} ORDER BY {order_by}" if order_by else sql


def export_sql(
    queryset: QuerySet,
    columns: Sequence[Column],
    *,
    role: str | None,
    typed: bool,
    bronnen_join: str = "grouped",
) -> tuple[str, list]:
    """The export SELECT for ``queryset`` as ``role`` may see it, and its params (``typed``:
    values for XLSX, else the CSV text of each cell)."""
    select = _Select(queryset, columns, role=role, typed=typed, bronnen_join=bronnen_join)
    sql = select.sql()
    return sql, select.params


class _Copy:
    """One ``COPY (export SELECT) TO STDOUT``, logged like Django's own queries."""

    def __init__(
        self, queryset: QuerySet, columns: Sequence[Column], *, role: str | None, typed: bool, options: str
    ):
        self.connection = connections[queryset.db]
        self.queryset = queryset
        self.role = role
        self.columns = columns
        self.typed = typed
        self.options = options

    def __enter__(self):
        # typed: the XLSX rows, which always stream (see GROUPED_BRONNEN_FROM_ROWS).
        grouped = not self.typed and estimated_rows(self.queryset) >= GROUPED_BRONNEN_FROM_ROWS
        join = "grouped" if grouped else "lateral"
        self.connection.ensure_connection()
        self.cursor = self.connection.connection.cursor()
        sql, params = export_sql(
            self.queryset, self.columns, role=self.role, typed=self.typed, bronnen_join=join
        )
        statement = f"COPY ({sql}) TO STDOUT ({self.options})"
        self.started = time.monotonic()
        self.copy = self.cursor.copy(statement, params)
        self.statement, self.params = statement, params
        return self.copy.__enter__()

    def __exit__(self, *exc_info):
        try:
            return self.copy.__exit__(*exc_info)
        finally:
            self.cursor.close()
            statement_logged(self.connection, self.statement, self.params, self.started)


def copy_csv(
    queryset: QuerySet, columns: Sequence[Column], *, role: str | None, delimiter: str, counter
) -> Iterator[bytes]:
    """The CSV rows (no header) in chunks; ``counter.rows`` follows the rows sent."""
    if len(delimiter) != 1 or delimiter in "\"'\\\r\n":
        raise ValueError(f"Ongeldig scheidingsteken: {delimiter!r}")
    options = f"FORMAT csv, DELIMITER '{delimiter}'"
    with _Copy(queryset, columns, role=role, typed=False, options=options) as copy:
        buffer = bytearray()
        rows = 0
        for data in copy:  # one message per row
            buffer += data
            rows += 1
            if len(buffer) >= CHUNK_BYTES:
                counter.rows = rows
                yield bytes(buffer)
                buffer.clear()
        counter.rows = rows
        if buffer:
            yield bytes(buffer)


def copy_rows(queryset: QuerySet, columns: Sequence[Column], *, role: str | None) -> Iterator[tuple]:
    """Typed rows (str, int, naive local datetime, None) read with a binary COPY."""
    with _Copy(queryset, columns, role=role, typed=True, options="FORMAT binary") as copy:
        copy.set_types([BINARY_TYPES[c.kind] for c in columns])
        yield from copy.rows()
