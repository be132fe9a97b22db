"""The OpenAPI schema at /api/v1/schema is valid and complete (filters, auth schemes,
problem+json errors with examples, Dutch descriptions), and the Swagger UI and Redoc pages
load everything from this service: no CDN, no external URL in their HTML."""

import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from openapi_spec_validator import validate

from contactmomenten.filters import ContactmomentDetailsFilterSet

pytestmark = pytest.mark.django_db

LIST = "/api/v1/contactmomentdetails"
DETAIL = "/api/v1/contactmomentdetails/{uuid}"
PROBLEM = "application/problem+json"


@pytest.fixture
def client(client, analist_user):
    """A browser session of a logged-in user: the docs pages and schema need a login."""
    client.force_login(analist_user)
    return client


@pytest.fixture
def schema(client):
    response = client.get("/api/v1/schema", {"format": "json"})
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("role", ["kcm", "analist", "beheerder", "jwt"])
def test_schema_is_readable_by_every_api_client(api_client, role):
    assert api_client(role).get("/api/v1/schema", {"format": "json"}).status_code == 200


def test_schema_and_docs_need_a_login_by_default(api_client):
    from django.test import Client

    assert api_client(None).get("/api/v1/schema").status_code == 401
    for page in ("/api/v1/docs", "/api/v1/redoc"):
        response = Client().get(page)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/?next=")


def test_api_docs_public_opens_schema_and_docs_to_everyone(settings):
    from django.test import Client

    settings.API_DOCS_PUBLIC = True
    anonymous = Client()
    assert anonymous.get("/api/v1/schema", {"format": "json"}).status_code == 200
    assert anonymous.get("/api/v1/docs").status_code == 200
    assert anonymous.get("/api/v1/redoc").status_code == 200


def test_schema_is_valid_openapi(schema):
    validate(schema)
    assert schema["openapi"].startswith("3.")


