"""Who may call which KISS endpoint: every endpoint x every kind of client, through the real
Authorization header (Token, Bearer JWT) or a logged-in admin session."""

import json

import pytest

from contactmomenten.constants import GROUP_ANALIST, GROUP_BEHEERDER, GROUP_KCM
from tests.factories import ContactmomentDetailsFactory, KissContactmomentDetailsBodyFactory

pytestmark = pytest.mark.django_db

PERIOD = {"from": "2000-01-01T00:00:00Z", "to": "2100-01-01T00:00:00Z"}


def _put(client, details):
    body = KissContactmomentDetailsBodyFactory(id=details.contactmoment)
    return client.put("/api/contactmomentdetails", data=json.dumps(body), content_type="application/json")


def _get(client, details):
    return client.get("/api/contactmomentdetails", {"id": details.contactmoment})


def _rapportage(client, details):
    return client.get("/api/contactmomentendetails", PERIOD)


ENDPOINTS = {"put": _put, "get": _get, "rapportage": _rapportage}

#              anonymous  kcm  analist  beheerder  jwt
EXPECTED = {
    "put": (401, 200, 403, 200, 403),
    "get": (401, 200, 200, 200, 200),
    "rapportage": (401, 403, 200, 200, 200),
}
CLIENTS = (None, "kcm", "analist", "beheerder", "jwt")


@pytest.mark.parametrize(
    ("endpoint", "role", "status"),
    [
        (endpoint, role, statuses[i])
        for endpoint, statuses in EXPECTED.items()
        for i, role in enumerate(CLIENTS)
    ],
)
def test_role_matrix(api_client, endpoint, role, status):
    details = ContactmomentDetailsFactory()

    response = ENDPOINTS[endpoint](api_client(role), details)

    assert response.status_code == status
    if status == 401:
        assert "Token" in response["WWW-Authenticate"]


#                  session user        put  get  rapportage
SESSION_EXPECTED = {
    GROUP_KCM: (200, 200, 403),
    GROUP_ANALIST: (403, 200, 200),
    GROUP_BEHEERDER: (200, 200, 200),
    "zonder groep": (403, 403, 403),
}


@pytest.mark.parametrize(
    ("group", "endpoint", "status"),
    [
        (group, endpoint, statuses[i])
        for group, statuses in SESSION_EXPECTED.items()
        for i, endpoint in enumerate(ENDPOINTS)
    ],
)
def test_session_user_role_comes_from_django_group(client, user_with_group, group, endpoint, status):
    client.force_login(user_with_group(group))
    details = ContactmomentDetailsFactory()

    assert ENDPOINTS[endpoint](client, details).status_code == status


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_superuser_is_beheerder(client, django_user_model, endpoint):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.nl", "geheim-123"))

    assert ENDPOINTS[endpoint](client, ContactmomentDetailsFactory()).status_code == 200


def test_method_the_endpoint_does_not_serve_is_405_not_403(api_client):
    response = api_client("kcm").delete("/api/contactmomentdetails")

    assert response.status_code == 405


def test_served_method_without_the_role_is_still_403(api_client):
    assert api_client("analist").put("/api/contactmomentdetails", {}, format="json").status_code == 403


def test_session_user_can_browse_the_kiss_endpoints(client, beheerder_user):
    client.force_login(beheerder_user)
    details = ContactmomentDetailsFactory()

    response = client.get("/api/contactmomentdetails", {"id": details.contactmoment}, HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert details.contactmoment in response.content.decode()
