"""A database that is down, silent or refusing connections: ``make serve`` answers every
request quickly with 503 problem+json (``Retry-After``), never a 500 or a hang, and
``/healthz`` says so within its 2-second budget. Real gunicorn, real sockets, a real
PostgreSQL refusal ("too many connections")."""

import socket

import psycopg
import pytest
from django.db import connection

from tests.factories import KissContactmomentDetailsBodyFactory
from tests.serving.server import database_url, free_port, gunicorn_server, http_request

KISS = "/api/contactmomentdetails"
V1 = "/api/v1/contactmomentdetails"
NO_CONNECTIONS_ROLE = "kiss_no_connections"
TOKEN = {"Authorization": "Token een-sleutel-die-niet-bestaat"}


def _assert_database_unavailable(answer):
    assert answer.status == 503, answer.body
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert answer.headers["Retry-After"] == "5"
    assert answer.json()["code"] == "database_unavailable"


def _assert_every_endpoint_is_503(base_url):
    for method, path, body in [
        ("GET", "/healthz", None),
        ("PUT", KISS, KissContactmomentDetailsBodyFactory()),
        ("GET", f"{KISS}?id=x", None),
        ("GET", V1, None),
        ("POST", V1, {"contactmoment": "x"}),
    ]:
        answer = http_request(base_url, method, path, body=body, headers=TOKEN, timeout=10)
        _assert_database_unavailable(answer)
        # Within the 2 s connect timeout, with room for a loaded CI machine.
        assert answer.seconds < 5, (path, answer.seconds)


def test_database_down_is_503_everywhere():
    port = free_port()  # nobody listens: the connection is refused at once
    with gunicorn_server(database=f"postgres://postgres@127.0.0.1:{port}/kiss", workers=1) as base_url:
        _assert_every_endpoint_is_503(base_url)


def test_database_that_never_answers_is_503_within_the_connect_timeout():
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)  # accepts TCP connections in the backlog, never says a word
        port = silent.getsockname()[1]
        with gunicorn_server(database=f"postgres://postgres@127.0.0.1:{port}/kiss", workers=1) as base_url:
            answer = http_request(base_url, "GET", "/healthz", timeout=10)
            _assert_database_unavailable(answer)
            assert 1.5 < answer.seconds < 5


@pytest.fixture
def role_without_connections():
    """A PostgreSQL login role that PostgreSQL refuses every connection (CONNECTION LIMIT 0),
    as it refuses clients past max_connections."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    params = connection.settings_dict
    with psycopg.connect(
        host=params["HOST"] or "127.0.0.1",
        port=params["PORT"] or 5432,
        user=params["USER"] or "postgres",
        password=params["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        exists = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [NO_CONNECTIONS_ROLE]).fetchone()
        if not exists:
            admin.execute(f"CREATE ROLE {NO_CONNECTIONS_ROLE} LOGIN CONNECTION LIMIT 0")
    return database_url(name="postgres", user=NO_CONNECTIONS_ROLE)


def test_database_refusing_connections_is_503_not_500(role_without_connections):
    with gunicorn_server(database=role_without_connections, workers=1) as base_url:
        _assert_every_endpoint_is_503(base_url)
