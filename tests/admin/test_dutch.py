"""The admin reads as one Dutch, branded application: history pages included (their
English comes from django-simple-history, which ships no Dutch), singular and plural right,
and every breadcrumb starting at "Voorpagina"."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from contactmomenten.models import ExportLog
from tests.admin.helpers import CHANGELIST_URL, change_url, english_words, form_data, visible_text
from tests.factories import ContactmomentDetailsFactory

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
CRUMB = " \N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK} "  # between breadcrumbs


def history_url(details) -> str:
    return f"{CHANGELIST_URL}{details.pk}/history/"


def corrected_record(beheerder):
    """A record with a history: created, then corrected by a beheerder (one value emptied)."""
    start = datetime(2026, 10, 5, 9, 30, tzinfo=AMS)
    details = ContactmomentDetailsFactory(
        kanaal="telefoon", gespreksresultaat="Doorverbonden", startdatum=start, einddatum=start
    )
    later = start + timedelta(minutes=2)
    response = beheerder.post(
        change_url(details),
        form_data(details, kanaal="", einddatum_1=later.strftime("%H:%M:%S")),
    )
    assert response.status_code == 302
    return details


@pytest.mark.parametrize("role", ["beheerder", "analist"])
def test_every_page_is_branded_and_has_no_website_link(admin_client_for, role):
    client = admin_client_for(role)
    details = ContactmomentDetailsFactory()

    for url in ("/admin/", CHANGELIST_URL, change_url(details), history_url(details)):
        text = visible_text(client.get(url).text)
        assert "KISS contactmomentdetails" in text, url
        assert "Django" not in text and "Website bekijken" not in text, url
    assert "<title>Beheer | KISS contactmomentdetails</title>" in client.get("/admin/").text


@pytest.mark.parametrize("role", ["beheerder", "analist"])
def test_history_page_is_dutch(admin_client_for, role):
    details = corrected_record(admin_client_for("beheerder"))

    response = admin_client_for(role).get(history_url(details))

    text = " ".join(visible_text(response.text).split())
    assert english_words(text) == []
    for dutch in ("Versie van", "Soort", "Gewijzigd door", "Reden", "Wijzigingen", "2 versies", "Aangemaakt"):
        assert dutch in text
    # Old -> new as the admin shows values elsewhere: local time, "(leeg)" for nothing.
    assert "Kanaal: telefoon → (leeg)" in text
    assert "Einddatum: 05-10-2026 09:30:00 → 05-10-2026 09:32:00" in text
    if role == "beheerder":
        assert "Kies hieronder een versie om het record naar die versie terug te zetten." in text
    else:
        assert f"Geschiedenis: {details}" in text


@pytest.mark.parametrize(("role", "title"), [("beheerder", "terugzetten"), ("analist", "weergeven")])
def test_historic_version_is_dutch_plain_text(admin_client_for, role, title):
    details = corrected_record(admin_client_for("beheerder"))
    first = details.history.earliest()

    response = admin_client_for(role).get(f"{history_url(details)}{first.history_id}/")

    text = " ".join(visible_text(response.text).split())
    assert english_words(text) == []
    assert f"{details} {title}" in text
    assert f"Geschiedenis{CRUMB}Versie van {first.history_date.astimezone(AMS):%d-%m-%Y %H:%M:%S}" in text
    assert "Historie van" not in text  # the breadcrumb names the model, not its history table
    # Plain text, no inputs or date pickers ("Vandaag", "Nu").
    assert 'name="startdatum_0"' not in response.text and 'name="kanaal"' not in response.text
    assert "5 oktober 2026 09:30" in text and "telefoon" in text
    assert ("Terugzetten" in text) is (role == "beheerder")


def test_beheerder_reverts_from_the_plain_text_version(admin_client_for):
    beheerder = admin_client_for("beheerder")
    details = corrected_record(beheerder)
    first = details.history.earliest()

    response = beheerder.post(f"{history_url(details)}{first.history_id}/", {"_save": "Terugzetten"})

    assert response.status_code == 302
    details.refresh_from_db()
    assert details.kanaal == "telefoon"
    assert details.einddatum == details.startdatum
    assert details.history.latest().history_user == beheerder.user


def test_export_log_counts_exportregels(admin_client_for):
    beheerder = admin_client_for("beheerder")
    for _ in range(6):
        ExportLog.objects.create(username="jan", formaat="csv", selectie="lijst", aantal_rijen=1)

    text = " ".join(visible_text(beheerder.get("/admin/contactmomenten/exportlog/").text).split())

    assert "6 exportregels" in text and "6 exportlog " not in text
    assert "Exportregels" in visible_text(beheerder.get("/admin/").text)


def test_gesprek_breadcrumb_starts_at_voorpagina_and_shows_zero_bronnen(admin_client_for):
    ContactmomentDetailsFactory(gespreks_id="gesprek-zonder-bronnen")

    response = admin_client_for("analist").get(f"{CHANGELIST_URL}gesprek/gesprek-zonder-bronnen/")

    text = " ".join(visible_text(response.text).split())
    crumbs = ("Voorpagina", "Contactmomenten", "Contactmomentdetails", "Gesprek gesprek-zonder-bronnen")
    assert CRUMB.join(crumbs) in text
    assert english_words(text) == []
    cells = response.text.split("<tbody>")[1]
    assert "<td>0</td>" in cells and "None" not in cells


def test_reverting_restores_the_bronnen_of_that_version_as_one_change(admin_client_for):
    from contactmomenten import services

    beheerder = admin_client_for("beheerder")
    old_bronnen = [
        {
            "soort": "kennisartikel",
            "titel": "Paspoort (aanvragen): wat mee te nemen",
            "url": "https://kb.example.nl/a?x=1",
        },
        {"soort": "website", "titel": "Afspraak", "url": "https://www.example.nl/afspraak"},
    ]
    details = ContactmomentDetailsFactory(kanaal="telefoon")
    details = services.contactmomentdetails_update(details=details, data={}, bronnen=old_bronnen)
    version = details.history.latest()
    services.contactmomentdetails_update(
        details=details,
        data={"kanaal": "e-mail"},
        bronnen=[{"soort": "vac", "titel": "Nieuw", "url": "https://n.example.nl"}],
    )
    before = details.history.count()

    response = beheerder.post(f"{history_url(details)}{version.history_id}/", {"_save": "Terugzetten"})

    assert response.status_code == 302
    details.refresh_from_db()
    assert details.kanaal == "telefoon"
    assert list(details.bronnen.values("soort", "titel", "url")) == old_bronnen
    assert details.history.count() == before + 1
    latest = details.history.latest()
    assert latest.history_user == beheerder.user
    assert latest.history_bronnen == version.history_bronnen
