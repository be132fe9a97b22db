"""The COPY export (PostgreSQL computes every value) gives exactly the bytes of the Python
writer for the same rows: formula guard, time zones, NULLs and empty strings, quotes,
delimiters and newlines, bronnen, orderings; CSV and XLSX. And the export views run a
fixed number of queries, however many rows they export."""

import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from contactmomenten import privacy
from contactmomenten.exports import export_stream, postgres
from contactmomenten.models import GESPREKSDUUR, ContactmomentDetails
from tests.admin.helpers import CHANGELIST_URL
from tests.conftest import requires_postgres
from tests.factories import BronFactory, ContactmomentDetailsFactory

pytestmark = [pytest.mark.django_db, requires_postgres]

AMS = ZoneInfo("Europe/Amsterdam")
LAST = []


def details(start: datetime, seconds: float = 125, bronnen=(), **fields):
    record = ContactmomentDetailsFactory(
        startdatum=start, einddatum=start + timedelta(seconds=seconds), **fields
    )
    for soort, titel in bronnen:
        BronFactory(contactmomentdetails=record, soort=soort, titel=titel)
    return record


@pytest.fixture
def tricky_records():
    """Every kind of value that a CSV or XLSX writer can get wrong."""
    return [
        # Formula guard on each text column, the bronnen included.
        details(
            datetime(2026, 1, 5, 9, 0, tzinfo=AMS),
            vraag="=1+2",
            specifieke_vraag="@SUM(A1)",
            gespreksresultaat="+31 bellen",
            gespreks_id="-begint-met-min",
            kanaal="\tbalie",
            emailadres_kcm="-kcm@example.nl",
            bronnen=[("-soort", '=HYPERLINK("x")'), ("vac", "\rterug")],
        ),
        # Quotes, both delimiters, newlines inside a value, spaces, non-ASCII, a lone "\.".
        details(
            datetime(2026, 7, 1, 16, 59, 59, 999999, tzinfo=AMS),  # summer time, microseconds cut
            seconds=0.5,
            vraag='Zegt "hallo", en; dan',
            specifieke_vraag="regel 1\nregel 2\r\nregel 3  ",
            gespreksresultaat="  spaties  ",
            verantwoordelijke_afdeling="Zorg & Welzijn <jeugd>",
            kanaal="\\.",
            emailadres_kcm="élodie@exämple.nl",
            bronnen=[("kennisartikel", 'Paspoort 🛂, "snel"; klaar'), ("website", "")],
        ),
        # Empty strings and no bronnen (NULL from the join), a long conversation.
        details(
            datetime(2026, 3, 29, 1, 59, tzinfo=UTC),  # the hour clocks go forward
            seconds=36 * 3600 + 1,
            vraag="",
            specifieke_vraag="",
            gespreksresultaat="",
            verantwoordelijke_afdeling="",
            gespreks_id="",
            kanaal="",
            emailadres_kcm="",
        ),
        details(datetime(2026, 10, 25, 0, 30, tzinfo=UTC), bronnen=[("vac", "Eén")]),  # clocks go back
        details(datetime(1930, 5, 1, 12, 0, tzinfo=UTC), vraag="Amsterdamse tijd +00:19:32"),
        details(datetime(2026, 1, 5, 9, 0, tzinfo=AMS), vraag="zelfde start, hoger id"),
    ]


ORDERINGS = {
    "model default": lambda qs: qs,
    "admin by gespreksduur": lambda qs: qs.order_by(GESPREKSDUUR.desc(), "-pk"),
    "text then id": lambda qs: qs.order_by("kanaal", "id"),
    "expression nulls last": lambda qs: qs.order_by(F("vraag").asc(nulls_last=True), "-startdatum", "pk"),
}


def both_paths(queryset, formaat: str, role: str = "beheerder") -> tuple[bytes, bytes]:
    python = b"".join(export_stream(queryset, formaat, role=role, postgres=False))
    copy = b"".join(export_stream(queryset, formaat, role=role, postgres=True))
    return python, copy


