"""``ensure_admin`` (run by ``make run``): there is always an admin login, and a generated
password is shown exactly once."""

import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def run(monkeypatch, **env) -> str:
    for name in ("DJANGO_SUPERUSER_USERNAME", "DJANGO_SUPERUSER_PASSWORD", "DJANGO_SUPERUSER_EMAIL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    return out.getvalue()


def test_creates_admin_with_a_random_password_shown_once(monkeypatch):
    first = run(monkeypatch)
    password = re.search(r"wachtwoord '([^']+)'", first).group(1)
    user = authenticate(username="admin", password=password)
    assert user is not None and user.is_superuser

    second = run(monkeypatch)
    assert password not in second
    assert get_user_model().objects.count() == 1


def test_uses_username_and_password_from_the_environment(monkeypatch):
    out = run(
        monkeypatch, DJANGO_SUPERUSER_USERNAME="beheer", DJANGO_SUPERUSER_PASSWORD="Een-sterk-wachtwoord-9"
    )
    assert "Een-sterk-wachtwoord-9" not in out
    assert authenticate(username="beheer", password="Een-sterk-wachtwoord-9").is_superuser
    assert not get_user_model().objects.filter(username="admin").exists()
