"""Keyset paging behind page numbers (contactmomenten.paging) on both list endpoints: a walk
returns exactly what one ordered query returns, also with many equal sort values, a page asked
directly, a record inserted mid-walk and a cursor that does not fit; pages cost a fixed number
of queries; the count is taken once per walk while no write could have changed it."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contactmomenten.constants import STABLE_ORDER
from contactmomenten.models import ContactmomentDetails
from tests.factories import ContactmomentDetailsFactory

KISS = "/api/contactmomentendetails"
V1 = "/api/v1/contactmomentdetails"
MOMENT = datetime(2024, 10, 1, 10, 0, tzinfo=UTC)
PERIOD = {"from": "2024-10-01T00:00:00Z", "to": "2024-10-31T23:59:59Z"}

pytestmark = pytest.mark.django_db


def records_with_ties(count: int = 40, moments: int = 5, **kwargs) -> None:
    """``count`` records on only ``moments`` distinct startdatums (and so equal durations)."""
    for i in range(count):
        start = MOMENT + timedelta(hours=i % moments)
        ContactmomentDetailsFactory(startdatum=start, einddatum=start + timedelta(minutes=i % 3), **kwargs)


def walk(client, url, params, key="id"):
    """Follow ``next`` links from the first page; returns the keys and each page's count."""
    keys, counts = [], []
    response = client.get(url, params)
    while True:
        assert response.status_code == 200, response.json()
        body = response.json()
        keys += [record[key] for record in body["results"]]
        counts.append(body["count"])
        if body["next"] is None:
            return keys, counts
        response = client.get(body["next"])


def expected_contactmomenten(queryset=None) -> list[str]:
    queryset = queryset if queryset is not None else ContactmomentDetails.objects.all()
    return list(queryset.order_by(*STABLE_ORDER).values_list("contactmoment", flat=True))


def test_kiss_walk_equals_one_ordered_query(api_client):
    records_with_ties()
    keys, counts = walk(api_client("jwt"), KISS, {**PERIOD, "pageSize": 7})
    assert keys == expected_contactmomenten()
    assert counts == [40] * 6


def test_kiss_page_asked_directly_equals_the_slice(api_client):
    records_with_ties()
    client = api_client("jwt")
    for page in (1, 3, 6):
        body = client.get(KISS, {**PERIOD, "pageSize": 7, "page": page}).json()
        assert [r["id"] for r in body["results"]] == expected_contactmomenten()[(page - 1) * 7 : page * 7]


@pytest.mark.parametrize("where", ["ahead", "behind"])
def test_record_inserted_mid_walk(api_client, where):
    # Inserted behind the walk (on a page already read) it is not shown; ahead of the walk it
    # is. Either way no other record is lost or repeated, and the count follows the insert.
    records_with_ties(count=20, moments=4)
    client = api_client("jwt")
    first = client.get(KISS, {**PERIOD, "pageSize": 6}).json()
    start = MOMENT + timedelta(hours=5 if where == "behind" else -1)  # newest first
    inserted = ContactmomentDetailsFactory(startdatum=start, einddatum=start).contactmoment
    keys, counts = walk(client, first["next"], {})
    seen = [r["id"] for r in first["results"]] + keys
    expected = [key for key in expected_contactmomenten() if where == "ahead" or key != inserted]
    assert seen == expected
    assert counts[0] == 21


@pytest.mark.parametrize(
    "ordering",
    ["-startdatum", "startdatum", "gespreksduur", "-gespreksduur", "-verantwoordelijkeAfdeling,startdatum"],
)
def test_v1_walk_equals_one_ordered_query_for_every_ordering(api_client, ordering):
    records_with_ties(count=30, moments=3)
    ContactmomentDetails.objects.filter(id__in=ContactmomentDetails.objects.values("id")[:10]).update(
        verantwoordelijke_afdeling="Afval"
    )
    client = api_client("analist")
    keys, counts = walk(client, V1, {"ordering": ordering, "pageSize": 4}, key="uuid")
    # The plain answer: the whole list as one page.
    whole = client.get(V1, {"ordering": ordering, "pageSize": 5000}).json()["results"]
    assert keys == [record["uuid"] for record in whole]
    assert len(set(keys)) == 30
    assert counts == [30] * 8
    # A page asked directly is the same slice.
    direct = client.get(V1, {"ordering": ordering, "pageSize": 4, "page": 5}).json()["results"]
    assert [record["uuid"] for record in direct] == keys[16:20]


