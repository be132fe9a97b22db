"""The one definition of an exported row: which columns, in which order, of which kind.

Both export paths read these columns: the Python writer takes each value from a model
instance (``Column.value``), the PostgreSQL path computes it in SQL from the same source
(``Column.source``: a model field, or one of the derived ``DERIVED`` sources). ``Column.kind``
decides how a value is written: ``text`` (formula guard in CSV), ``int``, ``datetime``
(local time in ``EXPORT_TIME_ZONE``, named in the header) or ``duration`` (XLSX only: the
gespreksduur as an Excel duration next to the seconds).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

EXPORT_TIME_ZONE_NAME = "Europe/Amsterdam"
EXPORT_TIME_ZONE = ZoneInfo(EXPORT_TIME_ZONE_NAME)
BRONNEN_SEPARATOR = " | "

# Sources that are no model field: computed from the record (Python) or in SQL.
GESPREKSDUUR_SECONDEN = "gespreksduur_seconden"
BRONNEN_AANTAL = "bronnen_aantal"
BRONNEN_SOORTEN = "bronnen_soorten"
BRONNEN_TITELS = "bronnen_titels"
DERIVED = frozenset({GESPREKSDUUR_SECONDEN, BRONNEN_AANTAL, BRONNEN_SOORTEN, BRONNEN_TITELS})


@dataclass(frozen=True)
class Column:
    header: str
    source: str  # a field of ContactmomentDetails or one of DERIVED
    kind: str  # "text", "int", "datetime" or "duration"
    width: int  # XLSX column width in characters


def _local(moment: datetime) -> datetime:
    return moment.astimezone(EXPORT_TIME_ZONE).replace(tzinfo=None)


def _zone(header: str) -> str:
    return f"{header} ({EXPORT_TIME_ZONE_NAME})"


COLUMNS = (
    Column("id", "id", "int", 10),
    Column("uuid", "uuid", "text", 38),
    Column("contactmoment", "contactmoment", "text", 50),
    Column("vraag", "vraag", "text", 40),
    Column("specifieke vraag", "specifieke_vraag", "text", 50),
    Column("gespreksresultaat", "gespreksresultaat", "text", 24),
    Column(_zone("startdatum"), "startdatum", "datetime", 20),
    Column(_zone("einddatum"), "einddatum", "datetime", 20),
    Column("gespreksduur (seconden)", GESPREKSDUUR_SECONDEN, "int", 12),
    Column("verantwoordelijke afdeling", "verantwoordelijke_afdeling", "text", 24),
    Column("gespreksId", "gespreks_id", "text", 24),
    Column("kanaal", "kanaal", "text", 10),
    Column("e-mailadres KCM", "emailadres_kcm", "text", 28),
    Column(_zone("aangemaakt"), "aangemaakt", "datetime", 20),
    Column(_zone("gewijzigd"), "gewijzigd", "datetime", 20),
    Column("aantal bronnen", BRONNEN_AANTAL, "int", 8),
    Column("bronsoorten", BRONNEN_SOORTEN, "text", 24),
    Column("brontitels", BRONNEN_TITELS, "text", 50),
)
# XLSX adds the gespreksduur as an Excel duration ([u]:mm:ss) right after the seconds.
XLSX_DURATION = Column("gespreksduur (u:mm:ss)", GESPREKSDUUR_SECONDEN, "duration", 12)


def record_value(details, column: Column, attribute: str | None = None):
    """The value of ``column`` for a model instance (bronnen prefetched): str, int,
    naive local datetime, or None. ``attribute`` names the annotation that holds the field
    as the reader may see it, when that is not the field itself."""
    source = column.source
    if source == GESPREKSDUUR_SECONDEN:
        duur = details.gespreksduur
        return None if duur is None else duur // timedelta(seconds=1)
    if source == BRONNEN_AANTAL:
        return len(details.bronnen.all())
    if source == BRONNEN_SOORTEN:
        return BRONNEN_SEPARATOR.join(bron.soort for bron in details.bronnen.all())
    if source == BRONNEN_TITELS:
        return BRONNEN_SEPARATOR.join(bron.titel for bron in details.bronnen.all())
    value = getattr(details, attribute or source)
    if column.kind == "datetime":
        return None if value is None else _local(value)
    if column.kind == "text":
        return None if value is None else str(value)
    return value
