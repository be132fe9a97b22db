"""The bad-input catalogue (issue 11 section 4): one table of malformed requests against every
write and query endpoint, KISS-compatible and /api/v1.

Each request must get a 4xx whose reason names the field (problem+json ``invalidParams`` on
/api/v1; on the KISS endpoints the shapes upstream has: ``{field: [reason]}`` for the PUT and
GET, upstream's plain-text messages for the management endpoint), and must leave the database
as it was: records, bronnen and history rows, compared by count and a checksum of their
contents. SQL and HTML injection strings are valid input: the last test stores them verbatim
and finds them escaped in the admin.
"""

# ruff: noqa: E501  (the catalogue is a table: one request per line)

import hashlib
import json
import re
from dataclasses import dataclass, field
from html import escape

import pytest

from contactmomenten.models import Bron, ContactmomentDetails
from tests.admin.helpers import CHANGELIST_URL, change_url
from tests.factories import (
    ContactmomentDetailsFactory,
    KissBronBodyFactory,
    KissContactmomentDetailsBodyFactory,
)

pytestmark = pytest.mark.django_db

KISS = "/api/contactmomentdetails"
RAPPORTAGE = "/api/contactmomentendetails"
V1 = "/api/v1/contactmomentdetails"
STATISTIEKEN = "/api/v1/statistieken"
PROBLEM = "application/problem+json"
EXISTING = "https://openklant.example.nl/klantinteracties/api/v1/klantcontacten/bestaand"
RECORD = "{uuid}"  # replaced by the existing record's uuid
DEEP_JSON = "[" * 100_000 + "]" * 100_000
TOO_LARGE = json.dumps({"vraag": "x" * (1024 * 1024 + 1)})
INVALID_UTF8 = b'{"id": "' + EXISTING.encode() + b'", "vraag": "\xff\xfe kapot"}'
PERIOD = {"from": "2024-01-01T00:00:00Z", "to": "2024-12-31T00:00:00Z"}
# DRF's and Python's English messages; a reason a Dutch KCM or beheerder reads is none of them.
ENGLISH = re.compile(
    r"This field|Ensure this|Not a valid|must be|is required|not allowed|Expected a|"
    r"parse error|codec|Expecting|line \d+ column"
)


def kiss(**overrides) -> dict:
    """The body KISS sends, for the existing record: a partial write would change it."""
    body = KissContactmomentDetailsBodyFactory(
        id=EXISTING, startdatum="2024-03-01T09:00:00.000Z", einddatum="2024-03-01T09:10:00.000Z"
    )
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not ...}


def v1(**overrides) -> dict:
    body = {
        "contactmoment": "https://openklant.example.nl/klantcontacten/nieuw",
        "startdatum": "2024-03-01T09:30:00+01:00",
        "einddatum": "2024-03-01T09:40:00+01:00",
        "vraag": "Paspoort aanvragen",
        "bronnen": [{"soort": "vac", "titel": "Levertijd", "url": "https://vac.example.nl/1"}],
        **overrides,
    }
    return {key: value for key, value in body.items() if value is not ...}


def bronnen(count: int) -> list[dict]:
    return [KissBronBodyFactory() for _ in range(count)]


@dataclass
class Bad:
    """One malformed request and the answer it must get. ``name`` is the field the reason
    must name: a key of the KISS error object, an ``invalidParams`` name on /api/v1, or a text
    the KISS management endpoint's plain-text message contains; ``code`` for problems about
    the request as a whole (415, 413, 404, 412)."""

    id: str
    method: str
    path: str
    status: int
    name: str | None = None
    code: str | None = None
    json: object = None
    raw: bytes | str | None = None
    content_type: str = "application/json"
    query: dict = field(default_factory=dict)
    role: str = ""  # default: who may send it (jwt for the management endpoint, ...)
    headers: dict = field(default_factory=dict)

    def __post_init__(self):
        if not self.role:
            reads = self.method == "get" and self.path != KISS
            self.role = "jwt" if self.path == RAPPORTAGE else "analist" if reads else "kcm"
            self.role = "beheerder" if self.method == "delete" else self.role


