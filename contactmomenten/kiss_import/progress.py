"""Progress of a long command: a bar redrawn in place on a terminal (rows done / total,
rate, ETA), plain log lines at most every few seconds otherwise (cron, CI, a pipe)."""

import time
from datetime import timedelta

LOG_INTERVAL = 10.0  # seconds between plain log lines
BAR_WIDTH = 30


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


class Progress:
    def __init__(self, stream, total: int, *, label: str = "rijen"):
        self.stream = stream
        self.total = total
        self.label = label
        self.done = 0
        self.tty = stream.isatty()
        self.started = self.logged = time.monotonic()

    def _line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate else 0
        eta = str(timedelta(seconds=round(left)))
        share = self.done / self.total if self.total else 1.0
        counts = f"{_number(self.done)}/{_number(self.total)} {self.label}"
        details = f"{_number(round(rate))} {self.label}/s, nog {eta}"
        if self.tty:
            filled = round(share * BAR_WIDTH)
            return f"\r[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {share:4.0%} {counts}, {details} "
        return f"{counts} ({share:.0%}), {details}"

    def advance(self, rows: int) -> None:
        self.done += rows
        now = time.monotonic()
        if self.tty:
            self.stream.write(self._line(), ending="")
            self.stream.flush()
        elif now - self.logged >= LOG_INTERVAL or self.done >= self.total:
            self.stream.write(self._line())
            self.logged = now

    def finish(self) -> None:
        if self.tty:
            self.stream.write("")
