"""CSV as Excel reads it, written in Python: the writer for databases other than PostgreSQL,
and the reference the COPY path (``contactmomenten.exports.postgres``) must match byte for byte.

UTF-8 with a byte order mark (so Excel detects UTF-8), ``\\n`` line ends (what COPY writes),
fields quoted only when needed, empty for NULL and for the empty string, datetimes as
``YYYY-MM-DD HH:MM:SS`` local time, and the formula guard on every text.
"""

import codecs
import csv
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from contactmomenten.exports.columns import Column

# A cell starting with one of these is a formula to Excel/LibreOffice ("CSV injection"):
# text typed by a KCM must never run as a formula on an analyst's machine (OWASP advice).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMULA_GUARD = "'"
LINE_END = "\n"
# Rows per yielded chunk: fewer, larger writes to the socket.
ROWS_PER_CHUNK = 200


def formula_guarded(text: str) -> str:
    return FORMULA_GUARD + text if text.startswith(FORMULA_PREFIXES) else text


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, str):
        return formula_guarded(value)
    return str(value)


class _Line:
    """A file-like object whose ``write`` just returns the line the csv module formats."""

    def write(self, value: str) -> str:
        return value


def csv_writer(delimiter: str):
    return csv.writer(_Line(), delimiter=delimiter, lineterminator=LINE_END)


def csv_header(columns: Sequence[Column], delimiter: str) -> bytes:
    """The byte order mark and the header line."""
    return codecs.BOM_UTF8 + csv_writer(delimiter).writerow([c.header for c in columns]).encode()


def csv_stream(
    rows: Iterable[Sequence], columns: Sequence[Column], *, delimiter: str = ","
) -> Iterator[bytes]:
    """The whole CSV file as a stream of byte chunks: header first, then the rows."""
    writer = csv_writer(delimiter)
    yield csv_header(columns, delimiter)
    chunk = []
    for row in rows:
        chunk.append(writer.writerow([_csv_text(v) for v in row]))
        if len(chunk) >= ROWS_PER_CHUNK:
            yield "".join(chunk).encode()
            chunk = []
    if chunk:
        yield "".join(chunk).encode()


def csv_table(columns: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """A small table (a statistics or dashboard figure) as one CSV file: BOM, header, rows."""
    writer = csv_writer(",")
    lines = [writer.writerow(list(columns)), *(writer.writerow([_csv_text(v) for v in row]) for row in rows)]
    return codecs.BOM_UTF8 + "".join(lines).encode()
