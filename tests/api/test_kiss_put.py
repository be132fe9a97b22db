"""PUT /api/contactmomentdetails: the exact body the KISS frontend sends, the upsert semantics
(replace, idempotent, atomic) and the 400 answers."""

import json
import logging
from datetime import UTC, datetime

import pytest
from django.apps import apps
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from contactmomenten.models import Bron, ContactmomentDetails
from tests.conftest import requires_postgres
from tests.factories import (
    ContactmomentDetailsFactory,
    KissBronBodyFactory,
    KissContactmomentDetailsBodyFactory,
    KissContactverzoekBodyFactory,
)

URL = "/api/contactmomentdetails"

pytestmark = pytest.mark.django_db


def put(client, body, url=URL, **extra):
    return client.put(url, data=json.dumps(body), content_type="application/json", **extra)


@pytest.fixture
def kcm(api_client):
    return api_client("kcm")


def test_frontend_body_is_stored_and_read_back(kcm):
    body = KissContactmomentDetailsBodyFactory(emailadresKcm="kcm@example.nl")

    response = put(kcm, body)

    assert response.status_code == 200
    assert response.content == b""  # upstream returns Ok() without a body
    got = kcm.get(URL, {"id": body["id"]}).json()
    assert got["id"] == body["id"]
    assert got["vraag"] == body["vraag"]
    assert got["specifiekeVraag"] == body["specifiekevraag"]  # lowercase in, camelCase out
    assert got["gespreksresultaat"] == body["gespreksresultaat"]
    assert got["verantwoordelijkeAfdeling"] == body["verantwoordelijkeAfdeling"]
    assert got["gespreksId"] == body["gespreksId"]
    assert got["kanaal"] == body["kanaal"]
    assert got["emailadresKcm"] == "kcm@example.nl"
    assert datetime.fromisoformat(got["startdatum"]) == datetime.fromisoformat(body["startdatum"])
    assert datetime.fromisoformat(got["einddatum"]) == datetime.fromisoformat(body["einddatum"])
    assert got["bronnen"] == [
        {"soort": b["soort"], "titel": b["titel"], "url": b["url"]} for b in body["bronnen"]
    ]


def test_contactverzoek_personal_data_is_neither_stored_nor_logged(kcm, caplog):
    body = KissContactverzoekBodyFactory()
    caplog.set_level(logging.DEBUG)

    assert put(kcm, body).status_code == 200

    # Every table of the app (records, bronnen, history, ...), not only the obvious ones.
    models = apps.get_app_config("contactmomenten").get_models()
    stored = json.dumps([list(model.objects.values()) for model in models], default=str)
    logged = caplog.text
    for secret in (
        "jan@example.nl",
        "0612345678",
        "Vries",
        body["tekst"],
        body["toelichting"],
        "te verwerken",
    ):
        assert secret not in stored
        assert secret not in logged
    assert ContactmomentDetails.objects.get().gespreksresultaat == "Contactverzoek gemaakt"


def test_camelcase_specifiekevraag_is_accepted_too(kcm):
    body = KissContactmomentDetailsBodyFactory()
    body["specifiekeVraag"] = body.pop("specifiekevraag")

    assert put(kcm, body).status_code == 200
    assert ContactmomentDetails.objects.get().specifieke_vraag == body["specifiekeVraag"]


def test_absent_and_null_optional_fields_read_back_as_null(kcm):
    body = KissContactmomentDetailsBodyFactory(vraag=None, kanaal=None)
    for field in ("specifiekevraag", "verantwoordelijkeAfdeling", "gespreksId", "gespreksresultaat"):
        del body[field]  # the frontend leaves `undefined` out of the JSON

    assert put(kcm, body).status_code == 200

    got = kcm.get(URL, {"id": body["id"]}).json()
    for field in ("vraag", "kanaal", "specifiekeVraag", "verantwoordelijkeAfdeling", "gespreksId"):
        assert got[field] is None, field


def test_put_twice_keeps_one_record(kcm):
    body = KissContactmomentDetailsBodyFactory()

    assert put(kcm, body).status_code == 200
    assert put(kcm, body).status_code == 200

    assert ContactmomentDetails.objects.count() == 1
    assert Bron.objects.count() == len(body["bronnen"])


def test_update_replaces_fields_and_bronnen(kcm):
    body = KissContactmomentDetailsBodyFactory()
    put(kcm, body)
    new_bron = KissBronBodyFactory(titel="Rijbewijs verlengen", soort="website")
    body.update(vraag="Rijbewijs verlengen", specifiekevraag="Kan dat online?", bronnen=[new_bron])

    assert put(kcm, body).status_code == 200

    details = ContactmomentDetails.objects.get()
    assert (details.vraag, details.specifieke_vraag) == ("Rijbewijs verlengen", "Kan dat online?")
    assert list(details.bronnen.values("soort", "titel", "url")) == [new_bron]


def test_datetimes_with_any_offset_are_the_same_moment(kcm):
    body = KissContactmomentDetailsBodyFactory(
        startdatum="2024-10-01T10:00:00+02:00", einddatum="2024-10-01T08:05:00.123Z"
    )

    assert put(kcm, body).status_code == 200

    details = ContactmomentDetails.objects.get()
    assert details.startdatum == datetime(2024, 10, 1, 8, 0, tzinfo=UTC)
    assert details.einddatum == datetime(2024, 10, 1, 8, 5, 0, 123000, tzinfo=UTC)


