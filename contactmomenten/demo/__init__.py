"""Realistic demo data: the vocabulary of a municipal KCC, a generator of conversations
spread over a period, and bulk writers for ``manage.py seed_demo_data``.

The test factories draw from the same vocabulary (and ``nanoid``, ``office_hours_start``), so
demo data and test data look alike. Pure Python: no test libraries at run time. The
generator lives in ``demo.generator``, the writers (COPY on PostgreSQL, bulk inserts
elsewhere; both write the initial "+" history rows too) in ``demo.bulk``.
"""

import base64
import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

AFDELINGEN = (
    "Burgerzaken",
    "Belastingen",
    "Afval en Reiniging",
    "Werk en Inkomen",
    "Vergunningen",
    "Parkeren",
    "Openbare Ruimte",
    "Zorg en Welzijn",
)
# KISS's default gespreksresultaten (the KPI mapping's seed), repeated for a realistic mix: the
# KCC answers most questions itself (about 60 % eerstelijns). "Terugbelverzoek" stands for a
# municipality's own value, not yet mapped, as the dashboard lists such values.
GESPREKSRESULTATEN = (
    *["Zelfstandig afgehandeld"] * 10,
    *["Afgehandeld na ruggespraak"] * 3,
    "Afgehandeld, klant belt terug",
    *["Doorverbonden naar afdeling"] * 2,
    "Doorverbonden naar collega",
    "Verwezen naar ander instantie",
    *["Contactverzoek gemaakt"] * 2,
    "Verbinding verbroken",
    "Klant neemt opnieuw contact op",
    "Terugbelverzoek",
)
KANALEN = ("telefoon", "e-mail", "balie", "chat")
VRAGEN = (
    ("kennisartikel", "Paspoort aanvragen"),
    ("kennisartikel", "Rijbewijs verlengen"),
    ("kennisartikel", "Verhuizing doorgeven"),
    ("kennisartikel", "Grofvuil ophalen"),
    ("kennisartikel", "Bijstandsuitkering aanvragen"),
    ("vac", "Wanneer wordt de afvalcontainer geleegd?"),
    ("vac", "Hoe vraag ik een parkeervergunning aan?"),
    ("vac", "Kwijtschelding gemeentelijke belastingen"),
    ("website", "Afspraak maken stadswinkel"),
    ("nieuwsbericht", "Wegafsluiting centrum"),
    ("werkinstructie", "Melding openbare ruimte registreren"),
)
SPECIFIEKE_VRAGEN = (
    "Burger wil weten hoe lang de levertijd is.",
    "Vraagt of een afspraak ook op zaterdag kan.",
    "Container is niet geleegd, wil een melding doen.",
    "Wil weten welke documenten mee moeten.",
    "Vraagt naar de status van de aanvraag.",
    "Heeft een aanslag ontvangen en wil bezwaar maken.",
    "",
)
# Office hours of the KCC, in minutes after local midnight.
OPEN_MINUTE, CLOSE_MINUTE = 8 * 60 + 30, 17 * 60


def nanoid(rng: random.Random, size: int = 21) -> str:
    """An id shaped like the nanoid the KISS frontend generates for a gespreksId (the same
    URL-safe alphabet: letters, digits, '-' and '_')."""
    return base64.urlsafe_b64encode(rng.randbytes(size)).decode()[:size]


# The version (4) and variant (RFC 4122) bits, set as ``uuid.UUID(int=..., version=4)`` sets them.
_UUID4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID4_SET = (0x4000 << 64) | (0x8000 << 48)


def uuid4_text(rng: random.Random) -> str:
    """A version 4 UUID from ``rng``, as text: ``str(uuid.UUID(int=rng.getrandbits(128),
    version=4))`` without building the object (a fifth of seeding a million records)."""
    h = f"{rng.getrandbits(128) & _UUID4_CLEAR | _UUID4_SET:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def contactmoment_url(rng: random.Random) -> str:
    return f"https://openklant.example.nl/klantinteracties/api/v1/klantcontacten/{uuid4_text(rng)}"


def bron_url(soort: str, titel: str) -> str:
    return f"https://www.example.nl/{soort}/{titel.lower().replace(' ', '-').strip('?')}"


def office_hours_start(rng: random.Random, days_back: int = 90) -> datetime:
    """A moment on a weekday between 08:30 and 17:00 Amsterdam time in the last days."""
    today = timezone.localdate()
    while True:
        day = today - timedelta(days=rng.randrange(days_back))
        if day.weekday() < 5:
            break
    minute = rng.randrange(OPEN_MINUTE, CLOSE_MINUTE)
    return datetime.combine(day, time(minute // 60, minute % 60, rng.randrange(60)), AMSTERDAM)


def default_period() -> tuple[date, date]:
    """The year up to today: from the same date a year ago up to and including today."""
    today = timezone.localdate()
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        year_ago = today.replace(year=today.year - 1, day=28)
    return year_ago, today


def demo_data_create(
    count: int,
    *,
    seed: int | None = None,
    van: date | None = None,
    tot: date | None = None,
    history: bool = True,
    using: str = "default",
) -> int:
    """Insert ``count`` realistic records spread over ``van``..``tot`` (default: the year up
    to today), with their bronnen and, unless ``history`` is off, their initial "+" history
    rows; returns how many were made."""
    from contactmomenten.demo.bulk import demo_records_write
    from contactmomenten.demo.generator import demo_records

    default_van, default_tot = default_period()
    records = demo_records(count, van=van or default_van, tot=tot or default_tot, rng=random.Random(seed))
    return demo_records_write(records, count, history=history, using=using)
