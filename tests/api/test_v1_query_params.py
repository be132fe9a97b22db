"""Strict query parameters on /api/v1: a typo is a 400 naming it and the valid parameters,
never a 200 over every record; the KISS endpoints stay as lenient as upstream."""

import pytest

from tests.factories import ContactmomentDetailsFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/contactmomentdetails"


def test_unknown_parameter_is_400_naming_it_and_listing_the_valid_ones(api_client):
    ContactmomentDetailsFactory(verantwoordelijke_afdeling="Burgerzaken")
    response = api_client("analist").get(LIST, {"afdeling": "Burgerzaken"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    (param,) = response.json()["invalidParams"]
    assert param["name"] == "afdeling"
    assert param["code"] == "unknown_parameter"
    for valid in ("verantwoordelijkeAfdeling", "startdatum__gte", "ordering", "page", "pageSize"):
        assert valid in param["reason"]


def test_every_unknown_parameter_is_named_and_known_ones_still_work(api_client):
    response = api_client("beheerder").get(LIST, {"kanaal": "telefoon", "zoek": "x", "Page": "1"})
    assert response.status_code == 400
    assert [p["name"] for p in response.json()["invalidParams"]] == ["Page", "zoek"]
    query = {
        "verantwoordelijkeAfdeling": "Burgerzaken",
        "page": "1",
        "pageSize": "10",
        "ordering": "-startdatum",
    }
    assert api_client("beheerder").get(LIST, query).status_code == 200


def test_unknown_parameter_on_a_single_record_is_400_too(api_client):
    details = ContactmomentDetailsFactory()
    response = api_client("beheerder").get(f"{LIST}/{details.uuid}", {"expand": "bronnen"})
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "expand"


def test_unauthenticated_client_gets_401_not_the_parameter_list(api_client):
    assert api_client(None).get(LIST, {"afdeling": "x"}).status_code == 401


def test_kiss_endpoints_ignore_unknown_parameters_as_upstream(api_client):
    details = ContactmomentDetailsFactory()
    client = api_client("beheerder")
    assert client.get("/api/contactmomentdetails", {"id": details.contactmoment, "x": "1"}).status_code == 200
    query = {"from": "2000-01-01T00:00:00Z", "to": "2100-01-01T00:00:00Z", "onbekend": "1"}
    assert client.get("/api/contactmomentendetails", query).status_code == 200
