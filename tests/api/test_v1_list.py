"""Listing /api/v1/contactmomentdetails: every filter over HTTP, ordering, page/pageSize
bounds, the beheerder-only emailadresKcm filter and a fixed number of queries per page."""

from datetime import datetime, timedelta
from urllib.parse import parse_qs, parse_qsl, urlsplit
from zoneinfo import ZoneInfo

import pytest

from tests.factories import BronFactory, ContactmomentDetailsFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/contactmomentdetails"
AMS = ZoneInfo("Europe/Amsterdam")


def at(day: int, hour: int = 10, minutes: int = 5) -> dict:
    start = datetime(2024, 3, day, hour, tzinfo=AMS)
    return {"startdatum": start, "einddatum": start + timedelta(minutes=minutes)}


def uuids(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [item["uuid"] for item in response.json()["results"]]


def ids(*records) -> list[str]:
    return [str(r.uuid) for r in records]


@pytest.mark.parametrize(
    ("param", "field", "value"),
    [
        ("gespreksresultaat", "gespreksresultaat", "Doorverbonden"),
        ("kanaal", "kanaal", "balie"),
        ("gespreksId", "gespreks_id", "gesprek-42"),
        ("contactmoment", "contactmoment", "https://ok.example.nl/klantcontacten/42"),
        ("verantwoordelijkeAfdeling", "verantwoordelijke_afdeling", "Burgerzaken"),
    ],
)
def test_text_filters(api_client, param, field, value):
    wanted = ContactmomentDetailsFactory(**{field: value})
    ContactmomentDetailsFactory(**{field: value + "x"})
    response = api_client("analist").get(LIST, {param: value})
    assert uuids(response) == ids(wanted)


def test_afdeling_icontains(api_client):
    wanted = ContactmomentDetailsFactory(verantwoordelijke_afdeling="Burgerzaken")
    ContactmomentDetailsFactory(verantwoordelijke_afdeling="Parkeren")
    response = api_client("analist").get(LIST, {"verantwoordelijkeAfdeling__icontains": "burger"})
    assert uuids(response) == ids(wanted)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"startdatum__gte": "2024-03-02"}, ["b", "c"]),
        ({"startdatum__lt": "2024-03-02"}, ["a"]),
        ({"startdatum__gte": "2024-03-02T10:00:00+01:00", "startdatum__lt": "2024-03-03"}, ["b"]),
        ({"einddatum__gte": "2024-03-03T10:05:00Z"}, []),
        ({"einddatum__gte": "2024-03-03T09:05:00Z"}, ["c"]),
        ({"einddatum__lt": "2024-03-02T10:05:01+01:00"}, ["a", "b"]),
    ],
)
def test_date_filters(api_client, query, expected):
    records = {"a": ContactmomentDetailsFactory(**at(1)), "b": ContactmomentDetailsFactory(**at(2))}
    records["c"] = ContactmomentDetailsFactory(**at(3))
    response = api_client("analist").get(LIST, {**query, "ordering": "startdatum"})
    assert uuids(response) == ids(*(records[k] for k in expected))


def test_bron_soort_without_duplicates(api_client):
    many = ContactmomentDetailsFactory(**at(1))
    BronFactory.create_batch(3, contactmomentdetails=many, soort="kennisartikel")
    one = ContactmomentDetailsFactory(**at(2))
    BronFactory(contactmomentdetails=one, soort="kennisartikel")
    BronFactory(contactmomentdetails=ContactmomentDetailsFactory(**at(3)), soort="vac")
    response = api_client("analist").get(LIST, {"bronSoort": "kennisartikel"})
    assert uuids(response) == ids(one, many)
    assert response.json()["count"] == 2


def test_combined_filters(api_client):
    hit = ContactmomentDetailsFactory(kanaal="telefoon", gespreksresultaat="Doorverbonden", **at(2))
    BronFactory(contactmomentdetails=hit, soort="vac")
    ContactmomentDetailsFactory(kanaal="telefoon", gespreksresultaat="Doorverbonden", **at(1))
    ContactmomentDetailsFactory(kanaal="balie", gespreksresultaat="Doorverbonden", **at(2))
    query = {
        "kanaal": "telefoon",
        "gespreksresultaat": "Doorverbonden",
        "startdatum__gte": "2024-03-02",
        "bronSoort": "vac",
    }
    assert uuids(api_client("analist").get(LIST, query)) == ids(hit)


def test_emailadres_kcm_filter_for_beheerder(api_client):
    wanted = ContactmomentDetailsFactory(emailadres_kcm="piet@example.nl")
    ContactmomentDetailsFactory(emailadres_kcm="marie@example.nl")
    response = api_client("beheerder").get(LIST, {"emailadresKcm": "piet@example.nl"})
    assert uuids(response) == ids(wanted)


@pytest.mark.parametrize("role", ["analist", "jwt"])
def test_emailadres_kcm_filter_forbidden_for_other_roles(api_client, role):
    ContactmomentDetailsFactory(emailadres_kcm="piet@example.nl")
    response = api_client(role).get(LIST, {"emailadresKcm": "piet@example.nl"})
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert "emailadresKcm" in response.json()["detail"]


