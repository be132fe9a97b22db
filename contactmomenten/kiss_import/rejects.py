"""The rejects file of ``import_kiss``: every upstream row this service refuses, with all
its source columns (bronnen as JSON, in upstream order) and the reason, for a beheerder to
fix upstream or by hand.

It holds personal data (free text, e-mail addresses), so it is created with mode 0600 (also
when the file already existed), and every text gets the formula guard of the exports: a
cell typed by a KCM must never run as a formula in a spreadsheet.
"""

import codecs
import json
import os

from contactmomenten.exports.csvfile import csv_writer, formula_guarded
from contactmomenten.kiss_import.source import BRON_COLUMNS, SourceRow

MODE = 0o600
REASON = "Reden"


class RejectsFile:
    def __init__(self, path: str, columns: tuple[str, ...]):
        self.path = path
        self.columns = columns
        self.count = 0
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, MODE)
        except OSError as error:
            raise OSError(
                f"Kan het bestand voor afgewezen records niet aanmaken: {path} ({error.strerror})."
            ) from error
        os.fchmod(fd, MODE)  # O_CREAT's mode applies to new files only
        self.file = os.fdopen(fd, "w", encoding="utf-8", newline="")
        self.file.write(codecs.BOM_UTF8.decode())
        self.writer = csv_writer(",")
        self._write([*columns, "Bronnen", REASON])

    def _write(self, cells) -> None:
        self.file.write(self.writer.writerow([formula_guarded(cell) for cell in cells]))

    def add(self, row: SourceRow, reasons: list[str]) -> None:
        bronnen = (
            json.dumps([dict(zip(BRON_COLUMNS, b, strict=True)) for b in row.bronnen], ensure_ascii=False)
            if row.bronnen
            else ""
        )
        self._write([*(row.values.get(c) or "" for c in self.columns), bronnen, "; ".join(reasons)])
        self.count += 1

    def close(self) -> None:
        self.file.close()
