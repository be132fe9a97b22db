"""Issue 11 §3 on a small scale against a real ``make serve`` (gunicorn) and a real ``make
run`` (runserver), on PostgreSQL: 16 concurrent clients on fresh connections lose or
duplicate nothing and get no error; 50 concurrent PUTs of the same 5 ids leave 5 records,
each with the bronnen of exactly one write. bench/load.py runs the full 10,000 with
throughput."""

import time

import pytest
from django.db import connection

from contactmomenten.services import api_token_create
from tests.serving.load import put_distinct_records, put_same_ids
from tests.serving.server import database_url, gunicorn_server, runserver_server

RECORDS = 400

SERVERS = {"make serve": gunicorn_server, "make run": runserver_server}


@pytest.fixture(params=list(SERVERS))
def live_server_url(request, transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("the load test needs PostgreSQL")
    with SERVERS[request.param](database=database_url()) as base_url:
        yield base_url


@pytest.fixture
def kcm_key(transactional_db):
    return api_token_create(name="KISS belasting", role="kcm")[1]


def test_sixteen_clients_put_distinct_records_without_error_or_loss(live_server_url, kcm_key):
    result, rows = put_distinct_records(live_server_url, kcm_key, count=RECORDS, clients=16)
    assert dict(result.errors) == {}
    assert rows == RECORDS


def test_concurrent_puts_of_the_same_ids_keep_the_bronnen_of_one_write(live_server_url, kcm_key):
    result, stored, written = put_same_ids(live_server_url, kcm_key, writes=50, ids=5)
    assert dict(result.errors) == {}
    assert len(stored) == 5
    for contactmoment, urls in stored.items():
        assert urls in written[contactmoment], (contactmoment, urls)


def _server_connections() -> int:
    """Connections to the test database other than this test's own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_make_serve_holds_at_most_workers_times_threads_connections(transactional_db, kcm_key):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    with gunicorn_server(database=database_url(), workers=1, threads=2) as base_url:
        result, rows = put_distinct_records(base_url, kcm_key, count=64, clients=16)
        assert (dict(result.errors), rows) == ({}, 64)
        # Kept for reuse (CONN_MAX_AGE=60), but never more than one per thread.
        assert 1 <= _server_connections() <= 2


def test_make_run_keeps_no_connection_after_its_requests(transactional_db, kcm_key):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    with runserver_server(database=database_url()) as base_url:
        result, rows = put_distinct_records(base_url, kcm_key, count=64, clients=16)
        assert (dict(result.errors), rows) == ({}, 64)
        # A closed connection's backend leaves pg_stat_activity a moment after the answer.
        deadline = time.monotonic() + 10
        while _server_connections() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _server_connections() == 0
