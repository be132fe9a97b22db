"""XLSX written as it streams: sheet XML built row by row into a zip that goes out in chunks.

Python's ``zipfile`` writes to a stream that cannot seek (sizes follow each part in a data
descriptor), so the first bytes leave after the first rows and memory stays flat, whatever
the row count. Strings are inline (no shared-string table to hold in memory) and never
formulas. Ready for Excel: a frozen, bold header row with an autofilter, fixed column widths,
datetimes as Excel datetimes (the time zone is in the header), the gespreksduur also as an
Excel duration ``[u]:mm:ss``; a sheet holds at most ``MAX_SHEET_ROWS`` rows (Excel's limit),
further rows go to further sheets with the same header; a text longer than a cell may hold
is cut with a visible marker saying how long it was.
"""

import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from xml.sax.saxutils import escape, quoteattr

from contactmomenten.exports.columns import Column

MAX_SHEET_ROWS = 1_048_576  # Excel's rows per sheet, header included
MAX_CELL_CHARS = 32_767  # Excel's characters per cell
SHEET_NAME = "contactmomentdetails"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK_BYTES = 64 * 1024
# Fixed timestamps make the file a function of its rows alone (the tests compare bytes).
_ZIP_DATE = (2000, 1, 1, 0, 0, 0)
# Excel serial dates count wall-clock days, without a zone: the rows hold naive local times.
_EXCEL_EPOCH = datetime(1899, 12, 30)  # noqa: DTZ001
_EXCEL_FIRST_DAY = datetime(1900, 3, 1)  # noqa: DTZ001 (before it, Excel's 1900 leap-year bug)
_ONE_DAY = timedelta(days=1)
# Characters XML 1.0 does not allow (openpyxl drops them too).
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_STYLE_DATETIME, _STYLE_DURATION, _STYLE_HEADER = 1, 2, 3

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet {_NS}>'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/>'
    '<numFmt numFmtId="165" formatCode="[h]:mm:ss"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_text(text: str) -> str:
    """``text`` as a cell may hold it: without characters XML forbids, and cut to Excel's
    limit with a marker that says so (never silently)."""
    if _ILLEGAL_XML.search(text):
        text = _ILLEGAL_XML.sub("", text)
    if len(text) > MAX_CELL_CHARS // 2 and len(text.encode("utf-16-le")) // 2 > MAX_CELL_CHARS:
        marker = f" [… afgekapt: {len(text)} tekens, volledige tekst in de CSV-export]"
        text = text[: MAX_CELL_CHARS - len(marker) - 1]
        while len(text.encode("utf-16-le")) // 2 + len(marker) > MAX_CELL_CHARS:
            text = text[:-100]
        text += marker
    return text


def _string_cell(ref: str, value: str) -> str:
    text = escape(cell_text(value)).replace("\r", "&#13;")
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _cell(ref: str, kind: str, value) -> str:
    if value is None or value == "":
        return ""
    if kind == "duration":
        return f'<c r="{ref}" s="{_STYLE_DURATION}"><v>{value / 86400!r}</v></c>'
    if isinstance(value, datetime):
        if value < _EXCEL_FIRST_DAY:  # Excel cannot show it as a date: as text, not wrong
            return _string_cell(ref, value.isoformat(sep=" ", timespec="seconds"))
        return f'<c r="{ref}" s="{_STYLE_DATETIME}"><v>{(value - _EXCEL_EPOCH) / _ONE_DAY!r}</v></c>'
    if isinstance(value, str):
        return _string_cell(ref, value)
    return f'<c r="{ref}"><v>{value}</v></c>'


class _Pipe:
    """The unseekable file the zip is written to; ``take()`` hands over what was written."""

    def __init__(self):
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self):
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        self.size = 0
        return data


def _sheet_name(number: int) -> str:
    return SHEET_NAME if number == 1 else f"{SHEET_NAME} ({number})"


