"""API authentication: hashed Token keys, and upstream's managementinformatie JWT with the
limits this service adds (HMAC only, exp required, bounded lifetime, 32-character key)."""

import base64
import hashlib
import hmac
import json
import time
from datetime import timedelta

import pytest
from django.core import checks
from django.utils import timezone

from contactmomenten.api.authentication import LAST_USED_RESOLUTION_SECONDS
from contactmomenten.models import ApiToken
from contactmomenten.services import api_token_create, api_token_hash, api_token_revoke
from tests.conftest import JWT_TEST_KEY, StreamReadingAPIClient, make_jwt

URL = "/api/contactmomentendetails"
PERIOD = {"from": "2024-10-01T00:00:00Z", "to": "2024-10-31T23:59:59Z"}

pytestmark = [
    pytest.mark.django_db,
    # Upstream accepts HS384/HS512 with a 32-character key; PyJWT's advice against it is noise
    # here (the service silences it at import; pytest resets warning filters per test).
    pytest.mark.filterwarnings("ignore::jwt.InsecureKeyLengthWarning"),
]


def call(authorization: str | None):
    client = StreamReadingAPIClient()
    if authorization is not None:
        client.credentials(HTTP_AUTHORIZATION=authorization)
    return client.get(URL, PERIOD)


def bearer(token: str):
    return call(f"Bearer {token}")


