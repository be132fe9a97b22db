"""Export of the filtered list: exactly the rows the filters, search and date hierarchy
select, as CSV (UTF-8 with BOM, ',' or ';') and XLSX, only for Beheerder and Analist, logged
with the filters in Dutch. Runs the export path of the database under test (COPY on
PostgreSQL); test_exports_copy.py holds both paths to the same bytes."""

import codecs
import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.db.models import Q
from django.http import StreamingHttpResponse

from contactmomenten.exports import COLUMNS, export_filename, export_stream
from contactmomenten.exports.xlsx import CONTENT_TYPE as XLSX_TYPE
from contactmomenten.models import ContactmomentDetails, ExportLog
from tests.admin.helpers import CHANGELIST_URL
from tests.factories import BronFactory, ContactmomentDetailsFactory

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
HEADERS = [column.header for column in COLUMNS]
EXPORT_URL = f"{CHANGELIST_URL}export/"
# A filter, a search and a date-hierarchy month, as the list puts them in its querystring.
LIST_QUERY = {
    "verantwoordelijke_afdeling": "Burgerzaken",
    "q": "paspoort",
    "startdatum__year": "2026",
    "startdatum__month": "1",
}


def at(day, hour=10):
    return datetime(2026, 1, day, hour, 0, tzinfo=AMS) if isinstance(day, int) else day


def record(day, afdeling="Burgerzaken", vraag="Paspoort aanvragen", seconds=125, **fields):
    start = at(day)
    return ContactmomentDetailsFactory(
        startdatum=start,
        einddatum=start + timedelta(seconds=seconds),
        verantwoordelijke_afdeling=afdeling,
        vraag=vraag,
        **fields,
    )


@pytest.fixture
def records():
    """Four that match LIST_QUERY, and three that each miss one condition."""
    # A fixed gespreksId for the row the column test reads: a random nanoid may start with "-",
    # which the CSV formula guard (rightly) prefixes with "'".
    matching = [record(5, gespreks_id="V1StGXR8_Z5jdHi6B-myT"), record(6), record(7)]
    matching.append(record(8, vraag="Verhuizing", specifieke_vraag="Ook mijn PASPOORT verlopen?"))
    BronFactory(contactmomentdetails=matching[0], soort="kennisartikel", titel="Paspoort aanvragen")
    BronFactory(contactmomentdetails=matching[0], soort="vac", titel="Kosten paspoort")
    record(9, afdeling="Belastingen")  # other afdeling
    record(10, vraag="Grofvuil ophalen", specifieke_vraag="")  # no search match
    record(datetime(2026, 2, 2, 10, tzinfo=AMS))  # other month
    return matching


def expected_queryset():
    search = Q()
    for field in ("vraag", "specifieke_vraag", "gespreks_id", "contactmoment"):
        search |= Q(**{f"{field}__icontains": "paspoort"})
    return ContactmomentDetails.objects.filter(
        search, verantwoordelijke_afdeling="Burgerzaken", startdatum__year=2026, startdatum__month=1
    ).order_by("-startdatum", "-id")


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def parse_csv(content: bytes, delimiter=",") -> list[dict]:
    assert content.startswith(codecs.BOM_UTF8)
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter))


def test_list_button_exports_exactly_the_filtered_searched_rows_as_csv(admin_client_for, records):
    response = admin_client_for("analist").get(f"{EXPORT_URL}csv/", LIST_QUERY)

    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="contactmomentdetails_2026-01-05_2026-01-08.csv"' in response["Content-Disposition"]
    rows = parse_csv(body(response))
    assert [r["uuid"] for r in rows] == [str(u) for u in expected_queryset().values_list("uuid", flat=True)]
    assert {r["uuid"] for r in rows} == {str(r.uuid) for r in records}


def test_csv_columns_hold_every_field_duration_in_seconds_and_flattened_bronnen(admin_client_for, records):
    response = admin_client_for("analist").get(f"{EXPORT_URL}csv/", LIST_QUERY)

    rows = {r["uuid"]: r for r in parse_csv(body(response))}
    row = rows[str(records[0].uuid)]
    details = records[0]
    assert list(row) == HEADERS
    assert row["contactmoment"] == details.contactmoment
    assert row["gespreksId"] == details.gespreks_id
    assert row["e-mailadres KCM"] == ""  # left out for analists by default (test_privacy.py)
    assert row["startdatum (Europe/Amsterdam)"] == "2026-01-05 10:00:00"  # local time, zone in the header
    assert row["gespreksduur (seconden)"] == "125"
    assert row["aantal bronnen"] == "2"
    assert row["bronsoorten"] == "kennisartikel | vac"
    assert row["brontitels"] == "Paspoort aanvragen | Kosten paspoort"
    assert rows[str(records[1].uuid)]["aantal bronnen"] == "0"


