"""Realistic demo data: the vocabulary of a municipal KCC and a fast bulk generator.

Used by ``manage.py seed_demo_data`` (demos, benchmarks) and by the test factories, so demo
data and test data look alike. Pure Python: no test libraries at run time.
"""

import random
import string
import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from contactmomenten.models import Bron, ContactmomentDetails

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
GESPREKSRESULTATEN = (
    "Zelfstandig afgehandeld",
    "Doorverbonden",
    "Contactverzoek gemaakt",
    "Terugbelverzoek",
    "Verkeerd verbonden",
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
NANOID_ALPHABET = string.ascii_letters + string.digits + "_-"


def nanoid(rng: random.Random, size: int = 21) -> str:
    """An id shaped like the nanoid the KISS frontend generates for a gespreksId."""
    return "".join(rng.choice(NANOID_ALPHABET) for _ in range(size))


def contactmoment_url(rng: random.Random) -> str:
    return (
        "https://openklant.example.nl/klantinteracties/api/v1/klantcontacten/"
        f"{uuid.UUID(int=rng.getrandbits(128), version=4)}"
    )


def office_hours_start(rng: random.Random, days_back: int = 90) -> datetime:
    """A moment on a weekday between 08:30 and 17:00 Amsterdam time in the last days."""
    today = timezone.localdate()
    while True:
        day = today - timedelta(days=rng.randrange(days_back))
        if day.weekday() < 5:
            break
    minute = rng.randrange(8 * 60 + 30, 17 * 60)
    return datetime.combine(day, time(minute // 60, minute % 60, rng.randrange(60)), AMSTERDAM)


def bron_data(rng: random.Random) -> dict:
    soort, titel = rng.choice(VRAGEN)
    slug = titel.lower().replace(" ", "-").strip("?")
    return {"soort": soort, "titel": titel, "url": f"https://www.example.nl/{soort}/{slug}"}


def gesprek_data(rng: random.Random, size: int) -> list[tuple[dict, list[dict]]]:
    """``size`` questions of one conversation: shared gespreksId, consecutive times."""
    gespreks_id = nanoid(rng)
    kanaal = rng.choice(KANALEN)
    email = f"kcm{rng.randrange(1, 40)}@example.nl"
    start = office_hours_start(rng)
    records = []
    for _ in range(size):
        end = start + timedelta(seconds=rng.randrange(60, 20 * 60 + 1))
        bronnen = [bron_data(rng) for _ in range(rng.randrange(0, 4))]
        details = {
            "contactmoment": contactmoment_url(rng),
            "vraag": bronnen[0]["titel"] if bronnen else rng.choice(VRAGEN)[1],
            "specifieke_vraag": rng.choice(SPECIFIEKE_VRAGEN),
            "gespreksresultaat": rng.choice(GESPREKSRESULTATEN),
            "startdatum": start,
            "einddatum": end,
            "verantwoordelijke_afdeling": rng.choice(AFDELINGEN),
            "gespreks_id": gespreks_id,
            "kanaal": kanaal,
            "emailadres_kcm": email,
        }
        records.append((details, bronnen))
        start = end
    return records


def demo_data_create(count: int, *, seed: int | None = None, batch_size: int = 5000) -> int:
    """Insert ``count`` realistic records with bulk inserts; returns how many were made."""
    rng = random.Random(seed)
    made = 0
    while made < count:
        batch = []
        while len(batch) < min(batch_size, count - made):
            size = min(rng.choice((1, 1, 1, 2, 2, 3)), count - made - len(batch))
            batch.extend(gesprek_data(rng, size))
        with transaction.atomic():
            details = ContactmomentDetails.objects.bulk_create(
                [ContactmomentDetails(**fields) for fields, _ in batch], batch_size=1000
            )
            Bron.objects.bulk_create(
                [
                    Bron(contactmomentdetails=obj, **bron)
                    for obj, (_, bronnen) in zip(details, batch, strict=True)
                    for bron in bronnen
                ],
                batch_size=1000,
            )
        made += len(batch)
    return made
