"""The privacy policy on every read path: what each role sees of emailadresKcm under each
value of EMAILADRES_KCM_VOOR_ANALIST, the kcm role's list scope, and who may filter on it.

One table: every read path (admin list, list querystring filter, change form, history page
and list search; CSV and XLSX export, and the export filtered by the querystring; /api/v1
list and detail; KISS GET; KISS management endpoint; the dashboard and its CSVs; the
statistics API in every grouping, JSON and CSV, and filtered on the address) x role x
setting. Each reader returns what the response shows of the address: the address, its
pseudonym, or None; a filter that narrows the result counts as showing the address.
"""

import csv
import html
import io
import re

import openpyxl
import pytest

from contactmomenten import privacy
from contactmomenten.models import ContactmomentDetails
from contactmomenten.statistieken.tabel import GROEPERINGEN
from tests.admin.helpers import CHANGELIST_URL, change_url
from tests.factories import ContactmomentDetailsFactory

pytestmark = pytest.mark.django_db

EMAIL = "jan.jansen@gemeente.example.nl"
OLD_EMAIL = "oud.adres@gemeente.example.nl"
SLEUTEL = "een-geheime-pseudoniemsleutel-van-minstens-32-tekens"
V1 = "/api/v1/contactmomentdetails"
SETTINGS = (privacy.WEGLATEN, privacy.PSEUDONIEM, privacy.TONEN)


@pytest.fixture
def policy(settings):
    def apply(mode):
        settings.EMAILADRES_KCM_VOOR_ANALIST = mode
        settings.EMAILADRES_KCM_PSEUDONIEM_SLEUTEL = SLEUTEL

    return apply


@pytest.fixture
def record():
    details = ContactmomentDetailsFactory(emailadres_kcm=OLD_EMAIL, gespreks_id="gesprek-1")
    details.emailadres_kcm = EMAIL  # a change, so the history page has an old -> new line
    details.save()
    return details


def _seen(text: str) -> str | None:
    """Which form of the address a response body shows."""
    if EMAIL in text:
        return EMAIL
    pseudonym = privacy.pseudonym(EMAIL)
    return pseudonym if pseudonym in text else None


def _admin(admin_client_for, role):
    return admin_client_for({"analist": "analist", "beheerder": "beheerder"}[role])


def read_admin_form(clients, role, record):
    return _seen(_admin(clients["admin"], role).get(change_url(record)).content.decode())


def read_admin_history(clients, role, record):
    text = _admin(clients["admin"], role).get(f"{change_url(record)[: -len('change/')]}history/").content
    assert OLD_EMAIL not in text.decode() or _seen(text.decode()) == EMAIL
    return _seen(text.decode())


def read_admin_search(clients, role, record):
    """The list searched for the address: found means the address is searchable (so seen)."""
    response = _admin(clients["admin"], role).get(CHANGELIST_URL, {"q": EMAIL})
    found = response.context["cl"].result_count == 1
    pseudonym = privacy.pseudonym(EMAIL)
    by_pseudonym = _admin(clients["admin"], role).get(CHANGELIST_URL, {"q": pseudonym})
    if by_pseudonym.context["cl"].result_count == 1:
        assert not found
        return pseudonym
    return EMAIL if found else None


def read_admin_list(clients, role, record):
    return _seen(_admin(clients["admin"], role).get(CHANGELIST_URL).content.decode())


OTHER_EMAIL = "iemand.anders@gemeente.example.nl"


def read_admin_filter(clients, role, record):
    """The list's querystring filters on the address (Django allows any local lookup there)."""
    for lookup in ("emailadres_kcm", "emailadres_kcm__iexact", "emailadres_kcm__startswith"):
        response = _admin(clients["admin"], role).get(CHANGELIST_URL, {lookup: OTHER_EMAIL})
        if response.status_code == 200 and response.context["cl"].result_count == 0:
            return EMAIL  # the filter narrowed the list: the address is queryable
        assert response.status_code in (200, 400)
    return None


def read_export_filter(clients, role, record):
    """The export rebuilds the list from the querystring: the same filter, in the file."""
    response = _admin(clients["admin"], role).get(
        f"{CHANGELIST_URL}export/csv/", {"emailadres_kcm": OTHER_EMAIL}
    )
    if response.status_code != 200:
        return None
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    return EMAIL if not rows else None


