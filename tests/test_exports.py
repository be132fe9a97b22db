"""Export of the filtered list: exactly the rows the filters, search and date hierarchy
select, as CSV (UTF-8 with BOM, ',' or ';') and XLSX, only for Beheerder and Analist, logged."""

import codecs
import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.db.models import Q
from django.http import StreamingHttpResponse

from contactmomenten.exports import HEADERS, csv_stream, export_filename, export_rows
from contactmomenten.models import ContactmomentDetails, ExportLog
from tests.admin.helpers import CHANGELIST_URL
from tests.factories import BronFactory, ContactmomentDetailsFactory

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
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
    matching = [record(day) for day in (5, 6, 7)]
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
    assert row["startdatum"] == "2026-01-05 10:00:00"  # local time, as Excel reads it
    assert row["gespreksduur (seconden)"] == "125"
    assert row["aantal bronnen"] == "2"
    assert row["bronsoorten"] == "kennisartikel | vac"
    assert row["brontitels"] == "Paspoort aanvragen | Kosten paspoort"
    assert rows[str(records[1].uuid)]["aantal bronnen"] == "0"


def test_semicolon_csv_for_dutch_excel(admin_client_for, records):
    response = admin_client_for("beheerder").get(f"{EXPORT_URL}csv-puntkomma/", LIST_QUERY)

    content = body(response)
    assert content.splitlines()[0].decode("utf-8-sig").startswith("id;uuid;contactmoment;")
    assert len(parse_csv(content, delimiter=";")) == 4


def test_xlsx_export_opens_with_openpyxl_and_holds_the_same_rows(admin_client_for, records):
    records[0].vraag = '=HYPERLINK("https://paspoort.example")'  # text, never a formula
    records[0].save()
    response = admin_client_for("analist").get(f"{EXPORT_URL}xlsx/", LIST_QUERY)

    assert response.status_code == 200
    assert "contactmomentdetails_2026-01-05_2026-01-08.xlsx" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    by_uuid = {row[1]: dict(zip(HEADERS, row, strict=True)) for row in rows[1:]}
    assert set(by_uuid) == {str(r.uuid) for r in records}
    first = by_uuid[str(records[0].uuid)]
    assert first["vraag"] == records[0].vraag
    assert first["startdatum"] == at(5).replace(tzinfo=None)  # local time, no offset
    assert first["gespreksduur (seconden)"] == 125
    row_number = 2 + [row[1] for row in rows[1:]].index(str(records[0].uuid))
    assert sheet.cell(row=row_number, column=HEADERS.index("vraag") + 1).data_type == "s"


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


def test_export_is_logged_with_user_filter_and_row_count(admin_client_for, records):
    client = admin_client_for("analist")

    body(client.get(f"{EXPORT_URL}csv/", LIST_QUERY))

    log = ExportLog.objects.get()
    assert log.user == client.user
    assert log.username == client.user.username
    assert log.formaat == "csv"
    assert log.selectie == "lijst"
    assert "verantwoordelijke_afdeling=Burgerzaken" in log.filter and "q=paspoort" in log.filter
    assert (log.aantal_rijen, log.voltooid) == (4, True)


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


def test_writers_stream_chunks_and_name_empty_exports():
    for day in range(1, 4):
        record(day)
    queryset = ContactmomentDetails.objects.order_by("startdatum")

    chunks = list(csv_stream(export_rows(queryset, role="beheerder", chunk_size=2)))

    assert len(chunks) >= 2  # header first, then rows: the response starts at once
    assert len(parse_csv(b"".join(chunks))) == 3
    assert export_filename(queryset.none(), "csv") == "contactmomentdetails_leeg.csv"


def test_export_log_is_readable_by_beheerders_only_and_read_only(admin_client_for, records):
    beheerder = admin_client_for("beheerder")
    body(beheerder.get(f"{EXPORT_URL}csv/"))
    log_url = "/admin/contactmomenten/exportlog/"

    response = beheerder.get(log_url)

    assert response.status_code == 200
    assert beheerder.user.username in response.text
    assert beheerder.get(f"{log_url}add/").status_code == 403
    assert admin_client_for("analist").get(log_url).status_code == 403
