"""The admin login page with OIDC off, on and OIDC-only, the break-glass password login, and
the configuration checks (Django test client: no provider needed)."""

import re
import subprocess
import sys

import pytest

from tests.test_settings import ROOT

BUTTON = "Inloggen met je organisatieaccount"
UNREACHABLE = "http://127.0.0.1:25099"  # a port of this project's range nobody listens on


@pytest.fixture
def oidc_on(settings):
    settings.OIDC_AUTHORITY = UNREACHABLE
    settings.OIDC_RP_CLIENT_ID = "kiss-details"
    settings.OIDC_RP_CLIENT_SECRET = "geheim"
    return settings


def local_login(client, username, password):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password})


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("noodgeval", "nood@gemeente.nl", "nood-wachtwoord-123")


@pytest.fixture
def local_beheerder(beheerder_user):
    return beheerder_user  # password geheim-wachtwoord-123 (tests/conftest.py)


def test_oidc_off_login_page_and_local_login_as_before(client, db, local_beheerder):
    page = client.get("/admin/login/")
    assert BUTTON not in page.content.decode()
    assert 'name="password"' in page.content.decode()
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/").status_code == 404
    assert local_login(client, local_beheerder.username, "geheim-wachtwoord-123").status_code == 302
    assert client.get("/admin/").status_code == 200


def test_oidc_on_login_page_offers_the_organisation_account_and_break_glass_form(client, db, oidc_on):
    html = client.get("/admin/login/?next=/admin/contactmomenten/").content.decode()
    assert f'href="/oidc/authenticate/?next=%2Fadmin%2Fcontactmomenten%2F">{BUTTON}</a>' in html
    assert 'name="password"' in html and "Noodtoegang" in html
    # CSP (script-src 'self'): no inline script, no inline event handler.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\son[a-z]+=", html)


def test_oidc_on_local_password_only_for_a_superuser(client, db, oidc_on, superuser, local_beheerder):
    refused = local_login(client, local_beheerder.username, "geheim-wachtwoord-123")
    assert refused.status_code == 200 and "errornote" in refused.content.decode()
    assert local_login(client, "noodgeval", "nood-wachtwoord-123").status_code == 302
    assert client.get("/admin/").status_code == 200


def test_oidc_only_hides_and_refuses_the_local_login(client, db, oidc_on, superuser):
    oidc_on.OIDC_ONLY = True
    html = client.get("/admin/login/").content.decode()
    assert BUTTON in html and 'name="password"' not in html
    assert local_login(client, "noodgeval", "nood-wachtwoord-123").status_code == 200
    assert client.get("/admin/").status_code == 302


def test_unreachable_provider_is_a_dutch_page_not_a_server_error(client, db, oidc_on):
    response = client.get("/oidc/authenticate/?next=/admin/")
    assert response.status_code == 503
    assert "De identity provider is op dit moment niet bereikbaar" in response.content.decode()


def test_local_logout_without_oidc_session_is_django_s_own(client, db, oidc_on, superuser):
    client.force_login(superuser)
    response = client.post("/admin/logout/")
    assert response.status_code == 200  # the admin's "logged out" page, no provider involved
    assert client.get("/admin/").status_code == 302


def _check(**env):
    base = {
        "PATH": "/usr/bin:/bin",
        "ENV_FILE": "",
        "SECRET_KEY": "p" * 20 + "roductie-geheim-0123456789-abcdefghij",
        "BEWAARTERMIJN_DAGEN": "730",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_deploy_check_is_clean_with_oidc_configured():
    result = _check(
        OIDC_AUTHORITY="https://login.gemeente.nl/realms/kcc",
        OIDC_CLIENT_ID="kiss-details",
        OIDC_CLIENT_SECRET="s",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_names_a_missing_client_id():
    result = _check(OIDC_AUTHORITY="https://login.gemeente.nl/realms/kcc", OIDC_CLIENT_SECRET="s")
    assert result.returncode != 0
    assert "contactmomenten.E001" in result.stdout + result.stderr
    assert "OIDC_CLIENT_ID" in result.stdout + result.stderr
