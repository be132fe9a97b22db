"""Every error of /api/v1 is application/problem+json (RFC 9457) with Dutch messages and
camelCase invalidParams; the KISS-compatible endpoints keep their own error shapes."""

import logging
import uuid

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.test import RequestFactory

from contactmomenten.api import exceptions as api_exceptions
from contactmomenten.api import viewsets
from contactmomenten.models import ContactmomentDetails
from tests.factories import ContactmomentDetailsFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/contactmomentdetails"
PROBLEM = "application/problem+json"


def body(**overrides) -> dict:
    data = {
        "contactmoment": "https://openklant.example.nl/klantcontacten/fout-1",
        "startdatum": "2024-03-01T09:30:00+01:00",
        "einddatum": "2024-03-01T09:40:00+01:00",
        "bronnen": [{"soort": "vac", "titel": "Levertijd", "url": "https://vac.example.nl/1"}],
    }
    data.update(overrides)
    return data


def problem_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    data = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= set(data)
    assert data["status"] == status
    assert data["type"].startswith("urn:kiss-details:problem:")
    assert data["title"] and data["detail"]
    return data


def invalid(response) -> dict[str, str]:
    data = problem_of(response, 400)
    return {p["name"]: p["code"] for p in data["invalidParams"]}


@pytest.mark.parametrize(
    ("overrides", "name", "code"),
    [
        ({"contactmoment": None}, "contactmoment", "null"),
        ({"startdatum": "gisteren"}, "startdatum", "invalid"),
        ({"einddatum": "2024-03-01T09:00:00+01:00"}, "einddatum", "invalid"),
        ({"vraag": "x" * 1001}, "vraag", "max_length"),
        ({"verantwoordelijkeAfdeling": "x" * 201}, "verantwoordelijkeAfdeling", "max_length"),
        ({"gespreksId": "met spatie"}, "gespreksId", "invalid_gespreks_id"),
        ({"gespreksId": "a" * 65}, "gespreksId", "max_length"),
        ({"emailadresKcm": "geen-mailadres"}, "emailadresKcm", "invalid"),
        ({"specifiekeVraag": 12}, None, None),  # numbers are accepted as text
        ({"bronnen": [{"soort": "vac", "titel": "t"}]}, "bronnen.0.url", "required"),
        ({"bronnen": [{"soort": "vac", "titel": "t", "url": ""}]}, "bronnen.0.url", "blank"),
        ({"bronnen": [{"soort": "vac", "titel": "t", "url": "u"}, "tekst"]}, "bronnen.1", "invalid"),
        ({"bronnen": {"soort": "vac"}}, "bronnen", "not_a_list"),
        ({"bronnen": [{"soort": "s" * 51, "titel": "t", "url": "u"}]}, "bronnen.0.soort", "max_length"),
        ({"bronnen": [{"soort": "vac", "titel": "t", "url": "u"}] * 101}, "bronnen", "max_length"),
    ],
)
def test_validation_rules_of_the_data_model(api_client, overrides, name, code):
    response = api_client("kcm").post(LIST, body(**overrides), format="json")
    if name is None:
        assert response.status_code == 201
        return
    assert invalid(response) == {name: code}
    assert not ContactmomentDetails.objects.exists()


def test_hundred_bronnen_are_allowed(api_client):
    bronnen = [{"soort": "vac", "titel": f"t{i}", "url": f"u{i}"} for i in range(100)]
    response = api_client("kcm").post(LIST, body(bronnen=bronnen), format="json")
    assert response.status_code == 201
    assert len(response.json()["bronnen"]) == 100


def test_required_fields_are_named_together(api_client):
    response = api_client("kcm").post(LIST, {}, format="json")
    assert invalid(response) == {
        "contactmoment": "required",
        "startdatum": "required",
        "einddatum": "required",
    }
    reasons = [p["reason"] for p in response.json()["invalidParams"]]
    assert reasons == ["Dit veld is vereist."] * 3


