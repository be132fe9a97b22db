"""What kiss-details knows of the identity provider: whether OIDC is on, the provider's
discovery document (``OIDC_AUTHORITY/.well-known/openid-configuration``, cached an hour), and
which role a user's claims give."""

import requests
from django.conf import settings
from django.core.cache import cache

from contactmomenten.constants import Rol
from contactmomenten.roles import ROLE_GROUP

DISCOVERY_PATH = "/.well-known/openid-configuration"
DISCOVERY_CACHE_SECONDS = 60 * 60
REQUIRED_ENDPOINTS = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")


class ProviderError(Exception):
    """The identity provider cannot be reached or describes itself wrongly."""


def oidc_enabled() -> bool:
    return bool(settings.OIDC_AUTHORITY)


def provider_metadata() -> dict:
    """The provider's discovery document; raises ``ProviderError`` if it cannot be used."""
    key = f"kiss-oidc-discovery:{settings.OIDC_AUTHORITY}"
    metadata = cache.get(key)
    if metadata is None:
        metadata = _discover(settings.OIDC_AUTHORITY)
        cache.set(key, metadata, DISCOVERY_CACHE_SECONDS)
    return metadata


def _discover(authority: str) -> dict:
    try:
        response = requests.get(authority + DISCOVERY_PATH, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        metadata = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderError(f"discovery at {authority} failed: {exc}") from exc
    missing = [name for name in REQUIRED_ENDPOINTS if not isinstance(metadata.get(name), str)]
    if missing:
        raise ProviderError(f"discovery document of {authority} lacks {', '.join(missing)}")
    # OpenID Connect Discovery 1.0, section 4.3: the issuer is the URL discovery started from,
    # which keeps one provider from speaking for another.
    if metadata["issuer"].rstrip("/") != authority:
        raise ProviderError(f"issuer {metadata['issuer']!r} is not OIDC_AUTHORITY {authority!r}")
    return metadata


def claim_value(claims: dict, path: str):
    """The value at a dotted path (``realm_access.roles``), or None when a step is missing."""
    value = claims
    for step in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(step)
    return value


def role_from_claims(claims: dict) -> str | None:
    """The strongest role among the user's role claims, or None when they have none of ours."""
    found = claim_value(claims, settings.OIDC_ROLE_CLAIM)
    if isinstance(found, str):
        values = {found}
    elif isinstance(found, list):
        values = {value for value in found if isinstance(value, str)}
    else:
        values = set()
    role_values = {
        Rol.BEHEERDER: settings.OIDC_BEHEERDER_ROLE,
        Rol.ANALIST: settings.OIDC_ANALIST_ROLE,
        Rol.KCM: settings.OIDC_KLANTCONTACTMEDEWERKER_ROLE,
    }
    return next((role for role in ROLE_GROUP if role_values[role] in values), None)
