"""GET /api/contactmomentdetails?id=: upstream's shape, null for empty strings, 404 as "no
details", 400 without id."""

from datetime import UTC, datetime

import pytest

from tests.factories import BronFactory, ContactmomentDetailsFactory

URL = "/api/contactmomentdetails"

pytestmark = pytest.mark.django_db

UPSTREAM_FIELDS = {
    "id",
    "startdatum",
    "einddatum",
    "gespreksresultaat",
    "vraag",
    "specifiekeVraag",
    "emailadresKcm",
    "verantwoordelijkeAfdeling",
}


@pytest.fixture
def kcm(api_client):
    return api_client("kcm")


def test_returns_upstream_fields_plus_gespreksid_kanaal_and_bronnen(kcm):
    # A non-empty specifiekeVraag: the factory sometimes picks "" (rendered as null).
    details = ContactmomentDetailsFactory(
        startdatum=datetime(2024, 10, 1, 8, 0, 0, tzinfo=UTC), specifieke_vraag="Wil weten wat het kost."
    )
    bronnen = [BronFactory(contactmomentdetails=details) for _ in range(2)]

    response = kcm.get(URL, {"id": details.contactmoment})

    assert response.status_code == 200
    got = response.json()
    assert set(got) == UPSTREAM_FIELDS | {"gespreksId", "kanaal", "bronnen"}
    assert got["id"] == details.contactmoment
    assert got["specifiekeVraag"] == details.specifieke_vraag
    assert got["emailadresKcm"] == details.emailadres_kcm
    assert got["verantwoordelijkeAfdeling"] == details.verantwoordelijke_afdeling
    assert got["gespreksId"] == details.gespreks_id
    assert got["startdatum"] == "2024-10-01T08:00:00+00:00"  # as upstream's DateTimeOffset
    assert datetime.fromisoformat(got["einddatum"]) == details.einddatum
    assert got["bronnen"] == [{"soort": b.soort, "titel": b.titel, "url": b.url} for b in bronnen]


def test_empty_optional_strings_are_null_as_upstream(kcm):
    details = ContactmomentDetailsFactory(
        vraag="",
        specifieke_vraag="",
        gespreksresultaat="",
        verantwoordelijke_afdeling="",
        emailadres_kcm="",
        gespreks_id="",
        kanaal="",
    )

    got = kcm.get(URL, {"id": details.contactmoment}).json()

    for field in ("vraag", "specifiekeVraag", "gespreksresultaat", "verantwoordelijkeAfdeling"):
        assert got[field] is None, field
    assert (got["emailadresKcm"], got["gespreksId"], got["kanaal"], got["bronnen"]) == (None, None, None, [])


def test_unknown_id_is_404(kcm):
    ContactmomentDetailsFactory()

    response = kcm.get(URL, {"id": "https://openklant.example.nl/klantcontacten/onbekend"})

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "Dit veld is vereist."),
        ({"id": ""}, "Dit veld mag niet leeg zijn."),
        ({"id": "https://x/\x00"}, "Null-tekens zijn niet toegestaan."),
        ({"id": "x" * 1001}, "Zorg ervoor dat dit veld niet meer dan 1000 karakters bevat."),
    ],
)
def test_missing_or_invalid_id_is_400_naming_id(kcm, query, message):
    response = kcm.get(URL, query)

    assert response.status_code == 400
    assert response.json() == {"id": [message]}


def test_parameter_name_is_case_insensitive_and_trailing_slash_accepted(kcm):
    details = ContactmomentDetailsFactory()

    response = kcm.get(URL + "/", {"ID": details.contactmoment})

    assert response.status_code == 200
    assert response.json()["id"] == details.contactmoment


def test_single_record_costs_two_queries(api_client, django_assert_max_num_queries):
    client = api_client("jwt")  # JWT authentication needs no query
    details = ContactmomentDetailsFactory(bronnen=3)

    with django_assert_max_num_queries(2):
        response = client.get(URL, {"id": details.contactmoment})

    assert len(response.json()["bronnen"]) == 3
