"""A real OpenID provider and a browser-like HTTP client for the OIDC login tests.

The provider is ``tests/oidc/provider/provider.mjs``: node running the certified
``oidc-provider`` package from npm (installed by ``make test`` with ``npm ci``), started once
per test session on a port of this project's range (25000-25099), registered with the live
server's callback URL. Tests give its accounts claims through ``oidc_provider.account()``.
``Browser`` is a ``requests`` session that walks the whole flow like a browser: redirect to
the provider, its login form, the callback, the session cookie.
"""

import json
import os
import re
import secrets
import socket
import subprocess
import time
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from django.apps import apps
from django.core.cache import cache

from contactmomenten.roles import role_groups_sync

PROVIDER_DIR = Path(__file__).parent / "provider"


def _free_port(first: int = 25010, last: int = 25099) -> int:
    """The first port of this project's range nobody listens on: test runs of several
    checkouts on one machine each get their own provider (a fixed port mixed them up)."""
    for port in range(first, last + 1):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {first}-{last} for the OpenID provider")


PROVIDER_PORT = _free_port()
CLIENT_ID = "kiss-details"
PASSWORD = "wachtwoord-bij-de-provider"
TIMEOUT = 10


class Provider:
    def __init__(self, url: str, client_secret: str, rp_url: str):
        self.url = url
        self.client_secret = client_secret
        self.rp_url = rp_url  # the live server, registered as this provider's client

    def account(self, sub: str, **claims) -> str:
        """Create or change the provider's account ``sub`` (login name = sub)."""
        response = requests.put(
            f"{self.url}/_test/accounts/{sub}",
            data=json.dumps({"password": PASSWORD, "claims": claims}),
            timeout=TIMEOUT,
        )
        response.raise_for_status()
        return sub


@pytest.fixture(scope="session")
def oidc_provider(django_db_setup, live_server):
    # django_db_setup first: the test database outlives the live server and its connections.
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        pytest.fail(f"oidc-provider is not installed: run `npm ci` in {PROVIDER_DIR} (make test does)")
    client_secret = secrets.token_urlsafe(32)
    url = f"http://127.0.0.1:{PROVIDER_PORT}"
    env = {
        **os.environ,
        "PROVIDER_PORT": str(PROVIDER_PORT),
        "RP_URL": live_server.url,
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": client_secret,
    }
    process = subprocess.Popen(
        ["node", "provider.mjs"], cwd=PROVIDER_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(f"{url}/.well-known/openid-configuration", timeout=1).raise_for_status()
            break
        except requests.RequestException:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"the test OIDC provider did not start:\n{process.stdout.read().decode()}")
            time.sleep(0.1)
    yield Provider(url, client_secret, live_server.url)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def oidc(settings, oidc_provider):
    """OIDC on, against the test provider, for this test (plain-HTTP cookies: no TLS here)."""
    settings.OIDC_AUTHORITY = oidc_provider.url
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = oidc_provider.client_secret
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    role_groups_sync(apps)  # the live server needs committed data: the flush of the last test took the groups
    cache.clear()  # the discovery document of another test's settings
    yield oidc_provider
    cache.clear()


@pytest.fixture
def new_browser(oidc):
    """``browser()``: a new browser (own cookies) on the live server, OIDC on."""
    return lambda: Browser(oidc.rp_url)


class Browser:
    """A browser as far as the OIDC flow goes: cookies, redirects, the provider's forms."""

    def __init__(self, rp_url: str):
        self.rp = rp_url
        self.session = requests.Session()
        self.provider_logins = 0  # how often the provider asked for a password
        self.authorize_url = None

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.follow(
            self.session.get(urljoin(self.rp, path), allow_redirects=False, timeout=TIMEOUT, **kwargs)
        )

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        """A call to the service with the session cookie and CSRF token, as KISS would make it."""
        headers = {"X-CSRFToken": self.session.cookies.get("csrftoken", ""), **kwargs.pop("headers", {})}
        return self.session.request(
            method, urljoin(self.rp, path), headers=headers, allow_redirects=False, timeout=TIMEOUT, **kwargs
        )

    def login(self, sub: str, *, next_url: str = "/admin/", on_authorize=None, on_callback=None):
        """Log in as ``sub``; ``on_authorize``/``on_callback`` may rewrite those two URLs
        (an attacker's or a broken provider's doing). Returns the page the flow ends on."""
        start = self.session.get(
            f"{self.rp}/oidc/authenticate/", params={"next": next_url}, allow_redirects=False, timeout=TIMEOUT
        )
        assert start.status_code == 302, start.text
        self.authorize_url = start.headers["Location"]
        url = on_authorize(self.authorize_url) if on_authorize else self.authorize_url
        return self.follow(self.session.get(url, allow_redirects=False, timeout=TIMEOUT), sub, on_callback)

    def logout(self) -> requests.Response:
        """The admin's logout button, then "Uitloggen" on the provider's confirmation page."""
        response = self.follow(self.request("POST", "/admin/logout/"))
        form = re.search(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', response.text, re.S)
        if form is None or not response.url.startswith(self.provider_url):
            return response
        fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(2)))
        response = self.session.post(
            urljoin(response.url, unescape(form.group(1))),
            data={**fields, "logout": "yes"},
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        return self.follow(response)

    @property
    def provider_url(self) -> str:
        return f"http://127.0.0.1:{PROVIDER_PORT}"

    def follow(self, response, sub: str | None = None, on_callback=None):
        while True:
            if response.is_redirect:
                url = urljoin(response.url, response.headers["Location"])
                if on_callback and url.startswith(f"{self.rp}/oidc/callback/"):
                    url = on_callback(url)
                response = self.session.get(url, allow_redirects=False, timeout=TIMEOUT)
            elif response.status_code == 200 and response.url.startswith(f"{self.provider_url}/interaction/"):
                assert sub is not None, "the provider asks for a login"
                self.provider_logins += 1
                response = self.session.post(
                    response.url,
                    data={"login": sub, "password": PASSWORD},
                    allow_redirects=False,
                    timeout=TIMEOUT,
                )
            else:
                return response
