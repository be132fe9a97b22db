"""Streaming CSV and XLSX exports of contactmomentdetails; they know nothing of requests.

Rows are read with a server-side cursor (``iterator(chunk_size=...)``, bronnen prefetched
per chunk), so memory stays flat however many rows a queryset selects. CSV is produced
as a generator of byte chunks for a ``StreamingHttpResponse``; XLSX is written with
openpyxl's write-only workbook (rows go to a temporary file, not into memory).

Columns: every field, ``gespreksduur`` in seconds, and the bronnen flattened into a count,
their soorten and their titels. Personal fields hold what the exporting role may see
(``contactmomenten.privacy``, computed in SQL): empty when left out. Datetimes are local
(Europe/Amsterdam) and without offset, the way Excel reads them.
"""

import codecs
import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from django.db.models import Max, Min, Prefetch, QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from contactmomenten import privacy
from contactmomenten.models import Bron

CHUNK_SIZE = 2000
# Rows per yielded CSV chunk: fewer, larger writes to the socket.
CSV_ROWS_PER_CHUNK = 200
BRONNEN_SEPARATOR = " | "
# A cell starting with one of these is a formula to Excel/LibreOffice ("CSV injection"):
# text typed by a KCM must never run as a formula on an analyst's machine (OWASP advice).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

FORMATS = {
    "csv": {"label": "CSV", "extension": "csv", "delimiter": ","},
    "csv-puntkomma": {"label": "CSV (;)", "extension": "csv", "delimiter": ";"},
    "xlsx": {"label": "Excel", "extension": "xlsx"},
}


@dataclass(frozen=True)
class Column:
    header: str
    value: Any  # callable(details) -> str | int | datetime | None


def _local(moment: datetime | None) -> datetime | None:
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _seconds(details) -> int | None:
    duur = details.gespreksduur
    return int(duur.total_seconds()) if duur is not None else None


COLUMNS = (
    Column("id", lambda d: d.pk),
    Column("uuid", lambda d: str(d.uuid)),
    Column("contactmoment", lambda d: d.contactmoment),
    Column("vraag", lambda d: d.vraag),
    Column("specifieke vraag", lambda d: d.specifieke_vraag),
    Column("gespreksresultaat", lambda d: d.gespreksresultaat),
    Column("startdatum", lambda d: _local(d.startdatum)),
    Column("einddatum", lambda d: _local(d.einddatum)),
    Column("gespreksduur (seconden)", _seconds),
    Column("verantwoordelijke afdeling", lambda d: d.verantwoordelijke_afdeling),
    Column("gespreksId", lambda d: d.gespreks_id),
    Column("kanaal", lambda d: d.kanaal),
    Column("e-mailadres KCM", lambda d: d.emailadres_kcm_getoond),
    Column("aangemaakt", lambda d: _local(d.aangemaakt)),
    Column("gewijzigd", lambda d: _local(d.gewijzigd)),
    Column("aantal bronnen", lambda d: len(d.bronnen.all())),
    Column("bronsoorten", lambda d: BRONNEN_SEPARATOR.join(b.soort for b in d.bronnen.all())),
    Column("brontitels", lambda d: BRONNEN_SEPARATOR.join(b.titel for b in d.bronnen.all())),
)
HEADERS = [column.header for column in COLUMNS]


def export_rows(queryset: QuerySet, *, role: str | None, chunk_size: int = CHUNK_SIZE) -> Iterator[list]:
    """The values of every selected record as ``role`` may see them, one list per row, in the
    queryset's order."""
    bronnen = Prefetch("bronnen", queryset=Bron.objects.only("contactmomentdetails_id", "soort", "titel"))
    queryset = queryset.annotate(emailadres_kcm_getoond=privacy.expression(role, "emailadres_kcm"))
    for details in queryset.prefetch_related(bronnen).iterator(chunk_size=chunk_size):
        yield [column.value(details) for column in COLUMNS]


def export_filename(queryset: QuerySet, extension: str) -> str:
    """``contactmomentdetails_<first>_<last>.<ext>`` with the dates of the first and last
    startdatum selected (two index lookups), or ``..._leeg`` for an empty selection."""
    bounds = queryset.order_by().aggregate(first=Min("startdatum"), last=Max("startdatum"))
    if bounds["first"] is None:
        return f"contactmomentdetails_leeg.{extension}"
    first, last = (timezone.localdate(bounds[k]).isoformat() for k in ("first", "last"))
    return f"contactmomentdetails_{first}_{last}.{extension}"


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


class _Line:
    """A file-like object whose ``write`` just returns the line the csv module formats."""

    def write(self, value: str) -> str:
        return value


def csv_stream(rows: Iterable[list], *, delimiter: str = ",") -> Iterator[bytes]:
    """UTF-8 CSV with a byte order mark (so Excel detects UTF-8), as a stream of chunks."""
    writer = csv.writer(_Line(), delimiter=delimiter)
    yield codecs.BOM_UTF8 + writer.writerow(HEADERS).encode()
    chunk = []
    for row in rows:
        chunk.append(writer.writerow([_csv_text(v) for v in row]))
        if len(chunk) >= CSV_ROWS_PER_CHUNK:
            yield "".join(chunk).encode()
            chunk = []
    if chunk:
        yield "".join(chunk).encode()


def xlsx_write(rows: Iterable[list], target: IO[bytes] | str) -> None:
    """Write an XLSX workbook with openpyxl's write-only (constant-memory) mode."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("contactmomentdetails")
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    workbook.save(target)


def _xlsx_cell(sheet, value):
    if not isinstance(value, str):
        return value
    # An explicit string cell: never a formula, whatever the text starts with.
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"
    return cell
