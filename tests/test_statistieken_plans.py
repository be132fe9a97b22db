"""PostgreSQL's plan for the statistics query at scale: a period (and afdeling) filter is
served by the indexes, never by a sequential scan of the details table, whatever the
grouping. Explained on the year of committed, analysed data of ``test_query_plans``."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import requires_postgres
from tests.test_query_plans import MONTH, TABLE, sequential_scans, year_of_data  # noqa: F401

pytestmark = [requires_postgres, pytest.mark.django_db]


def statistics_sequential_scans(client, params) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/v1/statistieken", params)
    assert response.status_code == 200, response.content
    assert response.json() and response.json()[0]["aantal"] > 0
    # The statistics statement (WITH ...) is among the queries explained.
    assert any(
        q["sql"].lstrip().upper().startswith("WITH") and TABLE in q["sql"] for q in captured.captured_queries
    )
    return sequential_scans(captured)


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
