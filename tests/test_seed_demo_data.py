"""``seed_demo_data`` makes valid, realistic records for demos and benchmarks, spread over a
period, each with its initial "+" history row (bronnen included)."""

import random
import uuid
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from contactmomenten.constants import DETAIL_FIELDS
from contactmomenten.demo import bulk, uuid4_text
from contactmomenten.history import bronnen_snapshot
from contactmomenten.models import Bron, ContactmomentDetails
from tests.schema import indexes_and_constraints

pytestmark = pytest.mark.django_db


def test_seed_demo_data_creates_the_requested_number_of_valid_records():
    call_command("seed_demo_data", count=1000, seed=1)
    assert ContactmomentDetails.objects.count() == 1000
    assert Bron.objects.exists()
    for details in ContactmomentDetails.objects.all()[:200]:
        details.full_clean()
        assert timedelta(minutes=1) <= details.gespreksduur <= timedelta(minutes=20)
        local = timezone.localtime(details.startdatum)
        assert local.weekday() < 5
        assert 8 <= local.hour < 18
        if details.bronnen.exists():
            assert details.vraag == details.bronnen.first().titel
    # several questions per conversation share a gespreksId
    ids = list(ContactmomentDetails.objects.values_list("gespreks_id", flat=True))
    assert len(set(ids)) < len(ids)
    assert ContactmomentDetails.objects.values("verantwoordelijke_afdeling").distinct().count() > 3


def test_every_field_is_stored_in_its_own_column():
    # The COPY lines are written in a fixed order and their columns come from DETAIL_FIELDS:
    # a field list in another order would store values in the wrong columns.
    from contactmomenten.demo.generator import demo_records

    made = list(demo_records(50, van=date(2026, 3, 2), tot=date(2026, 3, 6), rng=random.Random(4)))
    bulk.demo_records_write(iter(made), len(made), history=True)

    stored = {d.contactmoment: d for d in ContactmomentDetails.objects.prefetch_related("bronnen")}
    history = {h.contactmoment: h for h in ContactmomentDetails.history.all()}
    for record in made:
        details = stored[record.contactmoment]
        for field in (f for f in DETAIL_FIELDS if f not in ("startdatum", "einddatum")):
            assert getattr(details, field) == getattr(record, field), field
        assert str(details.uuid) == record.uuid
        assert (details.startdatum, details.einddatum) == (record.startdatum(), record.einddatum())
        assert [(b.soort, b.titel, b.url) for b in details.bronnen.all()] == [
            tuple(b) for b in record.bronnen
        ]
        assert history[record.contactmoment].vraag == record.vraag


def test_uuid4_text_is_the_version_4_uuid_the_uuid_module_makes_of_the_same_bits():
    ours, theirs = random.Random(3), random.Random(3)
    for _ in range(2000):
        text = uuid4_text(ours)
        assert text == str(uuid.UUID(int=theirs.getrandbits(128), version=4))
        assert uuid.UUID(text).version == 4 and uuid.UUID(text).variant == uuid.RFC_4122


def test_records_spread_over_the_weekdays_of_van_to_tot_in_office_hours():
    call_command("seed_demo_data", count=600, seed=2, van="2026-03-23", tot="2026-04-03")  # DST on 29 March

    days = {
        timezone.localdate(start)
        for start in ContactmomentDetails.objects.values_list("startdatum", flat=True)
    }
    assert min(days) >= date(2026, 3, 23) and max(days) <= date(2026, 4, 3)
    assert len(days) == 10  # every weekday, no weekend
    hours = {
        timezone.localtime(s).hour for s in ContactmomentDetails.objects.values_list("startdatum", flat=True)
    }
    assert min(hours) == 8 and max(hours) <= 17


def test_default_period_is_the_year_up_to_today():
    call_command("seed_demo_data", count=300, seed=3)

    today = timezone.localdate()
    starts = ContactmomentDetails.objects.values_list("startdatum", flat=True)
    assert all(today - timedelta(days=366) <= timezone.localdate(s) <= today for s in starts)
    assert (max(starts) - min(starts)).days > 200


@pytest.mark.parametrize("batch_size", [bulk.BATCH_SIZE, 7])  # one batch; 28 and a partial one
def test_every_record_gets_its_initial_history_row_with_its_bronnen(monkeypatch, batch_size):
    monkeypatch.setattr(bulk, "BATCH_SIZE", batch_size)
    call_command("seed_demo_data", count=200, seed=4)

    history = ContactmomentDetails.history.model.objects.all()
    assert history.count() == 200
    assert set(history.values_list("history_type", flat=True)) == {"+"}
    for details in ContactmomentDetails.objects.prefetch_related("bronnen"):
        row = history.get(id=details.pk)
        assert row.history_bronnen == bronnen_snapshot(details.bronnen.all())
        assert (row.contactmoment, row.vraag, row.startdatum) == (
            details.contactmoment,
            details.vraag,
            details.startdatum,
        )


def _seeded() -> list:
    return sorted(
        (d.contactmoment, d.vraag, d.startdatum, [(b.soort, b.titel) for b in d.bronnen.all()])
        for d in ContactmomentDetails.objects.prefetch_related("bronnen")
    )


def test_the_same_seed_gives_the_same_records_whatever_the_batch_size(monkeypatch):
    call_command("seed_demo_data", count=120, seed=9)
    in_one_batch = _seeded()
    ContactmomentDetails.objects.all().delete()

    monkeypatch.setattr(bulk, "BATCH_SIZE", 25)
    call_command("seed_demo_data", count=120, seed=9)

    assert _seeded() == in_one_batch and len(in_one_batch) == 120


def test_without_history_writes_no_history_rows():
    call_command("seed_demo_data", count=50, seed=5, zonder_historie=True)

    assert ContactmomentDetails.objects.count() == 50
    assert not ContactmomentDetails.history.model.objects.exists()


SEEDED_TABLES = (
    "contactmomenten_contactmomentdetails",
    "contactmomenten_bron",
    "contactmomenten_historicalcontactmomentdetails",
)


def indexes_and_keys() -> set:
    """Every index and constraint of the seeded tables; on PostgreSQL with its definition
    (a foreign key must come back deferrable, as Django made it)."""
    if connection.vendor == "postgresql":
        return indexes_and_constraints(SEEDED_TABLES)
    with connection.cursor() as cursor:
        return {
            (c, info["index"], info["unique"], info["foreign_key"])
            for table in SEEDED_TABLES
            for c, info in connection.introspection.get_constraints(cursor, table).items()
        }


def test_seeding_an_empty_table_keeps_every_index_and_key_and_a_second_seed_adds_to_it():
    before = indexes_and_keys()
    if connection.vendor == "postgresql":
        assert any("DEFERRABLE" in str(item) for item in before)
        assert any("UNIQUE (contactmoment)" in str(item) for item in before)
        assert any("gin_trgm_ops" in str(item) for item in before)

    call_command("seed_demo_data", count=100, seed=6)
    call_command("seed_demo_data", count=100, seed=7)

    assert indexes_and_keys() == before
    assert ContactmomentDetails.objects.count() == 200


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"count": 0}, "--count moet minimaal 1 zijn"),
        ({"van": "2026-13-01"}, "Ongeldige datum"),
        ({"van": "2026-05-02", "tot": "2026-05-01"}, "--tot mag niet voor --van liggen"),
        ({"van": "2026-05-02", "tot": "2026-05-03"}, "geen werkdag"),
    ],
)
def test_bad_options_are_refused_in_dutch(options, message):
    with pytest.raises(CommandError, match=message):
        call_command("seed_demo_data", **options)
    assert not ContactmomentDetails.objects.exists()
