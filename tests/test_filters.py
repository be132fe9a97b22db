"""ContactmomentDetailsFilterSet on its own (no view, no request): the admin export and the
statistieken reuse it, so it must filter correctly from a plain QueryDict."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.http import QueryDict

from contactmomenten.filters import (
    ContactmomentDetailsFilterSet,
    datum_of_datumtijd,
    privacy_filters_refused,
)
from contactmomenten.models import ContactmomentDetails
from tests.factories import BronFactory, ContactmomentDetailsFactory

AMS = ZoneInfo("Europe/Amsterdam")
UTC = ZoneInfo("UTC")

pytestmark = pytest.mark.django_db


def filtered(query: str):
    filterset = ContactmomentDetailsFilterSet(QueryDict(query), queryset=ContactmomentDetails.objects.all())
    assert filterset.is_valid(), filterset.errors
    return list(filterset.qs)


def errors(query: str) -> dict:
    filterset = ContactmomentDetailsFilterSet(QueryDict(query), queryset=ContactmomentDetails.objects.all())
    assert not filterset.is_valid()
    return filterset.errors


def at(*args, tz=AMS, minutes=5):
    start = datetime(*args, tzinfo=tz)
    return {"startdatum": start, "einddatum": start + timedelta(minutes=minutes)}


def test_date_only_means_start_of_that_day_in_amsterdam():
    # 2024-03-01 00:00 in Amsterdam is 2024-02-29 23:00 UTC.
    before = ContactmomentDetailsFactory(**at(2024, 2, 29, 22, 30, tz=UTC))
    after = ContactmomentDetailsFactory(**at(2024, 2, 29, 23, 30, tz=UTC))
    assert filtered("startdatum__gte=2024-03-01") == [after]
    assert filtered("startdatum__lt=2024-03-01") == [before]


def test_date_only_follows_summer_time():
    # 2024-07-01 00:00 in Amsterdam (CEST) is 2024-06-30 22:00 UTC.
    before = ContactmomentDetailsFactory(**at(2024, 6, 30, 21, 59, tz=UTC))
    after = ContactmomentDetailsFactory(**at(2024, 6, 30, 22, 0, tz=UTC))
    assert filtered("startdatum__gte=2024-07-01") == [after]
    assert filtered("startdatum__lt=2024-07-01") == [before]


def test_datetime_with_offset_is_exact():
    early = ContactmomentDetailsFactory(**at(2024, 3, 1, 9, 59))
    late = ContactmomentDetailsFactory(**at(2024, 3, 1, 10, 0))
    assert filtered("startdatum__gte=2024-03-01T09:00:00Z") == [late]
    assert filtered("startdatum__lt=2024-03-01T10:00:00%2B01:00") == [early]
    # An unencoded '+' arrives as a space; it still means +01:00.
    assert filtered("startdatum__lt=2024-03-01T10:00:00+01:00") == [early]


def test_einddatum_range():
    short = ContactmomentDetailsFactory(**at(2024, 3, 1, 10, 0, minutes=5))
    long = ContactmomentDetailsFactory(**at(2024, 3, 1, 10, 0, minutes=50))
    assert filtered("einddatum__gte=2024-03-01T10:30:00%2B01:00") == [long]
    assert filtered("einddatum__lt=2024-03-01T10:30:00%2B01:00") == [short]


@pytest.mark.parametrize(
    "value",
    ["gisteren", "2024-13-01", "2024-02-30", "2024-03-01T25:00:00", "1709280000"],
)
def test_wrong_datetime_is_an_error_not_an_empty_result(value):
    ContactmomentDetailsFactory()
    assert "startdatum__gte" in errors(f"startdatum__gte={value}")


def test_naive_datetime_is_amsterdam_time():
    assert datum_of_datumtijd("2024-03-01T10:00:00") == datetime(2024, 3, 1, 10, tzinfo=AMS)
    assert datum_of_datumtijd("2024-03-01") == datetime(2024, 3, 1, tzinfo=AMS)


@pytest.mark.parametrize(
    ("param", "field"),
    [
        ("gespreksresultaat", "gespreksresultaat"),
        ("kanaal", "kanaal"),
        ("gespreksId", "gespreks_id"),
        ("contactmoment", "contactmoment"),
        ("verantwoordelijkeAfdeling", "verantwoordelijke_afdeling"),
    ],
)
def test_exact_text_filters(param, field):
    wanted = ContactmomentDetailsFactory(**{field: "gezocht-1"})
    ContactmomentDetailsFactory(**{field: "gezocht-12"})
    assert filtered(f"{param}=gezocht-1") == [wanted]


def test_afdeling_icontains():
    burgerzaken = ContactmomentDetailsFactory(verantwoordelijke_afdeling="Burgerzaken")
    ContactmomentDetailsFactory(verantwoordelijke_afdeling="Parkeren")
    assert filtered("verantwoordelijkeAfdeling__icontains=ZAKEN") == [burgerzaken]
    assert filtered("verantwoordelijkeAfdeling=burgerzaken") == []


def test_bron_soort_gives_each_record_once():
    two_vacs = ContactmomentDetailsFactory()
    BronFactory.create_batch(2, contactmomentdetails=two_vacs, soort="vac")
    BronFactory(contactmomentdetails=two_vacs, soort="website")
    one_vac = ContactmomentDetailsFactory()
    BronFactory(contactmomentdetails=one_vac, soort="vac")
    ContactmomentDetailsFactory(bronnen=0)
    result = filtered("bronSoort=vac")
    assert sorted(r.pk for r in result) == sorted([two_vacs.pk, one_vac.pk])
    filterset = ContactmomentDetailsFilterSet(
        QueryDict("bronSoort=vac"), queryset=ContactmomentDetails.objects.all()
    )
    sql = str(filterset.qs.query).upper()
    assert "EXISTS" in sql and "DISTINCT" not in sql


def test_filters_combine_with_and():
    hit = ContactmomentDetailsFactory(
        kanaal="telefoon", verantwoordelijke_afdeling="Burgerzaken", **at(2024, 3, 2, 9)
    )
    BronFactory(contactmomentdetails=hit, soort="kennisartikel")
    ContactmomentDetailsFactory(kanaal="telefoon", verantwoordelijke_afdeling="Parkeren", **at(2024, 3, 2, 9))
    ContactmomentDetailsFactory(kanaal="balie", verantwoordelijke_afdeling="Burgerzaken", **at(2024, 3, 2, 9))
    ContactmomentDetailsFactory(
        kanaal="telefoon", verantwoordelijke_afdeling="Burgerzaken", **at(2024, 2, 1, 9)
    )
    query = (
        "kanaal=telefoon&verantwoordelijkeAfdeling=Burgerzaken&startdatum__gte=2024-03-01"
        "&startdatum__lt=2024-04-01&bronSoort=kennisartikel"
    )
    assert filtered(query) == [hit]


def test_default_order_is_newest_first_with_id_tie_breaker():
    same = at(2024, 3, 1, 10)
    first, second = ContactmomentDetailsFactory(**same), ContactmomentDetailsFactory(**same)
    newest = ContactmomentDetailsFactory(**at(2024, 3, 2, 10))
    assert filtered("") == [newest, second, first]
    assert filtered("ordering=startdatum") == [first, second, newest]


def test_order_by_gespreksduur():
    long = ContactmomentDetailsFactory(**at(2024, 3, 1, 10, minutes=30))
    short = ContactmomentDetailsFactory(**at(2024, 3, 2, 10, minutes=1))
    middle = ContactmomentDetailsFactory(**at(2024, 3, 3, 10, minutes=10))
    assert filtered("ordering=gespreksduur") == [short, middle, long]
    assert filtered("ordering=-gespreksduur") == [long, middle, short]


@pytest.mark.parametrize(
    ("ordering", "field"),
    [
        ("einddatum", "einddatum"),
        ("verantwoordelijkeAfdeling", "verantwoordelijke_afdeling"),
        ("gewijzigd", "gewijzigd"),
    ],
)
def test_order_by_other_fields(ordering, field):
    records = [ContactmomentDetailsFactory(verantwoordelijke_afdeling=name) for name in ("B", "C", "A")]
    expected = sorted(records, key=lambda r: (getattr(r, field), r.pk))
    assert filtered(f"ordering={ordering}") == expected
    assert filtered(f"ordering=-{ordering}") == expected[::-1]


def test_multiple_orderings_and_unknown_ordering():
    a = ContactmomentDetailsFactory(verantwoordelijke_afdeling="A", **at(2024, 3, 1, 10))
    b = ContactmomentDetailsFactory(verantwoordelijke_afdeling="A", **at(2024, 3, 2, 10))
    c = ContactmomentDetailsFactory(verantwoordelijke_afdeling="B", **at(2024, 3, 3, 10))
    assert filtered("ordering=verantwoordelijkeAfdeling,-startdatum") == [b, a, c]
    assert "ordering" in errors("ordering=kanaal")
    assert "ordering" in errors("ordering=verantwoordelijke_afdeling")


def test_emailadres_kcm_filter_only_for_roles_that_see_it():
    assert privacy_filters_refused(QueryDict("emailadresKcm=a@b.nl"), "analist") == ["emailadresKcm"]
    assert privacy_filters_refused(QueryDict("emailadresKcm=a@b.nl"), None) == ["emailadresKcm"]
    assert privacy_filters_refused(QueryDict("emailadresKcm=a@b.nl"), "kcm") == []
    assert privacy_filters_refused(QueryDict("emailadresKcm=a@b.nl"), "beheerder") == []
    assert privacy_filters_refused(QueryDict("kanaal=telefoon"), "analist") == []


def test_emailadres_kcm_filter_matches_what_the_requesting_role_sees(rf, beheerder_user):
    wanted = ContactmomentDetailsFactory(emailadres_kcm="Piet@example.nl")
    ContactmomentDetailsFactory(emailadres_kcm="piet@example.nl.invalid")
    request = rf.get("/")
    request.user = beheerder_user
    query = QueryDict("emailadresKcm=piet@EXAMPLE.nl")
    with_request = ContactmomentDetailsFilterSet(query, ContactmomentDetails.objects.all(), request=request)
    assert list(with_request.qs) == [wanted]
    # Without a request nobody is known to see the field: the filter matches nothing.
    assert filtered("emailadresKcm=piet@example.nl") == []
