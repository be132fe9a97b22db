"""Optimistic concurrency on /api/v1: every single-record response carries the record's
version as ETag, it changes with each write, and If-Match on PUT/PATCH/DELETE with a version
the record no longer has is a 412 problem+json that writes nothing. Without If-Match (or
with ``*``) a write behaves as before. The race of two writers holding the same ETag is
decided under the row lock: exactly one wins, the other gets 412 (real threads)."""

from functools import partial

import pytest

from contactmomenten.models import ContactmomentDetails
from tests.concurrency import run_concurrently
from tests.conftest import requires_postgres
from tests.factories import ContactmomentDetailsFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/contactmomentdetails"
PROBLEM = "application/problem+json"
BODY = {
    "contactmoment": "https://openklant.example.nl/klantinteracties/api/v1/klantcontacten/etag",
    "vraag": "Paspoort aanvragen",
    "startdatum": "2026-03-02T09:30:00+01:00",
    "einddatum": "2026-03-02T09:37:00+01:00",
}


def url(details) -> str:
    return f"{LIST}/{details.uuid}"


def current_etag(client, details) -> str:
    response = client.get(url(details))
    assert response.status_code == 200
    return response["ETag"]


def test_retrieve_carries_the_version_as_a_strong_etag(api_client):
    details = ContactmomentDetailsFactory()
    response = api_client("analist").get(url(details))

    assert response["ETag"] == f'"{details.versie}"'
    assert not response["ETag"].startswith("W/")


def test_create_answers_with_the_etag_of_the_new_record(api_client):
    response = api_client("kcm").post(LIST, BODY, format="json")

    assert response.status_code == 201
    assert response["ETag"] == f'"{ContactmomentDetails.objects.get().versie}"'


def test_the_list_has_no_etag(api_client):
    ContactmomentDetailsFactory()
    assert "ETag" not in api_client("analist").get(LIST)


@pytest.mark.parametrize("method", ["put", "patch"])
def test_etag_changes_with_each_write_and_the_response_names_the_new_one(api_client, method):
    details = ContactmomentDetailsFactory()
    client = api_client("kcm")
    seen = [current_etag(client, details)]
    for n in range(3):
        body = {**BODY, "contactmoment": details.contactmoment, "vraag": f"vraag {n}"}
        response = getattr(client, method)(url(details), body, format="json", HTTP_IF_MATCH=seen[-1])
        assert response.status_code == 200
        assert response["ETag"] == current_etag(client, details)
        seen.append(response["ETag"])

    assert len(set(seen)) == 4


def test_a_write_without_changes_is_still_a_new_version(api_client):
    details = ContactmomentDetailsFactory()
    client = api_client("kcm")
    before = current_etag(client, details)

    response = client.patch(url(details), {"vraag": details.vraag}, format="json")

    assert response["ETag"] != before


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_if_match_with_an_old_version_is_412_and_writes_nothing(api_client, method):
    details = ContactmomentDetailsFactory(vraag="oud", bronnen=2)
    client = api_client("beheerder")
    old = current_etag(client, details)
    client.patch(url(details), {"kanaal": "balie"}, format="json")  # someone else's write
    stored = ContactmomentDetails.objects.get(pk=details.pk)

    body = {**BODY, "contactmoment": details.contactmoment, "vraag": "nieuw", "bronnen": []}
    response = getattr(client, method)(url(details), body, format="json", HTTP_IF_MATCH=old)

    assert response.status_code == 412
    assert response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == 412
    assert problem["code"] == "precondition_failed"
    assert "gewijzigd sinds u het las" in problem["detail"]
    assert "ETag" not in response
    after = ContactmomentDetails.objects.get(pk=details.pk)
    assert (after.vraag, after.kanaal, after.versie) == ("oud", "balie", stored.versie)
    assert after.bronnen.count() == 2


@pytest.mark.parametrize(
    "if_match",
    [
        "{current}",
        '"1", {current}',  # one of a list
        "*",  # any current version
    ],
)
def test_if_match_with_the_current_version_writes(api_client, if_match):
    details = ContactmomentDetailsFactory(vraag="oud")
    client = api_client("kcm")
    header = if_match.format(current=current_etag(client, details))

    response = client.patch(url(details), {"vraag": "nieuw"}, format="json", HTTP_IF_MATCH=header)

    assert response.status_code == 200
    assert ContactmomentDetails.objects.get(pk=details.pk).vraag == "nieuw"


@pytest.mark.parametrize("if_match", ["W/{current}", "{bare}", ""])
def test_a_weak_or_malformed_if_match_never_matches(api_client, if_match):
    details = ContactmomentDetailsFactory(vraag="oud")
    client = api_client("kcm")
    current = current_etag(client, details)
    header = if_match.format(current=current, bare=current.strip('"'))

    response = client.patch(url(details), {"vraag": "nieuw"}, format="json", HTTP_IF_MATCH=header)

    assert response.status_code == 412
    assert ContactmomentDetails.objects.get(pk=details.pk).vraag == "oud"


def test_delete_with_the_current_version_deletes(api_client):
    details = ContactmomentDetailsFactory()
    client = api_client("beheerder")

    response = client.delete(url(details), HTTP_IF_MATCH=current_etag(client, details))

    assert response.status_code == 204
    assert not ContactmomentDetails.objects.filter(pk=details.pk).exists()


def test_without_if_match_the_last_writer_wins_as_before(api_client):
    details = ContactmomentDetailsFactory(vraag="oud")
    client = api_client("kcm")
    client.patch(url(details), {"kanaal": "balie"}, format="json")

    response = client.patch(url(details), {"vraag": "nieuw"}, format="json")

    assert response.status_code == 200
    after = ContactmomentDetails.objects.get(pk=details.pk)
    assert (after.vraag, after.kanaal) == ("nieuw", "balie")


def patch_status(client, details, body, **headers) -> int:
    return client.patch(url(details), body, format="json", **headers).status_code


def delete_status(client, details, **headers) -> int:
    return client.delete(url(details), **headers).status_code


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_writers_with_the_same_etag_one_wins_the_other_gets_412(api_client):
    for _ in range(3):
        details = ContactmomentDetailsFactory(vraag="oud")
        clients = [api_client("kcm") for _ in range(4)]
        seen = current_etag(clients[0], details)

        outcomes = run_concurrently(
            [
                partial(patch_status, client, details, {"vraag": f"vraag {i}"}, HTTP_IF_MATCH=seen)
                for i, client in enumerate(clients)
            ]
        )

        assert sorted(outcomes) == [200, 412, 412, 412]
        winner = outcomes.index(200)
        assert ContactmomentDetails.objects.get(pk=details.pk).vraag == f"vraag {winner}"


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_delete_with_if_match_racing_a_patch_either_deletes_first_or_gets_412(api_client):
    for _ in range(3):
        details = ContactmomentDetailsFactory()
        deleter, patcher = api_client("beheerder"), api_client("kcm")
        seen = current_etag(deleter, details)

        deleted, patched = run_concurrently(
            [
                partial(delete_status, deleter, details, HTTP_IF_MATCH=seen),
                partial(patch_status, patcher, details, {"vraag": "x"}),
            ]
        )

        exists = ContactmomentDetails.objects.filter(pk=details.pk).exists()
        assert (deleted, patched, exists) in {(204, 404, False), (412, 200, True)}
