"""PostgreSQL's plans for the queries a page runs: no sequential scan of the details table for
the date-range page (first, continued, asked directly), the filtered /api/v1 pages, the
``__icontains`` filter and the admin search (pg_trgm; a btree on the reversed contactmoment).

The queries are the ones the endpoints really send (captured over HTTP), explained on a year of
committed, vacuumed and analysed data, so the planner's choice is the one it makes in
production, not an artefact of an empty table.
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contactmomenten import demo
from tests.conftest import requires_postgres

pytestmark = [requires_postgres, pytest.mark.django_db]

TABLE = "contactmomenten_contactmomentdetails"
ROWS = 30_000
MONTH = {"startdatum__gte": "2024-03-01", "startdatum__lt": "2024-04-01"}

SEED = f"""
INSERT INTO {TABLE} (uuid, contactmoment, vraag, specifieke_vraag, gespreksresultaat, startdatum,
    einddatum, verantwoordelijke_afdeling, gespreks_id, kanaal, emailadres_kcm, aangemaakt, gewijzigd)
SELECT gen_random_uuid(), 'https://openklant.example.nl/klantcontacten/' || i,
    (%(vragen)s::text[])[1 + i %% cardinality(%(vragen)s::text[])],
    (%(specifiek)s::text[])[1 + i %% cardinality(%(specifiek)s::text[])],
    (%(resultaten)s::text[])[1 + i %% cardinality(%(resultaten)s::text[])],
    moment, moment + (i %% 900) * interval '1 second',
    (%(afdelingen)s::text[])[1 + i %% cardinality(%(afdelingen)s::text[])],
    md5(i::text), (%(kanalen)s::text[])[1 + i %% cardinality(%(kanalen)s::text[])],
    'kcm' || (i %% 40) || '@example.nl', moment, moment
FROM generate_series(1, {ROWS}) AS i,
    LATERAL (SELECT timestamptz '2024-01-01 08:00+01' + i * interval '1 year' / {ROWS} AS moment) AS m
