"""API tokens in the admin: the key is shown once on creation, works, and stops working once
revoked; last use is visible."""

import re

import pytest
from django.contrib.messages import get_messages

from contactmomenten.models import ApiToken
from contactmomenten.services import api_token_create, api_token_revoke
from tests.conftest import StreamReadingAPIClient

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/contactmomenten/apitoken/add/"
LIST_URL = "/admin/contactmomenten/apitoken/"


def rapportage(key):
    client = StreamReadingAPIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get(
        "/api/contactmomentendetails", {"from": "2024-01-01T00:00:00Z", "to": "2024-12-31T00:00:00Z"}
    )


def shown_key(response) -> str:
    return re.search(r'value="([^"]+)" id="id_api_key"', response.content.decode()).group(1)


def _set_cookies(response) -> str:
    return "\n".join(morsel.OutputString() for morsel in response.cookies.values())


def test_created_key_is_shown_once_works_and_is_revocable(admin_client):
    response = admin_client.post(ADD_URL, {"name": "Power BI", "role": "analist"})

    # A page of its own shows the key: no redirect, so no message and no cookie carries it.
    assert response.status_code == 200
    key = shown_key(response)
    token = ApiToken.objects.get()
    assert key not in (token.key_hash, token.key_prefix) and token.key_prefix == key[:8]
    assert "no-store" in response["Cache-Control"]
    assert rapportage(key).status_code == 200

    assert key not in admin_client.get(LIST_URL).content.decode()  # never again
    token.refresh_from_db()
    assert token.last_used is not None

    admin_client.post(LIST_URL, {"action": "revoke", "_selected_action": [token.pk]})

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert rapportage(key).status_code == 401


@pytest.mark.parametrize("button", [{}, {"_continue": "1"}, {"_addanother": "1"}])
def test_new_key_never_travels_in_a_cookie_message_or_session(admin_client, button):
    response = admin_client.post(ADD_URL, {"name": "KISS", "role": "kcm", **button})

    key = shown_key(response)
    assert key not in _set_cookies(response)
    assert not [str(m) for m in get_messages(response.wsgi_request)]
    assert key not in str(dict(admin_client.session))
    following = admin_client.get(LIST_URL)
    assert key not in _set_cookies(following) and key not in following.content.decode()


def test_editing_a_token_keeps_its_key(admin_client):
    admin_client.post(ADD_URL, {"name": "KISS", "role": "kcm"})
    token = ApiToken.objects.get()
    old_hash = token.key_hash

    admin_client.post(f"{LIST_URL}{token.pk}/change/", {"name": "KISS productie", "role": "kcm"})

    token.refresh_from_db()
    assert (token.name, token.key_hash) == ("KISS productie", old_hash)


def test_revoke_action_keeps_the_first_revocation_and_counts_only_new_ones(admin_client):
    first, _ = api_token_create(name="al ingetrokken", role="kcm")
    api_token_revoke(token=first)
    revoked_at = ApiToken.objects.get(pk=first.pk).revoked_at
    second, _ = api_token_create(name="actief", role="kcm")

    response = admin_client.post(
        LIST_URL, {"action": "revoke", "_selected_action": [first.pk, second.pk]}, follow=True
    )

    assert "1 API-token(s) ingetrokken." in [str(m) for m in response.context["messages"]]
    assert ApiToken.objects.get(pk=first.pk).revoked_at == revoked_at
    assert ApiToken.objects.get(pk=second.pk).revoked_at is not None
