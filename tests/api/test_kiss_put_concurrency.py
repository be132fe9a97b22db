"""Concurrent PUTs of one contactmoment (KISS retries, double clicks): one record, no 500.

Runs real threads, each with its own client and database connection, against PostgreSQL with
committed transactions, so the requests really race inside the database.
"""

import json

import pytest

from contactmomenten.models import Bron, ContactmomentDetails
from tests.concurrency import run_concurrently
from tests.conftest import requires_postgres
from tests.factories import KissBronBodyFactory, KissContactmomentDetailsBodyFactory

THREADS = 8
ROUNDS = 3


def _race(clients, bodies):
    return run_concurrently(
        [
            lambda client=client, body=body: (
                client.put(
                    "/api/contactmomentdetails", data=json.dumps(body), content_type="application/json"
                ).status_code
            )
            for client, body in zip(clients, bodies, strict=True)
        ]
    )


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