def test_v1_next_keeps_filters_and_page_number(api_client):
    records_with_ties(count=5, kanaal="balie")
    ContactmomentDetailsFactory(kanaal="telefoon")
    body = api_client("analist").get(V1, {"kanaal": "balie", "pageSize": 2}).json()
    query = parse_qs(urlsplit(body["next"]).query)
    assert (query["kanaal"], query["pageSize"], query["page"]) == (["balie"], ["2"], ["2"])
    assert "cursor" in query


def test_a_cursor_of_another_query_or_page_is_ignored(api_client):
    records_with_ties(count=9)
    client = api_client("jwt")
    next_url = client.get(KISS, {**PERIOD, "pageSize": 3}).json()["next"]
    cursor = parse_qs(urlsplit(next_url).query)["cursor"][0]
    # The same cursor with page 3 or another pageSize: the page number decides.
    for params, offset in (({"page": 3, "pageSize": 3}, 6), ({"page": 2, "pageSize": 4}, 4)):
        body = client.get(KISS, {**PERIOD, **params, "cursor": cursor}).json()
        size = params["pageSize"]
        assert [r["id"] for r in body["results"]] == expected_contactmomenten()[offset : offset + size]


def test_an_altered_cursor_is_ignored_by_kiss_and_400_in_v1(api_client):
    records_with_ties(count=3)
    kiss = api_client("jwt").get(KISS, {**PERIOD, "pageSize": 1, "page": 2, "cursor": "vervalst"})
    assert [r["id"] for r in kiss.json()["results"]] == expected_contactmomenten()[1:2]
    v1 = api_client("analist").get(V1, {"pageSize": 1, "page": 2, "cursor": "vervalst"})
    assert v1.status_code == 400
    assert [p["name"] for p in v1.json()["invalidParams"]] == ["cursor"]


@pytest.mark.parametrize("rows", [5, 40])
def test_kiss_pages_cost_fixed_queries(api_client, django_assert_max_num_queries, rows):
    records_with_ties(count=rows)
    client = api_client("jwt")  # a JWT needs no query
    with django_assert_max_num_queries(3):  # count, page, bronnen
        first = client.get(KISS, {**PERIOD, "pageSize": 2}).json()
    with django_assert_max_num_queries(4):  # (re)count, page, bronnen; write-log check
        client.get(first["next"])
    with django_assert_max_num_queries(4):  # count, first key (index only), page, bronnen
        client.get(KISS, {**PERIOD, "pageSize": 2, "page": 2})


@pytest.mark.parametrize("rows", [5, 40])
def test_v1_pages_cost_fixed_queries(api_client, django_assert_max_num_queries, rows):
    records_with_ties(count=rows)
    client = api_client("analist")
    first = client.get(V1, {"pageSize": 2}).json()  # also stamps the token's last_used
    with django_assert_max_num_queries(5):  # token, (re)count, page, bronnen; write-log check
        client.get(first["next"])
    with django_assert_max_num_queries(5):  # token, count, first key, page, bronnen
        client.get(V1, {"pageSize": 2, "page": 3, "ordering": "gewijzigd"})


needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="the write log is PostgreSQL's")


def counts_run(captured) -> int:
    return sum("count(*)" in query["sql"].lower() for query in captured.captured_queries)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_count_is_taken_once_per_walk_until_someone_writes(api_client):
    # Committed data and autocommit requests, as in production: no test transaction.
    records_with_ties(count=9)
    client = api_client("jwt")
    with CaptureQueriesContext(connection) as captured:
        keys, _ = walk(client, KISS, {**PERIOD, "pageSize": 3})
    assert len(keys) == 9
    assert counts_run(captured) == 1

    first = client.get(KISS, {**PERIOD, "pageSize": 3}).json()
    ContactmomentDetailsFactory(startdatum=MOMENT - timedelta(hours=1), einddatum=MOMENT)
    with CaptureQueriesContext(connection) as captured:
        second = client.get(first["next"]).json()
    assert counts_run(captured) == 1
    assert (first["count"], second["count"]) == (9, 10)
