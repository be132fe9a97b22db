"""Serving in production: the health probe, the body limit, the request log, problem+json
404s under /api/v1 in DEBUG too, Dutch error pages, and ``make run``/``make serve``/``make
manage`` as the README shows them, and no gunicorn control socket."""

import io
import json
import logging
import os
import subprocess
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import RequestFactory
from django.views import defaults

from contactmomenten.api.exceptions import server_error
from contactmomenten.models import ContactmomentDetails
from tests.conftest import requires_postgres
from tests.factories import KissContactmomentDetailsBodyFactory
from tests.serving.server import free_port, gunicorn_server

ROOT = Path(__file__).resolve().parents[2]
KISS = "/api/contactmomentdetails"
V1 = "/api/v1/contactmomentdetails"
PROBLEM = "application/problem+json"


@pytest.mark.django_db
def test_healthz_is_ok_without_login_session_or_write(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4) as queries:
        response = client.get("/healthz")
    statements = [q["sql"].split()[0].upper() for q in queries.captured_queries]
    assert "SELECT" in statements
    assert not {"INSERT", "UPDATE", "DELETE"} & set(statements)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies


@pytest.mark.django_db
def test_healthz_answers_probes_on_any_host_over_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", HTTP_HOST="10.1.2.3:8000")
    assert response.status_code == 200


@requires_postgres
@pytest.mark.django_db(transaction=True)  # the ping's own transaction, as in production
def test_healthz_pings_within_its_statement_timeout(client, settings):
    settings.HEALTHZ_STATEMENT_TIMEOUT_MS = 1234
    seen = []

    def observe(execute, sql, params, many, context):
        if sql == "SELECT 1":  # the ping: what PostgreSQL will allow it, in its transaction
            with context["connection"].connection.cursor() as cursor:
                seen.append(cursor.execute("SHOW statement_timeout").fetchone()[0])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(observe):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert seen == ["1234ms"]
    with connection.cursor() as cursor:  # SET LOCAL: the kept connection is back to its own
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] != "1234ms"


@pytest.mark.django_db
def test_healthz_refuses_writes(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), [("put", KISS), ("post", V1), ("put", f"{V1}/x")])
def test_body_over_one_megabyte_is_413_before_parsing(api_client, settings, method, path):
    body = KissContactmomentDetailsBodyFactory(vraag="x" * settings.MAX_REQUEST_BODY_BYTES)
    response = getattr(api_client("kcm"), method)(path, json.dumps(body), content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "request_too_large"
    assert not ContactmomentDetails.objects.exists()


@pytest.mark.django_db
def test_body_just_under_the_limit_is_parsed(api_client, settings):
    settings.MAX_REQUEST_BODY_BYTES = 2000
    body = KissContactmomentDetailsBodyFactory(vraag="x" * 200)
    response = api_client("kcm").put(KISS, body, format="json")
    assert response.status_code == 200


@pytest.fixture
def request_log():
    """The JSON lines the request log writes, formatted as in production."""
    console = next(h for h in logging.getLogger().handlers if h.formatter is not None)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(console.formatter)
    logger = logging.getLogger("django_structlog.middlewares.request")
    logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)


@pytest.mark.django_db
def test_request_log_is_one_json_line_without_query_values_body_or_personal_data(api_client, request_log):
    body = KissContactmomentDetailsBodyFactory(vraag="Mijn BSN is 123456782", emailadresKcm="jan@example.nl")
    response = api_client("kcm").put(f"{KISS}?geheim=waarde-in-query", body, format="json")
    assert response.status_code == 200

    [line] = request_log()
    assert line["event"] == "request_finished"
    assert (line["method"], line["path"], line["status"]) == ("PUT", KISS, 200)
    assert line["client"] == "test-kcm"
    assert isinstance(line["duration_ms"], float)
    assert line["request_id"] == response["X-Request-ID"]
    assert line["time"].endswith("Z")
    text = json.dumps(line)
    for secret in ("waarde-in-query", "geheim", "123456782", "jan@example.nl", "127.0.0.1"):
        assert secret not in text


