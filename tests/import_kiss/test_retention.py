"""A record brought in by import_kiss is anonymised by apply_retention like any other (issue 9
§3; README "Importing from upstream KISS"): its fields, bronnen titels and the history rows
the import wrote under the actor import_kiss."""

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from contactmomenten.models import Bron, ContactmomentDetails
from tests.conftest import requires_postgres

pytestmark = requires_postgres
URL = "https://openklant.example.nl/klantinteracties/api/v2/klantcontacten/"
History = ContactmomentDetails.history.model


def test_an_imported_record_is_anonymised_like_any_other(upstream, run_import, settings):
    settings.BEWAARTERMIJN_DAGEN = None  # imported while everything is kept
    settings.BEWAARTERMIJN_BRONTITELS = True
    for name, days_ago in (("oud", 31), ("recent", 29)):
        end = timezone.now() - timedelta(days=days_ago)
        upstream.add(
            f"{URL}{name}",
            end - timedelta(minutes=6),
            end,
            Vraag="Verhuizing doorgeven",
            SpecifiekeVraag="Ik verhuis naar de Dorpsstraat 1.",
            EmailadresKcm="kcm@gemeente.nl",
            Gespreksresultaat="Zelfstandig afgehandeld",
            bronnen=[("kennisartikel", "Verhuizing van J. de Vries", "https://k/1")],
        )
    run_import()
    assert History.objects.filter(history_api_client="import_kiss").count() == 2
    assert not ContactmomentDetails.objects.filter(specifieke_vraag="").exists()

    settings.BEWAARTERMIJN_DAGEN = 30
    call_command("apply_retention", stdout=StringIO())

    old = ContactmomentDetails.objects.get(contactmoment=f"{URL}oud")
    recent = ContactmomentDetails.objects.get(contactmoment=f"{URL}recent")
    assert (old.specifieke_vraag, old.emailadres_kcm) == ("", "")
    assert (old.vraag, old.gespreksresultaat) == ("Verhuizing doorgeven", "Zelfstandig afgehandeld")
    assert list(Bron.objects.filter(contactmomentdetails=old).values_list("soort", "titel", "url")) == [
        ("kennisartikel", "", "https://k/1")
    ]
    assert list(History.objects.filter(id=old.id).values_list("specifieke_vraag", "emailadres_kcm")) == [
        ("", "")
    ]
    assert History.objects.get(id=old.id).history_bronnen == "kennisartikel:  (https://k/1)"
    assert recent.specifieke_vraag and recent.emailadres_kcm
    assert "J. de Vries" in History.objects.get(id=recent.id).history_bronnen


def test_a_reimport_never_brings_back_what_retention_removed(upstream, run_import, settings):
    settings.BEWAARTERMIJN_DAGEN = 30
    settings.BEWAARTERMIJN_BRONTITELS = True
    end = timezone.now() - timedelta(days=31)
    upstream.add(
        f"{URL}oud",
        end - timedelta(minutes=6),
        end,
        SpecifiekeVraag="Ik verhuis naar de Dorpsstraat 1.",
        EmailadresKcm="kcm@gemeente.nl",
        bronnen=[("vac", "Verhuizing van J. de Vries", "https://v/1")],
    )
    run_import()
    call_command("apply_retention", stdout=StringIO())

    output = run_import()

    details = ContactmomentDetails.objects.get()
    assert (details.specifieke_vraag, details.emailadres_kcm) == ("", "")
    assert list(details.bronnen.values_list("titel", flat=True)) == [""]
    assert set(History.objects.values_list("specifieke_vraag", flat=True)) == {""}
    assert "ongewijzigd: 1" in output
