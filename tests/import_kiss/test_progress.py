"""The import's progress: a bar redrawn in place on a terminal, plain lines otherwise."""

from io import StringIO

from django.core.management.base import OutputWrapper

from contactmomenten.kiss_import.progress import Progress
from tests.conftest import requires_postgres


class Terminal(StringIO):
    def isatty(self):
        return True


def test_on_a_terminal_the_bar_shows_rows_rate_and_eta():
    out = Terminal()
    progress = Progress(OutputWrapper(out), 10_000)
    progress.advance(2500)
    progress.advance(2500)
    progress.finish()
    text = out.getvalue()
    assert text.startswith("\r[") and text.count("\r") == 2
    assert "5.000/10.000 rijen" in text and "rijen/s" in text and ", nog " in text and "50%" in text
    assert text.endswith("\n")


@requires_postgres
def test_without_a_terminal_it_logs_plain_lines(upstream, run_import):
    upstream.add("https://k/1", "2026-10-01 09:00+00", "2026-10-01 09:05+00")
    output = run_import()
    assert "\r" not in output
    assert "1/1 rijen (100%)" in output
