"""The Content-Security-Policy (django-csp, issue 11 §6) holds in a real browser: every page a
beheerder opens (admin index, list, change form, history, gesprek view, API key page, login
page, lockout page, Swagger UI, Redoc, dashboard) runs without any CSP violation, console
error or request to another host; Swagger UI and Redoc really render. Screenshots land in
the test's tmp dir."""

import re

from contactmomenten.demo import demo_data_create
from contactmomenten.models import ContactmomentDetails
from tests.admin.helpers import CHANGELIST_URL
from tests.browser.conftest import BROWSER_DB, csp_violations

pytestmark = BROWSER_DB


def clean(page, tmp_path, name: str, status: int = 200) -> None:
    page.wait_for_load_state("networkidle")
    page.screenshot(path=tmp_path / f"{name}.png", full_page=True)
    assert csp_violations(page) == [], name
    # Chromium reports a page answered with an error status as a console error itself.
    status_line = f"the server responded with a status of {status}"
    assert [e for e in page.console_errors if status == 200 or status_line not in e] == [], name
    assert page.foreign_requests == [], name


def test_every_page_satisfies_the_csp(page, login, beheerder_user, tmp_path):
    demo_data_create(50, seed=3)
    details = ContactmomentDetails.objects.exclude(gespreks_id="").first()
    login(beheerder_user)

    for name, url in (
        ("index", "/admin/"),
        ("lijst", CHANGELIST_URL),
        ("wijzigen", f"{CHANGELIST_URL}{details.pk}/change/"),
        ("geschiedenis", f"{CHANGELIST_URL}{details.pk}/history/"),
        ("nieuw-token", "/admin/contactmomenten/apitoken/add/"),
        ("managementinformatie", "/admin/managementinformatie/"),
    ):
        response = page.goto(url)
        assert response.status == 200, url
        assert "script-src 'self'" in response.headers["content-security-policy"], url
        clean(page, tmp_path, name)

    page.goto(f"{CHANGELIST_URL}{details.pk}/change/")
    page.get_by_role("link", name=re.compile("gesprek", re.IGNORECASE)).first.click()
    clean(page, tmp_path, "gesprek")

    page.goto("/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)  # Swagger UI rendered the schema
    clean(page, tmp_path, "swagger")

    page.goto("/api/v1/redoc")
    page.wait_for_selector("#redoc-container h1", timeout=20_000)  # Redoc rendered the schema
    assert page.locator("text=API docs by Redocly").is_hidden()
    clean(page, tmp_path, "redoc")


def test_login_and_lockout_pages_satisfy_the_csp(page, beheerder_user, tmp_path):
    page.goto("/admin/login/")
    clean(page, tmp_path, "inloggen")
    for _ in range(5):
        page.fill("#id_username", beheerder_user.username)
        page.fill("#id_password", "fout-wachtwoord")
        page.click("input[type=submit]")

    assert "Inloggen tijdelijk geblokkeerd" in page.inner_text("body")
    clean(page, tmp_path, "geblokkeerd", status=429)
