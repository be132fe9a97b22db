"""The load of issue 11 §3 against a live server, shared by tests/serving/test_load.py (a
few hundred records, every ``make test``) and bench/load.py (10,000, with throughput).

Every request goes on a fresh connection, as KISS's backend sends them. Results are read back
from the database with the ORM, so Django must point at the server's database.
"""

import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from contactmomenten.models import ContactmomentDetails
from tests.factories import KissContactmomentDetailsBodyFactory
from tests.serving.server import http_request

KISS = "/api/contactmomentdetails"
ID_PREFIX = "https://openklant.example.nl/klantinteracties/api/v1/klantcontacten/"


@dataclass
class LoadResult:
    requests: int
    seconds: float
    # "status: first 200 characters of the body" per failed request, counted.
    errors: Counter = field(default_factory=Counter)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _put_all(base_url: str, key: str, bodies: list[dict], clients: int) -> LoadResult:
    headers = {"Authorization": f"Token {key}"}

    def put(body):
        try:
            answer = http_request(base_url, "PUT", KISS, body=body, headers=headers, timeout=60)
        except OSError as error:
            return f"{type(error).__name__}: {error}"
        return None if 200 <= answer.status < 300 else f"{answer.status}: {answer.body[:200]!r}"

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        outcomes = list(pool.map(put, bodies))
    result = LoadResult(requests=len(bodies), seconds=time.monotonic() - started)
    result.errors.update(outcome for outcome in outcomes if outcome)
    return result


def put_distinct_records(base_url: str, key: str, count: int, clients: int = 16) -> tuple[LoadResult, int]:
    """PUT ``count`` records with distinct ids from ``clients`` threads; returns the result and
    how many of those ids are in the database afterwards."""
    run = uuid.uuid4().hex[:8]
    ids = [f"{ID_PREFIX}load-{run}-{n}" for n in range(count)]
    result = _put_all(base_url, key, [KissContactmomentDetailsBodyFactory(id=i) for i in ids], clients)
    return result, ContactmomentDetails.objects.filter(contactmoment__in=ids).count()


def bronnen_of_write(write: int) -> list[dict]:
    return [
        {"url": f"https://kennisbank.example.nl/w{write}/bron-{n}", "titel": "Bron", "soort": "vac"}
        for n in range(3)
    ]


def put_same_ids(base_url: str, key: str, writes: int = 50, ids: int = 5) -> tuple[LoadResult, dict, dict]:
    """``writes`` concurrent PUTs (one thread each) of the same ``ids`` ids, each write with its
    own bronnen. Returns the result, ``{id: bron urls in the database}`` and ``{id: the bron
    url lists that were written for it}``."""
    run = uuid.uuid4().hex[:8]
    contactmomenten = [f"{ID_PREFIX}same-{run}-{n}" for n in range(ids)]
    bodies, written = [], {c: [] for c in contactmomenten}
    for write in range(writes):
        contactmoment = contactmomenten[write % ids]
        bodies.append(KissContactmomentDetailsBodyFactory(id=contactmoment, bronnen=bronnen_of_write(write)))
        written[contactmoment].append([bron["url"] for bron in bodies[-1]["bronnen"]])
    result = _put_all(base_url, key, bodies, clients=writes)
    records = ContactmomentDetails.objects.filter(contactmoment__in=contactmomenten)
    stored = {d.contactmoment: [bron.url for bron in d.bronnen.order_by("pk")] for d in records}
    return result, stored, written
