"""PostgreSQL's plan for the statistics query at scale: a period (and afdeling) filter is
served by the indexes, never by a sequential scan of the details table, whatever the
grouping. Explained on the year of committed, analysed data of ``test_query_plans``."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import requires_postgres
from tests.test_query_plans import MONTH, TABLE, _nodes, _reads_table, year_of_data  # noqa: F401

pytestmark = [requires_postgres, pytest.mark.django_db]


def statistics_sequential_scans(client, params) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/v1/statistieken", params)
    assert response.status_code == 200, response.content
    assert response.json() and response.json()[0]["aantal"] > 0
    queries = [q["sql"] for q in captured.captured_queries if TABLE in q["sql"]]
    assert any(sql.lstrip().upper().startswith("WITH") for sql in queries)  # the statistics statement
    found = []
    for sql in queries:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        if any(_reads_table(node, parent) for node, parent in _nodes(plan[0]["Plan"])):
            found.append(sql)
    return found


@pytest.mark.parametrize(
    "params",
    [
        {**MONTH},
        {"groeperen": "dag", **MONTH},
        {"groeperen": "week,kpiCategorie", **MONTH},
        {"groeperen": "vraag", "limit": 5, **MONTH},
        {"groeperen": "bronSoort", **MONTH},
        {"groeperen": "maand", "verantwoordelijkeAfdeling": "Burgerzaken", **MONTH},
        {
            "groeperen": "uur",
            "kanaal": "balie",
            "startdatum__gte": "2024-06-01",
            "startdatum__lt": "2024-06-08",
        },
    ],
)
def test_statistics_of_a_period_use_indexes(year_of_data, api_client, params):  # noqa: F811
    assert statistics_sequential_scans(api_client("analist"), params) == []
