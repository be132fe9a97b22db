"""Guided input in the change form: the vocabulary fields suggest the values in use, a new
value is saved only after a confirmation, and long inputs are wide; read-only views show
plain text."""

import re

import pytest

from contactmomenten.constants import KISS_GESPREKSRESULTATEN
from contactmomenten.models import GespreksresultaatCategorie
from tests.admin.helpers import change_url, form_data
from tests.factories import ContactmomentDetailsFactory

pytestmark = pytest.mark.django_db


def datalist(html: str, field: str) -> list[str]:
    match = re.search(rf'<datalist id="id_{field}_waarden">(.*?)</datalist>', html, re.S)
    assert match, field
    return re.findall(r'<option value="([^"]*)">', match.group(1))


def test_change_form_suggests_the_values_in_use(admin_client_for):
    ContactmomentDetailsFactory(
        kanaal="balie", verantwoordelijke_afdeling="Parkeren", gespreksresultaat="Doorverbonden"
    )
    details = ContactmomentDetailsFactory(
        kanaal="chat", verantwoordelijke_afdeling="Burgerzaken", gespreksresultaat="Terugbelverzoek"
    )

    html = admin_client_for("beheerder").get(change_url(details)).text

    assert datalist(html, "kanaal") == ["balie", "chat"]
    assert datalist(html, "verantwoordelijke_afdeling") == ["Burgerzaken", "Parkeren"]
    # The values in use plus the resultaten of the KPI mapping (KISS's defaults, seeded).
    assert datalist(html, "gespreksresultaat") == sorted(
        {"Doorverbonden", "Terugbelverzoek", *KISS_GESPREKSRESULTATEN}
    )
    assert 'list="id_kanaal_waarden"' in html
    assert "<script>" not in html.split('id="content-main"')[1]  # no inline script (CSP)
    for field in ("contactmoment", "vraag"):
        tag = re.search(rf'<input[^>]*name="{field}"[^>]*>', html).group(0)
        assert 'class="vTextField kiss-breed"' in tag, field


def test_a_mapped_resultaat_is_known_before_any_record_uses_it(admin_client_for):
    # Issue 12 §4: a beheerder mapped "Terugbelverzoek"; it is no typo in the change form.
    GespreksresultaatCategorie.objects.create(resultaat="Terugbelverzoek", categorie="contactverzoek")
    details = ContactmomentDetailsFactory(gespreksresultaat="Zelfstandig afgehandeld")
    beheerder = admin_client_for("beheerder")

    assert "Terugbelverzoek" in datalist(beheerder.get(change_url(details)).text, "gespreksresultaat")
    response = beheerder.post(
        change_url(details), form_data(details, confirm_new=False, gespreksresultaat="Terugbelverzoek")
    )

    assert response.status_code == 302
    details.refresh_from_db()
    assert details.gespreksresultaat == "Terugbelverzoek"


def test_known_value_saves_at_once(admin_client_for):
    ContactmomentDetailsFactory(kanaal="balie")
    details = ContactmomentDetailsFactory(kanaal="chat")

    response = admin_client_for("beheerder").post(
        change_url(details), form_data(details, confirm_new=False, kanaal="balie")
    )

    assert response.status_code == 302
    details.refresh_from_db()
    assert details.kanaal == "balie"


def test_new_value_needs_a_confirmation(admin_client_for):
    details = ContactmomentDetailsFactory(verantwoordelijke_afdeling="Burgerzaken")
    beheerder = admin_client_for("beheerder")

    refused = beheerder.post(
        change_url(details), form_data(details, confirm_new=False, verantwoordelijke_afdeling="Burgerzakn")
    )

    assert refused.status_code == 200
    assert "&#x27;Burgerzakn&#x27; komt nog niet voor als verantwoordelijke afdeling" in refused.text
    assert 'name="verantwoordelijke_afdeling__nieuw" value="Burgerzakn"' in refused.text
    details.refresh_from_db()
    assert details.verantwoordelijke_afdeling == "Burgerzaken"

    confirmed = beheerder.post(
        change_url(details),
        form_data(
            details,
            verantwoordelijke_afdeling="Wijkteams",
            verantwoordelijke_afdeling__nieuw="Burgerzakn",  # confirmed another text: asks again
        ),
    )
    assert confirmed.status_code == 200
    saved = beheerder.post(
        change_url(details),
        form_data(
            details, verantwoordelijke_afdeling="Wijkteams", verantwoordelijke_afdeling__nieuw="Wijkteams"
        ),
    )
    assert saved.status_code == 302
    details.refresh_from_db()
    assert details.verantwoordelijke_afdeling == "Wijkteams"
    # From now on the new value is suggested (the cached values were dropped).
    assert "Wijkteams" in datalist(beheerder.get(change_url(details)).text, "verantwoordelijke_afdeling")


def test_empty_value_needs_no_confirmation(admin_client_for):
    details = ContactmomentDetailsFactory(kanaal="chat")

    response = admin_client_for("beheerder").post(change_url(details), form_data(details, kanaal=""))

    assert response.status_code == 302


def test_analist_sees_plain_text_without_inputs_or_date_pickers(admin_client_for):
    details = ContactmomentDetailsFactory(kanaal="chat")

    html = admin_client_for("analist").get(change_url(details)).text

    form = html.split('id="content-main"')[1]
    assert "<datalist" not in form and 'name="kanaal"' not in form
    assert 'name="startdatum_0"' not in form and "vDateField" not in form
    assert "chat" in form