def test_schema_command_validates_without_warnings(tmp_path):
    call_command("spectacular", validate=True, fail_on_warn=True, file=str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi:")


def test_every_filter_and_pagination_parameter_is_documented(schema):
    parameters = {p["name"]: p for p in schema["paths"][LIST]["get"]["parameters"]}
    expected = set(ContactmomentDetailsFilterSet.base_filters) | {"page", "pageSize"}
    assert expected <= set(parameters)
    assert all(parameters[name].get("description") for name in expected)
    assert parameters["pageSize"]["schema"]["maximum"] == 5000
    start = parameters["startdatum__gte"]
    assert {s["format"] for s in start["schema"]["anyOf"]} == {"date-time", "date"}
    assert "Europe/Amsterdam" in start["description"]
    assert "gespreksduur" in parameters["ordering"]["schema"]["items"]["enum"]


def test_three_auth_schemes_on_every_v1_operation(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["tokenAuth"]["type"] == "apiKey" and schemes["tokenAuth"]["name"] == "Authorization"
    assert schemes["jwtAuth"] == {
        **schemes["jwtAuth"],
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    assert schemes["cookieAuth"]["in"] == "cookie" and schemes["cookieAuth"]["name"] == "sessionid"
    assert all("rol" in scheme["description"] for scheme in schemes.values())
    for path in (LIST, DETAIL):
        for operation in schema["paths"][path].values():
            names = {name for requirement in operation["security"] for name in requirement}
            assert names == {"tokenAuth", "jwtAuth", "cookieAuth"}


@pytest.mark.parametrize(
    ("path", "method", "statuses"),
    [
        (LIST, "get", {"400", "401", "403", "404", "406", "500"}),
        (LIST, "post", {"400", "401", "403", "406", "409", "415", "500"}),
        (DETAIL, "get", {"401", "403", "404", "406", "500"}),
        (DETAIL, "put", {"400", "401", "403", "404", "406", "409", "415", "500"}),
        (DETAIL, "patch", {"400", "401", "403", "404", "406", "409", "415", "500"}),
        (DETAIL, "delete", {"401", "403", "404", "406", "409", "500"}),
    ],
)
def test_problem_responses_with_examples(schema, path, method, statuses):
    operation = schema["paths"][path][method]
    assert operation["summary"] and operation["description"] and operation["tags"] == ["contactmomentdetails"]
    for status in statuses:
        content = operation["responses"][status]["content"][PROBLEM]
        example = next(iter(content["examples"].values()))["value"]
        assert example["status"] == int(status)
        ref = content["schema"]["$ref"].rsplit("/", 1)[-1]
        assert ref == ("ValidationProblem" if status == "400" else "Problem")
    validation = schema["components"]["schemas"]["ValidationProblem"]
    assert {"type", "title", "status", "detail", "instance", "invalidParams"} <= set(validation["properties"])


def test_fields_are_described_in_dutch(schema):
    properties = schema["components"]["schemas"]["ContactmomentDetails"]["properties"]
    assert "seconden" in properties["gespreksduur"]["description"]
    assert properties["gespreksduur"]["readOnly"] is True
    assert "afdeling" in properties["verantwoordelijkeAfdeling"]["description"].lower()
    assert properties["bronnen"]["maxItems"] == 100
    assert [name for name, p in properties.items() if not p.get("description")] == []
    request = schema["components"]["schemas"]["ContactmomentDetailsRequest"]
    assert set(request["required"]) == {"contactmoment", "startdatum", "einddatum"}
    assert "gespreksduur" not in request["properties"]


def test_every_component_property_and_parameter_has_a_dutch_description(schema):
    from contactmomenten.api.schema import COMPONENT_DESCRIPTIONS

    components = schema["components"]["schemas"]
    # A new component needs a Dutch description in COMPONENT_DESCRIPTIONS, not its English docstring.
    assert sorted(components) == sorted(COMPONENT_DESCRIPTIONS)
    for name, component in components.items():
        assert component["description"] == COMPONENT_DESCRIPTIONS[name]
        undescribed = [
            p for p, spec in component.get("properties", {}).items() if not spec.get("description")
        ]
        assert undescribed == [], name
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                assert parameter.get("description"), (path, method, parameter["name"])


def test_kiss_endpoints_are_documented_under_their_own_tag(schema):
    kiss_tags = {tag for op in schema["paths"]["/api/contactmomentdetails"].values() for tag in op["tags"]}
    assert kiss_tags and "contactmomentdetails" not in kiss_tags


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.urls.append(value)


@pytest.mark.parametrize("page", ["/api/v1/docs", "/api/v1/redoc"])
def test_docs_pages_use_only_this_service(client, page):
    response = client.get(page)
    assert response.status_code == 200
    html = response.content.decode()
    external = [
        u for u in re.findall(r"(?:https?:)?//[^\s\"'<>)]+", html) if not u.startswith("http://testserver/")
    ]
    assert external == []
    parser = _Assets()
    parser.feed(html)
    scripts_and_styles = [u for u in parser.urls if u.endswith((".js", ".css"))]
    assert len(scripts_and_styles) >= (3 if page.endswith("docs") else 1)
    for url in parser.urls:
        assert url.startswith("/"), url
        asset = client.get(url)
        assert asset.status_code == 200, url
        content = b"".join(asset.streaming_content) if asset.streaming else asset.content
        assert content, url


def test_redoc_page_has_no_web_fonts(client):
    html = client.get("/api/v1/redoc").content.decode()
    assert "fonts.googleapis" not in html and "fonts.gstatic" not in html
    assert "redoc.standalone.js" in html


def test_swagger_ui_does_not_call_the_public_validator(client):
    html = client.get("/api/v1/docs").content.decode()
    assert '"validatorUrl": null' in html


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_writes_document_if_match_and_412(schema, method):
    operation = schema["paths"][DETAIL][method]
    headers = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}

    assert not headers["If-Match"].get("required", False)
    assert "412" in headers["If-Match"]["description"]
    assert PROBLEM in operation["responses"]["412"]["content"]


@pytest.mark.parametrize(
    ("path", "method", "status"),
    [(DETAIL, "get", "200"), (DETAIL, "put", "200"), (DETAIL, "patch", "200"), (LIST, "post", "201")],
)
def test_single_record_responses_document_the_etag_header(schema, path, method, status):
    assert "ETag" in schema["paths"][path][method]["responses"][status]["headers"]
