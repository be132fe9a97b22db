"""A real ``make serve`` server for tests: gunicorn with the project's gunicorn.conf.py in a
subprocess, on a free port, against a database the test chooses.

The load, outage and fuzzing tests talk to it over real sockets, one connection per request,
as KISS does; ``free_port`` takes an ephemeral port from the OS.
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
TEST_SECRET_KEY = "test-only-secret-key-for-the-serving-tests-0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(name: str | None = None, user: str | None = None) -> str:
    """A DATABASE_URL on the tests' PostgreSQL server: the current test database, or ``name``
    as ``user`` (without password)."""
    params = connection.settings_dict
    login = user or params["USER"] or "postgres"
    if user is None and params["PASSWORD"]:
        login += f":{params['PASSWORD']}"
    address = f"{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}"
    return f"postgres://{login}@{address}/{name or params['NAME']}"


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes
    seconds: float

    def json(self):
        return json.loads(self.body)


def http_request(base_url: str, method: str, path: str, body=None, headers=None, timeout: float = 30):
    """One request on a fresh connection (as the KISS backend sends them); ``body`` may be
    bytes or anything JSON-serialisable."""
    address = urlsplit(base_url)
    headers = dict(headers or {})
    if body is not None and not isinstance(body, bytes):
        body = json.dumps(body).encode()
        headers.setdefault("Content-Type", "application/json")
    started = time.monotonic()
    conn = http.client.HTTPConnection(address.hostname, address.port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        return Answer(response.status, dict(response.getheaders()), data, time.monotonic() - started)
    finally:
        conn.close()


def wait_until_listening(base_url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            http_request(base_url, "GET", "/favicon.ico", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"no server at {base_url} after {timeout} s")


@contextmanager
def gunicorn_server(*, database: str, workers: int = 2, threads: int = 4, **env):
    """Run the project's gunicorn (as ``make serve`` does) until the block ends; yields its
    base URL. ``env`` adds environment variables (e.g. CONN_MAX_AGE)."""
    command = ["-m", "gunicorn", "--config", "kiss_details/gunicorn.conf.py", "kiss_details.wsgi"]
    settings = {"WEB_CONCURRENCY": str(workers), "GUNICORN_THREADS": str(threads), "CONN_MAX_AGE": "60"}
    with _server(command, database=database, **settings, **env) as base_url:
        yield base_url


@contextmanager
def runserver_server(*, database: str, **env):
    """Run Django's development server as ``make run`` does (DEBUG on, CONN_MAX_AGE=0, a
    thread per connection) until the block ends; yields its base URL."""
    port = free_port()
    command = ["manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"]
    with _server(command, database=database, port=port, DEBUG="true", CONN_MAX_AGE="0", **env) as base_url:
        yield base_url


@contextmanager
def _server(arguments: list[str], *, database: str, port: int | None = None, **env):
    port = port or free_port()
    environment = {
        **{k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")},
        "SECRET_KEY": TEST_SECRET_KEY,
        "SECURE_SSL_REDIRECT": "false",
        "ENV_FILE": "",
        "DATABASE_URL": database,
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
        **env,
    }
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115  (closed in the finally below)
    process = subprocess.Popen(
        [sys.executable, *arguments],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_until_listening(base_url)
        except TimeoutError:
            log.seek(0)
            raise TimeoutError(log.read()[-3000:]) from None
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
