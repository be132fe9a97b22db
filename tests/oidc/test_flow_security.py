"""The protocol checks of the OIDC login, against the real provider: PKCE, state and nonce
are sent and verified, a tampered flow logs nobody in, and logout ends both sessions."""

from urllib.parse import parse_qs, urlencode, urlparse, urlunparse

import pytest


def rewrite_query(url: str, **params) -> str:
    parts = urlparse(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    return urlunparse(parts._replace(query=urlencode({**query, **params})))


@pytest.fixture
def beheerder(oidc):
    return oidc.account("sub-beveiliging", email="beveiliging@gemeente.nl", roles=["Beheerder"])


def assert_not_logged_in(browser):
    assert browser.request("GET", "/admin/").status_code == 302


def test_authorization_request_uses_pkce_state_and_nonce(new_browser, beheerder):
    browser = new_browser()
    page = browser.login(beheerder)

    query = parse_qs(urlparse(browser.authorize_url).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43  # base64url of a SHA-256
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert query["scope"] == ["openid email profile"]
    assert page.url == f"{browser.rp}/admin/"


def test_forged_state_is_refused(new_browser, beheerder):
    browser = new_browser()
    page = browser.login(
        beheerder, on_callback=lambda url: rewrite_query(url, state="vervalst-door-een-aanvaller")
    )

    assert page.status_code == 400
    assert "De inlogpoging is ongeldig of verlopen" in page.text
    assert_not_logged_in(browser)


def test_callback_without_a_started_login_is_refused(new_browser, beheerder):
    """Login CSRF: a code obtained elsewhere, pushed into a browser that started no login."""
    attacker = new_browser()
    attacker.login(beheerder, on_callback=lambda url: (attacker.__setattr__("stolen", url), url)[1])
    victim = new_browser()

    page = victim.get(attacker.stolen)

    assert page.status_code == 400
    assert_not_logged_in(victim)


def test_wrong_nonce_is_refused(new_browser, beheerder):
    # The provider puts the nonce it was sent in the ID token; the session holds another one.
    browser = new_browser()
    page = browser.login(
        beheerder, on_authorize=lambda url: rewrite_query(url, nonce="een-andere-nonce-0123456789abcdef")
    )

    assert page.status_code == 400
    assert "De inlogpoging is ongeldig of verlopen" in page.text
    assert_not_logged_in(browser)


def test_code_without_the_matching_pkce_verifier_is_refused(new_browser, beheerder):
    # A challenge that is not the session's verifier: the provider refuses the code exchange.
    browser = new_browser()
    page = browser.login(beheerder, on_authorize=lambda url: rewrite_query(url, code_challenge="A" * 43))

    assert page.status_code == 502
    assert "niet bereikbaar" in page.text or "geweigerd" in page.text
    assert_not_logged_in(browser)


def test_logout_ends_the_local_and_the_provider_session(new_browser, beheerder):
    browser = new_browser()
    browser.login(beheerder)
    assert browser.provider_logins == 1

    page = browser.logout()

    assert page.url == f"{browser.rp}/admin/login/"
    assert "U bent uitgelogd" in page.text
    assert_not_logged_in(browser)
    # The provider forgot the session too: the next login asks for the password again.
    browser.login(beheerder)
    assert browser.provider_logins == 2


def test_without_logout_the_provider_session_signs_in_again_without_password(new_browser, beheerder):
    """The counterpart of the logout test: the provider's session is real."""
    browser = new_browser()
    browser.login(beheerder)
    for cookie in list(browser.session.cookies):
        if cookie.name == "sessionid":  # the service's session, not the provider's
            browser.session.cookies.clear(cookie.domain, cookie.path, cookie.name)

    page = browser.login(beheerder)

    assert page.url == f"{browser.rp}/admin/"
    assert browser.provider_logins == 1
