"""Authentication backends: the OIDC login and the local password login.

``OidcBackend`` is mozilla-django-oidc's backend with the endpoints from the discovery
document, the ID token also checked for issuer and audience, users found by their stored
``sub`` and their rights set from the role claim at every login. ``LocalPasswordBackend`` is
Django's password login; with OIDC on it stays for break-glass superusers only, and with
``OIDC_ONLY`` it is off. ``AdminLoginLockoutBackend`` (django-axes) comes first and refuses
every login of a username + address that failed too often on the admin login.
"""

import hashlib
import logging

import jwt
from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from contactmomenten.models import OidcIdentity
from contactmomenten.oidc.provider import oidc_enabled, provider_metadata, role_from_claims
from contactmomenten.roles import user_rights_replace

logger = logging.getLogger(__name__)

REFUSED_NO_ROLE = (
    "U heeft bij de identity provider geen rol voor kiss-details (beheerder, analist of "
    "klantcontactmedewerker). Vraag uw functioneel beheerder om u een rol te geven."
)


def username_for(sub: str) -> str:
    """A username derived from ``sub`` (the link itself is ``OidcIdentity``)."""
    username = f"oidc-{sub}"
    return username if len(username) <= 150 else "oidc-" + hashlib.sha256(sub.encode()).hexdigest()


class OidcBackend(OIDCAuthenticationBackend):
    def __init__(self, *args, **kwargs):
        # mozilla-django-oidc reads fixed endpoints from the settings here. Ours come from the
        # discovery document, read only when a callback logs in: Django asks every backend on
        # each password login too.
        from django.contrib.auth import get_user_model

        self.UserModel = get_user_model()

    def authenticate(self, request, code_verifier=None, nonce=None, **kwargs):
        # Only the callback view passes a code_verifier (PKCE is always on), so a password
        # login or a forged ?code= on another page never reaches the provider.
        if request is None or code_verifier is None or not oidc_enabled():
            return None
        metadata = provider_metadata()
        self.issuer = metadata["issuer"]
        self.OIDC_OP_TOKEN_ENDPOINT = metadata["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = metadata.get("userinfo_endpoint")
        self.OIDC_OP_JWKS_ENDPOINT = metadata["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        return super().authenticate(request, code_verifier=code_verifier, nonce=nonce)

    def get_user(self, user_id):
        # Django's rule (inactive users have no session), not mozilla-django-oidc's.
        return ModelBackend.get_user(self, user_id)

    def verify_token(self, token, **kwargs):
        """Signature, expiry and nonce (mozilla-django-oidc), plus issuer and audience."""
        try:
            payload = super().verify_token(token, **kwargs)
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(f"token refused: {exc}") from exc
        # OpenID Connect Core 1.0, 3.1.3.7: iss is the provider, aud names this client (and
        # azp does when there are several audiences), exp is present.
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else audience or []
        if payload.get("iss") != self.issuer:
            raise SuspiciousOperation(f"token issuer {payload.get('iss')!r} is not {self.issuer!r}")
        if self.OIDC_RP_CLIENT_ID not in audiences or (
            len(audiences) > 1 and payload.get("azp") != self.OIDC_RP_CLIENT_ID
        ):
            raise SuspiciousOperation(f"token audience {audience!r} is not this client")
        if "exp" not in payload:
            raise SuspiciousOperation("token without exp")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        """The user of these claims: the ID token's, completed by the userinfo endpoint.

        Entra ID puts app roles in the ID token only, Keycloak can put them in either.
        """
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            userinfo = self.get_userinfo(access_token, id_token, payload)
            if userinfo.get("sub") != payload.get("sub"):
                raise SuspiciousOperation("userinfo is about another sub than the ID token")
            claims.update(userinfo)
        return self.user_from_claims(claims)

    @transaction.atomic
    def user_from_claims(self, claims: dict):
        sub = claims.get("sub")
        if not isinstance(sub, str) or not sub:
            raise SuspiciousOperation("no sub claim")
        role = role_from_claims(claims)
        identity = OidcIdentity.objects.select_for_update().select_related("user").filter(sub=sub).first()
        if role is None:
            if identity is not None:
                user_rights_replace(identity.user, None)
            logger.warning(
                "OIDC login of sub %r refused: none of the roles in claim %r", sub, settings.OIDC_ROLE_CLAIM
            )
            self.request.oidc_refusal = REFUSED_NO_ROLE
            return None
        user = identity.user if identity is not None else self.create_user(claims)
        self.update_user(user, claims)
        user_rights_replace(user, role)
        logger.info("OIDC login of user %s (sub %r) with role %s", user.username, sub, role)
        return user

    def create_user(self, claims: dict):
        sub = claims["sub"]
        try:
            with transaction.atomic():
                user = self.UserModel.objects.create_user(username_for(sub))  # no usable password
                OidcIdentity.objects.create(user=user, sub=sub)
        except IntegrityError:
            # A parallel first login of the same person won; anything else is a name clash.
            identity = OidcIdentity.objects.select_for_update().select_related("user").filter(sub=sub).first()
            if identity is None:
                raise SuspiciousOperation(
                    f"username {username_for(sub)!r} is taken by a local user"
                ) from None
            return identity.user
        return user

    def update_user(self, user, claims: dict):
        """E-mail and name from the claims of this login (KISS stores the e-mail as emailadresKcm)."""
        changed = []
        for field, claim, max_length in (
            ("email", "email", 254),
            ("first_name", "given_name", 150),
            ("last_name", "family_name", 150),
        ):
            value = claims.get(claim)
            if not isinstance(value, str) or (field == "email" and len(value) > max_length):
                continue
            if getattr(user, field) != value[:max_length]:
                setattr(user, field, value[:max_length])
                changed.append(field)
        if changed:
            user.save(update_fields=changed)
        return user


class LocalPasswordBackend(ModelBackend):
    """Django's username/password login: for everyone while OIDC is off; with OIDC on for
    superusers only (break-glass access when the provider is down); off with OIDC_ONLY."""

    def user_can_authenticate(self, user):
        if not super().user_can_authenticate(user):
            return False
        if not oidc_enabled():
            return True
        return user.is_superuser and not settings.OIDC_ONLY


class AdminLoginLockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check (settings ``AXES_*``), first of the backends.

    A login without a request (``manage.py`` commands, ``authenticate()`` in code) cannot be
    a guess over the network, so it is not checked; axes would refuse it.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def not_a_password_guess(request, credentials=None) -> bool:
    """``AXES_WHITELIST_CALLABLE``: only the admin's password login counts toward a lockout.

    An OIDC login refused for a missing role also fires ``user_login_failed``; counting it
    would let one colleague without a role lock out the address the whole KCC shares.
    """
    return request.path != reverse("admin:login")
