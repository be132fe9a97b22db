"""A kept database connection that PostgreSQL closed (a restart, ``idle_session_timeout``, an
administrator's ``pg_terminate_backend``) costs the next request nothing: ``make serve``
notices it before using it (CONN_HEALTH_CHECKS) and connects again, so KISS gets its 200,
never a 503. Real gunicorn, real PostgreSQL backends terminated between requests."""

import pytest
from django.db import connection

from contactmomenten.models import ContactmomentDetails
from contactmomenten.services import api_token_create
from tests.factories import KissContactmomentDetailsBodyFactory
from tests.serving.server import database_url, gunicorn_server, http_request

KISS = "/api/contactmomentdetails"

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")


def _terminate_other_backends() -> int:
    """Terminate every backend of the test database but this test's own; returns how many."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend'"
        )
        return cursor.fetchone()[0]


def _put(base_url: str, headers: dict) -> int:
    return http_request(base_url, "PUT", KISS, KissContactmomentDetailsBodyFactory(), headers).status


@pytest.mark.parametrize("health_checks", ["true", "false"])
def test_a_put_after_the_servers_connection_was_terminated_is_200(transactional_db, health_checks):
    key = api_token_create(name="KISS", role="kcm")[1]
    headers = {"Authorization": f"Token {key}"}
    server = gunicorn_server(database=database_url(), workers=1, threads=1, CONN_HEALTH_CHECKS=health_checks)
    with server as base_url:
        assert _put(base_url, headers) == 200
        statuses = []
        for _ in range(3 if health_checks == "true" else 1):
            assert _terminate_other_backends() == 1  # the server's one kept connection
            statuses.append(_put(base_url, headers))
    if health_checks == "true":
        assert statuses == [200, 200, 200]
        assert ContactmomentDetails.objects.count() == 4
    else:  # without them a lost connection fails the request that finds it: the test can tell
        assert statuses == [503]
