"""Template tag for the admin login page: whether and where to log in with OIDC."""

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse

from contactmomenten.oidc.provider import oidc_enabled

register = template.Library()


@register.simple_tag
def oidc_login_options(next_url: str = "") -> dict:
    """``{% oidc_login_options next as oidc %}``: ``oidc.enabled``, ``oidc.only``, ``oidc.url``."""
    url = reverse("oidc_authentication_init")
    if next_url:
        url = f"{url}?{urlencode({'next': next_url})}"
    return {"enabled": oidc_enabled(), "only": oidc_enabled() and settings.OIDC_ONLY, "url": url}