def _b64(data: dict | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def hand_made_jwt(alg: str, signature: bytes | None = None) -> str:
    """A token whose header claims ``alg``; signed with HMAC-SHA256 of the test key unless given."""
    now = int(time.time())
    signing_input = f"{_b64({'alg': alg, 'typ': 'JWT'})}.{_b64({'iat': now, 'exp': now + 600})}"
    if signature is None:
        signature = hmac.new(JWT_TEST_KEY.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def assert_rejected(response):
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Bearer realm="api", error="invalid_token"')


# --- Token -----------------------------------------------------------------------------------


def test_token_key_is_stored_only_as_hash():
    token, key = api_token_create(name="Power BI", role="analist")

    assert call(f"Token {key}").status_code == 200
    row = ApiToken.objects.values().get(pk=token.pk)
    assert row["key_hash"] == hashlib.sha256(key.encode()).hexdigest() == api_token_hash(key)
    assert key not in json.dumps(row, default=str)
    assert row["key_prefix"] == key[:8]


def test_revoked_token_is_refused():
    token, key = api_token_create(name="oud", role="beheerder")
    api_token_revoke(token=token)

    response = call(f"Token {key}")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Token realm="api"')


def test_unknown_token_is_refused_with_dutch_message():
    response = call("Token dit-is-geen-bestaande-sleutel")

    assert response.status_code == 401
    assert response.json() == {"detail": "Ongeldige of ingetrokken API-sleutel."}


def test_token_use_is_recorded_as_last_used():
    token, key = api_token_create(name="KISS", role="analist")
    before = timezone.now()

    call(f"Token {key}")

    token.refresh_from_db()
    assert token.last_used is not None and token.last_used >= before


def test_last_used_is_written_at_most_once_a_minute():
    """Reads stay reads: a token used again within the minute keeps its last_used; once the
    minute has passed the next request records it again."""
    token, key = api_token_create(name="KISS", role="analist")
    assert call(f"Token {key}").status_code == 200
    token.refresh_from_db()
    first = token.last_used

    assert call(f"Token {key}").status_code == 200
    token.refresh_from_db()
    assert token.last_used == first

    earlier = timezone.now() - timedelta(seconds=LAST_USED_RESOLUTION_SECONDS + 5)
    ApiToken.objects.filter(pk=token.pk).update(last_used=earlier)
    assert call(f"Token {key}").status_code == 200
    token.refresh_from_db()
    assert token.last_used > first


def test_anonymous_gets_401_naming_both_schemes(jwt_key):
    response = call(None)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Token realm="api", Bearer realm="api"'


# --- JWT (needs the jwt_key fixture: MANAGEMENTINFORMATIE_API_KEY set) -----------------------


@pytest.mark.parametrize("algorithm", ["HS256", "HS384", "HS512"])
def test_jwt_with_hmac_algorithms_gives_analist(jwt_key, algorithm):
    assert bearer(make_jwt(algorithm=algorithm)).status_code == 200


def test_upstream_manual_example_lifetime_is_accepted(jwt_key):
    # docs/manual/managementinformatie.md: iat 1728580531, exp 1728666931 (24 hours).
    now = int(time.time())
    assert bearer(make_jwt(iat=now, exp=now + (1728666931 - 1728580531))).status_code == 200


def test_expired_jwt_is_rejected(jwt_key):
    response = bearer(make_jwt(lifetime=-3600))

    assert_rejected(response)
    assert response.json() == {"detail": "Het token is verlopen."}


def test_expiry_within_clock_tolerance_is_accepted_and_tolerance_is_a_setting(jwt_key, settings):
    token = make_jwt(lifetime=-60)  # expired a minute ago; upstream tolerates 5 minutes

    assert bearer(token).status_code == 200
    settings.MANAGEMENTINFORMATIE_JWT_LEEWAY = 0
    assert_rejected(bearer(token))


def test_jwt_without_exp_is_rejected(jwt_key):
    response = bearer(make_jwt(exp=None))

    assert_rejected(response)
    assert response.json() == {"detail": "Het token mist de claim 'exp'."}


def test_alg_none_is_rejected(jwt_key):
    assert_rejected(bearer(hand_made_jwt("none", signature=b"")))


@pytest.mark.parametrize("algorithm", ["RS256", "ES256", "PS256", "EdDSA"])
def test_asymmetric_algorithms_are_rejected(jwt_key, algorithm):
    # Signed with the shared key as if it were HS256: the classic key-confusion attack.
    assert_rejected(bearer(hand_made_jwt(algorithm)))


def test_hand_made_hs256_is_accepted_so_the_rejections_above_are_about_alg(jwt_key):
    assert bearer(hand_made_jwt("HS256")).status_code == 200


def test_jwt_signed_with_another_key_is_rejected(jwt_key):
    assert_rejected(bearer(make_jwt(key="een-andere-sleutel-van-minstens-32-tekens!!")))


def test_lifetime_over_the_maximum_is_rejected(jwt_key, settings):
    assert_rejected(bearer(make_jwt(lifetime=24 * 3600 + 1)))

    settings.MANAGEMENTINFORMATIE_JWT_MAX_LIFETIME = 600
    assert_rejected(bearer(make_jwt(lifetime=601)))
    assert bearer(make_jwt(lifetime=600)).status_code == 200


def test_without_iat_the_remaining_lifetime_counts(jwt_key):
    now = int(time.time())

    assert bearer(make_jwt(iat=None, exp=now + 3600)).status_code == 200
    assert_rejected(bearer(make_jwt(iat=None, exp=now + 2 * 24 * 3600)))


@pytest.mark.parametrize("token", ["abc", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.bm9wZQ.", "a b"])
def test_malformed_jwt_is_rejected(jwt_key, token):
    assert_rejected(bearer(token))


def test_bearer_without_token_is_rejected(jwt_key):
    assert_rejected(call("Bearer"))


def test_short_key_disables_jwt_and_warns(settings):
    short_key = "te-kort-31-tekens-xxxxxxxxxxxxx"
    assert len(short_key) == 31
    settings.MANAGEMENTINFORMATIE_API_KEY = short_key

    response = bearer(make_jwt(key=short_key))

    assert response.status_code == 401
    warnings = [m for m in checks.run_checks(tags=[checks.Tags.security]) if m.id == "contactmomenten.W001"]
    assert len(warnings) == 1


@pytest.mark.parametrize("key", ["", JWT_TEST_KEY])
def test_no_warning_for_absent_or_long_enough_key(settings, key):
    settings.MANAGEMENTINFORMATIE_API_KEY = key

    assert not [m for m in checks.run_checks(tags=[checks.Tags.security]) if m.id == "contactmomenten.W001"]


def test_without_key_bearer_is_refused(settings):
    settings.MANAGEMENTINFORMATIE_API_KEY = ""

    response = bearer(make_jwt())

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Token realm="api"'