def test_default_ordering_newest_first_with_tie_breaker(api_client):
    first, second = ContactmomentDetailsFactory(**at(1)), ContactmomentDetailsFactory(**at(1))
    newest = ContactmomentDetailsFactory(**at(2))
    assert uuids(api_client("analist").get(LIST)) == ids(newest, second, first)


def test_ordering_on_gespreksduur_and_ties_across_pages(api_client):
    long = ContactmomentDetailsFactory(**at(1, minutes=30))
    equal = [ContactmomentDetailsFactory(**at(day, minutes=5)) for day in (2, 3, 4)]
    client = api_client("analist")
    assert uuids(client.get(LIST, {"ordering": "-gespreksduur"})) == ids(long, *reversed(equal))
    # Equal durations: pages never repeat or skip a record.
    pages = [
        uuids(client.get(LIST, {"ordering": "gespreksduur", "pageSize": 1, "page": p})) for p in (1, 2, 3, 4)
    ]
    assert [uuid for page in pages for uuid in page] == ids(*equal, long)


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("startdatum", ["a", "b", "c"]),
        ("-einddatum", ["c", "b", "a"]),
        ("verantwoordelijkeAfdeling", ["b", "c", "a"]),
        ("-verantwoordelijkeAfdeling,startdatum", ["a", "b", "c"]),
        ("gewijzigd", ["a", "b", "c"]),
    ],
)
def test_ordering(api_client, ordering, expected):
    records = {
        "a": ContactmomentDetailsFactory(verantwoordelijke_afdeling="Zorg", **at(1)),
        "b": ContactmomentDetailsFactory(verantwoordelijke_afdeling="Afval", **at(2)),
        "c": ContactmomentDetailsFactory(verantwoordelijke_afdeling="Afval", **at(3)),
    }
    response = api_client("analist").get(LIST, {"ordering": ordering})
    assert uuids(response) == ids(*(records[k] for k in expected))


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("startdatum__gte", "gisteren"),
        ("startdatum__lt", "2024-02-30"),
        ("einddatum__gte", "01-03-2024"),
        ("einddatum__lt", "2024-03-01T10:00:00+25:00"),
        ("ordering", "kanaal"),
        ("ordering", "-startdatum;drop"),
        ("page", "een"),
        ("page", "0"),
        ("pageSize", "0"),
        ("pageSize", "5001"),
        ("pageSize", "-1"),
        ("pageSize", "veel"),
    ],
)
def test_wrong_values_are_400_not_an_empty_list(api_client, param, value):
    ContactmomentDetailsFactory()
    response = api_client("analist").get(LIST, {param: value})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert [p["name"] for p in response.json()["invalidParams"]] == [param]


def test_pagination_defaults_and_links(api_client):
    ContactmomentDetailsFactory.create_batch(101)
    client = api_client("analist")
    first = client.get(LIST).json()
    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] == 101
    assert len(first["results"]) == 100
    assert first["previous"] is None
    # next: page 2, plus the cursor that lets page 2 continue by keyset (contactmomenten.paging)
    next_url = urlsplit(first["next"])
    assert next_url._replace(query="").geturl() == "http://testserver/api/v1/contactmomentdetails"
    assert [name for name, _ in parse_qsl(next_url.query)] == ["cursor", "page"]
    assert parse_qs(next_url.query)["page"] == ["2"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1
    assert second["next"] is None
    assert second["previous"] == "http://testserver/api/v1/contactmomentdetails"


def test_page_size_bounds(api_client):
    ContactmomentDetailsFactory.create_batch(3)
    client = api_client("analist")
    assert len(client.get(LIST, {"pageSize": 1}).json()["results"]) == 1
    assert len(client.get(LIST, {"pageSize": 5000}).json()["results"]) == 3
    page = client.get(LIST, {"pageSize": 2, "page": 2}).json()
    assert len(page["results"]) == 1
    assert "pageSize=2" in page["previous"]


def test_page_beyond_the_last_is_404(api_client):
    ContactmomentDetailsFactory.create_batch(2)
    response = api_client("analist").get(LIST, {"page": 3})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("rows", [3, 30])
def test_list_queries_do_not_grow_with_rows(api_client, django_assert_max_num_queries, rows):
    for record in ContactmomentDetailsFactory.create_batch(rows):
        BronFactory.create_batch(2, contactmomentdetails=record)
    client = api_client("analist")
    client.get(LIST)  # the first request also stamps the token's last_used
    # token lookup, count, one page, one prefetch of its bronnen
    with django_assert_max_num_queries(4):
        response = client.get(LIST, {"bronSoort": "kennisartikel", "ordering": "-gespreksduur"})
    assert response.status_code == 200


def test_list_loads_only_one_page(api_client, django_assert_max_num_queries):
    ContactmomentDetailsFactory.create_batch(5)
    client = api_client("analist")
    client.get(LIST)
    with django_assert_max_num_queries(4) as captured:
        client.get(LIST, {"pageSize": 2})
    page_query = next(
        q["sql"]
        for q in captured.captured_queries
        if "contactmomentdetails" in q["sql"] and "LIMIT" in q["sql"]
    )
    assert "LIMIT 2" in page_query