def read_dashboard(clients, role, record):
    """The dashboard page and every CSV it links to: no figure per KCM, whatever the setting."""
    client = _admin(clients["admin"], role)
    day = record.startdatum.date().isoformat()
    page = client.get("/admin/managementinformatie/", {"van": day, "tot": day})
    assert page.status_code == 200
    text = page.content.decode()
    names = set(re.findall(r"csv=([a-z_-]+)", html.unescape(text)))
    assert {"kerncijfers", "vragen", "drukte"} <= names
    for name in names:
        text += client.get(
            "/admin/managementinformatie/", {"van": day, "tot": day, "csv": name}
        ).content.decode()
    return _seen(text)


STATISTIEKEN = "/api/v1/statistieken"


def read_statistieken(clients, role, record):
    """Every grouping of the statistics API, as JSON and as CSV: never a figure per KCM."""
    client = clients["api"](role)
    text = ""
    for key in GROEPERINGEN:
        for extra in ({}, {"format": "csv"}):
            response = client.get(STATISTIEKEN, {"groeperen": key, **extra})
            assert response.status_code == 200, response.content
            text += response.content.decode()
    return _seen(text)


def read_statistieken_filter(clients, role, record):
    """The statistics filtered on emailadresKcm: by the pseudonym, or narrowed by the address."""
    client = clients["api"](role)

    def aantal(value):
        response = client.get(STATISTIEKEN, {"emailadresKcm": value})
        assert response.status_code in (200, 403), response.content
        return response.json()[0]["aantal"] if response.status_code == 200 else None

    if aantal(privacy.pseudonym(EMAIL)) == 1:
        return privacy.pseudonym(EMAIL)
    return EMAIL if aantal(OTHER_EMAIL) == 0 else None


def read_export_csv(clients, role, record):
    response = _admin(clients["admin"], role).get(f"{CHANGELIST_URL}export/csv/")
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(content))
    return row["e-mailadres KCM"] or None


def read_export_xlsx(clients, role, record):
    response = _admin(clients["admin"], role).get(f"{CHANGELIST_URL}export/xlsx/")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, row = list(sheet.iter_rows(values_only=True))
    return row[header.index("e-mailadres KCM")]


def read_v1_list(clients, role, record):
    response = clients["api"](role).get(V1, {"gespreksId": "gesprek-1"})
    assert response.status_code == 200, response.json()
    return response.json()["results"][0]["emailadresKcm"]


def read_v1_detail(clients, role, record):
    return clients["api"](role).get(f"{V1}/{record.uuid}").json()["emailadresKcm"]


def read_kiss_get(clients, role, record):
    return (
        clients["api"](role)
        .get("/api/contactmomentdetails", {"id": record.contactmoment})
        .json()["emailadresKcm"]
    )


def read_kiss_rapportage(clients, role, record):
    query = {"from": "2000-01-01T00:00:00Z", "to": "2100-01-01T00:00:00Z"}
    response = clients["api"](role).get("/api/contactmomentendetails", query)
    return response.json()["results"][0]["emailadresKcm"]


def expected(role: str, mode: str) -> str | None:
    """What the policy shows: the address, its pseudonym, or nothing."""
    if role in ("kcm", "beheerder") or mode == privacy.TONEN:
        return EMAIL
    return privacy.pseudonym(EMAIL) if mode == privacy.PSEUDONIEM else None


def plain_only(role: str, mode: str) -> str | None:
    """Filters on the stored address: only for a role that sees it plainly."""
    return EMAIL if expected(role, mode) == EMAIL else None


def never(role: str, mode: str) -> None:
    """Paths that never show the address to anyone (the list columns, the aggregates)."""
    return None


ADMIN = ("analist", "beheerder")
API = ("kcm", "analist", "beheerder", "jwt")
# Read path -> (reader, the roles that may use it, what it shows). "jwt" is the management
# client (analist).
READ_PATHS = {
    "admin_list": (read_admin_list, ADMIN, never),
    "admin_filter": (read_admin_filter, ADMIN, plain_only),
    "admin_form": (read_admin_form, ADMIN, expected),
    "admin_history": (read_admin_history, ADMIN, expected),
    "admin_search": (read_admin_search, ADMIN, expected),
    "export_csv": (read_export_csv, ADMIN, expected),
    "export_xlsx": (read_export_xlsx, ADMIN, expected),
    "export_filter": (read_export_filter, ADMIN, plain_only),
    "v1_list": (read_v1_list, API, expected),
    "v1_detail": (read_v1_detail, API, expected),
    "kiss_get": (read_kiss_get, API, expected),
    "kiss_rapportage": (read_kiss_rapportage, ("analist", "beheerder", "jwt"), expected),
    "dashboard": (read_dashboard, ADMIN, never),
    "statistieken": (read_statistieken, ("analist", "beheerder", "jwt"), never),
    "statistieken_filter": (read_statistieken_filter, ("analist", "beheerder", "jwt"), expected),
}
CASES = [(path, role) for path, (_, roles, _) in READ_PATHS.items() for role in roles]


