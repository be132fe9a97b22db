"""``seed_demo_data`` makes valid, realistic records for demos and benchmarks."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from contactmomenten.models import Bron, ContactmomentDetails

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
    # several questions per conversation share a gespreksId
    ids = list(ContactmomentDetails.objects.values_list("gespreks_id", flat=True))
    assert len(set(ids)) < len(ids)
    assert ContactmomentDetails.objects.values("verantwoordelijke_afdeling").distinct().count() > 3


def test_seed_demo_data_refuses_a_count_below_one():
    with pytest.raises(CommandError):
        call_command("seed_demo_data", count=0)