# One row per request, as a table reads best.
# fmt: off
CATALOGUE = [
    # KISS PUT /api/contactmomentdetails: wrong types, missing fields, sizes, dates.
    Bad("kiss-put-startdatum-number", "put", KISS, 400, "startdatum", json=kiss(startdatum=12)),
    Bad("kiss-put-startdatum-text", "put", KISS, 400, "startdatum", json=kiss(startdatum="gisteren")),
    Bad("kiss-put-startdatum-feb-30", "put", KISS, 400, "startdatum", json=kiss(startdatum="2024-02-30T10:00:00Z")),
    Bad("kiss-put-offset-25h", "put", KISS, 400, "startdatum", json=kiss(startdatum="2024-03-01T09:00:00+25:00")),
    Bad("kiss-put-zone-name", "put", KISS, 400, "einddatum", json=kiss(einddatum="2024-03-01T09:10:00 CET")),
    Bad("kiss-put-einddatum-before", "put", KISS, 400, "einddatum", json=kiss(einddatum="2024-03-01T08:00:00Z")),
    Bad("kiss-put-id-missing", "put", KISS, 400, "id", json=kiss(id=...)),
    Bad("kiss-put-startdatum-missing", "put", KISS, 400, "startdatum", json=kiss(startdatum=...)),
    Bad("kiss-put-id-object", "put", KISS, 400, "id", json=kiss(id={"url": EXISTING})),
    Bad("kiss-put-gespreksid-space", "put", KISS, 400, "gespreksId", json=kiss(gespreksId="met spatie")),
    Bad("kiss-put-gespreksid-long", "put", KISS, 400, "gespreksId", json=kiss(gespreksId="a" * 65)),
    Bad("kiss-put-gespreksid-sql", "put", KISS, 400, "gespreksId", json=kiss(gespreksId="1' OR '1'='1")),
    Bad("kiss-put-vraag-long", "put", KISS, 400, "vraag", json=kiss(vraag="x" * 1001)),
    Bad("kiss-put-vraag-list", "put", KISS, 400, "vraag", json=kiss(vraag=["Paspoort"])),
    Bad("kiss-put-kanaal-long", "put", KISS, 400, "kanaal", json=kiss(kanaal="k" * 51)),
    Bad("kiss-put-email-invalid", "put", KISS, 400, "emailadresKcm", json=kiss(emailadresKcm="geen-adres")),
    Bad("kiss-put-vraag-nul", "put", KISS, 400, "vraag", json=kiss(vraag="Pas\x00poort")),
    Bad("kiss-put-bronnen-text", "put", KISS, 400, "bronnen", json=kiss(bronnen="kennisartikel")),
    Bad("kiss-put-bronnen-object", "put", KISS, 400, "bronnen", json=kiss(bronnen={"url": "u"})),
    Bad("kiss-put-1000-bronnen", "put", KISS, 400, "bronnen", json=kiss(bronnen=bronnen(1000))),
    Bad("kiss-put-bron-without-url", "put", KISS, 400, "bronnen", json=kiss(bronnen=[{"titel": "t", "soort": "s"}])),
    Bad("kiss-put-bron-url-long", "put", KISS, 400, "bronnen", json=kiss(bronnen=[KissBronBodyFactory(url="u" * 1001)])),
    Bad("kiss-put-bron-titel-nul", "put", KISS, 400, "bronnen", json=kiss(bronnen=[KissBronBodyFactory(titel="a\x00")])),
    Bad("kiss-put-vraag-surrogate", "put", KISS, 400, "vraag", json=kiss(vraag="\ud800")),
    Bad("kiss-put-year-10000-in-utc", "put", KISS, 400, "einddatum", json=kiss(einddatum="9999-12-31T23:50:00-05:00")),
    Bad("kiss-put-token-latin1", "put", KISS, 401, "detail", json=kiss(), headers={"HTTP_AUTHORIZATION": "Token ÿÿ"}),
    # KISS PUT: bodies that are no JSON object.
    Bad("kiss-put-nan", "put", KISS, 400, "detail", json=kiss(vraag=float("nan"))),
    Bad("kiss-put-not-json", "put", KISS, 400, "detail", raw="{kapot"),
    Bad("kiss-put-invalid-utf8", "put", KISS, 400, "detail", raw=INVALID_UTF8),
    Bad("kiss-put-deep-json", "put", KISS, 400, "detail", raw=DEEP_JSON),
    Bad("kiss-put-json-array", "put", KISS, 400, "non_field_errors", raw="[]"),
    Bad("kiss-put-text-plain", "put", KISS, 415, "detail", raw="id=x", content_type="text/plain"),
    Bad("kiss-put-form", "put", KISS, 415, "detail", raw="id=x", content_type="application/x-www-form-urlencoded"),
    Bad("kiss-put-body-over-1mb", "put", KISS, 413, code="request_too_large", raw=TOO_LARGE),
    # KISS GET /api/contactmomentdetails?id=
    Bad("kiss-get-id-missing", "get", KISS, 400, "id"),
    Bad("kiss-get-id-long", "get", KISS, 400, "id", query={"id": "x" * 1001}),
    Bad("kiss-get-id-nul", "get", KISS, 400, "id", query={"id": "a\x00b"}),
    # KISS GET /api/contactmomentendetails: upstream's plain-text messages.
    Bad("rapportage-from-missing", "get", RAPPORTAGE, 400, "datumnotatie", query={"to": PERIOD["to"]}),
    Bad("rapportage-from-text", "get", RAPPORTAGE, 400, "datumnotatie", query={**PERIOD, "from": "gisteren"}),
    Bad("rapportage-to-month-13", "get", RAPPORTAGE, 400, "datumnotatie", query={**PERIOD, "to": "2024-13-01T00:00:00Z"}),
    Bad("rapportage-from-no-zone", "get", RAPPORTAGE, 400, "datumnotatie", query={**PERIOD, "from": "2024-01-01T00:00:00"}),
    Bad("rapportage-from-nul", "get", RAPPORTAGE, 400, "datumnotatie", query={**PERIOD, "from": "2024\x00"}),
    Bad("rapportage-pagesize-0", "get", RAPPORTAGE, 400, "Paginagrootte", query={**PERIOD, "pageSize": "0"}),
    Bad("rapportage-pagesize-text", "get", RAPPORTAGE, 400, "Paginagrootte", query={**PERIOD, "pageSize": "veel"}),
    Bad("rapportage-pagesize-5001", "get", RAPPORTAGE, 400, "Paginagrootte", query={**PERIOD, "pageSize": "5001"}),
    Bad("rapportage-page-0", "get", RAPPORTAGE, 400, "Paginanummer", query={**PERIOD, "page": "0"}),
    Bad("rapportage-page-sql", "get", RAPPORTAGE, 400, "Paginanummer", query={**PERIOD, "page": "1; DROP TABLE x"}),
    # v1 POST
    Bad("v1-post-startdatum-number", "post", V1, 400, "startdatum", json=v1(startdatum=12)),
    Bad("v1-post-startdatum-feb-30", "post", V1, 400, "startdatum", json=v1(startdatum="2024-02-30T10:00:00+01:00")),
    Bad("v1-post-offset-25h", "post", V1, 400, "einddatum", json=v1(einddatum="2024-03-01T09:40:00+25:00")),
    Bad("v1-post-einddatum-before", "post", V1, 400, "einddatum", json=v1(einddatum="2024-03-01T09:00:00+01:00")),
    Bad("v1-post-einddatum-missing", "post", V1, 400, "einddatum", json=v1(einddatum=...)),
    Bad("v1-post-contactmoment-long", "post", V1, 400, "contactmoment", json=v1(contactmoment="c" * 1001)),
    Bad("v1-post-contactmoment-existing", "post", V1, 400, "contactmoment", json=v1(contactmoment=EXISTING)),
    Bad("v1-post-vraag-nul", "post", V1, 400, "vraag", json=v1(vraag="\x00")),
    Bad("v1-post-year-1-in-utc", "post", V1, 400, "startdatum", json=v1(startdatum="0001-01-01T00:00:00+01:00")),
    Bad("v1-post-bron-surrogate", "post", V1, 400, "bronnen.0.soort", json=v1(bronnen=[KissBronBodyFactory(soort="\udfff")])),
    Bad("v1-post-infinity", "post", V1, 400, "nonFieldErrors", raw=json.dumps(v1()).replace('"vac"', "Infinity")),
    Bad("v1-post-token-spaces", "post", V1, 401, code="authentication_failed", json=v1(), headers={"HTTP_AUTHORIZATION": "Token a b c"}),
    Bad("v1-post-gespreksid-html", "post", V1, 400, "gespreksId", json=v1(gespreksId="<b>x</b>")),
    Bad("v1-post-bronnen-text", "post", V1, 400, "bronnen", json=v1(bronnen="vac")),
    Bad("v1-post-1000-bronnen", "post", V1, 400, "bronnen", json=v1(bronnen=bronnen(1000))),
    Bad("v1-post-bron-titel-number-list", "post", V1, 400, "bronnen.0.titel", json=v1(bronnen=[{"soort": "vac", "titel": [1], "url": "u"}])),
    Bad("v1-post-not-json", "post", V1, 400, "nonFieldErrors", raw="{'enkele': 'quotes'}"),
    Bad("v1-post-invalid-utf8", "post", V1, 400, "nonFieldErrors", raw=b'{"vraag": "\xc3\x28"}'),
    Bad("v1-post-deep-json", "post", V1, 400, "nonFieldErrors", raw=DEEP_JSON),
    Bad("v1-post-json-string", "post", V1, 400, "nonFieldErrors", raw='"tekst"'),
    Bad("v1-post-xml", "post", V1, 415, code="unsupported_media_type", raw="<a/>", content_type="application/xml"),
    Bad("v1-post-body-over-1mb", "post", V1, 413, code="request_too_large", raw=TOO_LARGE),
    # v1 PUT / PATCH / DELETE of the existing record
    Bad("v1-put-empty-object", "put", f"{V1}/{RECORD}", 400, "startdatum", json={}),
    Bad("v1-put-bronnen-number", "put", f"{V1}/{RECORD}", 400, "bronnen", json=v1(contactmoment=EXISTING, bronnen=5)),
    Bad("v1-put-not-json", "put", f"{V1}/{RECORD}", 400, "nonFieldErrors", raw="[1,"),
    Bad("v1-patch-einddatum-before", "patch", f"{V1}/{RECORD}", 400, "einddatum", json={"einddatum": "2000-01-01T00:00:00Z"}),
    Bad("v1-patch-startdatum-null", "patch", f"{V1}/{RECORD}", 400, "startdatum", json={"startdatum": None}),
    Bad("v1-patch-kanaal-list", "patch", f"{V1}/{RECORD}", 400, "kanaal", json={"kanaal": ["telefoon"]}),
    Bad("v1-patch-email-long", "patch", f"{V1}/{RECORD}", 400, "emailadresKcm", json={"emailadresKcm": "a" * 250 + "@example.nl"}),
    Bad("v1-patch-form", "patch", f"{V1}/{RECORD}", 415, code="unsupported_media_type", raw="kanaal=x", content_type="application/x-www-form-urlencoded"),
    Bad("v1-patch-no-uuid", "patch", f"{V1}/geen-uuid", 404, code="not_found", json={"kanaal": "balie"}),
    Bad("v1-patch-if-match-garbage", "patch", f"{V1}/{RECORD}", 412, code="precondition_failed", json={"kanaal": "balie"}, headers={"HTTP_IF_MATCH": "geen-etag"}),
    Bad("v1-delete-no-uuid", "delete", f"{V1}/1%20OR%201=1", 404, code="not_found"),
    Bad("v1-delete-if-match-stale", "delete", f"{V1}/{RECORD}", 412, code="precondition_failed", headers={"HTTP_IF_MATCH": '"1"'}),
    # v1 list and retrieve
    Bad("v1-list-startdatum-text", "get", V1, 400, "startdatum__gte", query={"startdatum__gte": "gisteren"}),
    Bad("v1-list-startdatum-month-13", "get", V1, 400, "startdatum__lt", query={"startdatum__lt": "2024-13-01T00:00:00Z"}),
    Bad("v1-list-unknown-parameter", "get", V1, 400, "afdeling", query={"afdeling": "Burgerzaken"}),
    Bad("v1-list-ordering-unknown", "get", V1, 400, "ordering", query={"ordering": "emailadres_kcm; DROP"}),
    Bad("v1-list-pagesize-text", "get", V1, 400, "pageSize", query={"pageSize": "veel"}),
    Bad("v1-list-page-text", "get", V1, 400, "page", query={"page": "een"}),
    Bad("v1-list-cursor-garbage", "get", V1, 400, "cursor", query={"cursor": "kapot"}),
    Bad("v1-list-gespreksid-nul", "get", V1, 400, "gespreksId", query={"gespreksId": "a\x00b"}),
    Bad("v1-retrieve-no-uuid", "get", f"{V1}/geen-uuid", 404, code="not_found"),
    Bad("v1-retrieve-unknown-uuid", "get", f"{V1}/00000000-0000-0000-0000-000000000000", 404, code="not_found"),
    Bad("rapportage-jwt-unsigned", "get", RAPPORTAGE, 401, "detail", query=PERIOD, headers={"HTTP_AUTHORIZATION": "Bearer a.b.c"}),
    # v1 statistieken
    Bad("statistieken-groeperen-unknown", "get", STATISTIEKEN, 400, "groeperen", query={"groeperen": "wachtwoord"}),
    Bad("statistieken-startdatum-text", "get", STATISTIEKEN, 400, "startdatum__gte", query={"startdatum__gte": "morgen"}),
]
# fmt: on


