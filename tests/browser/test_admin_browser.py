"""The admin in a real browser: a beheerder logs in through the login form and reaches the
index, which loads only from this service, reports no errors and satisfies its CSP."""

from tests.browser.conftest import BROWSER_DB, csp_violations

pytestmark = BROWSER_DB


def test_beheerder_logs_in_through_the_form_and_sees_the_index(
    page, login_with_form, beheerder_user, tmp_path
):
    login_with_form(beheerder_user.username, "geheim-wachtwoord-123")

    assert page.url.endswith("/admin/")
    assert page.locator("#user-tools").inner_text().upper().startswith("WELKOM")
    assert page.get_by_role("link", name="Contactmomentdetails").count() >= 1
    page.screenshot(path=tmp_path / "admin-index.png", full_page=True)
    assert page.foreign_requests == []
    assert page.console_errors == []
    assert csp_violations(page) == []