@pytest.mark.django_db
def test_request_log_names_the_admin_user_by_id(admin_client_for, request_log):
    client = admin_client_for("beheerder")
    assert client.get("/admin/").status_code == 200
    [line] = request_log()
    assert line["user_id"] == client.user.pk
    assert client.user.username not in json.dumps(line)


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("path", [f"{V1}/abc", "/api/v1/bestaat-niet", "/api/v1", f"{V1}/"])
def test_every_404_under_api_v1_is_problem_json_in_debug_too(api_client, settings, debug, path):
    settings.DEBUG = debug
    response = api_client("analist").get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "not_found"


@pytest.mark.django_db
def test_dutch_404_page_outside_the_api(client):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()
    assert 'lang="nl"' in response.content.decode()


@pytest.mark.django_db
def test_dutch_400_page_for_a_host_that_is_not_allowed(client):
    response = client.get("/admin/login/", HTTP_HOST="kwaadwillend.example")
    assert response.status_code == 400
    assert "Ongeldige aanvraag" in response.content.decode()


@pytest.mark.parametrize(
    ("render", "status", "text"),
    [
        (lambda request: defaults.permission_denied(request, Exception()), 403, "Geen toegang"),
        (server_error, 500, "Er ging iets mis"),
    ],
)
def test_dutch_403_and_500_pages(render, status, text):
    response = render(RequestFactory().get("/admin/iets"))
    assert response.status_code == status
    assert text in response.content.decode()


def _run(*args, env=None, cwd=ROOT):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DEBUG", "DATABASE_URL", "SECURE_SSL_REDIRECT")
    }
    return subprocess.run(
        args, cwd=cwd, env={**base, **(env or {})}, capture_output=True, text=True, timeout=120, check=False
    )


def test_make_serve_without_secret_key_is_one_clear_line():
    result = _run("make", "serve")
    assert result.returncode != 0
    # make adds its own "Error 1" line after ours.
    assert result.stderr.splitlines()[0] == "make serve: SECRET_KEY is not set (see README, make serve)."
    assert "Traceback" not in result.stderr


def test_manage_without_secret_key_is_one_line_not_a_traceback():
    result = _run(".venv/bin/python", "manage.py", "check")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "kiss-details: SECRET_KEY is not set. Set it in the environment (or set DEBUG=true for development)."
    ]


def test_make_run_writes_a_local_env_that_manage_py_reads(tmp_path):
    result = _run("make", "-f", str(ROOT / "Makefile"), ".env", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    env_file = (tmp_path / ".env").read_text()
    assert "DEBUG=true" in env_file
    [key] = [line.split("=", 1)[1] for line in env_file.splitlines() if line.startswith("SECRET_KEY=")]
    assert len(key) >= 50
    check = _run(".venv/bin/python", "manage.py", "check", env={"ENV_FILE": str(tmp_path / ".env")})
    assert check.returncode == 0, check.stderr
    assert _run("git", "check-ignore", "-q", ".env").returncode == 0


def test_make_manage_runs_a_management_command_with_the_venv():
    # -o .env: leave the clone without a .env (the tests' manage.py ignore it anyway).
    result = _run(
        "make",
        "--no-print-directory",
        "-o",
        ".env",
        "manage",
        "ARGS=assign_role --help",
        env={"DEBUG": "true"},
    )
    assert result.returncode == 0, result.stderr
    assert "--role {analist,beheerder,kcm}" in result.stdout


def test_make_run_keeps_no_connection_per_thread():
    result = _run("make", "-n", "run")
    assert "CONN_MAX_AGE=0 .venv/bin/python manage.py runserver" in result.stdout


@pytest.mark.parametrize("xdg_runtime_dir", [True, False], ids=["XDG_RUNTIME_DIR", "HOME only"])
def test_make_serve_creates_no_control_socket(tmp_path, xdg_runtime_dir):
    # gunicorn's default is $XDG_RUNTIME_DIR/gunicorn.ctl, else $HOME/.gunicorn/gunicorn.ctl:
    # shared by every gunicorn of the user, so gunicorn.conf.py turns it off.
    home, runtime = tmp_path / "home", tmp_path / "runtime"
    home.mkdir()
    runtime.mkdir()
    dead_database = f"postgres://postgres@127.0.0.1:{free_port()}/kiss"  # not needed to listen
    env = {"HOME": str(home), "XDG_RUNTIME_DIR": str(runtime) if xdg_runtime_dir else ""}
    with gunicorn_server(database=dead_database, workers=1, **env):
        time.sleep(1)  # the control socket would be bound by a thread of the arbiter
        assert (sorted(home.iterdir()), sorted(runtime.iterdir())) == ([], [])