@pytest.fixture
def existing(api_client):
    """A record written as KISS writes it (bronnen, a history row), and one from a factory."""
    body = kiss(bronnen=bronnen(3))
    assert api_client("kcm").put(KISS, body, format="json").status_code == 200
    ContactmomentDetailsFactory(bronnen=2)
    return ContactmomentDetails.objects.get(contactmoment=EXISTING)


def database_state() -> dict:
    """Per table: the number of rows and a checksum of their contents."""
    state = {}
    for model in (ContactmomentDetails, Bron, ContactmomentDetails.history.model):
        rows = list(model.objects.order_by("pk").values_list())
        state[model.__name__] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return state


def send(client, bad: Bad, record):
    path = bad.path.replace(RECORD, str(record.uuid))
    headers = dict(bad.headers)
    if "HTTP_AUTHORIZATION" in headers:  # the client's credentials would win over a header
        client.credentials(HTTP_AUTHORIZATION=headers.pop("HTTP_AUTHORIZATION"))
    if bad.method == "get":
        return client.get(path, bad.query, **headers)
    data = json.dumps(bad.json) if bad.raw is None else bad.raw
    if bad.json is None and bad.raw is None:
        data = ""
    return getattr(client, bad.method)(path, data, content_type=bad.content_type, **headers)


