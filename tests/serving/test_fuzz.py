"""Issue 11 §5, schema fuzzing: schemathesis generates requests for every operation of
/api/v1 from its own OpenAPI schema and sends them to a real ``make serve`` (gunicorn) as a
beheerder, the role that may call all of them. No answer may be a 5xx and every answer must
match the schema; the run must reach at least 1,000 generated cases.

``make test`` runs a short, seeded run (120 s of schemathesis, one worker); ``make
fuzz`` a long one of 15 minutes (FUZZ_LONG=1; FUZZ_MAX_EXAMPLES, FUZZ_MAX_TIME and
FUZZ_SEED override each setting). Schemathesis runs as its CLI in a subprocess, in a
temporary directory and with its example database off, so a run leaves nothing in the clone.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from contactmomenten.services import api_token_create
from tests.serving.server import database_url, gunicorn_server

LONG = os.environ.get("FUZZ_LONG") == "1"
# Per operation and fuzzing phase; the examples, coverage and stateful phases add their own.
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "2000" if LONG else "150"))
# Seconds for the whole schemathesis run (it stops generating when they are spent).
MAX_TIME = int(os.environ.get("FUZZ_MAX_TIME", "900" if LONG else "120"))
SEED = int(os.environ.get("FUZZ_SEED", "20261203"))
MIN_CASES = 1000
CHECKS = "not_a_server_error,response_schema_conformance"
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"


def _generated_cases(output: str) -> int:
    """The total of the summary's "Test cases: N generated, ..." line."""
    match = re.search(r"^Test cases:\s+(\d+) generated", output, re.MULTILINE)
    assert match, output
    return int(match.group(1))


def test_schemathesis_finds_no_server_error_or_schema_violation(transactional_db, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the live server needs PostgreSQL")
    _, key = api_token_create(name="schemathesis", role="beheerder")
    with gunicorn_server(database=database_url()) as base_url:
        command = [
            str(SCHEMATHESIS),
            "run",
            f"{base_url}/api/v1/schema",
            "--header",
            f"Authorization: Token {key}",
            "--checks",
            CHECKS,
            "--seed",
            str(SEED),
            "--max-examples",
            str(MAX_EXAMPLES),
            "--max-time",
            str(MAX_TIME),
            # One worker: CPython 3.11's ast is not thread-safe ("AST constructor recursion
            # depth mismatch" when hypothesis parses source in two threads at once).
            "--workers",
            "1",
            "--generation-database",
            "none",
            "--no-color",
        ]
        # cwd: hypothesis and schemathesis write their working files there, not in the clone.
        result = subprocess.run(
            command,
            cwd=tmp_path,
            env={**os.environ, "HYPOTHESIS_STORAGE_DIRECTORY": str(tmp_path / "hypothesis")},
            capture_output=True,
            text=True,
            timeout=MAX_TIME + 300,
            check=False,
        )
    output = result.stdout + result.stderr
    print(output)  # pytest shows it with the failure, and with -s
    assert result.returncode == 0, output
    assert _generated_cases(output) >= MIN_CASES, output
