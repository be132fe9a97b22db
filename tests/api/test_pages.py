"""The streamed page bodies (contactmomenten.api.pages) are byte for byte what DRF's
serializers and JSONRenderer write for the same records: microseconds, empty strings, U+2028,
bronnen in order, a moment before 1937 (Amsterdam Mean Time), and emailadresKcm as
contactmomenten.privacy shows it to each role."""

from datetime import UTC, datetime, timedelta

import orjson
import pytest
from django.db import connection
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIRequestFactory

from contactmomenten.api.authentication import ApiClient
from contactmomenten.api.kiss_serializers import KissContactmomentDetailsSerializer
from contactmomenten.api.serializers import ContactmomentDetailsSerializer
from contactmomenten.models import ContactmomentDetails
from tests.factories import BronFactory, ContactmomentDetailsFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def records():
    start = datetime(2024, 10, 1, 8, 0, 0, 123456, tzinfo=UTC)
    tricky = ContactmomentDetailsFactory(
        startdatum=start,
        einddatum=start + timedelta(minutes=7, microseconds=1),
        specifieke_vraag='Regel\u2028scheiding en \u2029 alinea, "quotes", é en \n',
        vraag="",
        kanaal="",
        gespreks_id="",
        emailadres_kcm="",
    )
    # Bronnen whose JSON PostgreSQL writes (selectors._page_bronnen): every escape.
    BronFactory(
        contactmomentdetails=tricky, soort="kennis\tartikel", titel='"Paspoort" \\ \b\f\x01\x1f\x7f é 😀'
    )
    BronFactory(
        contactmomentdetails=tricky,
        titel="Regel\u2028scheiding\u2029 </script>",
        url="https://e.nl/?a=1&b='2'",
    )
    old = datetime(1930, 5, 1, 9, 0, tzinfo=UTC)
    BronFactory.create_batch(
        3, contactmomentdetails=ContactmomentDetailsFactory(startdatum=old, einddatum=old)
    )
    ContactmomentDetailsFactory(startdatum=datetime(2024, 3, 31, 0, 59, 59, tzinfo=UTC), bronnen=1)
    return list(ContactmomentDetails.objects.prefetch_related("bronnen"))


def drf_json(data) -> bytes:
    return JSONRenderer().render(data)


def serializer_context(role: str) -> dict:
    request = APIRequestFactory().get("/api/v1/contactmomentdetails")
    request.user = ApiClient(name="test", role=role)
    return {"request": request}


# Who sees emailadresKcm how (contactmomenten.privacy): the fast path must agree.
ROLES_AND_MODES = [
    ("beheerder", "weglaten"),
    ("analist", "weglaten"),
    ("analist", "pseudoniem"),
    ("analist", "tonen"),
]


@pytest.mark.parametrize(("role", "mode"), ROLES_AND_MODES)
def test_kiss_page_bytes_equal_the_serializer(api_client, settings, records, role, mode):
    settings.EMAILADRES_KCM_VOOR_ANALIST = mode
    response = api_client(role).get(
        "/api/contactmomentendetails", {"from": "1900-01-01T00:00:00Z", "to": "2100-01-01T00:00:00Z"}
    )
    results = KissContactmomentDetailsSerializer(records, many=True, context=serializer_context(role)).data
    assert response.body == drf_json({"count": 3, "next": None, "previous": None, "results": results})


@pytest.mark.parametrize(("role", "mode"), ROLES_AND_MODES)
def test_v1_page_bytes_equal_the_serializer(api_client, settings, records, role, mode):
    settings.EMAILADRES_KCM_VOOR_ANALIST = mode
    response = api_client(role).get("/api/v1/contactmomentdetails")
    results = ContactmomentDetailsSerializer(records, many=True, context=serializer_context(role)).data
    assert response.body == drf_json({"count": 3, "next": None, "previous": None, "results": results})


