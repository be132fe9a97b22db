"""The dashboard "Managementinformatie" in a real browser: an analist logs in through the
form, follows the link on the index, and every chart is drawn by the vendored Chart.js with
data points; nothing is loaded from another host, no console error, no CSP violation. The
screenshot lands in the test's tmp dir (``KISS_DASHBOARD_SCREENSHOT`` also copies it, for
the README's docs/dashboard.png)."""

import os
import shutil
from datetime import timedelta

from django.utils import timezone

from contactmomenten.demo import demo_data_create
from tests.browser.conftest import BROWSER_DB, csp_violations

pytestmark = BROWSER_DB

CHARTS = ("volume", "duur", "histogram", "aandelen", "kanaal")


def test_analist_sees_every_chart_drawn_from_this_service_only(page, login_with_form, analist_user, tmp_path):
    today = timezone.localdate()
    demo_data_create(1500, seed=8, van=today - timedelta(days=70), tot=today, history=False)
    login_with_form(analist_user.username, "geheim-wachtwoord-123")
    page.get_by_role("link", name="Dashboard managementinformatie").click()
    page.wait_for_selector("body[data-grafieken-klaar=true]")

    assert page.title().startswith("Managementinformatie")
    for naam in CHARTS:
        points = page.evaluate(
            """(id) => { const chart = Chart.getChart(document.getElementById(id));
                 return chart ? chart.data.datasets.flatMap((d, i) =>
                   chart.getDatasetMeta(i).data.map((el, j) => [el.x, el.y, d.data[j]])) : []; }""",
            f"grafiek-{naam}",
        )
        assert points, naam
        assert any(value for _, _, value in points), naam  # drawn from real numbers, not all zero
    assert page.locator("#drukte td.kiss-stap-9").count() >= 1
    assert page.locator("#top-vragen tbody tr").count() == 11  # the demo's eleven vragen
    assert page.locator(".kiss-csv").count() == 9
    page.screenshot(path=tmp_path / "dashboard.png", full_page=True)
    if os.environ.get("KISS_DASHBOARD_SCREENSHOT"):
        shutil.copy(tmp_path / "dashboard.png", os.environ["KISS_DASHBOARD_SCREENSHOT"])
    assert page.foreign_requests == []
    assert page.console_errors == []
    assert csp_violations(page) == []

    page.locator("#top-vragen tbody a").first.click()
    page.wait_for_load_state()
    assert "/admin/contactmomenten/contactmomentdetails/?" in page.url and "vraag=" in page.url