@pytest.mark.parametrize("mode", SETTINGS)
@pytest.mark.parametrize(("path", "role"), CASES, ids=[f"{p}-{r}" for p, r in CASES])
def test_every_read_path_shows_emailadres_kcm_as_the_policy_says(
    path, role, mode, policy, record, api_client, admin_client_for
):
    policy(mode)
    reader, _, shows = READ_PATHS[path]
    clients = {"api": api_client, "admin": admin_client_for}
    assert reader(clients, role, record) == shows(role, mode)


def test_pseudonym_is_stable_keyed_case_blind_and_the_same_in_sql_and_python(policy):
    policy(privacy.PSEUDONIEM)
    ContactmomentDetailsFactory(emailadres_kcm="Jan.Jansen@Gemeente.example.nl")
    ContactmomentDetailsFactory(emailadres_kcm="")
    in_sql = list(
        ContactmomentDetails.objects.order_by("id")
        .annotate(getoond=privacy.expression("analist", "emailadres_kcm"))
        .values_list("getoond", flat=True)
    )
    assert in_sql == [privacy.pseudonym(EMAIL), ""]
    assert in_sql[0].endswith("@pseudoniem.invalid")
    assert len(in_sql[0]) == 16 + len("@pseudoniem.invalid")
    assert privacy.pseudonym(EMAIL) == privacy.pseudonym(EMAIL)
    policy(privacy.PSEUDONIEM)
    from django.conf import settings

    settings.EMAILADRES_KCM_PSEUDONIEM_SLEUTEL = SLEUTEL + "-anders"
    assert privacy.pseudonym(EMAIL) != in_sql[0]


def test_analist_filters_on_the_pseudonym_never_on_the_address(policy, record, api_client):
    policy(privacy.PSEUDONIEM)
    client = api_client("analist")
    by_pseudonym = client.get(V1, {"emailadresKcm": privacy.pseudonym(EMAIL).upper()})
    assert [r["uuid"] for r in by_pseudonym.json()["results"]] == [str(record.uuid)]
    assert client.get(V1, {"emailadresKcm": EMAIL}).json()["count"] == 0


def test_analist_filter_on_emailadres_kcm_is_403_when_left_out(policy, record, api_client):
    policy(privacy.WEGLATEN)
    response = api_client("analist").get(V1, {"emailadresKcm": EMAIL})
    assert response.status_code == 403
    assert "emailadresKcm" in response.json()["detail"]


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({}, 403),
        ({"kanaal": "telefoon"}, 403),
        ({"gespreksId": "gesprek-1"}, 200),
        ({"contactmoment": "x"}, 200),
    ],
)
def test_kcm_lists_only_one_conversation(api_client, record, query, status):
    response = api_client("kcm").get(V1, query)
    assert response.status_code == status
    if status == 403:
        assert "één gesprek" in response.json()["detail"]


def _v1_body(**fields):
    return {
        "contactmoment": "https://openklant.example.nl/klantcontacten/sessie-1",
        "startdatum": "2026-03-02T09:30:00+01:00",
        "einddatum": "2026-03-02T09:37:00+01:00",
        "emailadresKcm": "iemand-anders@example.nl",
        **fields,
    }


def test_kcm_session_user_writes_store_the_users_own_email(client, kcm_user):
    client.force_login(kcm_user)
    created = client.post(V1, _v1_body(), content_type="application/json")
    assert created.status_code == 201, created.json()
    url = f"{V1}/{created.json()['uuid']}"
    patched = client.patch(url, {"emailadresKcm": "nog-iemand@example.nl"}, content_type="application/json")
    assert patched.status_code == 200
    assert ContactmomentDetails.objects.get().emailadres_kcm == kcm_user.email


def test_token_client_may_send_emailadres_kcm(api_client):
    response = api_client("kcm").post(V1, _v1_body(), format="json")
    assert response.status_code == 201
    assert ContactmomentDetails.objects.get().emailadres_kcm == "iemand-anders@example.nl"


def test_beheerder_session_user_may_correct_emailadres_kcm(client, beheerder_user):
    client.force_login(beheerder_user)
    response = client.post(V1, _v1_body(), content_type="application/json")
    assert response.status_code == 201
    assert ContactmomentDetails.objects.get().emailadres_kcm == "iemand-anders@example.nl"
