"""The admin writes through ``contactmomenten.services``: a save of the change form never
overwrites a change made after the form was opened (by the API or another beheerder; Dutch
message, the beheerder's input kept), a record deleted meanwhile is never re-created (save,
delete, revert), and bulk delete and the bronnen inline are audited like every other write.
The races run in real threads against PostgreSQL."""

import re
from functools import partial

import pytest
from django.test import Client

from contactmomenten.admin.contactmomentdetails import REVERT_GONE
from contactmomenten.models import Bron, ContactmomentDetails
from tests.admin.helpers import CHANGELIST_URL, change_url, form_data
from tests.concurrency import run_concurrently
from tests.conftest import requires_postgres
from tests.factories import BronFactory, ContactmomentDetailsFactory

pytestmark = pytest.mark.django_db

REFUSED = "gewijzigd nadat u het formulier opende"


def opened_version(client, details) -> str:
    """The hidden version of the change form as the browser gets it."""
    html = client.get(change_url(details)).content.decode()
    return re.search(r'name="versie" value="(\d+)"', html)[1]


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_change_form_carries_the_version_it_was_opened_with(admin_client_for):
    details = ContactmomentDetailsFactory()
    assert opened_version(admin_client_for("beheerder"), details) == details.versie


def test_admin_save_after_an_api_write_is_refused_and_keeps_the_input(admin_client_for, api_client):
    details = ContactmomentDetailsFactory(vraag="oud", kanaal="telefoon")
    beheerder = admin_client_for("beheerder")
    opened = opened_version(beheerder, details)
    api = api_client("kcm").patch(
        f"/api/v1/contactmomentdetails/{details.uuid}", {"kanaal": "balie"}, format="json"
    )
    assert api.status_code == 200

    body = form_data(details, vraag="Mijn correctie") | {"versie": opened}
    response = beheerder.post(change_url(details), body)

    assert response.status_code == 200  # the form again, not the redirect of a save
    html = response.content.decode()
    assert REFUSED in html and "Intussen gewijzigd: kanaal." in html
    assert 'value="Mijn correctie"' in html  # the beheerder's input is still there
    stored = ContactmomentDetails.objects.get(pk=details.pk)
    assert (stored.vraag, stored.kanaal) == ("oud", "balie")
    # The form now carries today's version: saving again is a deliberate overwrite.
    assert re.search(r'name="versie" value="(\d+)"', html)[1] == stored.versie
    again = beheerder.post(change_url(details), form_data(stored, vraag="Mijn correctie"))
    assert again.status_code == 302
    assert ContactmomentDetails.objects.get(pk=details.pk).vraag == "Mijn correctie"


def test_second_beheerder_with_the_same_form_is_refused(admin_client_for):
    details = ContactmomentDetailsFactory(vraag="oud")
    first, second = admin_client_for("beheerder"), admin_client_for("beheerder")
    opened = opened_version(first, details)
    assert opened_version(second, details) == opened

    assert first.post(change_url(details), form_data(details, vraag="eerste")).status_code == 302
    response = second.post(change_url(details), form_data(details, vraag="tweede"))

    assert REFUSED in response.content.decode() and "Intussen gewijzigd: vraag." in response.content.decode()
    assert ContactmomentDetails.objects.get(pk=details.pk).vraag == "eerste"


def test_a_save_writes_only_what_the_beheerder_changed_with_the_bronnen_in_one_history_row(admin_client_for):
    details = ContactmomentDetailsFactory(vraag="oud")
    bron = BronFactory(contactmomentdetails=details, titel="weg")
    keep = BronFactory(contactmomentdetails=details, titel="blijft")
    history_before = details.history.count()
    beheerder = admin_client_for("beheerder")

    body = form_data(
        details,
        bronnen=[
            (bron.pk, bron.soort, bron.titel, bron.url, True),
            (keep.pk, keep.soort, "blijft, hernoemd", keep.url, False),
            (None, "vac", "nieuw", "https://example.nl/nieuw", False),
        ],
        vraag="nieuw",
    )
    response = beheerder.post(change_url(details), body)

    assert response.status_code == 302
    stored = ContactmomentDetails.objects.get(pk=details.pk)
    assert stored.vraag == "nieuw"
    assert list(stored.bronnen.values_list("titel", flat=True)) == ["blijft, hernoemd", "nieuw"]
    assert details.history.count() == history_before + 1
    newest = details.history.first()
    assert newest.history_user == beheerder.user
    assert "nieuw" in newest.history_bronnen and "weg" not in newest.history_bronnen
    change = beheerder.get(f"{change_url(details)[: -len('change/')]}history/").content.decode()
    assert "nieuw" in change