def test_messages_stay_dutch_when_the_client_asks_for_english(api_client):
    response = api_client("kcm").post(LIST, {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert {p["reason"] for p in response.json()["invalidParams"]} == {"Dit veld is vereist."}


def test_validation_problem_has_all_members(api_client):
    response = api_client("kcm").post(LIST, body(gespreksId="a b"), format="json")
    data = problem_of(response, 400)
    assert data["instance"] == LIST
    assert data["title"] == "Ongeldige aanvraag"
    assert data["invalidParams"] == [
        {
            "name": "gespreksId",
            "code": "invalid_gespreks_id",
            "reason": "Een gespreksId bestaat alleen uit letters, cijfers, '-' en '_'.",
        }
    ]


def test_einddatum_before_startdatum_on_patch(api_client):
    record = ContactmomentDetailsFactory()
    before = record.einddatum
    response = api_client("kcm").patch(
        f"{LIST}/{record.uuid}", {"einddatum": "2000-01-01T00:00:00Z"}, format="json"
    )
    assert invalid(response) == {"einddatum": "invalid"}
    record.refresh_from_db()
    assert record.einddatum == before


def test_duplicate_contactmoment_is_400(api_client):
    existing = ContactmomentDetailsFactory()
    response = api_client("kcm").post(LIST, body(contactmoment=existing.contactmoment), format="json")
    assert invalid(response) == {"contactmoment": "unique"}


def test_model_validation_in_the_service_is_400_with_wire_names(api_client, monkeypatch):
    def refuse(**kwargs):
        raise DjangoValidationError({"gespreks_id": ["Fout in de service."]})

    monkeypatch.setattr(viewsets, "contactmomentdetails_create", refuse)
    response = api_client("kcm").post(LIST, body(), format="json")
    assert invalid(response) == {"gespreksId": "invalid"}


def test_concurrent_duplicate_is_409(api_client, monkeypatch):
    def collide(**kwargs):
        raise IntegrityError('duplicate key value violates unique constraint "contactmoment_key"')

    monkeypatch.setattr(viewsets, "contactmomentdetails_create", collide)
    data = problem_of(api_client("kcm").post(LIST, body(), format="json"), 409)
    assert "duplicate key" not in data["detail"]


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("[]", "nonFieldErrors"),
        ("[1, 2]", "nonFieldErrors"),
        ('"tekst"', "nonFieldErrors"),
        ("12", "nonFieldErrors"),
    ],
)
def test_json_that_is_not_an_object_is_400(api_client, raw, name):
    response = api_client("kcm").post(LIST, raw, content_type="application/json")
    assert invalid(response) == {name: "invalid"}


@pytest.mark.parametrize("raw", ["{kapot", "{'enkele': 'quotes'}", "[1,"])
def test_body_that_is_not_json_is_400(api_client, raw):
    response = api_client("kcm").post(LIST, raw, content_type="application/json")
    data = problem_of(response, 400)
    assert data["code"] == "parse_error"
    assert data["detail"] == "De body is geen geldige JSON."


def test_empty_body_names_the_required_fields(api_client):
    response = api_client("kcm").post(LIST, "", content_type="application/json")
    assert set(invalid(response)) == {"contactmoment", "startdatum", "einddatum"}


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"]
)
def test_wrong_content_type_is_415(api_client, content_type):
    response = api_client("kcm").post(LIST, "contactmoment=x", content_type=content_type)
    data = problem_of(response, 415)
    assert data["code"] == "unsupported_media_type"


def test_multipart_is_415(api_client):
    response = api_client("kcm").post(LIST, body(bronnen=[]), format="multipart")
    problem_of(response, 415)


@pytest.mark.parametrize("accept", ["application/xml", "text/html", "text/csv"])
def test_unacceptable_accept_is_406(api_client, accept):
    response = api_client("analist").get(LIST, HTTP_ACCEPT=accept)
    data = problem_of(response, 406)
    assert data["code"] == "not_acceptable"


def test_problem_json_and_json_are_acceptable(api_client):
    response = api_client("analist").get(LIST, HTTP_ACCEPT="application/json, application/problem+json")
    assert response.status_code == 200


def test_missing_credentials_is_401_with_challenge(api_client):
    data = problem_of(api_client(None).get(LIST), 401)
    assert data["code"] == "not_authenticated"


@pytest.mark.parametrize("header", ["Token ongeldig", "Bearer ongeldig", "Token"])
def test_bad_credentials_is_401(api_client, header):
    client = api_client(None)
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(LIST)
    problem_of(response, 401)
    assert response["WWW-Authenticate"]