def test_semicolon_csv_for_dutch_excel_has_its_own_file_name(admin_client_for, records):
    response = admin_client_for("beheerder").get(f"{EXPORT_URL}csv-puntkomma/", LIST_QUERY)

    assert (
        'filename="contactmomentdetails_2026-01-05_2026-01-08_puntkomma.csv"'
        in (response["Content-Disposition"])
    )
    content = body(response)
    assert content.splitlines()[0].decode("utf-8-sig").startswith("id;uuid;contactmoment;")
    assert len(parse_csv(content, delimiter=";")) == 4


def test_xlsx_export_opens_with_openpyxl_and_holds_the_same_rows(admin_client_for, records):
    records[0].vraag = '=HYPERLINK("https://paspoort.example")'  # text, never a formula
    records[0].save()
    response = admin_client_for("analist").get(f"{EXPORT_URL}xlsx/", LIST_QUERY)

    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == XLSX_TYPE
    assert "contactmomentdetails_2026-01-05_2026-01-08.xlsx" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
    rows = list(sheet.iter_rows(values_only=True))
    headers = list(rows[0])
    assert headers[:9] == HEADERS[:9] and headers[10:] == HEADERS[9:]
    by_uuid = {row[1]: dict(zip(headers, row, strict=True)) for row in rows[1:]}
    assert set(by_uuid) == {str(r.uuid) for r in records}
    first = by_uuid[str(records[0].uuid)]
    assert first["vraag"] == records[0].vraag
    assert first["startdatum (Europe/Amsterdam)"] == at(5).replace(tzinfo=None)  # local time, no offset
    assert first["gespreksduur (seconden)"] == 125
    assert first["gespreksduur (u:mm:ss)"] == timedelta(seconds=125)
    row_number = 2 + [row[1] for row in rows[1:]].index(str(records[0].uuid))
    assert sheet.cell(row=row_number, column=headers.index("vraag") + 1).data_type == "s"


def test_csv_neutralises_text_that_excel_would_run_as_a_formula(admin_client_for):
    record(5, vraag="=1+2", specifieke_vraag="@SUM(A1)")

    rows = parse_csv(body(admin_client_for("analist").get(f"{EXPORT_URL}csv/")))

    assert (rows[0]["vraag"], rows[0]["specifieke vraag"]) == ("'=1+2", "'@SUM(A1)")


def test_export_action_exports_the_selected_rows(admin_client_for, records):
    client = admin_client_for("analist")
    chosen = [records[0].pk, records[2].pk]

    response = client.post(CHANGELIST_URL, {"action": "export_csv", "_selected_action": chosen})

    assert response.status_code == 200
    assert sorted(int(r["id"]) for r in parse_csv(body(response))) == sorted(chosen)
    assert ExportLog.objects.get().selectie == "actie (selectie)"


def test_export_action_with_select_all_exports_every_filtered_row(admin_client_for, records):
    client = admin_client_for("beheerder")
    url = f"{CHANGELIST_URL}?{'&'.join(f'{k}={v}' for k, v in LIST_QUERY.items())}"

    response = client.post(
        url, {"action": "export_xlsx", "_selected_action": [records[0].pk], "select_across": "1"}
    )

    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
    assert sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True)) == sorted(
        r.pk for r in records
    )


@pytest.mark.parametrize("formaat", ["csv", "xlsx"])
def test_export_is_logged_with_user_dutch_filter_text_and_row_count(admin_client_for, records, formaat):
    client = admin_client_for("analist")

    body(client.get(f"{EXPORT_URL}{formaat}/", {**LIST_QUERY, "o": "2", "p": "1"}))

    log = ExportLog.objects.get()
    assert log.user == client.user
    assert log.username == client.user.username
    assert log.formaat == formaat
    assert log.selectie == "lijst"
    assert log.filter == 'maand = 2026-01, afdeling = Burgerzaken, zoekterm = "paspoort"'
    assert (log.aantal_rijen, log.voltooid) == (4, True)


