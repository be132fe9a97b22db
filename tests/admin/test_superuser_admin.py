"""A superuser can browse, search, filter and correct contactmomentdetails in the admin."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from contactmomenten.models import ContactmomentDetails
from tests.admin.helpers import change_url, form_data
from tests.factories import BronFactory, ContactmomentDetailsFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:contactmomenten_contactmomentdetails_changelist")


@pytest.fixture
def records():
    return [
        ContactmomentDetailsFactory(
            gespreksresultaat="Doorverbonden", verantwoordelijke_afdeling="Belastingen", kanaal="telefoon"
        ),
        ContactmomentDetailsFactory(
            gespreksresultaat="Zelfstandig afgehandeld",
            verantwoordelijke_afdeling="Burgerzaken",
            kanaal="balie",
        ),
    ]


def test_changelist_renders_with_records(admin_client, records):
    response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    assert records[0].vraag in response.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"gespreksresultaat": "Doorverbonden"}, 0),
        ({"verantwoordelijke_afdeling": "Burgerzaken"}, 1),
        ({"kanaal": "telefoon"}, 0),
    ],
)
def test_changelist_filters_select_matching_records(admin_client, records, query, expected):
    response = admin_client.get(CHANGELIST, query)
    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    assert shown == [records[expected]]


def test_startdatum_list_filter_selects_the_chosen_period(admin_client):
    now = timezone.now()
    # The "Vandaag" choice of Django's date filter sends these two parameters.
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    # Today in Amsterdam at any hour the test runs (now - 5 minutes is yesterday at 00:02).
    today = ContactmomentDetailsFactory(startdatum=start, einddatum=now)
    ContactmomentDetailsFactory(startdatum=now - timedelta(days=40), einddatum=now - timedelta(days=40))
    response = admin_client.get(
        CHANGELIST,
        {"startdatum__gte": start.isoformat(), "startdatum__lt": (start + timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [today]


def test_gespreksduur_column_sorts_by_duration(admin_client):
    now = timezone.now()
    lang = ContactmomentDetailsFactory(
        startdatum=now - timedelta(minutes=30), einddatum=now - timedelta(minutes=10)
    )
    kort = ContactmomentDetailsFactory(
        startdatum=now - timedelta(minutes=5), einddatum=now - timedelta(minutes=4)
    )
    middel = ContactmomentDetailsFactory(
        startdatum=now - timedelta(minutes=60), einddatum=now - timedelta(minutes=52)
    )
    # Column 2 of list_display is the gespreksduur; einddatum order would be lang, middel, kort.
    response = admin_client.get(CHANGELIST, {"o": "2"})
    assert list(response.context["cl"].result_list) == [kort, middel, lang]
    response = admin_client.get(CHANGELIST, {"o": "-2"})
    assert list(response.context["cl"].result_list) == [lang, middel, kort]


@pytest.mark.parametrize("param", ["gespreksresultaat", "verantwoordelijke_afdeling", "kanaal"])
def test_filter_value_with_a_nul_byte_shows_an_empty_list_not_an_error(admin_client, records, param):
    response = admin_client.get(CHANGELIST, {param: "Burger\x00zaken"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


@pytest.mark.parametrize("field", ["vraag", "gespreks_id", "contactmoment", "specifieke_vraag"])
def test_search_finds_a_record_by_each_searchable_field(admin_client, records, field):
    target = records[1]
    target.specifieke_vraag = "Wanneer komt de vuilniswagen in de Dorpsstraat?"
    target.vraag = "Uniekevraagtitel"
    target.save()
    term = {
        "vraag": "Uniekevraagtitel",
        "gespreks_id": target.gespreks_id,
        "contactmoment": target.contactmoment,
        "specifieke_vraag": "Dorpsstraat",
    }[field]
    response = admin_client.get(CHANGELIST, {"q": term})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [target]


@pytest.mark.parametrize(
    ("term", "found"),
    [
        ("3F2504E0-4F89-11D3-9A0C-0305E82C3301", True),  # the klantcontact UUID, any case
        ("klantcontacten/3f2504e0-4f89-11d3-9a0c-0305e82c3301", True),
        ("HTTPS://OPENKLANT.EXAMPLE.NL/klantcontacten/3f2504e0-4f89-11d3-9a0c-0305e82c3301", True),
        ("openklant.example.nl", False),  # not the end of the URL
        ("%3301", False),  # LIKE wildcards are plain characters
        ("_f2504e0-4f89-11d3-9a0c-0305e82c3301", False),
    ],
)
def test_search_finds_a_contactmoment_by_its_url_or_the_end_of_it(admin_client, records, term, found):
    target = records[0]
    target.contactmoment = "https://openklant.example.nl/klantcontacten/3f2504e0-4f89-11d3-9a0c-0305e82c3301"
    target.save()
    response = admin_client.get(CHANGELIST, {"q": term})
    assert list(response.context["cl"].result_list) == ([target] if found else [])


def test_search_finds_a_gespreks_id_exactly_not_a_part_of_it(admin_client, records):
    target = records[0]
    assert list(admin_client.get(CHANGELIST, {"q": target.gespreks_id}).context["cl"].result_list) == [target]
    assert list(admin_client.get(CHANGELIST, {"q": target.gespreks_id[:-1]}).context["cl"].result_list) == []


def test_search_help_text_says_what_is_searched(admin_client):
    assert "de UUID van het klantcontact" in admin_client.get(CHANGELIST).text


def test_change_form_shows_bronnen_inline_and_read_only_timestamps(admin_client):
    details = ContactmomentDetailsFactory()
    bron = BronFactory(contactmomentdetails=details, titel="Rijbewijs verlengen")
    response = admin_client.get(
        reverse("admin:contactmomenten_contactmomentdetails_change", args=[details.pk])
    )
    assert response.status_code == 200
    assert bron.titel in response.text
    form = response.context["adminform"].form
    assert "aangemaakt" not in form.fields
    assert "gewijzigd" not in form.fields


def test_add_form_renders(admin_client):
    response = admin_client.get(reverse("admin:contactmomenten_contactmomentdetails_add"))
    assert response.status_code == 200


def test_correction_through_the_change_form_is_saved(admin_client):
    details = ContactmomentDetailsFactory(gespreksresultaat="Doorverbonden")
    response = admin_client.post(
        change_url(details), form_data(details, gespreksresultaat="Zelfstandig afgehandeld")
    )
    assert response.status_code == 302
    details.refresh_from_db()
    assert details.gespreksresultaat == "Zelfstandig afgehandeld"
    assert ContactmomentDetails.objects.count() == 1
