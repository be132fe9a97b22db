"""Inputs found by fuzzing both APIs (schemathesis and hand-made requests): each was a 500
or a response that broke the documented schema, and must stay a clean answer."""

import re
from datetime import UTC, datetime

import pytest

from contactmomenten.models import ContactmomentDetails
from tests.factories import ContactmomentDetailsFactory, KissContactmomentDetailsBodyFactory

pytestmark = pytest.mark.django_db

KISS = "/api/contactmomentdetails"
RAPPORTAGE = "/api/contactmomentendetails"
V1 = "/api/v1/contactmomentdetails"
PROBLEM = "application/problem+json"
DEEP_JSON = "[" * 100_000 + "]" * 100_000
# RFC 3339 date-time, as the OpenAPI format "date-time" means: the offset has no seconds.
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def test_kiss_put_with_a_null_bron_is_400_and_stores_nothing(api_client):
    body = KissContactmomentDetailsBodyFactory(bronnen=[None])
    response = api_client("kcm").put(KISS, body, format="json")
    assert response.status_code == 400
    assert "bronnen" in response.json()
    assert not ContactmomentDetails.objects.filter(contactmoment=body["id"]).exists()


@pytest.mark.parametrize(("method", "path"), [("put", KISS), ("post", V1)])
def test_json_nested_too_deep_is_400(api_client, method, path):
    response = getattr(api_client("kcm"), method)(path, DEEP_JSON, content_type="application/json")
    assert response.status_code == 400


def test_a_body_of_null_is_400_in_dutch_on_both_apis(api_client):
    kiss = api_client("kcm").put(KISS, "null", content_type="application/json")
    assert kiss.status_code == 400
    assert kiss.json() == {"non_field_errors": ["Geen gegevens meegestuurd."]}
    v1 = api_client("beheerder").post(V1, "null", content_type="application/json")
    assert v1.status_code == 400
    assert v1.json()["invalidParams"] == [
        {"name": "nonFieldErrors", "code": "null", "reason": "Geen gegevens meegestuurd."}
    ]


def test_v1_body_that_is_no_json_has_invalid_params_like_every_400(api_client):
    response = api_client("kcm").post(V1, "\x00", content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["invalidParams"] == [
        {"name": "nonFieldErrors", "code": "parse_error", "reason": "De body is geen geldige JSON."}
    ]


def test_v1_filter_with_an_offset_postgres_refuses_still_filters(api_client):
    ContactmomentDetailsFactory(startdatum=datetime(2024, 3, 1, 10, tzinfo=UTC))
    # 2024-03-02T05:00+19:08 is 2024-03-01T09:52Z: just before the record.
    client = api_client("analist")
    assert client.get(V1, {"startdatum__gte": "2024-03-02T05:00:00+19:08"}).json()["count"] == 1
    assert client.get(V1, {"startdatum__gte": "2024-03-02T05:10:00+19:08"}).json()["count"] == 0


def test_v1_filter_before_year_one_in_utc_is_400(api_client):
    response = api_client("analist").get(V1, {"startdatum__gte": "0001-01-01T00:00:00+01:00"})
    assert response.status_code == 400
    assert [p["name"] for p in response.json()["invalidParams"]] == ["startdatum__gte"]


def test_rapportage_with_an_offset_postgres_refuses_still_answers(api_client):
    ContactmomentDetailsFactory(startdatum=datetime(2024, 3, 1, 10, tzinfo=UTC))
    response = api_client("jwt").get(
        RAPPORTAGE, {"from": "2024-03-02T05:00:00+19:08", "to": "2024-03-01T00:00:00-23:00"}
    )
    assert response.status_code == 200
    assert response.json()["count"] == 1


@pytest.mark.parametrize(
    "params",
    [
        {"from": "0001-01-01T00:00:00+01:00", "to": "2024-01-01T00:00:00Z"},
        {"from": "２０２４-01-01T00:00:00Z", "to": "2024-01-02T00:00:00Z"},  # noqa: RUF001
        {"from": "2024-01-01T00:00:00Z", "to": "2024-01-02T00:00:00Z", "pageSize": "\uff11"},
        {"from": "2024-01-01T00:00:00Z", "to": "2024-01-02T00:00:00Z", "page": "\u0661"},
    ],
)
def test_rapportage_out_of_range_or_non_ascii_parameters_are_400(api_client, params):
    response = api_client("jwt").get(RAPPORTAGE, params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")


def test_v1_dates_before_1937_render_as_rfc3339(api_client):
    # Europe/Amsterdam had offset +00:19:32 then; the record is rendered in UTC instead.
    old = ContactmomentDetailsFactory(
        startdatum=datetime(1900, 1, 1, 12, tzinfo=UTC), einddatum=datetime(1900, 1, 1, 12, 5, tzinfo=UTC)
    )
    new = ContactmomentDetailsFactory(startdatum=datetime(2024, 3, 1, 10, tzinfo=UTC))
    client = api_client("analist")
    data = client.get(f"{V1}/{old.uuid}").json()
    assert (data["startdatum"], data["einddatum"]) == ("1900-01-01T12:00:00Z", "1900-01-01T12:05:00Z")
    assert client.get(f"{V1}/{new.uuid}").json()["startdatum"] == "2024-03-01T11:00:00+01:00"
    for record in client.get(V1).json()["results"]:
        assert RFC3339.match(record["startdatum"]) and RFC3339.match(record["einddatum"])


@pytest.mark.parametrize(
    ("ordering", "expected"), [(",,,", ["nieuw", "oud"]), ("einddatum,,", ["oud", "nieuw"])]
)
def test_v1_ordering_with_empty_items_skips_them(api_client, ordering, expected):
    ContactmomentDetailsFactory(contactmoment="oud", startdatum=datetime(2024, 3, 1, 10, tzinfo=UTC))
    ContactmomentDetailsFactory(contactmoment="nieuw", startdatum=datetime(2024, 3, 2, 10, tzinfo=UTC))
    response = api_client("analist").get(V1, {"ordering": ordering})
    assert response.status_code == 200
    assert [record["contactmoment"] for record in response.json()["results"]] == expected