def test_forbidden_is_403(api_client):
    data = problem_of(api_client("analist").post(LIST, body(), format="json"), 403)
    assert data["code"] == "permission_denied"
    assert data["detail"] == "U heeft geen rechten voor deze actie."


@pytest.mark.parametrize(
    "path",
    [
        f"{LIST}/{uuid.uuid4()}",
        f"{LIST}/geen-uuid",
        f"{LIST}/",
        "/api/v1/bestaat-niet",
        "/api/v1/",
    ],
)
def test_not_found_is_404(api_client, path):
    data = problem_of(api_client("analist").get(path), 404)
    assert data["instance"] == path
    assert "ContactmomentDetails" not in data["detail"]  # no English model name from Django


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_write_to_an_unknown_v1_url_is_404_not_a_csrf_page(api_client, method):
    # A real client checks CSRF (the test client does not by default) and may carry a cookie.
    client = api_client("beheerder")
    client.handler.enforce_csrf_checks = True
    client.cookies["csrftoken"] = "zwerfkoekje"
    response = getattr(client, method)(f"{LIST}/null%2Cnull", body(), format="json")
    assert problem_of(response, 404)["code"] == "not_found"


@pytest.mark.parametrize(
    ("method", "path"),
    [("post", "detail"), ("put", LIST), ("patch", LIST), ("delete", LIST)],
)
def test_method_not_allowed_is_405(api_client, method, path):
    record = ContactmomentDetailsFactory()
    url = f"{LIST}/{record.uuid}" if path == "detail" else path
    response = getattr(api_client("beheerder"), method)(url, body(), format="json")
    data = problem_of(response, 405)
    assert data["code"] == "method_not_allowed"
    assert response["Allow"]


@pytest.mark.parametrize("debug", [False, True])
def test_unhandled_error_is_500_without_traceback_and_logged(
    api_client, monkeypatch, settings, caplog, debug
):
    settings.DEBUG = debug

    def explode(self):
        raise RuntimeError("geheime interne details")

    monkeypatch.setattr(viewsets.ContactmomentDetailsViewSet, "get_queryset", explode)
    with caplog.at_level(logging.ERROR, logger="contactmomenten.api.exceptions"):
        response = api_client("analist").get(LIST)
    data = problem_of(response, 500)
    text = response.content.decode()
    assert "geheime" not in text and "Traceback" not in text and "RuntimeError" not in text
    assert data["code"] == "server_error"
    record = next(r for r in caplog.records if r.name == "contactmomenten.api.exceptions")
    assert record.exc_info and "geheime interne details" in str(record.exc_info[1])


def test_django_level_errors_under_v1_are_problem_json():
    request = RequestFactory().get("/api/v1/contactmomentdetails")
    response = api_exceptions.server_error(request)
    assert response.status_code == 500
    assert response["Content-Type"] == PROBLEM
    assert b"server_error" in response.content
    other = api_exceptions.server_error(RequestFactory().get("/admin/"))
    assert other["Content-Type"].startswith("text/html")


def test_kiss_endpoints_keep_their_own_error_shapes(api_client):
    response = api_client(None).get("/api/contactmomentdetails", {"id": "x"})
    assert response.status_code == 401
    assert response["Content-Type"] != PROBLEM
    assert "invalidParams" not in response.json()
    response = api_client("kcm").put("/api/contactmomentdetails", {"id": "x"}, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] != PROBLEM
    assert "type" not in response.json()


def test_unknown_urls_outside_v1_are_not_problem_json(client):
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    assert response["Content-Type"] != PROBLEM


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"vraag": {"titel": "geen tekst"}}, "Geen geldige tekst."),
        (
            {"bronnen": [{"soort": "vac", "titel": "t", "url": "https://example.nl"}] * 101},
            "Zorg ervoor dat dit veld niet meer dan 100 elementen bevat.",
        ),
    ],
)
def test_messages_drf_ships_untranslated_are_dutch(api_client, overrides, reason):
    response = api_client("kcm").post(LIST, body(**overrides), format="json")
    assert response.status_code == 400
    assert reason in [p["reason"] for p in response.json()["invalidParams"]]
