"""How API clients prove who they are.

- ``Authorization: Token <key>``: an ApiToken (admin or ``create_api_token``), with its role.
- ``Authorization: Bearer <jwt>``: upstream KISS's managementinformatie scheme, a JWT signed
  with ``MANAGEMENTINFORMATIE_API_KEY`` (HMAC only), which gives the analist role.
- Django session login (admin users), added in settings, for the browsable API.

Each scheme authenticates as an ``ApiClient``: a small principal carrying the role, so
permissions never need to know which scheme was used.
"""

import logging
import time
import warnings
from dataclasses import dataclass
from datetime import timedelta

import jwt
from django.conf import settings
from django.db import connections
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, TokenAuthentication

from contactmomenten.constants import Rol
from contactmomenten.models import ApiToken
from contactmomenten.raw_sql import execute_prepared

logger = logging.getLogger(__name__)

JWT_ALGORITHMS = ["HS256", "HS384", "HS512"]
JWT_MIN_KEY_LENGTH = 32  # upstream KISS refuses shorter keys
# Write last_used at most this often per token, so reads do not turn into writes.
LAST_USED_RESOLUTION_SECONDS = 60

# PyJWT warns when an HMAC key is shorter than the hash (e.g. 32 bytes for HS512). Upstream
# KISS accepts any algorithm with a key of 32 characters or more, and so do we; the minimum
# is enforced by jwt_key() and the system check, so the per-request warning is noise.
warnings.filterwarnings("ignore", category=jwt.InsecureKeyLengthWarning)


def www_authenticate(request) -> str:
    """The challenge of a 401: the scheme the client tried first, then the other one."""
    token = 'Token realm="api"'
    if jwt_key() is None:
        return token
    bearer = 'Bearer realm="api"'
    if request.META.get("HTTP_AUTHORIZATION", "").lower().startswith("bearer"):
        return f'{bearer}, error="invalid_token", {token}'
    return f"{token}, {bearer}"


@dataclass(frozen=True)
class ApiClient:
    """The authenticated party of a Token or JWT request (``request.user``)."""

    name: str
    role: str
    email: str = ""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None

    def __str__(self):
        return self.name


# Every API request asks this: one plain statement, without the ORM's query building (a
# fifth of a KISS PUT's time). It returns no datetime, so it needs none of the converters the
# ORM applies per database: whether last_used is due is decided in SQL.
_TOKEN_SQL = (
    f'SELECT id, name, role, last_used IS NULL OR last_used < %s FROM "{ApiToken._meta.db_table}" '
    "WHERE key_hash = %s AND revoked_at IS NULL"
)


class ApiTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        from contactmomenten.services import api_token_hash

        now = timezone.now()
        connection = connections[ApiToken.objects.db]
        due = connection.ops.adapt_datetimefield_value(now - timedelta(seconds=LAST_USED_RESOLUTION_SECONDS))
        with connection.cursor() as cursor:
            execute_prepared(cursor, _TOKEN_SQL, [due, api_token_hash(key)])
            row = cursor.fetchone()
        if row is None:
            raise exceptions.AuthenticationFailed("Ongeldige of ingetrokken API-sleutel.")
        pk, name, role, stale = row
        if stale:
            ApiToken.objects.filter(pk=pk).update(last_used=now)
        return ApiClient(name=name, role=role), ApiToken(pk=pk, name=name, role=role)

    def authenticate_header(self, request):
        # DRF takes the 401 challenge from the first authentication class only.
        return www_authenticate(request)


def jwt_key() -> str | None:
    """The managementinformatie signing key, or None when the JWT scheme is disabled."""
    key = settings.MANAGEMENTINFORMATIE_API_KEY
    return key if key and len(key) >= JWT_MIN_KEY_LENGTH else None


class ManagementinformatieJWTAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "").split()
        if not header or header[0].lower() != self.keyword.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Ongeldige Authorization-header.")
        key = jwt_key()
        if key is None:
            raise exceptions.AuthenticationFailed("JWT-authenticatie is niet geconfigureerd.")
        try:
            claims = jwt.decode(
                header[1],
                key.encode("utf-8"),
                algorithms=JWT_ALGORITHMS,  # HMAC only: no "none", no asymmetric key confusion
                leeway=settings.MANAGEMENTINFORMATIE_JWT_LEEWAY,
                options={"require": ["exp"], "verify_aud": False, "verify_iss": False},
            )
        except jwt.ExpiredSignatureError as exc:
            raise exceptions.AuthenticationFailed("Het token is verlopen.") from exc
        except jwt.MissingRequiredClaimError as exc:
            raise exceptions.AuthenticationFailed(f"Het token mist de claim '{exc.claim}'.") from exc
        except jwt.PyJWTError as exc:
            raise exceptions.AuthenticationFailed("Ongeldig token.") from exc
        # Beyond upstream (KISS issue #915): bound the lifetime. Without `iat` (upstream does
        # not require it) the remaining lifetime counts.
        issued_at = float(claims["iat"]) if "iat" in claims else time.time()
        if float(claims["exp"]) - issued_at > settings.MANAGEMENTINFORMATIE_JWT_MAX_LIFETIME:
            raise exceptions.AuthenticationFailed("De geldigheidsduur van het token is te lang.")
        return ApiClient(name="managementinformatie (JWT)", role=Rol.ANALIST), claims

    def authenticate_header(self, request):
        return www_authenticate(request)