def reasons_named(response, bad: Bad) -> list[str]:
    """The reasons the answer gives for ``bad.name`` (or the problem's detail for ``bad.code``)."""
    content_type = response["Content-Type"]
    if bad.path.startswith("/api/v1") or bad.code:
        assert content_type == PROBLEM
        problem = response.json()
        assert problem["status"] == bad.status
        if bad.code:
            assert problem["code"] == bad.code
            return [problem["detail"]]
        return [p["reason"] for p in problem["invalidParams"] if p["name"] == bad.name]
    if bad.path == RAPPORTAGE and bad.status == 400:
        assert content_type.startswith("text/plain")
        text = response.content.decode()
        return [text] if bad.name in text else []
    assert content_type.startswith("application/json") and content_type != PROBLEM
    value = response.json().get(bad.name)
    return [json.dumps(value, ensure_ascii=False)] if value else []


@pytest.mark.parametrize("bad", CATALOGUE, ids=[bad.id for bad in CATALOGUE])
def test_bad_request_is_4xx_naming_the_field_and_changes_nothing(api_client, existing, bad):
    before = database_state()
    response = send(api_client(bad.role), bad, existing)
    assert response.status_code == bad.status, response.content[:500]
    reasons = reasons_named(response, bad)
    assert reasons and all(reasons), f"no reason for {bad.name}: {response.content[:500]}"
    assert not ENGLISH.search(" ".join(reasons)), reasons
    assert database_state() == before