def test_add_form_creates_one_record_with_its_bronnen(admin_client_for):
    template = ContactmomentDetailsFactory.build()
    vocabulary = {
        f: getattr(template, f) for f in ("gespreksresultaat", "verantwoordelijke_afdeling", "kanaal")
    }
    body = form_data(template, bronnen=[(None, "vac", "eerste", "https://example.nl/1", False)], **vocabulary)
    del body["versie"]

    response = admin_client_for("beheerder").post(f"{CHANGELIST_URL}add/", body)

    assert response.status_code == 302
    created = ContactmomentDetails.objects.get()
    assert response["Location"].startswith(CHANGELIST_URL)
    assert list(created.bronnen.values_list("titel", flat=True)) == ["eerste"]
    assert created.history.count() == 1 and created.history.get().history_bronnen.startswith("vac: eerste")


def test_saving_a_record_deleted_meanwhile_never_creates_it_again(admin_client_for):
    details = ContactmomentDetailsFactory()
    beheerder = admin_client_for("beheerder")
    opened_version(beheerder, details)
    ContactmomentDetails.objects.filter(pk=details.pk).delete()

    response = beheerder.post(change_url(details), form_data(details, vraag="nieuw"), follow=True)

    assert not ContactmomentDetails.objects.exists()
    assert any("bestaat niet" in m for m in messages_of(response))


def test_reverting_a_record_deleted_meanwhile_says_so_and_creates_nothing(admin_client_for):
    details = ContactmomentDetailsFactory()
    version = details.history.get()
    url = f"{CHANGELIST_URL}{details.pk}/history/{version.history_id}/"
    beheerder = admin_client_for("beheerder")
    assert beheerder.get(url).status_code == 200
    ContactmomentDetails.objects.filter(pk=details.pk).delete()

    response = beheerder.post(url, {}, follow=True)

    assert not ContactmomentDetails.objects.exists()
    assert messages_of(response) == [REVERT_GONE]


def test_bulk_delete_action_deletes_through_the_services_with_history(admin_client_for):
    doomed = ContactmomentDetailsFactory.create_batch(3, bronnen=2)
    kept = ContactmomentDetailsFactory()

    response = admin_client_for("beheerder").post(
        CHANGELIST_URL,
        {"action": "delete_selected", "_selected_action": [d.pk for d in doomed], "post": "yes"},
    )

    assert response.status_code == 302
    assert list(ContactmomentDetails.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not Bron.objects.filter(contactmomentdetails__in=[d.pk for d in doomed]).exists()
    deleted = ContactmomentDetails.history.filter(history_type="-")
    assert sorted(deleted.values_list("id", flat=True)) == sorted(d.pk for d in doomed)


def test_delete_of_a_record_deleted_meanwhile_is_a_message_not_an_error(admin_client_for):
    details = ContactmomentDetailsFactory()
    ContactmomentDetails.objects.filter(pk=details.pk).delete()

    response = admin_client_for("beheerder").post(
        f"{CHANGELIST_URL}{details.pk}/delete/", {"post": "yes"}, follow=True
    )

    assert response.status_code == 200
    assert any("bestaat niet" in m for m in messages_of(response))


def _admin_save(client: Client, details, body) -> int:
    return client.post(change_url(details), body).status_code


def _api_patch(client, details, body) -> int:
    return client.patch(f"/api/v1/contactmomentdetails/{details.uuid}", body, format="json").status_code


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_admin_save_racing_an_api_write_never_overwrites_it_unseen(admin_client_for, api_client, role_groups):
    for n in range(4):
        details = ContactmomentDetailsFactory(vraag="oud", kanaal="telefoon")
        beheerder, kcm = admin_client_for("beheerder"), api_client("kcm")
        body = form_data(details, vraag=f"beheerder {n}") | {"versie": opened_version(beheerder, details)}

        saved, patched = run_concurrently(
            [
                partial(_admin_save, beheerder, details, body),
                partial(_api_patch, kcm, details, {"kanaal": f"kanaal {n}"}),
            ]
        )

        stored = ContactmomentDetails.objects.get(pk=details.pk)
        assert patched == 200 and stored.kanaal == f"kanaal {n}"  # the API's write always stays
        # Either the beheerder saved first (the API then changed the kanaal on top), or the
        # API wrote first and the beheerder's save was refused.
        assert (saved, stored.vraag) in {(302, f"beheerder {n}"), (200, "oud")}
