"""The gesprek view: from a record, one click to all questions of its conversation, with
their total duration."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.admin.helpers import CHANGELIST_URL, change_url
from tests.factories import ContactmomentDetailsFactory

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")


def gesprek(gespreks_id, durations):
    start = datetime(2026, 1, 5, 10, 0, tzinfo=AMS)
    records = []
    for seconds in durations:
        end = start + timedelta(seconds=seconds)
        records.append(ContactmomentDetailsFactory(gespreks_id=gespreks_id, startdatum=start, einddatum=end))
        start = end
    return records


def test_change_form_links_to_the_gesprek_which_lists_its_questions_and_total(admin_client_for):
    records = gesprek("abc_123-XYZ", [125, 300, 65])
    other = ContactmomentDetailsFactory(gespreks_id="ander-gesprek")
    client = admin_client_for("analist")

    form = client.get(change_url(records[1]))
    url = f"{CHANGELIST_URL}gesprek/abc_123-XYZ/"
    assert f'href="{url}"' in form.text

    response = client.get(url)

    assert response.status_code == 200
    shown = [row["obj"] for row in response.context["records"]]
    assert shown == records  # in conversation order
    assert other not in shown
    assert response.context["totale_duur"] == "08:10"  # 125 + 300 + 65 seconds
    assert 'id="totale-gespreksduur">08:10<' in response.text
    for record in records:
        assert change_url(record) in response.text


def test_unknown_gesprek_is_404(admin_client_for):
    assert admin_client_for("beheerder").get(f"{CHANGELIST_URL}gesprek/bestaat-niet/").status_code == 404


def test_gesprek_needs_view_permission(admin_client_for):
    gesprek("g1", [60])

    assert admin_client_for("kcm").get(f"{CHANGELIST_URL}gesprek/g1/").status_code == 403


@pytest.mark.parametrize("gespreks_id", ["%00", "met%20spatie", "x" * 65])
def test_malformed_gespreks_id_is_not_a_server_error(admin_client_for, gespreks_id):
    response = admin_client_for("beheerder").get(f"{CHANGELIST_URL}gesprek/{gespreks_id}/", follow=True)
    assert response.status_code in (200, 404)
    assert "records" not in (response.context or {})
