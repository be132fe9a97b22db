"""The admin pages a beheerder works in, in a real browser at 1400 px with demo data: the
list, a history page and the change form are Dutch, fit the screen without scrolling
sideways, keep the export menu clear of the title, and satisfy the CSP. Screenshots land in
the test's tmp dir."""

from contactmomenten.demo import demo_data_create
from contactmomenten.models import ContactmomentDetails
from tests.admin.helpers import CHANGELIST_URL, english_words
from tests.browser.conftest import BROWSER_DB, csp_violations, horizontal_overflow

pytestmark = BROWSER_DB


def overlaps(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def check(page, tmp_path, name: str):
    page.screenshot(path=tmp_path / f"{name}.png", full_page=True)
    text = page.title() + "\n" + page.inner_text("body")
    assert english_words(text) == [], name
    assert horizontal_overflow(page) == [], name
    assert csp_violations(page) == [], name
    assert page.console_errors == [], name
    assert page.foreign_requests == [], name
    return text


def test_list_history_and_change_form_fit_1400_px_in_dutch(page, login, beheerder_user, tmp_path):
    demo_data_create(300, seed=12)
    details = ContactmomentDetails.objects.order_by("-startdatum").first()
    details.vraag = "Een heel lange vraag over " + "de aanvraag van een parkeervergunning " * 12
    details.save()
    details.kanaal = "balie" if details.kanaal != "balie" else "chat"
    details.save()
    login(beheerder_user)

    page.goto(CHANGELIST_URL)
    text = check(page, tmp_path, "lijst")
    assert "KISS contactmomentdetails" in text and "300 contactmomentdetails" in text
    for column in ("KANAAL", "GESPREKSID", "BRONNEN"):
        assert page.locator(f"#result_list th:has-text('{column}')").is_visible(), column
    title, menu = page.locator("#content h1").bounding_box(), page.locator(".kiss-menu").bounding_box()
    assert not overlaps(title, menu)
    page.click(".kiss-menu summary")
    assert page.get_by_role("link", name="Exporteer lijst (CSV)").is_visible()
    page.screenshot(path=tmp_path / "lijst-exportmenu.png")
    long_vraag = page.locator("#result_list .kiss-lang").first
    assert long_vraag.get_attribute("title") == details.vraag  # the whole text on hover
    assert long_vraag.bounding_box()["height"] < 80  # clamped to three lines

    page.goto(f"{CHANGELIST_URL}{details.pk}/history/")
    text = check(page, tmp_path, "geschiedenis")
    assert "Wijzigingsgeschiedenis" in text and "Kanaal:" in text

    page.goto(f"{CHANGELIST_URL}{details.pk}/change/")
    text = check(page, tmp_path, "wijzigen")
    assert page.locator("#id_kanaal").get_attribute("list") == "id_kanaal_waarden"
    assert page.locator("#id_contactmoment").bounding_box()["width"] > 600
