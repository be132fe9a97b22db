"""Read replicas against a real PostgreSQL streaming replica (127.0.0.1:5433, made by
.ci/replica): the service runs as its own process with DATABASE_REPLICA_URL; with WAL replay
on the replica paused, what each endpoint shows tells where it read from.

Writes and the reads that must see them at once (KISS's read-after-write GET, the admin change
page) use the primary; the management endpoint and the /api/v1 reads use the replica and see a
new record only once the replica has replayed it; so do the admin's CSV export, the
statistics, upstream's FAQ and the dashboard.
"""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client

from contactmomenten.models import ContactmomentDetails
from contactmomenten.services import api_token_create
from tests.conftest import requires_postgres
from tests.factories import KissContactmomentDetailsBodyFactory

REPLICA_PORT = int(os.environ.get("REPLICA_PORT", "5433"))
ROOT = Path(__file__).resolve().parent.parent

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def _replica_connection(dbname: str):
    settings = connection.settings_dict
    return psycopg.connect(
        host="127.0.0.1",
        port=REPLICA_PORT,
        dbname=dbname,
        user=settings["USER"] or "postgres",
        autocommit=True,
    )


def _caught_up(replica) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        target = cursor.fetchone()[0]
    for _ in range(300):
        if replica.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]).fetchone()[0]:
            return
        time.sleep(0.1)
    pytest.fail("The replica did not catch up with the primary within 30 s.")


@pytest.fixture
def replica():
    dbname = connection.settings_dict["NAME"]
    try:
        replica = _replica_connection(dbname)
        in_recovery = replica.execute("SELECT pg_is_in_recovery()").fetchone()[0]
    except psycopg.Error as error:
        in_recovery, reason = False, str(error).strip()
    else:
        reason = "it is not a standby"
    if not in_recovery:
        message = f"No streaming replica on 127.0.0.1:{REPLICA_PORT} ({reason}); make one with .ci/replica."
        # In CI a missing replica is a failure, unless .ci/run tried to make one and could not.
        if os.environ.get("REPLICA_UNAVAILABLE"):
            pytest.skip(f"{message} {os.environ['REPLICA_UNAVAILABLE']}")
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    _caught_up(replica)
    yield replica
    replica.execute("SELECT pg_wal_replay_resume()")
    replica.close()


@pytest.fixture
def service(replica):
    """The service (runserver, one process) on a free port, primary + replica."""
    settings = connection.settings_dict
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    database = f"postgres://{settings['USER'] or 'postgres'}@127.0.0.1"
    env = {
        **os.environ,
        "DATABASE_URL": f"{database}:{settings['PORT'] or 5432}/{settings['NAME']}",
        "DATABASE_REPLICA_URL": f"{database}:{REPLICA_PORT}/{settings['NAME']}",
        "CONN_MAX_AGE": "0",
        "DEBUG": "false",
        "SECRET_KEY": django_settings.SECRET_KEY,  # the session of force_login is signed with it
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
    }
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


class Http:
    """Real HTTP to the service process, with fixed headers (Authorization or a session)."""

    def __init__(self, base: str, headers: dict):
        self.base, self.headers = base, headers

    def request(self, method: str, path: str, params=None, body=None):
        url = f"{self.base}{path}" + (f"?{urlencode(params)}" if params else "")
        data = None if body is None else json.dumps(body).encode()
        headers = {**self.headers, **({"Content-Type": "application/json"} if data else {})}
        try:
            with urlopen(Request(url, data=data, headers=headers, method=method), timeout=30) as response:
                return response.status, response.read().decode()
        except HTTPError as error:
            return error.code, error.read().decode()

    def json(self, path: str, params=None):
        status, text = self.request("GET", path, params)
        assert status == 200, text
        return json.loads(text)


def _paused(replica) -> None:
    replica.execute("SELECT pg_wal_replay_pause()")
    for _ in range(100):
        if replica.execute("SELECT pg_get_wal_replay_pause_state()").fetchone()[0] == "paused":
            return
        time.sleep(0.05)


def test_reads_and_writes_go_where_they_belong(replica, service, role_groups, beheerder_user):
    _, key = api_token_create(name="replica-test", role="beheerder")
    api = Http(service, {"Authorization": f"Token {key}"})
    browser = Client()
    browser.force_login(beheerder_user)
    admin = Http(service, {"Cookie": f"sessionid={browser.cookies['sessionid'].value}"})
    body = KissContactmomentDetailsBodyFactory(
        startdatum="2024-10-01T10:00:00Z", einddatum="2024-10-01T10:05:00Z"
    )
    period = {"from": "2024-10-01T00:00:00Z", "to": "2024-10-02T00:00:00Z"}
    _caught_up(replica)  # the token and the session are on the replica too
    _paused(replica)

    # Writes: on the primary (a standby refuses them: that would be a 500).
    assert api.request("PUT", "/api/contactmomentdetails", body=body)[0] == 200
    details = ContactmomentDetails.objects.get(contactmoment=body["id"])
    v1 = f"/api/v1/contactmomentdetails/{details.uuid}"

    # Read-after-write and the admin change page: the primary, so the new record is there.
    assert api.json("/api/contactmomentdetails", {"id": body["id"]})["id"] == body["id"]
    status, page = admin.request("GET", f"/admin/contactmomenten/contactmomentdetails/{details.pk}/change/")
    assert status == 200
    assert body["specifiekevraag"] in page

    # Management endpoint and /api/v1 reads: the paused replica does not have it yet.
    assert api.json("/api/contactmomentendetails", period)["count"] == 0
    assert api.json("/api/v1/contactmomentdetails")["count"] == 0
    assert api.request("GET", v1)[0] == 404
    export = "/admin/contactmomenten/contactmomentdetails/export/csv/"
    status, csv = admin.request("GET", export)
    assert status == 200
    assert body["id"] not in csv
    # Statistics, upstream's FAQ and the dashboard: the replica too.
    day = {"startdatum__gte": "2024-10-01", "startdatum__lt": "2024-10-02"}
    dashboard = {"van": "2024-10-01", "tot": "2024-10-01", "csv": "kerncijfers"}
    assert api.json("/api/v1/statistieken", day)[0]["aantal"] == 0
    assert api.json("/api/faq") == []
    assert "Contactmomenten,0,0" in admin.request("GET", "/admin/managementinformatie/", dashboard)[1]

    replica.execute("SELECT pg_wal_replay_resume()")
    _caught_up(replica)
    assert api.json("/api/contactmomentendetails", period)["count"] == 1
    assert api.json("/api/v1/contactmomentdetails")["count"] == 1
    assert api.request("GET", v1)[0] == 200
    assert body["id"] in admin.request("GET", export)[1]
    assert api.json("/api/v1/statistieken", day)[0]["aantal"] == 1
    assert api.json("/api/faq") == [body["vraag"]]
    assert "Contactmomenten,1,0" in admin.request("GET", "/admin/managementinformatie/", dashboard)[1]