def test_catalogue_covers_every_endpoint_and_method():
    assert len(CATALOGUE) >= 40
    assert len({bad.id for bad in CATALOGUE}) == len(CATALOGUE)
    covered = {(bad.method, bad.path.split("/{")[0].split("/geen")[0]) for bad in CATALOGUE}
    assert {("put", KISS), ("get", KISS), ("get", RAPPORTAGE), ("post", V1), ("get", V1)} <= covered
    assert {"put", "patch", "delete"} <= {bad.method for bad in CATALOGUE if bad.path.startswith(f"{V1}/")}


SQL = "'); DROP TABLE contactmomenten_contactmomentdetails; --"
HTML = '<script>alert("xss")</script><img src=x onerror=alert(1)>'


def test_sql_and_html_are_stored_verbatim_and_shown_escaped_in_the_admin(api_client, admin_client_for):
    body = kiss(vraag=HTML, specifiekevraag=SQL, gespreksresultaat=f"{SQL}{HTML}")
    body["bronnen"] = [KissBronBodyFactory(titel=HTML, url=SQL)]
    assert api_client("kcm").put(KISS, body, format="json").status_code == 200

    record = ContactmomentDetails.objects.get(contactmoment=EXISTING)
    assert (record.vraag, record.specifieke_vraag, record.gespreksresultaat) == (HTML, SQL, SQL + HTML)
    assert list(record.bronnen.values_list("titel", "url")) == [(HTML, SQL)]
    read = api_client("kcm").get(KISS, {"id": EXISTING}).json()
    assert (read["vraag"], read["specifiekeVraag"], read["bronnen"][0]["titel"]) == (HTML, SQL, HTML)

    admin = admin_client_for("beheerder")
    for url in (change_url(record), CHANGELIST_URL):
        page = admin.get(url).content.decode()
        assert "<script>alert" not in page and "<img src=x" not in page
        assert escape(HTML, quote=False) in page or escape(HTML) in page, url
