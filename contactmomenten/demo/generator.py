"""Demo conversations spread over a period, generated fast enough for a million records.

A conversation (gesprek) is one to three questions of one KCM on one kanaal, sharing a
gespreksId, one right after the other, on a weekday within office hours (08:30-17:00
Amsterdam time), each 1 to 20 minutes, with zero to three consulted bronnen (the first is
the vraag). Days are drawn evenly from the weekdays of the period. Times are kept as seconds
after local midnight of their day, so the writers format them without datetime arithmetic.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from contactmomenten.demo import (
    AFDELINGEN,
    AMSTERDAM,
    CLOSE_MINUTE,
    GESPREKSRESULTATEN,
    KANALEN,
    OPEN_MINUTE,
    SPECIFIEKE_VRAGEN,
    VRAGEN,
    bron_url,
    contactmoment_url,
    nanoid,
    uuid4_text,
)

# Questions per conversation: most have one.
GESPREK_SIZES = (1, 1, 1, 2, 2, 3)
MIN_SECONDS, MAX_SECONDS = 60, 20 * 60


@dataclass(frozen=True)
class DemoDay:
    day: date
    midnight: datetime  # local midnight, aware (Europe/Amsterdam)
    text: str  # 2026-03-02
    offset: str  # the UTC offset during office hours, +01 or +02


class DemoBron(NamedTuple):
    soort: str
    titel: str
    url: str


class DemoRecord(NamedTuple):
    uuid: str
    contactmoment: str
    vraag: str
    specifieke_vraag: str
    gespreksresultaat: str
    day: DemoDay
    start: int  # seconds after local midnight
    end: int
    verantwoordelijke_afdeling: str
    gespreks_id: str
    kanaal: str
    emailadres_kcm: str
    bronnen: tuple[DemoBron, ...]

    def startdatum(self) -> datetime:
        return self.day.midnight + timedelta(seconds=self.start)

    def einddatum(self) -> datetime:
        return self.day.midnight + timedelta(seconds=self.end)


BRONNEN = tuple(DemoBron(soort, titel, bron_url(soort, titel)) for soort, titel in VRAGEN)


def demo_days(van: date, tot: date) -> list[DemoDay]:
    """The weekdays from ``van`` up to and including ``tot``."""
    days = []
    for n in range((tot - van).days + 1):
        day = van + timedelta(days=n)
        if day.weekday() >= 5:
            continue
        offset = datetime.combine(day, time(12), AMSTERDAM).utcoffset()
        hours = int(offset.total_seconds()) // 3600
        days.append(DemoDay(day, datetime.combine(day, time(0), AMSTERDAM), day.isoformat(), f"{hours:+03d}"))
    return days


def demo_records(count: int, *, van: date, tot: date, rng: random.Random) -> Iterator[DemoRecord]:
    """``count`` records in conversations spread over the weekdays of ``van``..``tot``."""
    days = demo_days(van, tot)
    if not days:
        raise ValueError("De periode bevat geen werkdag.")
    choice, randrange = rng.choice, rng.randrange
    made = 0
    while made < count:
        size = min(choice(GESPREK_SIZES), count - made)
        gespreks_id = nanoid(rng)
        kanaal = choice(KANALEN)
        email = f"kcm{randrange(1, 40)}@example.nl"
        day = days[randrange(len(days))]
        start = randrange(OPEN_MINUTE, CLOSE_MINUTE) * 60 + randrange(60)
        for _ in range(size):
            end = start + randrange(MIN_SECONDS, MAX_SECONDS + 1)
            bronnen = tuple(choice(BRONNEN) for _ in range(randrange(4)))
            yield DemoRecord(
                uuid4_text(rng),
                contactmoment_url(rng),
                bronnen[0].titel if bronnen else choice(VRAGEN)[1],
                choice(SPECIFIEKE_VRAGEN),
                choice(GESPREKSRESULTATEN),
                day,
                start,
                end,
                choice(AFDELINGEN),
                gespreks_id,
                kanaal,
                email,
                bronnen,
            )
            start = end
        made += size
