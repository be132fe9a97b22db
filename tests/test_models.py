"""The data model holds on its own: the database refuses what must never be stored."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from contactmomenten.models import Bron, ContactmomentDetails
from tests.factories import BronFactory, ContactmomentDetailsFactory

pytestmark = pytest.mark.django_db


def test_duplicate_contactmoment_is_refused_by_the_database():
    existing = ContactmomentDetailsFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactmomentDetailsFactory(contactmoment=existing.contactmoment)
    assert ContactmomentDetails.objects.filter(contactmoment=existing.contactmoment).count() == 1


def test_einddatum_before_startdatum_is_refused_by_the_database():
    details = ContactmomentDetailsFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactmomentDetails.objects.filter(pk=details.pk).update(
            einddatum=details.startdatum - timedelta(seconds=1)
        )


def test_einddatum_equal_to_startdatum_is_allowed():
    details = ContactmomentDetailsFactory()
    details.einddatum = details.startdatum
    details.save()
    assert details.gespreksduur == timedelta(0)


def test_bronnen_are_deleted_with_their_record():
    details = ContactmomentDetailsFactory(bronnen=3)
    other = BronFactory()
    details.delete()
    assert list(Bron.objects.all()) == [other]


@pytest.mark.parametrize("gespreks_id", ["met spatie", "ümlaut", "a/b", "x" * 65])
def test_invalid_gespreks_id_is_rejected_by_model_validation(gespreks_id):
    details = ContactmomentDetailsFactory.build(gespreks_id=gespreks_id)
    with pytest.raises(ValidationError) as exc:
        details.full_clean()
    assert "gespreks_id" in exc.value.message_dict


@pytest.mark.parametrize("gespreks_id", ["V1StGXR8_Z5jdHi6B-myT", "3f2b8c1e-4f6a-4e0b-9a57-2b7d1c9e0a11", ""])
def test_nanoid_uuid_and_empty_gespreks_id_are_valid(gespreks_id):
    ContactmomentDetailsFactory.build(gespreks_id=gespreks_id).full_clean()


def test_gespreksduur_is_derived_from_start_and_end():
    details = ContactmomentDetailsFactory()
    details.einddatum = details.startdatum + timedelta(minutes=4, seconds=5)
    assert details.gespreksduur == timedelta(minutes=4, seconds=5)


def test_str_names_the_vraag_and_local_start():
    details = ContactmomentDetailsFactory(vraag="Paspoort aanvragen")
    assert str(details).startswith("Paspoort aanvragen (")


def test_bronnen_keep_their_order():
    details = ContactmomentDetailsFactory()
    titels = ["Eerste", "Tweede", "Derde"]
    for titel in titels:
        BronFactory(contactmomentdetails=details, titel=titel)
    assert [b.titel for b in details.bronnen.all()] == titels
