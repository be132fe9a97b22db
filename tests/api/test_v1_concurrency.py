"""Concurrent writes of one /api/v1 record: the last writer wins whole (fields and bronnen),
never a mix of two requests' bronnen, and never a 500.

Real threads with their own connections against PostgreSQL, so the requests race inside the
database.
"""

import threading

import pytest
from django.db import connection

from tests.conftest import requires_postgres
from tests.factories import ContactmomentDetailsFactory

THREADS = 6


def _race(clients, url, bodies):
    barrier = threading.Barrier(len(clients))
    outcomes = [None] * len(clients)

    def worker(index):
        try:
            barrier.wait()
            outcomes[index] = clients[index].put(url, bodies[index], format="json").status_code
        except Exception as exc:  # a 500 surfaces here as the view's exception
            outcomes[index] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_puts_of_one_record_keep_the_bronnen_of_one_request(api_client):
    details = ContactmomentDetailsFactory(bronnen=1)
    url = f"/api/v1/contactmomentdetails/{details.uuid}"
    clients = [api_client("kcm") for _ in range(THREADS)]
    bodies = [
        {
            "contactmoment": details.contactmoment,
            "vraag": f"vraag {i}",
            "startdatum": "2026-03-02T09:30:00+01:00",
            "einddatum": "2026-03-02T09:37:00+01:00",
            "bronnen": [
                {"soort": "vac", "titel": f"bron {i}-{n}", "url": f"https://example.nl/{i}/{n}"}
                for n in range(3)
            ],
        }
        for i in range(THREADS)
    ]

    outcomes = _race(clients, url, bodies)

    assert outcomes == [200] * THREADS
    details.refresh_from_db()
    winner = details.vraag.split()[-1]
    assert list(details.bronnen.values_list("titel", flat=True)) == [f"bron {winner}-{n}" for n in range(3)]
