"""Deferred indexes (contactmomenten.bulk_indexes) as the bulk loads use them outside a test
transaction, as in production: built after the records commit, on two connections at once,
each forgotten in the transaction that builds it, so whatever stops a build leaves exactly
the unbuilt ones for the next run (and the system check W005)."""

import threading
import time

import psycopg
import pytest
from django.core import checks
from django.core.management import call_command
from django.db import DatabaseError, connection

from contactmomenten.bulk_indexes import indexes_defer, indexes_restore
from contactmomenten.demo import bulk
from contactmomenten.models import ContactmomentDetails, UitgesteldeIndex
from tests.concurrency import run_concurrently
from tests.conftest import requires_postgres
from tests.schema import indexes_and_constraints

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]

TABLES = (
    "contactmomenten_contactmomentdetails",
    "contactmomenten_bron",
    "contactmomenten_historicalcontactmomentdetails",
)


@pytest.fixture
def probe_table():
    """A table of the test's own."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bulk_probe (a integer)")
    yield "bulk_probe"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bulk_probe")


def _deferred_warnings():
    return [m for m in checks.run_checks(databases=["default"]) if m.id == "contactmomenten.W005"]


def _deferred() -> set[str]:
    return set(UitgesteldeIndex.objects.values_list("naam", flat=True))


def test_a_seed_into_the_empty_table_commits_the_records_then_builds_every_index():
    schema = indexes_and_constraints(TABLES)

    call_command("seed_demo_data", count=300, seed=4)

    assert ContactmomentDetails.objects.count() == 300
    assert indexes_and_constraints(TABLES) == schema
    assert not UitgesteldeIndex.objects.exists() and not _deferred_warnings()


def test_a_seed_that_fails_leaves_no_records_and_every_index(monkeypatch):
    schema = indexes_and_constraints(TABLES)
    monkeypatch.setattr(bulk, "BATCH_SIZE", 50)
    lines = bulk._lines
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("generator kapot")
        return lines(*args, **kwargs)

    monkeypatch.setattr(bulk, "_lines", failing)

    with pytest.raises(RuntimeError, match="generator kapot"):
        call_command("seed_demo_data", count=120, seed=4)

    assert not ContactmomentDetails.objects.exists()
    assert indexes_and_constraints(TABLES) == schema
    assert not UitgesteldeIndex.objects.exists()


def test_the_next_seed_builds_what_an_interrupted_load_left():
    call_command("seed_demo_data", count=50, seed=4)
    schema = indexes_and_constraints(TABLES)
    deferred = indexes_defer(TABLES)  # as a load stopped before its end leaves them
    assert deferred > 10 and f"{deferred} indexes are missing" in _deferred_warnings()[0].msg

    call_command("seed_demo_data", count=10, seed=5)

    assert indexes_and_constraints(TABLES) == schema
    assert not UitgesteldeIndex.objects.exists() and not _deferred_warnings()
    assert ContactmomentDetails.objects.count() == 60


def test_a_slow_index_build_does_not_hold_up_the_others(probe_table):
    """One connection waits on a table another session has locked; the other builds the
    rest meanwhile (the two connections really work at once)."""
    call_command("seed_demo_data", count=50, seed=4)
    schema = indexes_and_constraints(TABLES)
    deferred = indexes_defer(TABLES) + 1
    UitgesteldeIndex.objects.create(
        naam="bulk_probe_a", definitie=f"CREATE INDEX bulk_probe_a ON {probe_table} (a)"
    )
    settings = connection.settings_dict
    locker = psycopg.connect(
        dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"], port=settings["PORT"] or 5432
    )
    locker.execute(f"LOCK TABLE {probe_table} IN ACCESS EXCLUSIVE MODE")  # held until commit
    built = []
    restore = threading.Thread(target=lambda: built.append(indexes_restore()))
    restore.start()
    try:
        deadline = time.monotonic() + 30
        while _deferred() != {"bulk_probe_a"} and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _deferred() == {"bulk_probe_a"}  # all the others built while one waits
        assert restore.is_alive()
    finally:
        locker.commit()
        locker.close()
        restore.join()

    assert built == [deferred]
    assert indexes_and_constraints(TABLES) == schema
    assert not UitgesteldeIndex.objects.exists()


def test_an_index_that_cannot_be_built_stays_deferred_and_the_others_are_built():
    call_command("seed_demo_data", count=50, seed=4)
    schema = indexes_and_constraints(TABLES)
    indexes_defer(TABLES)
    UitgesteldeIndex.objects.create(naam="kapot", definitie="CREATE INDEX kapot ON bestaat_niet (a)")

    with pytest.raises(DatabaseError, match="bestaat_niet"):
        indexes_restore()

    assert _deferred() == {"kapot"}
    assert indexes_and_constraints(TABLES) == schema
    assert "1 indexes are missing" in _deferred_warnings()[0].msg


def test_two_restores_at_once_build_each_index_once():
    call_command("seed_demo_data", count=50, seed=4)
    schema = indexes_and_constraints(TABLES)
    deferred = indexes_defer(TABLES)

    outcomes = run_concurrently([indexes_restore, indexes_restore])

    assert all(isinstance(outcome, int) for outcome in outcomes), outcomes
    assert sum(outcomes) == deferred
    assert indexes_and_constraints(TABLES) == schema
    assert not UitgesteldeIndex.objects.exists()
