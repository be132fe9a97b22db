"""Statistics of contactmomentdetails: the one home of every aggregate, read by
``GET /api/v1/statistieken`` and by the admin dashboard "Managementinformatie".

- ``tabel``: ``statistieken_tabel``, counts, durations (mean, median, p90), KPI shares and
  gesprek figures per group of up to two keys, computed in one database query;
- ``dashboard``: the dashboard's figures, each a call of ``statistieken_tabel`` with the
  keys and measures its chart needs, plus the duration histogram and the unmapped
  gespreksresultaten.

Periods are Europe/Amsterdam days, ISO weeks (Monday) and months; the KPI category of a
record is its trimmed gespreksresultaat looked up in the beheerder's mapping
(``GespreksresultaatCategorie``), ``overig`` when it has none.
"""

from contactmomenten.statistieken.tabel import (
    AMSTERDAM,
    GROEPERINGEN,
    MAX_GROEPERINGEN,
    METINGEN,
    PERIODEN,
    TOP_N,
    statistieken_tabel,
)

__all__ = [
    "AMSTERDAM",
    "GROEPERINGEN",
    "MAX_GROEPERINGEN",
    "METINGEN",
    "PERIODEN",
    "TOP_N",
    "statistieken_tabel",
]
