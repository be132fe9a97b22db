"""A superuser can browse, search, filter and correct contactmomentdetails in the admin."""

import pytest
from django.urls import reverse

from contactmomenten.models import ContactmomentDetails
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


def test_changelist_startdatum_filter_and_date_hierarchy_render(admin_client, records):
    start = records[0].startdatum
    response = admin_client.get(CHANGELIST, {"startdatum__year": start.year})
    assert response.status_code == 200


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
    url = reverse("admin:contactmomenten_contactmomentdetails_change", args=[details.pk])
    response = admin_client.get(url)
    data = _form_data(response)
    data["gespreksresultaat"] = "Zelfstandig afgehandeld"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    details.refresh_from_db()
    assert details.gespreksresultaat == "Zelfstandig afgehandeld"
    assert ContactmomentDetails.objects.count() == 1


def _form_data(response):
    """The POST data the rendered change form would submit, inlines included."""
    data = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        if isinstance(field.widget.__class__, type) and hasattr(field.widget, "decompress"):
            for i, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{i}"] = part if part is not None else ""
        else:
            data[name] = value
    for formset in response.context["inline_admin_formsets"]:
        fs = formset.formset
        for key, value in fs.management_form.initial.items():
            data[f"{fs.prefix}-{key}"] = value
        for subform in fs.forms:
            for name in subform.fields:
                value = subform[name].value()
                if value is not None:
                    data[subform.add_prefix(name)] = value
    return data
