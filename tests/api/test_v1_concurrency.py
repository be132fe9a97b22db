"""Concurrent writes of one /api/v1 record: the last writer wins whole (fields and bronnen),
never a mix of two requests' bronnen, and never a 500.

Real threads with their own connections against PostgreSQL, so the requests race inside the
database.
"""

import pytest

from tests.concurrency import run_concurrently
from tests.conftest import requires_postgres
from tests.factories import ContactmomentDetailsFactory

THREADS = 6


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

    outcomes = run_concurrently(
        [
            lambda client=client, body=body: client.put(url, body, format="json").status_code
            for client, body in zip(clients, bodies, strict=True)
        ]
    )

    assert outcomes == [200] * THREADS
    details.refresh_from_db()
    winner = details.vraag.split()[-1]
    assert list(details.bronnen.values_list("titel", flat=True)) == [f"bron {winner}-{n}" for n in range(3)]


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_patches_of_different_fields_keep_both(api_client):
    details = ContactmomentDetailsFactory(vraag="oud", kanaal="telefoon")
    url = f"/api/v1/contactmomentdetails/{details.uuid}"
    bodies = [{"vraag": f"vraag {i}"} if i % 2 else {"kanaal": f"kanaal {i}"} for i in range(THREADS)]
    clients = [api_client("kcm") for _ in range(THREADS)]

    outcomes = run_concurrently(
        [
            lambda client=client, body=body: client.patch(url, body, format="json").status_code
            for client, body in zip(clients, bodies, strict=True)
        ]
    )

    assert outcomes == [200] * THREADS
    details.refresh_from_db()
    assert details.vraag.startswith("vraag ")
    assert details.kanaal.startswith("kanaal ")


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_patch_racing_delete_never_resurrects_the_record(api_client):
    for _ in range(3):
        details = ContactmomentDetailsFactory()
        url = f"/api/v1/contactmomentdetails/{details.uuid}"
        patchers = [api_client("kcm") for _ in range(THREADS - 1)]
        deleter = api_client("beheerder")

        outcomes = run_concurrently(
            [lambda deleter=deleter, url=url: deleter.delete(url).status_code]
            + [
                lambda client=client, i=i, url=url: (
                    client.patch(url, {"vraag": f"vraag {i}"}, format="json").status_code
                )
                for i, client in enumerate(patchers)
            ]
        )

        assert outcomes[0] == 204
        assert set(outcomes[1:]) <= {200, 404}
        assert not type(details).objects.filter(uuid=details.uuid).exists()
