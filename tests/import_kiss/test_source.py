"""How import_kiss reads upstream: a server-side cursor in batches, and a clear one-line error
(``CommandError``, so manage.py prints no traceback) for a source it cannot open or read."""

from io import StringIO

import psycopg
import pytest
from django.core.management import CommandError, call_command

from contactmomenten.kiss_import import progress as progress_module
from contactmomenten.models import ContactmomentDetails
from tests.conftest import requires_postgres
from tests.import_kiss.conftest import moment

pytestmark = requires_postgres
URL = "https://openklant.example.nl/klantcontacten/"


def _seed(upstream, count):
    for n in range(count):
        upstream.add(
            f"{URL}{n}", moment(n + 1), moment(n + 1, 10), bronnen=[("vac", f"B{n}", f"https://v/{n}")]
        )


def _import_backend(upstream) -> tuple[int, str]:
    """The import's backend on the source: its pid and last statement."""
    with psycopg.connect(upstream.url, autocommit=True) as conn:
        return conn.execute(
            "SELECT pid, query FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND query ILIKE %s",
            ['%"import_kiss"%'],
        ).fetchone()


def _after_first_batch(monkeypatch, action):
    advance = progress_module.Progress.advance
    calls = []

    def hooked(self, rows):
        advance(self, rows)
        calls.append(rows)
        if len(calls) == 1:
            action()

    monkeypatch.setattr(progress_module.Progress, "advance", hooked)


def test_rows_come_through_a_server_side_cursor_one_batch_at_a_time(upstream, run_import, monkeypatch):
    _seed(upstream, 7)
    seen = []
    _after_first_batch(monkeypatch, lambda: seen.append(_import_backend(upstream)))

    run_import("--batch-size", "3")

    [(_, query)] = seen
    # A named (server-side) cursor fetched 3 rows, not a client-side SELECT of the whole table.
    assert query.strip() == 'FETCH FORWARD 3 FROM "import_kiss"'
    assert ContactmomentDetails.objects.count() == 7


def test_a_source_lost_mid_run_is_a_clear_error_and_a_rerun_finishes(upstream, run_import, monkeypatch):
    _seed(upstream, 7)

    def terminate():
        pid, _ = _import_backend(upstream)
        with psycopg.connect(upstream.url, autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(%s)", [pid])

    _after_first_batch(monkeypatch, terminate)
    with pytest.raises(CommandError, match=r"Lezen uit de bron mislukt.*start het commando opnieuw") as error:
        run_import("--batch-size", "3")
    assert "\n" not in str(error.value)
    assert ContactmomentDetails.objects.count() == 3  # the first batch stayed
    monkeypatch.undo()

    output = run_import("--batch-size", "3")

    assert "nieuw:       4" in output and "ongewijzigd: 3" in output
    assert ContactmomentDetails.objects.count() == 7


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("postgres://kiss:geheim@127.0.0.1:1/kiss", "127.0.0.1"),
        ("geen url", 'missing "="'),
        ("mysql://kiss:geheim@db/kiss", "mysql://kiss:***@db/kiss"),
    ],
    ids=["no-server", "not-a-url", "other-scheme"],
)
def test_a_source_that_cannot_be_opened_is_one_line_without_the_password(db, tmp_path, source, shown):
    with pytest.raises(CommandError, match=r"^Kan de bron niet openen: ") as error:
        rejects = str(tmp_path / "a.csv")
        call_command("import_kiss", "--source", source, "--rejects", rejects, stdout=StringIO())
    message = str(error.value)
    assert shown in message and "geheim" not in message and "\n" not in message
    assert "postgres://gebruiker@host:5432/database" in message


def test_a_source_without_the_bronnen_table_is_a_clear_error(upstream, run_import):
    upstream.execute('DROP TABLE "ContactMomentDetailsBronnen"')
    with pytest.raises(CommandError, match='geen tabel "ContactMomentDetailsBronnen"'):
        run_import()
    assert not ContactmomentDetails.objects.exists()


def test_a_rejects_file_that_cannot_be_created_is_a_clear_error(upstream, run_import, tmp_path):
    _seed(upstream, 1)
    with pytest.raises(CommandError, match="Kan het bestand voor afgewezen records niet aanmaken"):
        run_import(rejects=tmp_path / "bestaat-niet" / "a.csv")