@pytest.mark.parametrize("formaat", ["csv", "csv-puntkomma", "xlsx"])
@pytest.mark.parametrize("ordering", ORDERINGS)
def test_copy_export_bytes_equal_the_python_writer(tricky_records, formaat, ordering):
    queryset = ORDERINGS[ordering](ContactmomentDetails.objects.all())

    python, copy = both_paths(queryset, formaat)

    assert copy == python
    if formaat != "xlsx":
        text = copy.decode("utf-8-sig")
        assert "'=1+2" in text and "'-begint-met-min" in text and "'=HYPERLINK" in text
        assert "1930-05-01 12:19:32" in text  # Amsterdam Mean Time, as the tz database has it
        assert "2026-03-29 03:59:00" in text and "2026-10-25 02:30:00" in text
        assert "2026-07-01 16:59:59," in text.replace(";", ",")
        assert '"regel 1\nregel 2\r\nregel 3  "' in text
        assert len(text.splitlines()) > len(tricky_records)


EMAIL = "Kcm7@Example.nl"


@pytest.mark.parametrize(
    ("role", "setting", "shown"),
    [
        ("beheerder", "weglaten", EMAIL),
        ("analist", "tonen", EMAIL),
        ("analist", "pseudoniem", privacy.pseudonym(EMAIL)),
        ("analist", "weglaten", None),
        (None, "tonen", None),
    ],
)
@pytest.mark.parametrize("formaat", ["csv", "xlsx"])
def test_copy_export_shows_what_privacy_allows_with_the_same_bytes(settings, role, setting, shown, formaat):
    settings.EMAILADRES_KCM_VOOR_ANALIST = setting
    details(datetime(2026, 1, 5, 9, 0, tzinfo=AMS), emailadres_kcm=EMAIL)
    details(datetime(2026, 1, 6, 9, 0, tzinfo=AMS), emailadres_kcm="")  # stays empty

    python, copy = both_paths(ContactmomentDetails.objects.order_by("startdatum"), formaat, role=role)

    assert copy == python
    if formaat == "csv":
        rows = list(csv.DictReader(io.StringIO(copy.decode("utf-8-sig"))))
        assert [row["e-mailadres KCM"] for row in rows] == [shown or "", ""]
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(copy)).active
        assert sheet.cell(row=1, column=14).value == "e-mailadres KCM"
        assert [sheet.cell(row=n, column=14).value for n in (2, 3)] == [shown, None]


@pytest.mark.parametrize("grouped_from", [0, 10**9], ids=["grouped join", "lateral join"])
def test_both_bronnen_joins_give_the_same_bytes(tricky_records, monkeypatch, grouped_from):
    monkeypatch.setattr(postgres, "GROUPED_BRONNEN_FROM_ROWS", grouped_from)
    queryset = ContactmomentDetails.objects.filter(startdatum__year=2026)

    python, copy = both_paths(queryset, "csv")

    assert copy == python
    assert 'Paspoort 🛂, ""snel""; klaar | ' in copy.decode()


def test_a_filtered_searched_admin_export_equals_the_python_writer(
    tricky_records, admin_client_for, settings
):
    query = {"q": "zelfde", "startdatum__year": "2026", "o": "-1"}
    client = admin_client_for("analist")

    copy = b"".join(client.get(f"{CHANGELIST_URL}export/csv/", query).streaming_content)
    python = b"".join(
        export_stream(
            ContactmomentDetails.objects.filter(vraag__icontains="zelfde").order_by("startdatum", "id"),
            "csv",
            role="analist",
            postgres=False,
        )
    )

    assert copy == python
    assert copy.count(b"\n") == 2


@pytest.mark.parametrize("formaat", ["csv", "xlsx"])
def test_export_view_runs_the_same_few_queries_for_2_and_40_rows(admin_client_for, formaat):
    client = admin_client_for("analist")
    client.get(CHANGELIST_URL)  # session and permissions warmed up

    def queries_for(rows: int) -> int:
        ContactmomentDetails.objects.all().delete()
        for n in range(rows):
            details(datetime(2026, 2, 1 + n % 28, 10, tzinfo=AMS), bronnen=[("vac", f"b{n}")] * 2)
        from django.db import connection

        with CaptureQueriesContext(connection) as captured:
            b"".join(client.get(f"{CHANGELIST_URL}export/{formaat}/").streaming_content)
        LAST[:] = captured.captured_queries
        return len(captured)

    small, large = queries_for(2), queries_for(40)

    assert small == large <= 12, "\n".join(q["sql"][:100] for q in LAST)