"""


@pytest.fixture(scope="module")
def year_of_data(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        # Exactly this year of data: no rows an earlier test's server left behind.
        cursor.execute(f"TRUNCATE {TABLE}, contactmomenten_bron CASCADE")
        cursor.execute(
            SEED,
            {
                "vragen": [titel for _, titel in demo.VRAGEN],
                "specifiek": list(demo.SPECIFIEKE_VRAGEN),
                "resultaten": list(demo.GESPREKSRESULTATEN),
                "afdelingen": list(demo.AFDELINGEN),
                "kanalen": list(demo.KANALEN),
            },
        )
        cursor.execute(
            f"INSERT INTO contactmomenten_bron (contactmomentdetails_id, soort, titel, url) "
            f"SELECT id, 'kennisartikel', vraag, 'https://kennisbank.example.nl/' || id FROM {TABLE} "
            f"WHERE id % 3 = 0"
        )
        cursor.execute(f"VACUUM ANALYZE {TABLE}")
        cursor.execute("VACUUM ANALYZE contactmomenten_bron")
    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {TABLE}, contactmomenten_bron CASCADE")


def _nodes(plan, parent=None):
    yield plan, parent
    for child in plan.get("Plans", []):
        yield from _nodes(child, plan)


def _reads_table(node, parent) -> bool:
    # A scan under LIMIT 1 that filters nothing reads one row (SELECT EXISTS(...) FROM t LIMIT 1).
    one_row = parent is not None and parent["Node Type"] == "Limit" and parent["Plan Rows"] == 1
    return (
        node["Node Type"] == "Seq Scan"
        and node.get("Relation Name") == TABLE
        and not (one_row and "Filter" not in node)
    )


def sequential_scans(captured) -> list[str]:
    """The captured queries on the details table whose plan reads it sequentially."""
    found = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if TABLE not in sql or not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        if any(_reads_table(node, parent) for node, parent in _nodes(plan[0]["Plan"])):
            found.append(sql)
    return found


def plans_of(client, url, params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    assert any(TABLE in q["sql"] for q in captured.captured_queries)
    return captured, response


@pytest.mark.parametrize("page", [1, 40])
def test_date_range_page_uses_indexes(year_of_data, api_client, page):
    client = api_client("jwt")
    period = {"from": "2024-03-01T00:00:00Z", "to": "2024-03-31T23:59:59Z", "pageSize": 50, "page": page}
    captured, response = plans_of(client, "/api/contactmomentendetails", period)
    assert sequential_scans(captured) == []
    continued, _ = plans_of(client, response.json()["next"], {})
    assert sequential_scans(continued) == []


@pytest.mark.parametrize(
    ("role", "params"),
    [
        ("analist", {"verantwoordelijkeAfdeling": "Burgerzaken", **MONTH}),
        ("analist", {"kanaal": "balie", **MONTH}),
        ("analist", {"gespreksresultaat": "Doorverbonden naar collega", "page": 3}),
        ("analist", {"einddatum__gte": "2024-06-01", "einddatum__lt": "2024-06-08", "ordering": "einddatum"}),
        ("analist", {"ordering": "-gewijzigd", "page": 20}),
        ("analist", {"ordering": "gespreksduur"}),
        ("analist", {"verantwoordelijkeAfdeling__icontains": "zaken", **MONTH}),
        ("analist", {"bronSoort": "kennisartikel", **MONTH}),
        ("beheerder", {"emailadresKcm": "KCM7@example.nl"}),
    ],
)
def test_filtered_pages_use_indexes(year_of_data, api_client, role, params):
    captured, response = plans_of(api_client(role), "/api/v1/contactmomentdetails", params)
    assert response.json()["count"] > 0
    assert sequential_scans(captured) == []


@pytest.mark.parametrize(
    ("term", "frequent"),
    [("paspoort", True), ("levertijd", True), ("klantcontacten/1234", False), ("KLANTCONTACTEN/1234", False)],
)
def test_admin_search_uses_indexes(year_of_data, admin_client_for, term, frequent):
    captured, _ = plans_of(
        admin_client_for("beheerder"), "/admin/contactmomenten/contactmomentdetails/", {"q": term}
    )
    # Not the search: the filter choices (SELECT DISTINCT, cached for ten minutes). For a term
    # in many records, the date hierarchy's "any record this month?" probes (SELECT EXISTS
    # ... LIMIT 1) may rightly scan until the first hit, a few rows: PostgreSQL picks either
    # plan depending on its estimates. For a rare term they must use the indexes.
    skipped = ("SELECT DISTINCT", "SELECT EXISTS(") if frequent else ("SELECT DISTINCT",)
    assert [sql for sql in sequential_scans(captured) if not sql.startswith(skipped)] == []


def _copy_select(captured) -> str:
    """The SELECT inside the one ``COPY (...) TO STDOUT`` an export sent."""
    (copy,) = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("COPY (")]
    return copy.removeprefix("COPY (").rsplit(") TO STDOUT", 1)[0]


def _plan_nodes(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return [node["Node Type"] for node, _ in _nodes(plan[0]["Plan"])]


def test_xlsx_export_of_a_year_streams_from_the_first_row(year_of_data, admin_client_for):
    """The XLSX writer is slower than PostgreSQL: its COPY walks the changelist's ordering
    by index and reads the bronnen per record, so rows flow at once (no sort of the whole
    year, no aggregate of all bronnen first). The CSV export of the same year sorts and
    joins in bulk, the fastest plan in total, behind its header line."""
    client = admin_client_for("analist")
    url = "/admin/contactmomenten/contactmomentdetails/export/{}/"
    with CaptureQueriesContext(connection) as xlsx:
        b"".join(client.get(url.format("xlsx")).streaming_content)
    with CaptureQueriesContext(connection) as csv:
        b"".join(client.get(url.format("csv")).streaming_content)

    xlsx_nodes = _plan_nodes(_copy_select(xlsx))
    assert "Sort" not in xlsx_nodes and "Hash Join" not in xlsx_nodes, xlsx_nodes
    assert "Hash Join" in _plan_nodes(_copy_select(csv))
