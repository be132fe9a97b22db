"""On PostgreSQL the server binds the parameters, and the statements every KISS PUT runs are
kept prepared on the connection (``raw_sql.execute_prepared``), so they are neither quoted in
Python nor planned again; ORM queries are never prepared, so a query over a date range gets
a plan for its own range (a generic plan made a year's statistics a third slower)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from contactmomenten.models import ContactmomentDetails
from tests.conftest import database_url, requires_postgres
from tests.factories import KissContactmomentDetailsBodyFactory

pytestmark = [pytest.mark.django_db, requires_postgres]

ROOT = Path(__file__).resolve().parent.parent.parent
URL = "/api/contactmomentdetails"
PREPARED = "SELECT statement FROM pg_prepared_statements WHERE NOT from_sql"


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(PREPARED)
        return [row[0] for row in cursor.fetchall()]


def test_a_kiss_put_keeps_its_statements_prepared_and_orm_queries_are_not(api_client):
    kcm = api_client("kcm")
    for _ in range(3):
        body = KissContactmomentDetailsBodyFactory()
        response = kcm.put(URL, data=json.dumps(body), content_type="application/json")
        assert response.status_code == 200
    for _ in range(10):  # psycopg would prepare it from the sixth run on by default
        list(ContactmomentDetails.objects.filter(startdatum__year=2026).values_list("id"))

    statements = prepared_statements()
    assert len(statements) == 3, statements  # each prepared once, whatever the number of PUTs
    assert any(s.startswith("WITH up AS (INSERT INTO") for s in statements), statements
    assert any(s.startswith("WITH gone AS (DELETE FROM") for s in statements), statements
    assert any("key_hash = $" in s for s in statements), statements  # the token check
    assert ContactmomentDetails.objects.count() == 3


def test_prepared_statements_can_be_switched_off_for_a_pooler():
    # A fresh process: the setting is read once, at start.
    script = (
        "from django.db import connection\n"
        "from contactmomenten.raw_sql import execute_prepared\n"
        "with connection.cursor() as c:\n"
        "    for _ in range(3): execute_prepared(c, 'SELECT %s::int', [1])\n"
        f"    c.execute({PREPARED!r}); print(len(c.fetchall()))\n"
    )
    url = database_url(connection.settings_dict, connection.settings_dict["NAME"])
    counts = {}
    for value in ("true", "false"):
        env = {**os.environ, "DATABASE_URL": url, "DATABASE_PREPARED_STATEMENTS": value}
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", script],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        counts[value] = int(result.stdout.split()[-1])
    assert counts == {"true": 1, "false": 0}