def test_page_rows_equal_the_orm_values(records):
    """On PostgreSQL a page's rows are streamed by one statement of our own that skips
    Django's Python timestamptz loader and adds the bronnen as JSON (contactmomenten.page_rows,
    selectors._BRONNEN_JSON): they hold exactly what the ORM's .values() and the bronnen
    relation give, the same instants (pre-1937 included), aware, in the same order; the uuid
    as its text, the bronnen (on PostgreSQL) as their JSON; and the keys of the last row."""
    from contactmomenten.page_rows import page_rows
    from contactmomenten.selectors import PAGE_FIELDS, contactmomentdetails_page, page_expressions

    queryset = ContactmomentDetails.objects.order_by("-startdatum", "-id")
    values = queryset.values(*PAGE_FIELDS, **page_expressions("beheerder"))[:100]
    rows, last = page_rows(values, ["startdatum", "id"])
    fast = list(rows)
    orm = list(values)
    if connection.vendor == "postgresql":  # the uuid as its text
        orm = [{**row, "uuid": str(row["uuid"])} for row in orm]
    assert fast == orm
    assert last == [orm[-1]["startdatum"], orm[-1]["id"]]
    assert all(row["startdatum"].utcoffset() == timedelta(0) for row in fast)

    page = contactmomentdetails_page(
        queryset, role="beheerder", page=1, page_size=10, cursor=None, query_key="test"
    )
    page_rows_ = list(page.rows)
    expected = {
        record.id: [{"soort": b.soort, "titel": b.titel, "url": b.url} for b in record.bronnen.order_by("id")]
        for record in records
    }
    assert [row["id"] for row in page_rows_] == [row["id"] for row in fast]
    bronnen = {row["id"]: orjson.loads(orjson.dumps(row["bronnen"])) for row in page_rows_}
    assert bronnen == expected
    assert sum(len(bronnen) for bronnen in expected.values()) == 6


def test_page_rows_of_an_empty_page():
    from contactmomenten.page_rows import page_rows

    rows, last = page_rows(ContactmomentDetails.objects.order_by("id").values("id")[:10], ["id"])
    assert (list(rows), last) == ([], None)


@pytest.mark.parametrize("zone", ["Europe/Amsterdam", "America/St_Johns", "Australia/Lord_Howe", "UTC"])
def test_local_times_per_hour_equal_the_exact_conversion(zone):
    """pages._LocalTimes writes each instant as _v1_datetime does, also in the hours around
    offset changes that do not fall on a whole UTC hour (St. John's: 05:30 UTC; Lord Howe:
    half-hour DST) and for offsets with seconds (Amsterdam before 1937)."""
    from zoneinfo import ZoneInfo

    from contactmomenten.api.pages import _LocalTimes, _v1_datetime

    tz = ZoneInfo(zone)
    local = _LocalTimes(tz)
    moments = [
        base + timedelta(minutes=m, microseconds=m % 2 * 7)
        for base in (
            datetime(2024, 3, 30, 12, tzinfo=UTC),
            datetime(2024, 10, 26, 12, tzinfo=UTC),
            datetime(2024, 3, 9, 12, tzinfo=UTC),
            datetime(2024, 11, 2, 12, tzinfo=UTC),
            datetime(2024, 4, 6, 6, tzinfo=UTC),
            datetime(1930, 5, 1, 9, tzinfo=UTC),
        )
        for m in range(0, 48 * 60, 7)
    ]
    written = [orjson.dumps(local(moment)) for moment in moments]
    assert written == [orjson.dumps(_v1_datetime(moment, tz)) for moment in moments]


def test_page_rows_leave_the_connection_free_when_the_reader_fails(records):
    """A page's rows are read while they arrive; a reader that fails half-way (a client gone,
    a bug) must not leave its statement running on the request's connection."""
    from contactmomenten.page_rows import page_rows

    def reader(rows):
        next(rows)
        raise RuntimeError("halverwege")

    values = ContactmomentDetails.objects.order_by("id").values("id", "vraag")[:3]
    with pytest.raises(RuntimeError):
        page_rows(values, ["id"], consume=reader)

    if connection.vendor == "postgresql":
        from psycopg.pq import TransactionStatus

        assert connection.connection.info.transaction_status != TransactionStatus.ACTIVE
    assert ContactmomentDetails.objects.count() == 3
