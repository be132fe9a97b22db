"""The XLSX export is ready for Excel: frozen bold header with an autofilter, column widths,
real datetimes with the time zone in the header, the gespreksduur as a duration next to the
seconds, further sheets past Excel's row limit, long texts cut with a marker, and the file
streams out while its rows are still being read."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from contactmomenten.exports import COLUMNS, export_stream, xlsx_layout
from contactmomenten.exports.xlsx import MAX_CELL_CHARS, MAX_SHEET_ROWS, xlsx_stream
from contactmomenten.models import ContactmomentDetails
from tests.admin.helpers import CHANGELIST_URL
from tests.factories import ContactmomentDetailsFactory

AMS = ZoneInfo("Europe/Amsterdam")
LAYOUT, SOURCES = xlsx_layout(COLUMNS)


def local(moment: datetime) -> datetime:
    """As the sheet holds it: Amsterdam wall-clock time without a zone."""
    return moment.replace(tzinfo=None)


def workbook(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


def rows_of(count: int):
    """Rows as the export reads them (typed values), numbered by id."""
    for n in range(1, count + 1):
        yield [
            n
            if column.kind == "int"
            else local(datetime(2026, 3, 2, 9, n % 60, tzinfo=AMS))
            if column.kind == "datetime"
            else f"r{n}"
            for column in COLUMNS
        ]


@pytest.mark.django_db
def test_sheet_has_frozen_bold_header_autofilter_widths_datetimes_and_durations(admin_client_for):
    start = datetime(2026, 3, 2, 9, 30, 15, tzinfo=AMS)
    ContactmomentDetailsFactory(startdatum=start, einddatum=start + timedelta(hours=1, minutes=2, seconds=3))
    earlier = start - timedelta(days=1)  # newest first: this one is row 3
    ContactmomentDetailsFactory(startdatum=earlier, einddatum=earlier + timedelta(seconds=59))

    response = admin_client_for("analist").get(f"{CHANGELIST_URL}export/xlsx/")
    sheet = workbook(b"".join(response.streaming_content)).active

    headers = [cell.value for cell in sheet[1]]
    assert headers[6:11] == [
        "startdatum (Europe/Amsterdam)",
        "einddatum (Europe/Amsterdam)",
        "gespreksduur (seconden)",
        "gespreksduur (u:mm:ss)",
        "verantwoordelijke afdeling",
    ]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:S3"
    assert sheet.column_dimensions["C"].width == 50  # contactmoment: a long URL
    assert sheet.column_dimensions["M"].width == 10  # kanaal
    first = sheet[2]
    assert first[6].value == local(start)  # local time, a real Excel datetime
    assert first[6].number_format == "yyyy-mm-dd hh:mm:ss"
    assert first[8].value == 3723
    assert first[9].value == timedelta(hours=1, minutes=2, seconds=3)
    assert first[9].number_format == "[h]:mm:ss"  # Dutch Excel shows it as [u]:mm:ss
    assert sheet[3][9].value == timedelta(seconds=59)


def test_rows_past_the_sheet_limit_go_to_further_sheets_with_the_same_header():
    content = b"".join(xlsx_stream(rows_of(7), LAYOUT, SOURCES, max_sheet_rows=4))

    book = workbook(content)
    assert book.sheetnames == [
        "contactmomentdetails",
        "contactmomentdetails (2)",
        "contactmomentdetails (3)",
    ]
    ids = []
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0] == tuple(column.header for column in LAYOUT)
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:S{len(rows)}"
        ids += [row[0] for row in rows[1:]]
    assert ids == list(range(1, 8))  # none lost, none twice, in order
    assert MAX_SHEET_ROWS == 1_048_576


def test_exactly_full_sheets_add_no_empty_sheet():
    book = workbook(b"".join(xlsx_stream(rows_of(6), LAYOUT, SOURCES, max_sheet_rows=4)))

    assert [sheet.max_row for sheet in book.worksheets] == [4, 4]


@pytest.mark.django_db
def test_text_longer_than_a_cell_holds_is_cut_with_a_marker_and_illegal_characters_dropped():
    start = datetime(2026, 3, 2, 9, 0, tzinfo=AMS)
    ContactmomentDetailsFactory(
        startdatum=start,
        einddatum=start + timedelta(minutes=2),
        specifieke_vraag="x" * 40_000,
        vraag="bel\x07 terug\x1b",
    )

    sheet = workbook(
        b"".join(export_stream(ContactmomentDetails.objects.all(), "xlsx", role="beheerder"))
    ).active

    long_text = sheet.cell(row=2, column=5).value
    assert len(long_text) <= MAX_CELL_CHARS
    assert long_text.startswith("x" * 30_000)
    assert long_text.endswith("[… afgekapt: 40000 tekens, volledige tekst in de CSV-export]")
    assert sheet.cell(row=2, column=4).value == "bel terug"


def test_the_file_streams_before_all_rows_are_read():
    read = []

    def rows():
        for row in rows_of(20_000):
            read.append(row[0])
            yield row

    stream = xlsx_stream(rows(), LAYOUT, SOURCES)
    first = next(stream)

    assert first.startswith(b"PK")
    assert len(read) < 1_000
    rest = b"".join(stream)
    assert workbook(first + rest).active.max_row == 20_001
