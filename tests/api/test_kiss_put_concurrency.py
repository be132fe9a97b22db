"""Concurrent PUTs of one contactmoment (KISS retries, double clicks): one record, no 500.

Runs real threads, each with its own client and database connection, against PostgreSQL with
committed transactions, so the requests really race inside the database.
"""

import json
import threading

import pytest
from django.db import connection

from contactmomenten.models import Bron, ContactmomentDetails
from tests.conftest import requires_postgres
from tests.factories import KissBronBodyFactory, KissContactmomentDetailsBodyFactory

THREADS = 8
ROUNDS = 3


def _race(clients, bodies):
    barrier = threading.Barrier(len(clients))
    outcomes = [None] * len(clients)

    def worker(index):
        try:
            barrier.wait()
            response = clients[index].put(
                "/api/contactmomentdetails", data=json.dumps(bodies[index]), content_type="application/json"
            )
            outcomes[index] = response.status_code
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
def test_concurrent_puts_of_one_id_leave_one_record_and_no_error(api_client):
    clients = [api_client("kcm") for _ in range(THREADS)]
    for round_number in range(ROUNDS):
        contactmoment = f"https://openklant.example.nl/klantcontacten/race-{round_number}"
        bodies = [
            KissContactmomentDetailsBodyFactory(
                id=contactmoment, vraag=f"vraag {i}", bronnen=[KissBronBodyFactory(titel=f"bron {i}")]
            )
            for i in range(THREADS)
        ]

        outcomes = _race(clients, bodies)

        assert outcomes == [200] * THREADS
        details = ContactmomentDetails.objects.get(contactmoment=contactmoment)
        # The bronnen belong to the same request as the fields: one writer won, whole.
        winner = int(details.vraag.split()[-1])
        assert list(details.bronnen.values_list("titel", flat=True)) == [f"bron {winner}"]
    assert ContactmomentDetails.objects.count() == ROUNDS
    assert Bron.objects.count() == ROUNDS
