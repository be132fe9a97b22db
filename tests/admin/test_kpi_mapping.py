"""The KPI mapping of gespreksresultaten (issue 8 §1): seeded with KISS's ten defaults, kept
by beheerders in the admin (search, categorie edited in the list, values trimmed), readable
for analisten, and the source of the dashboard's KPI figures and its unmapped list."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from contactmomenten.constants import KISS_GESPREKSRESULTATEN
from contactmomenten.models import GespreksresultaatCategorie
from contactmomenten.statistieken import AMSTERDAM
from tests.factories import ContactmomentDetailsFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/contactmomenten/gespreksresultaatcategorie/"
ADD = f"{CHANGELIST}add/"
DASHBOARD = "/admin/managementinformatie/"


def _mapping() -> dict:
    return dict(GespreksresultaatCategorie.objects.values_list("resultaat", "categorie"))


def _vandaag(minutes=5, **fields):
    start = datetime.combine(timezone.localdate(), datetime.min.time(), AMSTERDAM) + timedelta(hours=9)
    return ContactmomentDetailsFactory(
        startdatum=start, einddatum=start + timedelta(minutes=minutes), **fields
    )


def test_migration_seeds_the_ten_kiss_defaults():
    assert _mapping() == {
        resultaat: str(categorie) for resultaat, categorie in KISS_GESPREKSRESULTATEN.items()
    }
    assert _mapping()["Afgehandeld, klant belt terug"] == "eerstelijns"
    assert _mapping()["Verwezen naar ander instantie"] == "doorverbonden"
    assert _mapping()["Klant neemt opnieuw contact op"] == "overig"


def test_beheerder_searches_and_changes_categories_in_the_list(admin_client_for):
    client = admin_client_for("beheerder")
    found = client.get(CHANGELIST, {"q": "doorverbonden"})
    assert found.status_code == 200
    assert found.context["cl"].result_count == 2
    rows = list(found.context["cl"].result_list)
    data = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(len(rows)),
        "_save": "Opslaan",
    }
    for i, row in enumerate(rows):
        data[f"form-{i}-id"] = str(row.pk)
        data[f"form-{i}-categorie"] = (
            "overig" if row.resultaat == "Doorverbonden naar collega" else row.categorie
        )
    response = client.post(f"{CHANGELIST}?q=doorverbonden", data)
    assert response.status_code == 302
    assert _mapping()["Doorverbonden naar collega"] == "overig"
    assert _mapping()["Doorverbonden naar afdeling"] == "doorverbonden"


def test_add_form_is_prefilled_and_the_value_is_trimmed_and_unique(admin_client_for):
    client = admin_client_for("beheerder")
    form = client.get(ADD, {"resultaat": "Terugbelverzoek"})
    assert form.status_code == 200
    assert form.context["adminform"].form.initial["resultaat"] == "Terugbelverzoek"

    assert (
        client.post(ADD, {"resultaat": "  Terugbelverzoek ", "categorie": "contactverzoek"}).status_code
        == 302
    )
    assert _mapping()["Terugbelverzoek"] == "contactverzoek"

    duplicate = client.post(ADD, {"resultaat": "Terugbelverzoek  ", "categorie": "overig"})
    assert duplicate.status_code == 200
    assert "bestaat al" in duplicate.content.decode()
    assert _mapping()["Terugbelverzoek"] == "contactverzoek"


def test_analist_may_view_but_not_change_and_kcm_gets_nothing(admin_client_for):
    analist = admin_client_for("analist")
    page = analist.get(CHANGELIST)
    assert page.status_code == 200 and page.context["cl"].result_count == 10
    assert 'name="form-0-categorie"' not in page.content.decode()  # no list_editable for analisten
    assert analist.get(ADD).status_code == 403
    mapping = GespreksresultaatCategorie.objects.get(resultaat="Onbekend")
    refused = analist.post(
        f"{CHANGELIST}{mapping.pk}/change/", {"resultaat": "Onbekend", "categorie": "eerstelijns"}
    )
    assert refused.status_code == 403
    assert _mapping()["Onbekend"] == "overig"
    assert admin_client_for("kcm").get(CHANGELIST).status_code == 403


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_dashboard_counts_by_the_mapping_and_links_unmapped_values_to_it(admin_client_for):
    _vandaag(gespreksresultaat="Terugbelverzoek")
    _vandaag(gespreksresultaat=" Terugbelverzoek")
    _vandaag(gespreksresultaat="Zelfstandig afgehandeld")
    _vandaag(gespreksresultaat="Doorverbonden naar collega")
    beheerder = admin_client_for("beheerder")

    page = beheerder.get(DASHBOARD)
    [ongemapt] = page.context["ongemapt"]
    assert (ongemapt["gespreksresultaat"], ongemapt["aantal"]) == ("Terugbelverzoek", 2)
    assert ongemapt["categorie_link"] == f"{ADD}?resultaat=Terugbelverzoek"
    assert f'href="{ADD}?resultaat=Terugbelverzoek"' in page.content.decode()
    assert admin_client_for("analist").get(DASHBOARD).context["ongemapt"][0]["categorie_link"] is None
    before = {row[0]: row[1] for row in _csv(beheerder.get(DASHBOARD, {"csv": "kerncijfers"}))[1:]}
    assert float(before["Eerstelijns afgehandeld"]) == pytest.approx(1 / 4)

    # The beheerder maps it as eerstelijns: it leaves the list and counts in its category.
    beheerder.post(ADD, {"resultaat": "Terugbelverzoek", "categorie": "eerstelijns"})
    assert beheerder.get(DASHBOARD).context["ongemapt"] == []
    after = {row[0]: row[1] for row in _csv(beheerder.get(DASHBOARD, {"csv": "kerncijfers"}))[1:]}
    assert float(after["Eerstelijns afgehandeld"]) == pytest.approx(3 / 4)
