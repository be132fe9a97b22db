"""Streaming CSV and XLSX exports of contactmomentdetails; they know nothing of requests.

``export_stream(queryset, formaat)`` returns the file as a stream of byte chunks for a
``StreamingHttpResponse``. On PostgreSQL the rows come from ``COPY (...) TO STDOUT`` with
every value computed in SQL (``exports.postgres``); elsewhere from the ORM with a server-side
iterator and bronnen prefetched per chunk, written in Python (``exports.csvfile``). Both give
the same bytes (a test holds them to it). Personal fields hold what the exporting role may
see (``contactmomenten.privacy``: shown, pseudonym, or empty when left out). XLSX is written
as it streams (``exports.xlsx``). Memory stays flat however many rows a queryset selects.
The columns: ``exports.columns``.
"""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.db import connections
from django.db.models import Max, Min, Prefetch, QuerySet
from django.utils import timezone

from contactmomenten import privacy
from contactmomenten.exports.columns import (
    COLUMNS,
    DERIVED,
    GESPREKSDUUR_SECONDEN,
    XLSX_DURATION,
    Column,
    record_value,
)
from contactmomenten.exports.csvfile import csv_header, csv_stream
from contactmomenten.exports.postgres import copy_csv, copy_rows
from contactmomenten.exports.xlsx import CONTENT_TYPE as XLSX_CONTENT_TYPE
from contactmomenten.exports.xlsx import xlsx_stream
from contactmomenten.models import Bron

__all__ = ["COLUMNS", "FORMATS", "ExportFormat", "RowCounter", "export_filename", "export_stream"]

CHUNK_SIZE = 2000


@dataclass(frozen=True)
class ExportFormat:
    label: str
    extension: str
    content_type: str
    delimiter: str = ""  # CSV only
    suffix: str = ""  # after the dates in the file name


FORMATS = {
    "csv": ExportFormat("CSV", "csv", "text/csv; charset=utf-8", delimiter=","),
    "csv-puntkomma": ExportFormat(
        "CSV (;)", "csv", "text/csv; charset=utf-8", delimiter=";", suffix="_puntkomma"
    ),
    "xlsx": ExportFormat("Excel", "xlsx", XLSX_CONTENT_TYPE),
}


class RowCounter:
    """How many rows an export has sent so far."""

    rows = 0


def export_filename(queryset: QuerySet, formaat: str) -> str:
    """``contactmomentdetails_<first>_<last><suffix>.<ext>`` with the dates of the first and
    last startdatum selected (two index lookups), or ``..._leeg`` for an empty selection."""
    spec = FORMATS[formaat]
    bounds = queryset.order_by().aggregate(first=Min("startdatum"), last=Max("startdatum"))
    if bounds["first"] is None:
        return f"contactmomentdetails_leeg{spec.suffix}.{spec.extension}"
    first, last = (timezone.localdate(bounds[k]).isoformat() for k in ("first", "last"))
    return f"contactmomentdetails_{first}_{last}{spec.suffix}.{spec.extension}"


def export_rows(
    queryset: QuerySet,
    columns: Sequence[Column] = COLUMNS,
    *,
    role: str | None,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[list]:
    """The values of every selected record as ``role`` may see them (``privacy``), one list
    per row, in the queryset's order (ORM)."""
    bronnen = Prefetch("bronnen", queryset=Bron.objects.only("contactmomentdetails_id", "soort", "titel"))
    governed = {
        column.source: f"kiss_shown_{column.source}"
        for column in columns
        if column.source not in DERIVED and privacy.visibility(role, column.source) != privacy.TONEN
    }
    queryset = queryset.annotate(
        **{alias: privacy.expression(role, name) for name, alias in governed.items()}
    )
    for details in queryset.prefetch_related(bronnen).iterator(chunk_size=chunk_size):
        yield [record_value(details, column, governed.get(column.source)) for column in columns]


def xlsx_layout(columns: Sequence[Column]) -> tuple[list[Column], list[int]]:
    """The XLSX columns (the duration next to the seconds) and the row value each shows."""
    layout, sources = [], []
    for index, column in enumerate(columns):
        layout.append(column)
        sources.append(index)
        if column.source == GESPREKSDUUR_SECONDEN:
            layout.append(XLSX_DURATION)
            sources.append(index)
    return layout, sources


def _counted(rows: Iterable, counter: RowCounter) -> Iterator:
    for row in rows:
        counter.rows += 1
        yield row


def _copy_csv(queryset, columns, role, delimiter, counter) -> Iterator[bytes]:
    yield csv_header(columns, delimiter)
    yield from copy_csv(queryset, columns, role=role, delimiter=delimiter, counter=counter)


def export_stream(
    queryset: QuerySet,
    formaat: str,
    *,
    role: str | None,
    counter: RowCounter | None = None,
    columns: Sequence[Column] = COLUMNS,
    postgres: bool | None = None,
) -> Iterator[bytes]:
    """The export of ``queryset`` in ``formaat`` (a key of FORMATS) as byte chunks, each
    field as ``role`` may see it (``contactmomenten.privacy``).

    Nothing runs until the first chunk is asked for: a COPY occupies its connection until
    it ends, so it must start after the view and the middleware are done with it.
    ``postgres`` forces the path (the tests compare both); by default COPY is used
    whenever the database is PostgreSQL.
    """
    spec = FORMATS[formaat]
    counter = counter or RowCounter()
    if postgres is None:
        postgres = connections[queryset.db].vendor == "postgresql"
    if spec.extension == "xlsx":
        layout, sources = xlsx_layout(columns)
        rows = (
            copy_rows(queryset, columns, role=role) if postgres else export_rows(queryset, columns, role=role)
        )
        stream = xlsx_stream(_counted(rows, counter), layout, sources)
    elif postgres:
        stream = _copy_csv(queryset, columns, role, spec.delimiter, counter)
    else:
        rows = _counted(export_rows(queryset, columns, role=role), counter)
        stream = csv_stream(rows, columns, delimiter=spec.delimiter)
    return stream