class _Sheet:
    def __init__(self, columns: Sequence[Column], sources: Sequence[int]):
        self.columns = columns
        self.sources = sources
        self.letters = [column_letter(i) for i in range(len(columns))]
        self.last = self.letters[-1]

    def head(self) -> str:
        widths = "".join(
            f'<col min="{i}" max="{i}" width="{c.width}" customWidth="1"/>'
            for i, c in enumerate(self.columns, start=1)
        )
        header = "".join(
            f'<c r="{letter}1" t="inlineStr" s="{_STYLE_HEADER}"><is><t>{escape(c.header)}</t></is></c>'
            for letter, c in zip(self.letters, self.columns, strict=True)
        )
        return (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS} {_NS_R}>'
            '<sheetViews><sheetView workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{widths}</cols>'
            f'<sheetData><row r="1">{header}</row>'
        )

    def row(self, number: int, values: Sequence) -> str:
        cells = "".join(
            _cell(f"{letter}{number}", column.kind, values[source])
            for letter, column, source in zip(self.letters, self.columns, self.sources, strict=True)
        )
        return f'<row r="{number}">{cells}</row>'

    def tail(self, rows: int) -> str:
        return f'</sheetData><autoFilter ref="A1:{self.last}{rows}"/></worksheet>'


def _workbook(sheet_rows: Sequence[int], last_letter: str) -> str:
    """The workbook part: its sheets, each with the range of its autofilter."""
    entries = filters = ""
    for n, rows in enumerate(sheet_rows, start=1):
        name = _sheet_name(n)
        entries += f'<sheet name={quoteattr(name)} sheetId="{n}" r:id="rId{n}"/>'
        filters += (
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n - 1}" hidden="1">'
            f"{escape(repr(name))}!$A$1:${last_letter}${rows}</definedName>"
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {_NS} {_NS_R}>'
        f"<sheets>{entries}</sheets><definedNames>{filters}</definedNames></workbook>"
    )


def _workbook_rels(sheets: int) -> str:
    rels = "".join(
        f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, sheets + 1)
    )
    rels += f'<Relationship Id="rId{sheets + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}'
        "</Relationships>"
    )


def _content_types(sheets: int) -> str:
    main = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{main}.worksheet+xml"/>'
        for n in range(1, sheets + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{main}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{main}.styles+xml"/>{overrides}</Types>'
    )


_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)


def xlsx_stream(
    rows: Iterable[Sequence],
    columns: Sequence[Column],
    sources: Sequence[int],
    *,
    max_sheet_rows: int = MAX_SHEET_ROWS,
) -> Iterator[bytes]:
    """The workbook as a stream of byte chunks. Cell ``i`` of a row is ``row[sources[i]]``
    written as ``columns[i]`` (so one row value can fill two columns)."""
    pipe = _Pipe()
    sheet = _Sheet(columns, sources)
    archive = zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)

    def part(name: str):
        info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
        info.compress_type = zipfile.ZIP_DEFLATED
        return archive.open(info, "w")

    iterator = iter(rows)
    sheet_rows: list[int] = []  # rows of each sheet written, header included
    more = True
    while more or not sheet_rows:
        sheets = len(sheet_rows) + 1
        with part(f"xl/worksheets/sheet{sheets}.xml") as xml:
            xml.write(sheet.head().encode())
            number = 1
            lines = []
            for values in iterator:
                number += 1
                lines.append(sheet.row(number, values))
                if len(lines) >= 100:
                    xml.write("".join(lines).encode())
                    lines.clear()
                    if pipe.size >= CHUNK_BYTES or (sheets == 1 and number <= 101):
                        yield pipe.take()
                if number >= max_sheet_rows:
                    break
            else:
                more = False
            xml.write(("".join(lines) + sheet.tail(number)).encode())
        sheet_rows.append(number)
        if more:  # a full sheet: is there a row for the next one?
            first = next(iterator, None)
            if first is None:
                more = False
            else:
                iterator = _chain_first(first, iterator)
    for name, text in (
        ("xl/workbook.xml", _workbook(sheet_rows, sheet.last)),
        ("xl/_rels/workbook.xml.rels", _workbook_rels(sheets)),
        ("xl/styles.xml", _STYLES),
        ("_rels/.rels", _ROOT_RELS),
        ("[Content_Types].xml", _content_types(sheets)),
    ):
        with part(name) as xml:
            xml.write(text.encode())
    archive.close()
    yield pipe.take()


def _chain_first(first, rest: Iterator) -> Iterator:
    yield first
    yield from rest
