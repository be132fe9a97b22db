"""On PostgreSQL the server binds the parameters and keeps the hot statements prepared per
connection (settings: server_side_binding, DATABASE_PREPARED_STATEMENTS), so a KISS PUT
is neither quoted in Python nor planned again in PostgreSQL."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

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


def test_kiss_put_statements_are_prepared_after_five_requests(api_client):
    kcm = api_client("kcm")
    for _ in range(6):
        body = KissContactmomentDetailsBodyFactory()
        response = kcm.put(URL, data=json.dumps(body), content_type="application/json")
        assert response.status_code == 200

    statements = prepared_statements()
    assert any(s.startswith("WITH up AS (INSERT INTO") for s in statements), statements
    assert any("key_hash = $" in s for s in statements), statements  # the token check, bound by the server


def test_prepared_statements_can_be_switched_off_for_a_pooler():
    # A fresh process: the setting is read once, at start.
    script = (
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    for _ in range(10): c.execute('SELECT %s::int', [1])\n"
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
