"""An upstream KISS database for the import tests: its own PostgreSQL database next to the
test database, with the two tables created from upstream's DDL afresh for every test."""

from datetime import UTC, datetime
from io import StringIO

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from contactmomenten.kiss_import.source import UPSTREAM_DDL
from tests.conftest import database_url

INSERT_BRON = (
    'INSERT INTO "ContactMomentDetailsBronnen" ("ContactmomentDetailsId", "Soort", "Titel", "Url") '
    "VALUES (%s, %s, %s, %s)"
)


class Upstream:
    """The upstream database: add records and bronnen as the KISS backend stored them."""

    def __init__(self, url: str):
        self.url = url

    def execute(self, sql: str, params=()):
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(sql, params)

    def add(self, id, start, end, *, bronnen=(), **fields):
        """One record; ``bronnen`` as (soort, titel, url), stored in this order (their "Id")."""
        columns = {"Id": id, "Startdatum": start, "Einddatum": end, **fields}
        names = ", ".join(f'"{c}"' for c in columns)
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(
                f'INSERT INTO "ContactMomentDetails" ({names}) VALUES ({", ".join(["%s"] * len(columns))})',
                list(columns.values()),
            )
            for bron in bronnen:
                conn.execute(INSERT_BRON, [id, *bron])

    def replace_bronnen(self, id, bronnen):
        self.execute('DELETE FROM "ContactMomentDetailsBronnen" WHERE "ContactmomentDetailsId" = %s', [id])
        for bron in bronnen:
            self.execute(INSERT_BRON, [id, *bron])


@pytest.fixture(scope="session")
def upstream_database(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        settings_dict = connection.settings_dict
        name = f"{settings_dict['NAME']}_kiss_upstream"
    admin = database_url(settings_dict, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield database_url(settings_dict, name)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def upstream(upstream_database):
    source = Upstream(upstream_database)
    source.execute('DROP TABLE IF EXISTS "ContactMomentDetailsBronnen", "ContactMomentDetails"')
    source.execute(UPSTREAM_DDL)
    return source


@pytest.fixture
def run_import(upstream, tmp_path, db):
    """``run_import(*args)``: manage.py import_kiss against the upstream database; returns
    its output, with the rejects file in ``tmp_path / "afgewezen.csv"``."""

    def run(*args, rejects=None):
        out = StringIO()
        rejects = rejects or tmp_path / "afgewezen.csv"
        call_command("import_kiss", "--source", upstream.url, "--rejects", str(rejects), *args, stdout=out)
        return out.getvalue()

    return run


def moment(day: int, hour: int = 9, minute: int = 0, month: int = 10) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)
