"""GET /api/v1/statistieken on a small hand-made dataset with exact expected numbers:
counts, mean, median, p90, KPI shares (mapped and unmapped resultaten), gesprekken (shared
and missing gespreksIds, overlapping questions), every groeperen option, two at once,
filters combined, CSV, roles and the refusals (emailadresKcm, unknown or a third key)."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from contactmomenten.models import GespreksresultaatCategorie
from tests.factories import BronFactory, ContactmomentDetailsFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/statistieken"


def record(start: str, seconds: int, **fields):
    moment = datetime.fromisoformat(start).replace(tzinfo=UTC)
    fields.setdefault("gespreks_id", "")
    return ContactmomentDetailsFactory(
        startdatum=moment, einddatum=moment + timedelta(seconds=seconds), **fields
    )


@pytest.fixture
def dataset():
    """Six questions in four gesprekken on Monday 2 and Tuesday 3 March 2026 (CET, UTC+1).

    durations 60, 120, 300, 600, 900, 180 s; g1 = A+B overlapping (150 s), g2 = D+E (1200 s),
    C and F without gespreksId (their own gesprek)."""
    common = {"emailadres_kcm": "kcm1@example.nl"}
    a = record(
        "2026-03-02T09:00:00",
        60,
        gespreksresultaat="Zelfstandig afgehandeld",
        verantwoordelijke_afdeling="Burgerzaken",
        kanaal="telefoon",
        gespreks_id="g1",
        vraag="Paspoort aanvragen",
        **common,
    )
    record(
        "2026-03-02T09:00:30",
        120,
        gespreksresultaat=" Zelfstandig afgehandeld ",
        verantwoordelijke_afdeling="Burgerzaken",
        kanaal="telefoon",
        gespreks_id="g1",
        vraag="Rijbewijs verlengen",
        **common,
    )
    c = record(
        "2026-03-02T10:00:00",
        300,
        gespreksresultaat="Doorverbonden naar afdeling",
        verantwoordelijke_afdeling="Belastingen",
        kanaal="e-mail",
        vraag="Paspoort aanvragen",
        emailadres_kcm="kcm2@example.nl",
    )
    record(
        "2026-03-03T12:00:00",
        600,
        gespreksresultaat="Contactverzoek gemaakt",
        verantwoordelijke_afdeling="Belastingen",
        kanaal="telefoon",
        gespreks_id="g2",
        vraag="Afval",
        **common,
    )
    record(
        "2026-03-03T12:05:00",
        900,
        gespreksresultaat="Terugbelverzoek",
        verantwoordelijke_afdeling="Burgerzaken",
        kanaal="telefoon",
        gespreks_id="g2",
        vraag="Paspoort aanvragen",
        **common,
    )
    record(
        "2026-03-03T14:00:00",
        180,
        gespreksresultaat="Onbekend",
        verantwoordelijke_afdeling="Burgerzaken",
        kanaal="balie",
        vraag="Paspoort aanvragen",
        **common,
    )
    BronFactory(contactmomentdetails=a, soort="kennisartikel")
    BronFactory(contactmomentdetails=a, soort="kennisartikel")
    BronFactory(contactmomentdetails=a, soort="vac")
    BronFactory(contactmomentdetails=c, soort="website")


def get(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_totals_have_exact_counts_durations_shares_and_gesprekken(api_client, dataset):
    [totaal] = get(api_client("analist"))
    assert totaal == {
        "aantal": 6,
        "gemiddeldeGespreksduur": 360.0,
        "mediaanGespreksduur": 240.0,  # percentile_cont: between 180 and 300
        "p90Gespreksduur": 750.0,  # 600 + 0.5 x (900 - 600)
        "aandeelEerstelijns": round(2 / 6, 6),  # " Zelfstandig afgehandeld " matches after trimming
        "aandeelDoorverbonden": round(1 / 6, 6),
        "aandeelContactverzoek": round(1 / 6, 6),
        "aantalGesprekken": 4,
        "vragenPerGesprek": 1.5,
        "gemiddeldeGesprekDuur": 457.5,  # (150 + 300 + 1200 + 180) / 4, not the sum of questions
    }


def test_a_resultaat_mapped_by_a_beheerder_counts_in_its_category(api_client, dataset):
    GespreksresultaatCategorie.objects.create(resultaat="Terugbelverzoek", categorie="contactverzoek")
    [totaal] = get(api_client("analist"))
    assert totaal["aandeelContactverzoek"] == round(2 / 6, 6)
    rows = get(api_client("analist"), groeperen="kpiCategorie")
    assert [(r["kpiCategorie"], r["aantal"]) for r in rows] == [
        ("contactverzoek", 2),
        ("doorverbonden", 1),
        ("eerstelijns", 2),
        ("overig", 1),
    ]


def test_no_records_is_one_row_of_zeros_and_nulls(api_client):
    [totaal] = get(api_client("beheerder"))
    assert totaal["aantal"] == 0 and totaal["aantalGesprekken"] == 0
    assert totaal["gemiddeldeGespreksduur"] is None and totaal["p90Gespreksduur"] is None
    assert totaal["vragenPerGesprek"] is None and totaal["aandeelEerstelijns"] is None
    assert get(api_client("beheerder"), groeperen="dag") == []


def test_per_dag_every_measure(api_client, dataset):
    maandag, dinsdag = get(api_client("analist"), groeperen="dag")
    assert maandag == {
        "dag": "2026-03-02",
        "aantal": 3,
        "gemiddeldeGespreksduur": 160.0,
        "mediaanGespreksduur": 120.0,
        "p90Gespreksduur": 264.0,  # 120 + 0.8 x (300 - 120)
        "aandeelEerstelijns": round(2 / 3, 6),
        "aandeelDoorverbonden": round(1 / 3, 6),
        "aandeelContactverzoek": 0.0,
        "aantalGesprekken": 2,
        "vragenPerGesprek": 1.5,
        "gemiddeldeGesprekDuur": 225.0,  # (150 + 300) / 2
    }
    assert dinsdag["dag"] == "2026-03-03"
    assert (dinsdag["aantal"], dinsdag["gemiddeldeGespreksduur"], dinsdag["mediaanGespreksduur"]) == (
        3,
        560.0,
        600.0,
    )
    assert (dinsdag["p90Gespreksduur"], dinsdag["aantalGesprekken"], dinsdag["gemiddeldeGesprekDuur"]) == (
        840.0,
        2,
        690.0,
    )


@pytest.mark.parametrize(
    ("groeperen", "expected"),
    [
        ("week", [("2026-W10", 6)]),
        ("maand", [("2026-03", 6)]),
        ("uur", [(10, 2), (11, 1), (13, 2), (15, 1)]),  # Europe/Amsterdam hours (CET)
        ("weekdag", [(1, 3), (2, 3)]),
        ("verantwoordelijkeAfdeling", [("Belastingen", 2), ("Burgerzaken", 4)]),
        (
            "gespreksresultaat",
            [
                ("Contactverzoek gemaakt", 1),
                ("Doorverbonden naar afdeling", 1),
                ("Onbekend", 1),
                ("Terugbelverzoek", 1),
                ("Zelfstandig afgehandeld", 2),
            ],
        ),
        ("kpiCategorie", [("contactverzoek", 1), ("doorverbonden", 1), ("eerstelijns", 2), ("overig", 2)]),
        ("kanaal", [("balie", 1), ("e-mail", 1), ("telefoon", 4)]),
        # A record counts once per soort (two kennisartikelen are one); null: no bronnen.
        ("bronSoort", [("kennisartikel", 1), ("vac", 1), ("website", 1), (None, 4)]),
        ("vraag", [("Paspoort aanvragen", 4), ("Afval", 1), ("Rijbewijs verlengen", 1)]),
    ],
)
def test_every_groeperen_option(api_client, dataset, groeperen, expected):
    rows = get(api_client("analist"), groeperen=groeperen)
    assert [(r[groeperen], r["aantal"]) for r in rows] == expected
    assert all(set(r) == {groeperen, *METINGEN} for r in rows)


def test_vraag_is_a_top_n_with_limit(api_client, dataset):
    rows = get(api_client("analist"), groeperen="vraag", limit=2)
    assert [(r["vraag"], r["aantal"], r["gemiddeldeGespreksduur"]) for r in rows] == [
        ("Paspoort aanvragen", 4, 360.0),  # (60 + 300 + 900 + 180) / 4
        ("Afval", 1, 600.0),
    ]


def test_two_groeperen_at_once_and_gesprekken_within_a_row(api_client, dataset):
    rows = get(api_client("analist"), groeperen="dag,kpiCategorie")
    assert [(r["dag"], r["kpiCategorie"], r["aantal"]) for r in rows] == [
        ("2026-03-02", "doorverbonden", 1),
        ("2026-03-02", "eerstelijns", 2),
        ("2026-03-03", "contactverzoek", 1),
        ("2026-03-03", "overig", 2),
    ]
    # Repeated parameter, same meaning. g2 spans two afdelingen: per afdeling its part counts.
    rows = api_client("analist").get(f"{URL}?groeperen=verantwoordelijkeAfdeling&groeperen=dag").json()
    burgerzaken_dinsdag = next(
        r for r in rows if r["verantwoordelijkeAfdeling"] == "Burgerzaken" and r["dag"] == "2026-03-03"
    )
    assert burgerzaken_dinsdag["aantalGesprekken"] == 2
    assert burgerzaken_dinsdag["gemiddeldeGesprekDuur"] == 540.0  # (900 + 180) / 2
    assert [(r["verantwoordelijkeAfdeling"], r["dag"]) for r in rows] == [
        ("Belastingen", "2026-03-02"),
        ("Belastingen", "2026-03-03"),
        ("Burgerzaken", "2026-03-02"),
        ("Burgerzaken", "2026-03-03"),
    ]


def test_filters_of_the_list_combine(api_client, dataset):
    client = api_client("analist")
    [one] = get(
        client, verantwoordelijkeAfdeling="Burgerzaken", kanaal="telefoon", startdatum__gte="2026-03-03"
    )
    assert (one["aantal"], one["gemiddeldeGespreksduur"], one["aantalGesprekken"]) == (1, 900.0, 1)
    [bron] = get(client, bronSoort="kennisartikel")
    assert bron["aantal"] == 1
    [gesprek] = get(client, gespreksId="g1")
    assert (gesprek["aantal"], gesprek["aantalGesprekken"], gesprek["gemiddeldeGesprekDuur"]) == (2, 1, 150.0)
    rows = get(client, groeperen="dag", einddatum__lt="2026-03-03")
    assert [(r["dag"], r["aantal"]) for r in rows] == [("2026-03-02", 3)]


def test_amsterdam_days_around_midnight_and_across_dst(api_client):
    record("2026-06-15T21:59:00", 60)  # 23:59 CEST: the 15th
    record("2026-06-15T23:30:00", 60)  # 01:30 CEST on a summer day: the 16th
    record("2026-01-10T23:30:00", 60)  # 00:30 CET: the 11th
    record("2026-03-28T23:30:00", 60)  # 00:30 CET on the night of the change: the 29th
    record("2026-03-29T21:30:00", 60)  # 23:30 CEST: still the 29th
    record("2026-03-29T22:30:00", 60)  # 00:30 CEST: Monday the 30th
    client = api_client("analist")
    assert [(r["dag"], r["aantal"]) for r in get(client, groeperen="dag")] == [
        ("2026-01-11", 1),
        ("2026-03-29", 2),
        ("2026-03-30", 1),
        ("2026-06-15", 1),
        ("2026-06-16", 1),
    ]
    # Sunday the 29th ends ISO week 13, Monday the 30th starts week 14.
    assert [(r["week"], r["aantal"]) for r in get(client, groeperen="week")] == [
        ("2026-W02", 1),
        ("2026-W13", 2),
        ("2026-W14", 1),
        ("2026-W25", 2),
    ]


def test_amsterdam_hours_weeks_and_months_across_dst(api_client):
    record("2026-03-29T00:30:00", 60)  # 01:30 CET, before the change
    record("2026-03-29T01:30:00", 60)  # 03:30 CEST: 02:00-03:00 does not exist that night
    record("2026-03-29T22:30:00", 60)  # Monday 00:30 CEST: ISO week 14
    record("2026-03-31T22:30:00", 60)  # 1 April 00:30 CEST: April
    record("2027-01-01T10:00:00", 60)  # Friday 1 January 2027 is in ISO week 53 of 2026
    client = api_client("analist")
    assert [(r["uur"], r["aantal"]) for r in get(client, groeperen="uur")] == [
        (0, 2),
        (1, 1),
        (3, 1),
        (11, 1),
    ]
    assert [(r["week"], r["aantal"]) for r in get(client, groeperen="week")] == [
        ("2026-W13", 2),
        ("2026-W14", 2),
        ("2026-W53", 1),
    ]
    assert [(r["maand"], r["aantal"]) for r in get(client, groeperen="maand")] == [
        ("2026-03", 3),
        ("2026-04", 1),
        ("2027-01", 1),
    ]
    assert [(r["weekdag"], r["aantal"]) for r in get(client, groeperen="weekdag")] == [
        (1, 1),
        (3, 1),
        (5, 1),
        (7, 2),
    ]


def test_csv_is_the_same_table_with_bom_and_header(api_client, dataset):
    response = api_client("analist").get(URL, {"groeperen": "dag", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert 'filename="statistieken-dag.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["dag", *METINGEN]
    assert rows[1] == [
        "2026-03-02",
        "3",
        "160.0",
        "120.0",
        "264.0",
        "0.666667",
        "0.333333",
        "0.0",
        "2",
        "1.5",
        "225.0",
    ]
    assert len(rows) == 3


@pytest.mark.parametrize(
    ("role", "status"), [(None, 401), ("kcm", 403), ("analist", 200), ("jwt", 200), ("beheerder", 200)]
)
def test_roles(api_client, role, status):
    response = api_client(role).get(URL)
    assert response.status_code == status
    if status != 200:
        assert response["Content-Type"] == "application/problem+json"


def _problem(response, status=400) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()


@pytest.mark.parametrize("params", [{"groeperen": "emailadresKcm"}, {"groeperen": "dag,emailadresKcm"}])
def test_no_figures_per_kcm(api_client, dataset, params):
    body = _problem(api_client("beheerder").get(URL, params))
    [invalid] = body["invalidParams"]
    assert invalid["name"] == "groeperen" and "ondernemingsraad" in invalid["reason"]


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"groeperen": "afdeling"}, "groeperen"),
        ({"groeperen": "dag,week,maand"}, "groeperen"),
        ({"groeperen": "dag,dag"}, "groeperen"),
        ({"groeperen": "dag", "limit": "5"}, "limit"),
        ({"groeperen": "vraag", "limit": "1001"}, "limit"),
        ({"groeperen": "vraag", "limit": "nul"}, "limit"),
        ({"afdeling": "Burgerzaken"}, "afdeling"),  # the strict rule: unknown parameters
        ({"ordering": "startdatum"}, "ordering"),  # rows come in the order of their keys
        ({"startdatum__gte": "gisteren"}, "startdatum__gte"),
        ({"format": "xml"}, "format"),
    ],
)
def test_bad_parameters_are_a_problem_naming_the_parameter(api_client, params, name):
    body = _problem(api_client("analist").get(URL, params))
    assert [p["name"] for p in body["invalidParams"]] == [name]


def test_errors_of_a_csv_request_stay_problem_json(api_client):
    body = _problem(api_client("analist").get(URL, {"groeperen": "emailadresKcm", "format": "csv"}))
    assert body["invalidParams"][0]["name"] == "groeperen"
    assert _problem(api_client("kcm").get(URL, {"format": "csv"}), 403)["status"] == 403


def test_emailadres_kcm_filter_follows_the_privacy_policy(api_client, dataset, settings):
    assert _problem(api_client("analist").get(URL, {"emailadresKcm": "kcm1@example.nl"}), 403)
    [totaal] = get(api_client("beheerder"), emailadresKcm="KCM2@example.nl")
    assert totaal["aantal"] == 1


def test_openapi_documents_parameters_shape_and_example_in_dutch(client, analist_user):
    from contactmomenten.api.statistieken import StatistiekenFilterSet

    client.force_login(analist_user)
    operation = client.get("/api/v1/schema", {"format": "json"}).json()["paths"][URL]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert set(StatistiekenFilterSet.base_filters) | {"groeperen", "limit", "format"} == set(parameters)
    assert "ordering" not in parameters
    assert parameters["groeperen"]["schema"]["items"]["enum"][:3] == ["dag", "week", "maand"]
    assert "emailadresKcm" in operation["description"] and "Rollen" in operation["description"]
    content = operation["responses"]["200"]["content"]
    assert set(content) == {"application/json", "text/csv"}
    example = next(iter(content["application/json"]["examples"].values()))["value"]
    assert set(example[0]) == {"maand", "verantwoordelijkeAfdeling", *METINGEN}
    assert {"400", "401", "403"} <= set(operation["responses"])


METINGEN = [
    "aantal",
    "gemiddeldeGespreksduur",
    "mediaanGespreksduur",
    "p90Gespreksduur",
    "aandeelEerstelijns",
    "aandeelDoorverbonden",
    "aandeelContactverzoek",
    "aantalGesprekken",
    "vragenPerGesprek",
    "gemiddeldeGesprekDuur",
]
