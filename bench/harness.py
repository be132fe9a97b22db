"""The harness of ``make bench`` (bench/run.py): the bench databases, ``make serve`` as a
subprocess, and timed HTTP walks, downloads and COPY references."""

import json
import os
import subprocess
import time
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
JWT_KEY = "bench-sleutel-van-minstens-tweeendertig-tekens"


class NotAvailable(Exception):
    pass


def database_url(name: str) -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    return urlsplit(base)._replace(path=f"/{name}").geturl()


def manage(url: str, *args: str, capture=False) -> str:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "SECURE_SSL_REDIRECT": "false"}
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return result.stdout


def recreate(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    manage(url, "migrate", "--noinput", "-v0")


def seed(url: str, count: int, *extra: str) -> float:
    started = time.perf_counter()
    manage(url, "seed_demo_data", "--count", str(count), "--seed", "10", *extra)
    return time.perf_counter() - started


class Server:
    def __init__(self, url: str, port: int):
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "PORT": str(port),
            "SECRET_KEY": "bench",
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "MANAGEMENTINFORMATIE_API_KEY": JWT_KEY,
            "GUNICORN_TIMEOUT": "600",
            "LOG_LEVEL": "WARNING",
        }
        self.port = port
        self.process = subprocess.Popen(
            ["make", "-s", "serve"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for _ in range(120):
            try:
                if self.get("/admin/login/")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(1)
        raise RuntimeError("make serve started not within 2 minutes")

    def get(self, path, headers=None, method="GET", body=None, connection=None):
        """One request; on ``connection`` (kept alive, from ``keep_alive()``) or a new one."""
        conn = connection or self.keep_alive()
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        if connection is None:
            conn.close()
        return response.status, data, response

    def keep_alive(self) -> HTTPConnection:
        """A connection for several requests, kept alive as HTTP/1.1 clients keep theirs."""
        return HTTPConnection("127.0.0.1", self.port, timeout=900)

    def workers_peak_rss_mb(self) -> float:
        """The highest peak RSS (VmHWM) of this server's gunicorn processes: those in the
        session ``make serve`` started (their command line does not name the port)."""
        peaks = []
        for proc in Path("/proc").iterdir():
            try:
                stat = (proc / "stat").read_text()
                session = int(stat.rsplit(")", 1)[1].split()[3])
                if session != self.process.pid or b"gunicorn" not in (proc / "cmdline").read_bytes():
                    continue
                status = (proc / "status").read_text()
            except (OSError, ValueError, IndexError):
                continue
            peaks += [int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmHWM")]
        return max(peaks, default=0.0)

    def stop(self):
        os.killpg(self.process.pid, 15)
        self.process.wait(timeout=30)


def timed(function, *args):
    started = time.perf_counter()
    value = function(*args)
    return time.perf_counter() - started, value


def copy_seconds(url: str, sql: str) -> float:
    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.cursor()
        started = time.perf_counter()
        with cursor.copy(f"COPY ({sql}) TO STDOUT") as copy:
            for _ in copy:
                pass
        return time.perf_counter() - started


def walk(server: Server, first: str, headers: dict) -> tuple[float, float, float]:
    """Follow ``next`` from ``first``: (total, first page, last page) seconds."""
    pages, path, total = [], first, 0.0
    while path:
        started = time.perf_counter()
        status, data, _ = server.get(path, headers)
        pages.append(time.perf_counter() - started)
        if status == 404 and len(pages) == 1:
            raise NotAvailable(path)
        assert status == 200, (status, data[:300])
        total += pages[-1]
        following = json.loads(data).get("next")
        path = urlsplit(following)._replace(scheme="", netloc="").geturl() if following else None
    return total, pages[0], pages[-1]


def stream(server: Server, path: str, cookie: str) -> tuple[float, float, int, float | None]:
    """(total seconds, seconds to the first byte, bytes, seconds to the first data row) of a
    streamed download; the first data row is the CSV line after the header (None for XLSX,
    which is compressed)."""
    conn = HTTPConnection("127.0.0.1", server.port, timeout=900)
    started = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": cookie})
    response = conn.getresponse()
    assert response.status == 200, response.status
    first = response.read(1)
    first_byte = time.perf_counter() - started
    size, newlines, first_row = len(first), first.count(b"\n"), None
    csv = response.getheader("Content-Type", "").startswith("text/csv")
    while chunk := response.read1(64 * 1024):
        size += len(chunk)
        newlines += chunk.count(b"\n") if first_row is None else 0
        if csv and first_row is None and newlines >= 2:
            first_row = time.perf_counter() - started
    return time.perf_counter() - started, first_byte, size, first_row


def admin_cookie(url: str) -> str:
    code = (
        "from django.contrib.auth import get_user_model; "
        "from django.contrib.sessions.backends.db import SessionStore;"
        "u, _ = get_user_model().objects.get_or_create(username='bench', defaults={'is_staff': True, "
        "'is_superuser': True});"
        "s = SessionStore(); s['_auth_user_id'] = str(u.pk);"
        "from django.conf import settings; s['_auth_user_backend'] = settings.AUTHENTICATION_BACKENDS[-1];"
        "s['_auth_user_hash'] = u.get_session_auth_hash(); s.create(); print(s.session_key)"
    )
    return f"sessionid={manage(url, 'shell', '-c', code).strip().splitlines()[-1]}"


def api_token(url: str, role: str) -> str:
    return (
        manage(url, "create_api_token", f"bench-{role}-{time.time_ns()}", "--role", role)
        .strip()
        .splitlines()[-1]
    )


def jwt_header() -> dict:
    import jwt

    now = int(time.time())
    return {
        "Authorization": f"Bearer {jwt.encode({'iat': now, 'exp': now + 7200}, JWT_KEY, algorithm='HS256')}"
    }
