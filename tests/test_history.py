"""Audited corrections: every change through the admin and the APIs keeps who, when and
old -> new values, bronnen included, visible on the record's history page."""

import json

import pytest

from contactmomenten.models import ContactmomentDetails
from contactmomenten.services import contactmomentdetails_upsert
from tests.admin.helpers import change_url, form_data
from tests.factories import (
    ContactmomentDetailsFactory,
    KissBronBodyFactory,
    KissContactmomentDetailsBodyFactory,
)

pytestmark = pytest.mark.django_db


def history_url(details):
    return f"/admin/contactmomenten/contactmomentdetails/{details.pk}/history/"


def test_admin_field_change_is_recorded_with_user_and_old_and_new_value(admin_client_for):
    details = ContactmomentDetailsFactory(gespreksresultaat="Doorverbonden")
    beheerder = admin_client_for("beheerder")

    beheerder.post(change_url(details), form_data(details, gespreksresultaat="Terugbelverzoek"))

    latest = details.history.latest()
    assert latest.history_user == beheerder.user
    delta = latest.diff_against(latest.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [
        ("gespreksresultaat", "Doorverbonden", "Terugbelverzoek")
    ]
    page = admin_client_for("analist").get(history_url(details))
    assert page.status_code == 200
    assert "Doorverbonden" in page.text
    assert "Terugbelverzoek" in page.text
    assert beheerder.user.username in page.text


def test_admin_bronnen_change_shows_old_and_new_bronnen_on_the_history_page(admin_client_for):
    details = ContactmomentDetailsFactory()
    oud = details.bronnen.create(soort="vac", titel="Oude bron", url="https://example.nl/oud")
    beheerder = admin_client_for("beheerder")

    response = beheerder.post(
        change_url(details),
        form_data(
            details,
            bronnen=[
                (oud.pk, "vac", "Oude bron", "https://example.nl/oud", True),
                (None, "kennisartikel", "Nieuwe bron", "https://example.nl/nieuw", False),
            ],
        ),
    )

    assert response.status_code == 302
    latest = details.history.latest()
    assert latest.prev_record.history_bronnen == ""  # the factory saved the record before its bron
    assert latest.history_bronnen == "kennisartikel: Nieuwe bron (https://example.nl/nieuw)"
    page = beheerder.get(history_url(details))
    changes = page.context["page_obj"][0].history_delta_changes
    bronnen_change = next(c for c in changes if c["field"] == "Bronnen")
    assert "Nieuwe bron" in bronnen_change["new"]
    assert "Nieuwe bron" in page.text


def test_kiss_put_records_api_client_and_bronnen_replacement(api_client):
    kcm = api_client("kcm")
    body = KissContactmomentDetailsBodyFactory(
        gespreksresultaat="Doorverbonden", bronnen=[KissBronBodyFactory(titel="Eerste bron")]
    )
    put = {"content_type": "application/json"}
    assert kcm.put("/api/contactmomentdetails", data=json.dumps(body), **put).status_code == 200
    body |= {"gespreksresultaat": "Zelfstandig afgehandeld", "bronnen": [KissBronBodyFactory(titel="Tweede")]}

    assert kcm.put("/api/contactmomentdetails", data=json.dumps(body), **put).status_code == 200

    details = ContactmomentDetails.objects.get(contactmoment=body["id"])
    created, changed = details.history.order_by("history_id")
    assert (created.history_type, changed.history_type) == ("+", "~")
    assert changed.history_api_client == "test-kcm"
    assert changed.history_user is None
    assert "Eerste bron" in created.history_bronnen
    assert "Tweede" in changed.history_bronnen and "Eerste bron" not in changed.history_bronnen
    delta = changed.diff_against(created)
    assert ("gespreksresultaat", "Doorverbonden", "Zelfstandig afgehandeld") in [
        (c.field, c.old, c.new) for c in delta.changes
    ]


def test_upsert_with_unchanged_bronnen_keeps_the_snapshot():
    bronnen = [{"soort": "vac", "titel": "Zelfde", "url": "https://example.nl/zelfde"}]
    data = {"startdatum": "2026-01-05T09:00:00+01:00", "einddatum": "2026-01-05T09:05:00+01:00"}
    pk, _ = contactmomentdetails_upsert(contactmoment="cm-1", data=data, bronnen=bronnen)

    contactmomentdetails_upsert(contactmoment="cm-1", data=data | {"vraag": "Anders"}, bronnen=bronnen)

    first, second = ContactmomentDetails.history.filter(id=pk).order_by("history_id")
    assert first.history_bronnen == second.history_bronnen == "vac: Zelfde (https://example.nl/zelfde)"


def test_deleting_a_record_keeps_its_history(admin_client_for):
    details = ContactmomentDetailsFactory(bronnen=1)
    pk = details.pk

    admin_client_for("beheerder").post(
        f"/admin/contactmomenten/contactmomentdetails/{pk}/delete/", {"post": "yes"}
    )

    history = ContactmomentDetails.history.filter(id=pk).order_by("history_id")
    assert [h.history_type for h in history] == ["+", "-"]


def test_analist_cannot_revert_from_the_history(admin_client_for):
    details = ContactmomentDetailsFactory(gespreksresultaat="Doorverbonden")
    details.gespreksresultaat = "Anders"
    details.save()
    first = details.history.earliest()
    url = f"{history_url(details)}{first.history_id}/"

    response = admin_client_for("analist").post(url, form_data(details, gespreksresultaat="Doorverbonden"))

    details.refresh_from_db()
    assert details.gespreksresultaat == "Anders"
    assert response.status_code == 403


def test_v1_patch_records_api_client_old_and_new_value_and_bronnen(api_client):
    details = ContactmomentDetailsFactory(gespreksresultaat="Doorverbonden", bronnen=1)
    oude_bron = details.bronnen.get()
    url = f"/api/v1/contactmomentdetails/{details.uuid}"

    response = api_client("beheerder").patch(
        url,
        {
            "gespreksresultaat": "Zelfstandig afgehandeld",
            "bronnen": [{"soort": "website", "titel": "Afvalkalender", "url": "https://example.nl/afval"}],
        },
        format="json",
    )

    assert response.status_code == 200
    latest = details.history.latest()
    assert latest.history_api_client == "test-beheerder"
    assert latest.history_user is None
    changes = {c.field: (c.old, c.new) for c in latest.diff_against(latest.prev_record).changes}
    assert changes["gespreksresultaat"] == ("Doorverbonden", "Zelfstandig afgehandeld")
    assert latest.history_bronnen == "website: Afvalkalender (https://example.nl/afval)"
    # The bron the factory added after the first save is what the PATCH replaced.
    assert oude_bron.titel not in latest.history_bronnen


def test_v1_create_and_delete_are_recorded(api_client):
    client = api_client("beheerder")
    response = client.post(
        "/api/v1/contactmomentdetails",
        {
            "contactmoment": "https://openklant.example.nl/klantcontacten/historie-1",
            "startdatum": "2026-03-02T09:30:00+01:00",
            "einddatum": "2026-03-02T09:37:00+01:00",
            "bronnen": [{"soort": "vac", "titel": "Levertijd paspoort", "url": "https://example.nl/vac/1"}],
        },
        format="json",
    )
    assert response.status_code == 201
    details = ContactmomentDetails.objects.get(uuid=response.json()["uuid"])
    assert details.history.get().history_type == "+"
    assert details.history.get().history_bronnen == "vac: Levertijd paspoort (https://example.nl/vac/1)"

    assert client.delete(f"/api/v1/contactmomentdetails/{details.uuid}").status_code == 204
    types = list(
        ContactmomentDetails.history.filter(uuid=details.uuid).values_list("history_type", flat=True)
    )
    assert sorted(types) == ["+", "-"]


@pytest.mark.parametrize(
    "path",
    ["{pk}/change/history/", "abc/history/", "abc/history/1/", "{pk}/history/abc/", "{pk}/history/999999/"],
)
def test_a_malformed_history_url_is_a_404_not_a_server_error(admin_client_for, path):
    details = ContactmomentDetailsFactory()

    response = admin_client_for("beheerder").get(
        "/admin/contactmomenten/contactmomentdetails/" + path.format(pk=details.pk)
    )

    assert response.status_code == 404
