"""``manage.py create_api_token``: a new key, printed alone on the last line, stored hashed."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from contactmomenten.models import ApiToken
from contactmomenten.services import api_token_hash
from tests.conftest import StreamReadingAPIClient

pytestmark = pytest.mark.django_db


def create(*args):
    out, err = StringIO(), StringIO()
    call_command("create_api_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_prints_the_key_alone_on_the_last_line_and_stores_only_its_hash():
    out, _ = create("KISS productie", "--role", "kcm")

    key = out.strip().splitlines()[-1]
    assert " " not in key and len(key) >= 40
    token = ApiToken.objects.get()
    assert (token.name, token.role) == ("KISS productie", "kcm")
    assert token.key_hash == api_token_hash(key)
    assert key not in {token.key_hash, token.key_prefix, token.name}


@pytest.mark.parametrize(
    ("role", "put_status", "rapportage_status"), [("kcm", 400, 403), ("analist", 403, 400)]
)
def test_the_printed_key_authenticates_with_its_role(role, put_status, rapportage_status):
    out, _ = create(f"client-{role}", "--role", role)
    client = StreamReadingAPIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {out.strip().splitlines()[-1]}")

    # Authenticated either way; the role decides between 400 (allowed, empty input) and 403.
    assert client.put("/api/contactmomentdetails", {}, format="json").status_code == put_status
    assert client.get("/api/contactmomentendetails").status_code == rapportage_status


def test_each_call_makes_a_different_key():
    first, _ = create("a", "--role", "analist")
    second, _ = create("b", "--role", "analist")

    assert first.strip() != second.strip()


@pytest.mark.parametrize("args", [("x", "--role", "superman"), ("x",)])
def test_role_is_required_and_must_be_known(args):
    with pytest.raises(CommandError):
        create(*args)
    assert not ApiToken.objects.exists()