def test_export_log_describes_date_filters_days_no_filter_and_a_selection(admin_client_for, records):
    client = admin_client_for("beheerder")

    body(
        client.get(
            f"{EXPORT_URL}csv/",
            {"startdatum__year": "2026", "startdatum__month": "1", "startdatum__day": "5"},
        )
    )
    body(client.get(f"{EXPORT_URL}csv/", {"startdatum__gte": "2026-01-01 00:00:00+01:00", "kanaal": "balie"}))
    body(client.get(f"{EXPORT_URL}csv/"))
    body(
        client.post(
            CHANGELIST_URL, {"action": "export_csv", "_selected_action": [records[0].pk, records[1].pk]}
        )
    )

    assert list(ExportLog.objects.order_by("id").values_list("filter", flat=True)) == [
        "dag = 2026-01-05",
        "startdatum vanaf = 2026-01-01, kanaal = balie",
        "geen filters (alle rijen)",
        "selectie = 2 geselecteerde rijen",
    ]


@pytest.mark.django_db(transaction=True)  # as in production: the cancelled COPY aborts no test transaction
def test_an_export_cut_off_by_the_client_is_logged_as_not_finished(role_groups, admin_client_for):
    for day in range(1, 29):
        record(day, vraag="x" * 900, specifieke_vraag="y" * 3000)
    response = admin_client_for("analist").get(f"{EXPORT_URL}csv/")

    next(iter(response.streaming_content))
    response.close()  # what the server does when the client goes away

    log = ExportLog.objects.get()
    assert log.voltooid is False
    assert log.aantal_rijen < 28


@pytest.mark.parametrize(
    ("role", "status"), [("analist", 200), ("beheerder", 200), ("superuser", 200), ("kcm", 403)]
)
def test_only_beheerder_analist_and_superuser_may_export(admin_client_for, role, status):
    record(5)

    response = admin_client_for(role).get(f"{EXPORT_URL}csv/")

    assert response.status_code == status
    assert ExportLog.objects.count() == (1 if status == 200 else 0)


def test_export_buttons_show_only_with_export_permission(
    admin_client_for, user_with_group, django_user_model
):
    from django.contrib.auth.models import Permission
    from django.test import Client

    viewer = django_user_model.objects.create_user("kijker", password="geheim-wachtwoord-123", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_contactmomentdetails"))
    client = Client()
    client.force_login(viewer)

    assert f"{EXPORT_URL}csv/" not in client.get(CHANGELIST_URL).text
    assert client.get(f"{EXPORT_URL}csv/").status_code == 403
    assert f"{EXPORT_URL}csv/?" in admin_client_for("analist").get(CHANGELIST_URL, LIST_QUERY).text


def test_anonymous_user_is_sent_to_the_login(client):
    response = client.get(f"{EXPORT_URL}csv/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_unknown_format_is_404_and_bad_filter_returns_to_the_list_with_a_message(admin_client_for):
    client = admin_client_for("analist")

    assert client.get(f"{EXPORT_URL}pdf/").status_code == 404
    response = client.get(f"{EXPORT_URL}csv/", {"bestaat_niet__exact": "x"}, follow=True)
    assert response.redirect_chain == [(CHANGELIST_URL, 302)]
    assert "er is niets geëxporteerd" in response.text
    assert not ExportLog.objects.exists()


def test_streams_name_empty_exports():
    for day in range(1, 4):
        record(day)
    queryset = ContactmomentDetails.objects.order_by("startdatum")

    assert len(parse_csv(b"".join(export_stream(queryset, "csv", role="beheerder")))) == 3
    assert export_filename(queryset.none(), "csv") == "contactmomentdetails_leeg.csv"
    assert export_filename(queryset.none(), "csv-puntkomma") == "contactmomentdetails_leeg_puntkomma.csv"


def test_export_log_is_readable_by_beheerders_only_and_read_only(admin_client_for, records):
    beheerder = admin_client_for("beheerder")
    body(beheerder.get(f"{EXPORT_URL}csv/"))
    log_url = "/admin/contactmomenten/exportlog/"

    response = beheerder.get(log_url)

    assert response.status_code == 200
    assert beheerder.user.username in response.text
    assert beheerder.get(f"{log_url}add/").status_code == 403
    assert admin_client_for("analist").get(log_url).status_code == 403
