"""Real-browser fixtures: headless Chromium (Debian's ``chromium``) driven by Playwright
against pytest-django's live server.

Every page a test opens records what a user's browser would reveal: requests to any host but
the live server (``page.foreign_requests``: no CDN, the pages must work offline), console
errors (``page.console_errors``) and Content-Security-Policy violations
(``page.csp_violations``, collected by a ``securitypolicyviolation`` listener that Playwright
injects before any page script runs). ``.ci/run`` installs Chromium with apt-get when missing.

The live server needs ``transactional_db``, which empties the tables after each test, rows from
data migrations included: mark browser tests ``BROWSER_DB`` (``transaction=True,
serialized_rollback=True``), and the ``page`` fixture re-syncs the role groups' permissions.
"""

import os
import shutil
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
VIEWPORT = {"width": 1400, "height": 900}
BROWSER_DB = pytest.mark.django_db(transaction=True, serialized_rollback=True)

sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright

COLLECT_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def browser():
    """Chromium for one test module. Playwright's sync API keeps an asyncio loop running in
    this thread while it is started, and Django would refuse the tests' own (synchronous) ORM
    calls as "async unsafe"; so the permission is given for this module only, never to tests
    that run after it (nor to their subprocesses, such as ``check --deploy``)."""
    if not shutil.which(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does this)")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield from _chromium()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield browser
        browser.close()


@pytest.fixture
def insecure_cookies(settings):
    """The live server speaks plain HTTP: let the browser send the session and CSRF cookies."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture
def page(browser, live_server, insecure_cookies, role_groups):
    """A fresh browser tab at 1400 x 900 with ``base_url`` set to the live server."""
    context = browser.new_context(viewport=VIEWPORT, base_url=live_server.url, locale="nl-NL")
    context.add_init_script(COLLECT_CSP_VIOLATIONS)
    tab = context.new_page()
    own_host = urlsplit(live_server.url).netloc
    tab.foreign_requests = []
    tab.console_errors = []
    tab.on(
        "request",
        lambda request: (
            urlsplit(request.url).scheme in ("http", "https", "ws", "wss")
            and urlsplit(request.url).netloc != own_host
            and tab.foreign_requests.append(request.url)
        ),
    )
    tab.on("console", lambda message: message.type == "error" and tab.console_errors.append(message.text))
    tab.on("pageerror", lambda error: tab.console_errors.append(str(error)))
    yield tab
    context.close()


def csp_violations(tab) -> list[str]:
    """The CSP violations the current document reported so far."""
    return tab.evaluate("window.__cspViolations || []")


def horizontal_overflow(tab) -> list[str]:
    """Elements wider than the viewport (the page scrolls sideways), as short descriptions."""
    return tab.evaluate(
        """() => {
        const width = document.documentElement.clientWidth;
        return [...document.querySelectorAll("body *")]
          .filter((el) => el.getBoundingClientRect().right > width + 1 && el.offsetParent !== null)
          .map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
                       + (el.className && typeof el.className === "string" ? "." + el.className : ""));
        }"""
    )


@pytest.fixture
def login(page, live_server):
    """``login(user)``: put a logged-in session for ``user`` into the browser tab."""

    def log_in(user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": live_server.url, "httpOnly": True}]
        )
        return page

    return log_in


@pytest.fixture
def login_with_form(page):
    """``login_with_form(username, password)``: log in through the admin login page itself."""

    def log_in(username: str, password: str):
        page.goto("/admin/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("input[type=submit]")
        page.wait_for_load_state()
        return page

    return log_in