def test_trailing_slash_is_accepted(kcm):
    assert put(kcm, KissContactmomentDetailsBodyFactory(), url=URL + "/").status_code == 200
    assert ContactmomentDetails.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"id": None}, "id"),
        ({"id": ""}, "id"),
        ({"startdatum": "gisteren"}, "startdatum"),
        ({"einddatum": None}, "einddatum"),
        ({"startdatum": "2024-10-01T10:00:00Z", "einddatum": "2024-10-01T09:59:59Z"}, "einddatum"),
        ({"gespreksId": "geen spaties!"}, "gespreksId"),
        ({"emailadresKcm": "geen-e-mailadres"}, "emailadresKcm"),
        ({"vraag": "x" * 1001}, "vraag"),
        ({"vraag": "nul\x00byte"}, "vraag"),  # PostgreSQL cannot store it: 400, not 500
        ({"emailadresKcm": "a" * 64 + "@" + ("b" * 60 + ".") * 4 + "nl"}, "emailadresKcm"),  # > 254
        ({"bronnen": [{"titel": "zonder url", "soort": "website"}]}, "bronnen"),
        ({"bronnen": "geen lijst"}, "bronnen"),
    ],
)
def test_invalid_field_gives_400_naming_it_and_writes_nothing(kcm, change, field):
    body = KissContactmomentDetailsBodyFactory(**change)
    if change.get("id") is None and "id" in change:
        del body["id"]

    response = put(kcm, body)

    assert response.status_code == 400
    assert field in response.json()
    assert ContactmomentDetails.objects.count() == 0
    assert Bron.objects.count() == 0


def test_400_names_every_bad_field_in_dutch(kcm):
    body = KissContactmomentDetailsBodyFactory(
        startdatum="nee", bronnen=[{"url": "", "titel": "t", "soort": "s"}]
    )
    del body["id"]

    response = put(kcm, body, HTTP_ACCEPT_LANGUAGE="en")

    errors = response.json()
    assert set(errors) == {"id", "startdatum", "bronnen"}
    assert errors["id"] == ["Dit veld is vereist."]
    assert errors["bronnen"]["0"]["url"] == ["Dit veld mag niet leeg zijn."]


def test_invalid_update_leaves_existing_record_and_bronnen_untouched(kcm):
    existing = ContactmomentDetailsFactory(bronnen=2)
    body = KissContactmomentDetailsBodyFactory(
        id=existing.contactmoment, bronnen=[{"url": "u", "titel": "t"}]
    )

    assert put(kcm, body).status_code == 400

    existing.refresh_from_db()
    assert existing.vraag != body["vraag"]
    assert existing.bronnen.count() == 2


@pytest.fixture
def bronnen_insert_fails(monkeypatch):
    """Writing a bron fails: on PostgreSQL in the database itself (a trigger that raises an
    integrity error, gone with the test's transaction), elsewhere in the ORM's bulk insert."""
    if connection.vendor != "postgresql":

        def broken_bulk_create(*args, **kwargs):
            raise IntegrityError("simulated")

        monkeypatch.setattr(Bron.objects, "bulk_create", broken_bulk_create)
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION pg_temp.bron_fails() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'simulated' USING ERRCODE = 'integrity_constraint_violation'; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER bron_fails BEFORE INSERT ON contactmomenten_bron "
            "FOR EACH ROW EXECUTE FUNCTION pg_temp.bron_fails()"
        )


def test_failure_while_writing_bronnen_rolls_back_the_record(kcm, bronnen_insert_fails):
    with pytest.raises(IntegrityError):
        put(kcm, KissContactmomentDetailsBodyFactory())

    assert ContactmomentDetails.objects.count() == 0


def test_token_client_may_pass_emailadres_kcm(kcm):
    body = KissContactmomentDetailsBodyFactory(emailadresKcm="medewerker@gemeente.nl")

    put(kcm, body)

    assert ContactmomentDetails.objects.get().emailadres_kcm == "medewerker@gemeente.nl"


def test_session_user_email_wins_over_body(client, kcm_user):
    client.force_login(kcm_user)
    body = KissContactmomentDetailsBodyFactory(emailadresKcm="iemand-anders@example.nl")

    response = client.put(URL, data=json.dumps(body), content_type="application/json")

    assert response.status_code == 200
    assert ContactmomentDetails.objects.get().emailadres_kcm == kcm_user.email


def test_session_put_without_csrf_token_is_refused(kcm_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(kcm_user)

    response = client.put(
        URL, data=json.dumps(KissContactmomentDetailsBodyFactory()), content_type="application/json"
    )

    assert response.status_code == 403
    assert ContactmomentDetails.objects.count() == 0


def test_malformed_json_gives_400(kcm):
    response = kcm.put(URL, data="{niet: json", content_type="application/json")

    assert response.status_code == 400
    assert ContactmomentDetails.objects.count() == 0


@requires_postgres
def test_put_is_two_statements_on_postgresql(kcm):
    """The upsert with its history row, then the bronnen: besides the token lookup and the
    transaction, nothing else (a write is KISS's hottest path)."""
    existing = ContactmomentDetailsFactory(bronnen=2)
    put(kcm, KissContactmomentDetailsBodyFactory())  # the token's last_used is set once
    body = KissContactmomentDetailsBodyFactory(id=existing.contactmoment)
    with CaptureQueriesContext(connection) as captured:
        assert put(kcm, body).status_code == 200
    control = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE")  # the transaction (a savepoint in tests)
    statements = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(control)]
    assert [sql.split()[0] for sql in statements] == ["SELECT", "WITH", "WITH"], statements
    assert "apitoken" in statements[0]
    existing.refresh_from_db()
    assert [b.titel for b in existing.bronnen.order_by("id")] == [b["titel"] for b in body["bronnen"]]
    assert existing.history.latest("history_id").history_type == "~"
