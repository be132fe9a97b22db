"""Pages of the OIDC login: the start of the authorization-code flow (PKCE, state and nonce
by mozilla-django-oidc), the callback, the Dutch refusal page, the landing page of users
without admin rights (KCM), and the admin logout that also ends the provider's session."""

import logging
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib import admin, auth, messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.views.generic import View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from contactmomenten.constants import Rol
from contactmomenten.oidc.provider import ProviderError, oidc_enabled, provider_metadata
from contactmomenten.roles import user_role

logger = logging.getLogger(__name__)

MESSAGE_INVALID = (
    "De inlogpoging is ongeldig of verlopen: de gegevens die terugkwamen van de identity "
    "provider horen niet bij een inlogpoging vanuit deze browser. Probeer opnieuw in te loggen."
)
MESSAGE_PROVIDER_DOWN = (
    "De identity provider is op dit moment niet bereikbaar. Probeer het later opnieuw of "
    "neem contact op met uw functioneel beheerder."
)
MESSAGE_PROVIDER_REFUSED = "De identity provider heeft het inloggen geweigerd."
MESSAGE_INACTIVE = "Uw account in kiss-details is geblokkeerd. Neem contact op met uw functioneel beheerder."
MESSAGE_LOGGED_OUT = "U bent uitgelogd."
ROLE_NAMES = {Rol.BEHEERDER: "beheerder", Rol.ANALIST: "analist", Rol.KCM: "klantcontactmedewerker"}


def login_refused(request, message: str, status: int):
    context = {**admin.site.each_context(request), "title": "Inloggen is niet gelukt", "message": message}
    return render(request, "contactmomenten/oidc_refused.html", context, status=status)


class OidcAuthenticationRequestView(OIDCAuthenticationRequestView):
    """``/oidc/authenticate/?next=``: sends the browser to the provider's login."""

    def __init__(self, **kwargs):
        # The endpoint comes from discovery at request time, not from settings at start.
        View.__init__(self, **kwargs)

    def get(self, request):
        if not oidc_enabled():
            raise Http404
        try:
            metadata = provider_metadata()
        except ProviderError as exc:
            logger.error("OIDC login cannot start: %s", exc)
            return login_refused(request, MESSAGE_PROVIDER_DOWN, status=503)
        self.OIDC_OP_AUTH_ENDPOINT = metadata["authorization_endpoint"]
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class OidcCallbackView(OIDCAuthenticationCallbackView):
    """``/oidc/callback/``: the redirect URI registered at the provider."""

    def get(self, request):
        if not oidc_enabled():
            raise Http404
        try:
            return super().get(request)
        except SuspiciousOperation as exc:  # unknown state, wrong nonce, bad token
            logger.warning("OIDC callback refused: %s", exc)
            return self.refuse(MESSAGE_INVALID, status=400)
        except (ProviderError, requests.RequestException) as exc:  # includes a refused code
            logger.error("OIDC callback failed at the provider: %s", exc)
            return self.refuse(MESSAGE_PROVIDER_DOWN, status=502)

    def refuse(self, message: str, status: int):
        # Whoever was logged in in this browser before is not any more.
        if self.request.user.is_authenticated:
            auth.logout(self.request)
        return login_refused(self.request, message, status)

    def login_failure(self):
        user = getattr(self, "user", None)
        if self.request.GET.get("error"):
            return self.refuse(MESSAGE_PROVIDER_REFUSED, status=403)
        if user is not None and not user.is_active:
            return self.refuse(MESSAGE_INACTIVE, status=403)
        if hasattr(self.request, "oidc_refusal"):
            return self.refuse(self.request.oidc_refusal, status=403)
        return self.refuse(MESSAGE_INVALID, status=400)

    @property
    def success_url(self):
        next_url = self.request.session.get("oidc_login_next")
        # Without admin rights (KCM) the admin would only say "no access".
        if not self.user.is_staff and (not next_url or next_url.startswith(reverse("admin:index"))):
            return reverse("oidc_logged_in")
        return next_url or resolve_url(settings.LOGIN_REDIRECT_URL)


def logged_in(request):
    """``/oidc/ingelogd/``: where a user without admin rights lands after logging in."""
    if not request.user.is_authenticated:
        return redirect("admin:login")
    context = {
        **admin.site.each_context(request),
        "title": "U bent ingelogd",
        "role": ROLE_NAMES.get(user_role(request.user)),
    }
    return render(request, "contactmomenten/oidc_logged_in.html", context)


def provider_logout_url(request) -> str:
    """Where the browser goes after the local logout: the provider's end_session_endpoint
    (OpenID Connect RP-Initiated Logout 1.0), which sends it back to the admin login."""
    back = request.build_absolute_uri(reverse("admin:login"))
    try:
        end_session = provider_metadata().get("end_session_endpoint")
    except ProviderError as exc:
        logger.warning("OIDC provider logout skipped: %s", exc)
        end_session = None
    if not end_session:
        return back
    params = {
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "id_token_hint": request.session["oidc_id_token"],
        "post_logout_redirect_uri": back,
    }
    return f"{end_session}{'&' if '?' in end_session else '?'}{urlencode(params)}"


def admin_logout(request):
    """``/admin/logout/``: Django's admin logout, plus the provider's after an OIDC login."""
    if request.method != "POST" or not oidc_enabled() or "oidc_id_token" not in request.session:
        return admin.site.logout(request)
    url = provider_logout_url(request)
    auth.logout(request)
    messages.info(request, MESSAGE_LOGGED_OUT)
    return HttpResponseRedirect(url)
