"""GET /api/contactmomentendetails: upstream's managementinformatie endpoint, as a Power BI job
would call it (JWT), with its parameters, messages, pagination and links."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest
from django.db import connection

from contactmomenten.api.kiss import MESSAGE_DATUM, MESSAGE_PAGINAGROOTTE, MESSAGE_PAGINANUMMER
from tests.api.test_kiss_get import UPSTREAM_FIELDS
from tests.factories import ContactmomentDetailsFactory

URL = "/api/contactmomentendetails"
MOMENT = datetime(2024, 10, 1, 10, 0, tzinfo=UTC)
PERIOD = {"from": "2024-10-01T00:00:00Z", "to": "2024-10-31T23:59:59Z"}

pytestmark = pytest.mark.django_db


@pytest.fixture
def jwt_client(api_client):
    return api_client("jwt")


def at(moment, **kwargs):
    return ContactmomentDetailsFactory(startdatum=moment, einddatum=moment + timedelta(minutes=5), **kwargs)


def test_walking_pages_with_equal_startdatums_shows_every_record_once(jwt_client):
    # Twelve records on one moment (a bulk import, or second precision) between others: ties
    # must not make a record appear twice or never. Without an index PostgreSQL sorts each
    # page anew (top-N heapsort or quicksort, depending on LIMIT + OFFSET), so only a unique
    # tie-breaker in the ORDER BY keeps the pages consistent.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off")
    expected = set()
    for i in range(12):
        expected.add(at(MOMENT).contactmoment)
        if i % 3 == 0:
            expected.add(at(MOMENT - timedelta(minutes=i + 1)).contactmoment)
    seen, pages = [], 0
    response = jwt_client.get(URL, {**PERIOD, "pageSize": 3})
    while True:
        body = response.json()
        pages += 1
        assert body["count"] == 16
        seen += [record["id"] for record in body["results"]]
        if body["next"] is None:
            break
        response = jwt_client.get(body["next"])  # absolute URL, same parameters
        assert response.status_code == 200

    assert pages == 6
    assert len(seen) == len(set(seen)) == 16
    assert set(seen) == expected


def test_newest_first_with_upstream_result_fields(jwt_client):
    older = at(MOMENT - timedelta(hours=1), bronnen=2)
    newer = at(MOMENT, vraag="", bronnen=0)

    results = jwt_client.get(URL, PERIOD).json()["results"]

    assert [r["id"] for r in results] == [newer.contactmoment, older.contactmoment]
    assert set(results[0]) == UPSTREAM_FIELDS | {"bronnen", "gespreksId", "kanaal"}
    assert results[0]["vraag"] is None
    assert list(results[1]["bronnen"][0]) == ["soort", "titel", "url"]
    assert len(results[1]["bronnen"]) == 2


def test_from_and_to_are_inclusive(jwt_client):
    start, end = datetime(2024, 10, 1, tzinfo=UTC), datetime(2024, 10, 2, tzinfo=UTC)
    inside = {at(start).contactmoment, at(end).contactmoment}
    at(start - timedelta(seconds=1))
    at(end + timedelta(seconds=1))

    body = jwt_client.get(URL, {"from": "2024-10-01T00:00:00Z", "to": "2024-10-02T00:00:00Z"}).json()

    assert {r["id"] for r in body["results"]} == inside
    assert body["count"] == 2


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2024-10-01T00:00:00.000Z", "2024-10-01T23:59:59.999999Z"),  # fractions
        ("2024-10-01T02:00:00+02:00", "2024-10-02T01:59:59+0200"),  # offsets
        ("2024-10-01T02:00:00 02:00", "2024-10-02T01:59:59 02:00"),  # unencoded '+' became a space
    ],
)
def test_fractions_and_offsets_are_accepted(jwt_client, start, end):
    record = at(datetime(2024, 10, 1, 12, 0, tzinfo=UTC))

    response = jwt_client.get(URL, {"from": start, "to": end})

    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [record.contactmoment]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"to": PERIOD["to"]}, MESSAGE_DATUM),
        ({"from": PERIOD["from"]}, MESSAGE_DATUM),
        ({**PERIOD, "from": "2024-10-01"}, MESSAGE_DATUM),
        ({**PERIOD, "from": "2024-10-01T00:00:00"}, MESSAGE_DATUM),  # no zone: ambiguous
        ({**PERIOD, "to": "2024-13-01T00:00:00Z"}, MESSAGE_DATUM),
        ({**PERIOD, "to": "gisteren"}, MESSAGE_DATUM),
        ({**PERIOD, "pageSize": 0}, MESSAGE_PAGINAGROOTTE),
        ({**PERIOD, "pageSize": 5001}, MESSAGE_PAGINAGROOTTE),
        ({**PERIOD, "pageSize": "veel"}, MESSAGE_PAGINAGROOTTE),
        ({**PERIOD, "page": 0}, MESSAGE_PAGINANUMMER),
        ({**PERIOD, "page": -1}, MESSAGE_PAGINANUMMER),
        ({**PERIOD, "page": "eerste"}, MESSAGE_PAGINANUMMER),
    ],
)
def test_invalid_parameters_give_upstreams_plain_text_400(jwt_client, query, message):
    response = jwt_client.get(URL, query)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == message


def test_upstream_messages_are_verbatim():
    assert MESSAGE_DATUM == "Ongeldig datumnotatie. Gebruik de ISO 8601-notatie (yyyy-MM-ddTHH:mm:ssZ)."
    assert MESSAGE_PAGINAGROOTTE == "Paginagrootte moet tussen 1 en 5000 liggen."
    assert MESSAGE_PAGINANUMMER == "Paginanummer moet minimaal 1 zijn."


def test_page_past_the_last_is_404_with_title_and_instance(jwt_client):
    for _ in range(3):
        at(MOMENT)

    response = jwt_client.get(URL, {**PERIOD, "pageSize": 2, "page": 3})

    assert response.status_code == 404
    body = response.json()
    assert set(body) == {"title", "instance"}
    assert body["title"] == "Ongeldige pagina. Totaal aantal pagina's gaat tot maximaal 2."
    assert body["instance"].startswith("urn:uuid:")


def test_without_results_any_page_is_200(jwt_client):
    response = jwt_client.get(URL, {**PERIOD, "page": 7})

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["next"], body["results"]) == (0, None, [])
    assert parse_qs(urlsplit(body["previous"]).query)["page"] == ["6"]


def test_defaults_are_page_1_and_page_size_5000(jwt_client):
    for _ in range(2):
        at(MOMENT)

    body = jwt_client.get(URL, PERIOD).json()

    assert (body["count"], len(body["results"]), body["next"], body["previous"]) == (2, 2, None, None)


def test_links_are_absolute_and_carry_the_same_parameters(jwt_client):
    for _ in range(3):
        at(MOMENT)

    body = jwt_client.get(URL, {**PERIOD, "pageSize": 1, "page": 2}).json()

    for link, page in ((body["next"], "3"), (body["previous"], "1")):
        parts = urlsplit(link)
        assert (parts.scheme, parts.netloc, parts.path) == ("http", "testserver", URL)
        # Upstream's four parameters first, in upstream's order; only `next` adds our cursor.
        params = parse_qsl(parts.query)
        assert params[:4] == [
            ("from", PERIOD["from"]),
            ("to", PERIOD["to"]),
            ("pageSize", "1"),
            ("page", page),
        ]
        assert [name for name, _ in params[4:]] == (["cursor"] if link == body["next"] else [])


def test_parameter_names_are_case_insensitive_and_trailing_slash_accepted(jwt_client):
    for _ in range(2):
        at(MOMENT)

    response = jwt_client.get(
        URL + "/", {"FROM": PERIOD["from"], "To": PERIOD["to"], "pagesize": 1, "PAGE": 2}
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], len(body["results"]), body["next"]) == (2, 1, None)
    assert parse_qs(urlsplit(body["previous"]).query)["pageSize"] == ["1"]


@pytest.mark.parametrize(("trust_proxy", "scheme"), [(True, "https"), (False, "http")])
def test_links_use_https_behind_a_trusted_proxy_only(jwt_client, settings, trust_proxy, scheme):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if trust_proxy else None
    for _ in range(2):
        at(MOMENT)

    body = jwt_client.get(URL, {**PERIOD, "pageSize": 1}, HTTP_X_FORWARDED_PROTO="https").json()

    assert urlsplit(body["next"]).scheme == scheme


def test_one_page_is_three_queries_whatever_its_size(jwt_client, django_assert_max_num_queries):
    for minute in range(30):
        at(MOMENT + timedelta(minutes=minute), bronnen=2)

    with django_assert_max_num_queries(3):  # count, page, bronnen of the page
        body = jwt_client.get(URL, {**PERIOD, "pageSize": 25}).json()

    assert len(body["results"]) == 25
    assert all(len(r["bronnen"]) == 2 for r in body["results"])
