"""Settings come from the environment and fail safe: no secret key, no start."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args, **env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DEBUG", "DATABASE_URL", "SECURE_SSL_REDIRECT")
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_refuses_to_start_without_secret_key_when_debug_is_off():
    result = _manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_starts_with_development_key_when_debug_is_on():
    result = _manage("check", DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_deploy_check_is_clean_for_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="p" * 20 + "roductie-geheim-0123456789-abcdefghij",
        BEWAARTERMIJN_DAGEN="730",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_without_a_retention_term_gives_a_warning():
    result = _manage("check", SECRET_KEY="p" * 20 + "roductie-geheim-0123456789-abcdefghij")
    assert result.returncode == 0
    assert "contactmomenten.W004" in result.stdout + result.stderr
    assert "BEWAARTERMIJN_DAGEN is not set" in result.stdout + result.stderr


def test_short_managementinformatie_key_gives_a_warning():
    result = _manage("check", DEBUG="true", MANAGEMENTINFORMATIE_API_KEY="te-kort")
    assert "contactmomenten.W001" in result.stdout + result.stderr


@pytest.mark.parametrize(("name", "value"), [("TIME_ZONE", "Europe/Amsterdam"), ("LANGUAGE_CODE", "nl")])
def test_locale_settings(settings, name, value):
    assert getattr(settings, name) == value
    assert settings.USE_TZ is True


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"EMAILADRES_KCM_VOOR_ANALIST": "soms"}, "must be weglaten, pseudoniem or tonen"),
        ({"EMAILADRES_KCM_VOOR_ANALIST": "pseudoniem"}, "needs EMAILADRES_KCM_PSEUDONIEM_SLEUTEL"),
        ({"BEWAARTERMIJN_DAGEN": "een jaar"}, "BEWAARTERMIJN_DAGEN must be a whole number of days"),
        ({"BEWAARTERMIJN_DAGEN": "0"}, "BEWAARTERMIJN_DAGEN must be a whole number of days"),
    ],
)
def test_privacy_settings_refuse_to_start_when_wrong(env, message):
    result = _manage("check", DEBUG="true", **env)
    assert result.returncode != 0
    assert message in result.stderr
