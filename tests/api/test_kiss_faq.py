"""GET /api/faq against upstream's rule (Kiss.Bff/Intern/Faq/GetFaq.cs): the 10 most
frequent non-blank vragen among the 500 records with the latest einddatum, most frequent
first, as a JSON array of strings; for kcm, analist and beheerder."""

from datetime import UTC, datetime, timedelta

import pytest

from contactmomenten.models import ContactmomentDetails
from tests.factories import ContactmomentDetailsFactory

pytestmark = pytest.mark.django_db
URL = "/api/faq"
BEGIN = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def records(vragen: list[str], *, first_minute: int = 0) -> None:
    """One record per vraag, einddatum one minute apart (later in the list is later)."""
    rows = []
    for i, vraag in enumerate(vragen):
        end = BEGIN + timedelta(minutes=first_minute + i)
        rows.append(
            ContactmomentDetailsFactory.build(
                vraag=vraag, startdatum=end - timedelta(minutes=3), einddatum=end
            )
        )
    ContactmomentDetails.objects.bulk_create(rows)


def faq(client) -> list[str]:
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_ten_most_frequent_first_with_ties_alphabetical(api_client):
    # vraag k appears 12 - k times (k = 0..11); "Tie A" and "Tie B" both 5 times.
    vragen = [f"Vraag {k:02d}" for k in range(12) for _ in range(12 - k)]
    vragen += ["Tie B"] * 5 + ["Tie A"] * 5
    records(vragen)
    assert faq(api_client("kcm")) == [
        "Vraag 00",
        "Vraag 01",
        "Vraag 02",
        "Vraag 03",
        "Vraag 04",
        "Vraag 05",
        "Vraag 06",
        "Tie A",  # 5, like Tie B and Vraag 07: alphabetical among equals
        "Tie B",
        "Vraag 07",
    ]


def test_only_the_500_latest_records_count_and_blank_vragen_are_ignored(api_client):
    # Old: 100 x "Oud" (einddatum earlier than everything below), outside the window.
    records(["Oud"] * 100)
    # The 500 latest non-blank: 300 x "Recent", 200 x "Ook recent"; plus blank vragen in
    # between and newest, which neither count nor take a place in the window.
    records(["Recent"] * 300 + ["Ook recent"] * 200, first_minute=1000)
    records(["", "   ", "\t"] * 10, first_minute=5000)
    assert faq(api_client("analist")) == ["Recent", "Ook recent"]

    # Two more recent records push the two oldest "Recent" out: 298, 201, 1.
    records(["Ook recent"], first_minute=9000)
    records(["Nieuw"], first_minute=9001)
    assert faq(api_client("beheerder")) == ["Recent", "Ook recent", "Nieuw"]
    assert ContactmomentDetails.objects.filter(vraag="Oud").count() == 100


def test_no_records_is_an_empty_list(api_client):
    assert faq(api_client("jwt")) == []


@pytest.mark.parametrize(
    ("role", "status"), [(None, 401), ("kcm", 200), ("analist", 200), ("beheerder", 200)]
)
def test_roles_and_trailing_slash(api_client, role, status):
    assert api_client(role).get(URL).status_code == status
    assert api_client(role).get(f"{URL}/").status_code == status
