"""The dashboard "Managementinformatie": who may open it, what its figures say on a small
hand-made dataset, the CSV behind each chart, and a query count independent of the rows."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from contactmomenten.statistieken import AMSTERDAM
from tests.factories import ContactmomentDetailsFactory

URL = "/admin/managementinformatie/"
pytestmark = pytest.mark.django_db


def _record(day_offset: int, minutes: int, **fields):
    today = timezone.localdate()
    start = datetime.combine(today - timedelta(days=day_offset), datetime.min.time(), AMSTERDAM) + timedelta(
        hours=10
    )
    return ContactmomentDetailsFactory(
        startdatum=start, einddatum=start + timedelta(minutes=minutes), **fields
    )


def _csv(response) -> list[list[str]]:
    body = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


@pytest.mark.parametrize("role", ["beheerder", "analist", "superuser"])
def test_dashboard_opens_for_beheerder_and_analist_and_is_linked_from_the_index(admin_client_for, role):
    client = admin_client_for(role)
    _record(1, 4, gespreksresultaat="Zelfstandig afgehandeld")
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Managementinformatie" in html and "Download CSV" in html
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert f'href="{URL}"' in client.get("/admin/").content.decode()


def test_dashboard_is_refused_for_kcm_and_sends_anonymous_to_login(admin_client_for, client):
    kcm = admin_client_for("kcm")
    assert kcm.get(URL).status_code == 403
    assert URL not in kcm.get("/admin/").content.decode()
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_headline_figures_compare_with_the_previous_period(admin_client_for):
    # This period (last 30 days): 3 records, 2 eerstelijns; the 30 days before: 1 record.
    _record(1, 2, gespreksresultaat="Zelfstandig afgehandeld", gespreks_id="g1")
    _record(1, 4, gespreksresultaat="Zelfstandig afgehandeld", gespreks_id="g1")
    _record(2, 6, gespreksresultaat="Doorverbonden naar afdeling", gespreks_id="")
    _record(35, 10, gespreksresultaat="Iets nieuws")
    response = admin_client_for("analist").get(URL, {"csv": "kerncijfers"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert rows[0] == ["kerncijfer", "dezePeriode", "vorigePeriode"]
    cijfers = {row[0]: row[1:] for row in rows[1:]}
    assert cijfers["Contactmomenten"] == ["3", "1"]
    assert cijfers["Gesprekken"] == ["2", "1"]
    assert cijfers["Gemiddelde gespreksduur"] == ["240.0", "600.0"]
    assert float(cijfers["Eerstelijns afgehandeld"][0]) == pytest.approx(2 / 3)
    html = admin_client_for("analist").get(URL).content.decode()
    assert "▲ 2 (200,0 %) t.o.v. vorige periode" in html
    assert "onder de norm van 80 %" in html


def test_top_vragen_link_to_the_changelist_filtered_on_vraag_and_period(admin_client_for):
    for _ in range(3):
        _record(3, 5, vraag="Paspoort aanvragen")
    _record(3, 5, vraag="Afval ophalen")
    _record(40, 5, vraag="Paspoort aanvragen")  # outside the period
    client = admin_client_for("beheerder")
    response = client.get(URL)
    vragen = response.context["vragen"]
    assert [(v["vraag"], v["aantal"]) for v in vragen] == [("Paspoort aanvragen", 3), ("Afval ophalen", 1)]
    changelist = client.get(vragen[0]["link"])
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count == 3


def test_unmapped_resultaten_are_listed_with_their_aantal(admin_client_for):
    _record(1, 3, gespreksresultaat="Terugbelverzoek")
    _record(1, 3, gespreksresultaat=" Terugbelverzoek ")
    _record(1, 3, gespreksresultaat="Contactverzoek gemaakt")
    rows = _csv(admin_client_for("analist").get(URL, {"csv": "ongemapt"}))
    assert rows == [["gespreksresultaat", "aantal"], ["Terugbelverzoek", "2"]]


def test_each_chart_has_a_csv_with_its_numbers(admin_client_for):
    _record(
        0,
        3,
        verantwoordelijke_afdeling="Burgerzaken",
        kanaal="telefoon",
        gespreksresultaat="Zelfstandig afgehandeld",
    )
    _record(
        0,
        25,
        verantwoordelijke_afdeling="Burgerzaken",
        kanaal="balie",
        gespreksresultaat="Contactverzoek gemaakt",
    )
    client = admin_client_for("analist")
    for naam in ("volume", "duur", "histogram", "aandelen", "kanaal", "drukte", "vragen"):
        response = client.get(URL, {"csv": naam})
        assert response.status_code == 200, naam
        assert response.content.startswith(b"\xef\xbb\xbf"), naam
    volume = _csv(client.get(URL, {"csv": "volume"}))
    assert volume[0] == ["dag", "eerstelijns", "doorverbonden", "contactverzoek", "overig", "aantal"]
    assert len(volume) == 1 + 30 and volume[-1][1:] == ["1", "0", "1", "0", "2"]
    assert _csv(client.get(URL, {"csv": "kanaal"}))[1:] == [["balie", "1"], ["telefoon", "1"]]
    histogram = _csv(client.get(URL, {"csv": "histogram"}))
    assert ["180", "240", "1"] in histogram and ["1200", "1800", "1"] in histogram
    aandelen = _csv(client.get(URL, {"csv": "aandelen"}))
    assert aandelen[1] == ["Burgerzaken", "2", "0.5", "0.0", "0.5", "0.0"]


def test_long_periods_are_shown_per_week_and_filters_apply(admin_client_for):
    _record(10, 3, verantwoordelijke_afdeling="Burgerzaken")
    _record(10, 3, verantwoordelijke_afdeling="Belastingen")
    client = admin_client_for("analist")
    today = timezone.localdate()
    params = {
        "van": (today - timedelta(days=200)).isoformat(),
        "tot": today.isoformat(),
        "afdeling": "Burgerzaken",
    }
    volume = _csv(client.get(URL, {**params, "csv": "volume"}))
    assert volume[0][0] == "week"
    assert sum(int(row[-1]) for row in volume[1:]) == 1


def test_bad_period_is_a_dutch_error_not_a_500(admin_client_for):
    client = admin_client_for("analist")
    response = client.get(URL, {"van": "2026-03-10", "tot": "2026-03-01"})
    assert response.status_code == 400
    assert "De einddatum ligt vóór de begindatum." in response.content.decode()
    assert client.get(URL, {"van": "gisteren"}).status_code == 400


@pytest.mark.parametrize("aantal", [5, 60])
def test_dashboard_runs_a_bounded_number_of_queries(admin_client_for, django_assert_max_num_queries, aantal):
    client = admin_client_for("analist")
    for n in range(aantal):
        _record(n % 28, 1 + n % 30, vraag=f"vraag {n % 25}", verantwoordelijke_afdeling=f"afdeling {n % 6}")
    client.get(URL)  # fills the cache of filter choices
    with django_assert_max_num_queries(16):
        assert client.get(URL).status_code == 200
