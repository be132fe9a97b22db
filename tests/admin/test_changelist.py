"""The contactmomentdetails list at scale: bounded queries, no whole-table COUNT/DISTINCT,
the columns analysts rely on, and a date hierarchy built from MIN/MAX."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contactmomenten.models import ContactmomentDetails
from tests.admin.helpers import CHANGELIST_URL
from tests.factories import ContactmomentDetailsFactory

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
QUERY = {"verantwoordelijke_afdeling": "Burgerzaken", "q": "Paspoort"}


def make_records(count, **fields):
    return [
        ContactmomentDetailsFactory(
            verantwoordelijke_afdeling="Burgerzaken", vraag="Paspoort aanvragen", bronnen=2, **fields
        )
        for _ in range(count)
    ]


def changelist_queries(client, params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(CHANGELIST_URL, params)
    assert response.status_code == 200
    return response, [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("role", ["analist", "superuser"])
def test_filtered_and_searched_list_uses_a_bounded_number_of_queries(
    admin_client_for, django_assert_max_num_queries, role
):
    client = admin_client_for(role)
    make_records(3)
    client.get(CHANGELIST_URL, QUERY)  # warm the filter-choices cache
    _, few = changelist_queries(client, QUERY)
    make_records(40)

    with django_assert_max_num_queries(len(few)):
        response = client.get(CHANGELIST_URL, QUERY)

    assert len(response.context["cl"].result_list) == 43
    assert response.context["cl"].result_count == 43


def test_list_never_counts_or_scans_distinct_over_the_whole_table(admin_client_for):
    make_records(3)
    client = admin_client_for("beheerder")

    _, queries = changelist_queries(client, {})
    _, cached = changelist_queries(client, {"kanaal": "telefoon"})

    whole_table_counts = [q for q in queries + cached if "COUNT(*)" in q.upper() and "LIMIT" not in q.upper()]
    assert whole_table_counts == []
    assert not any("DISTINCT" in q.upper() for q in cached)  # filter choices come from the cache
    assert not any("DATE_TRUNC" in q.upper() for q in queries + cached)  # date hierarchy from MIN/MAX


def test_columns_show_duration_as_mm_ss_gesprek_link_and_bronnen_count(admin_client_for):
    start = datetime(2026, 1, 5, 10, 0, tzinfo=AMS)
    details = ContactmomentDetailsFactory(
        startdatum=start,
        einddatum=start + timedelta(minutes=7, seconds=5),
        gespreks_id="gesprek-42",
        bronnen=3,
    )

    response = admin_client_for("analist").get(CHANGELIST_URL)

    text = response.text
    assert "07:05" in text
    assert f'href="{CHANGELIST_URL}gesprek/gesprek-42/"' in text
    row = response.context["cl"].result_list[0]
    assert row == details and row.bronnen_aantal == 3
    assert "01-12-2026" not in text and "05-01-2026 10:00" in text  # short local date
    headers = [h["text"] for h in response.context["result_headers"]]
    assert headers[1:] == [
        "startdatum",
        "gespreksduur",
        "vraag",
        "gespreksresultaat",
        "verantwoordelijke afdeling",
        "kanaal",
        "gespreksId",
        "bronnen",
    ]


def test_filter_choices_are_cached_values_of_the_field(admin_client_for):
    ContactmomentDetailsFactory(kanaal="balie")
    client = admin_client_for("beheerder")
    client.get(CHANGELIST_URL)
    ContactmomentDetailsFactory(kanaal="chat")  # appears after the cache expires

    response = client.get(CHANGELIST_URL)

    kanaal_filter = next(f for f in response.context["cl"].filter_specs if f.parameter_name == "kanaal")
    assert [value for value, _ in kanaal_filter.lookup_choices] == ["balie"]


def test_date_hierarchy_offers_only_periods_with_records(admin_client_for):
    for day in (
        datetime(2025, 11, 3, 9, tzinfo=AMS),
        datetime(2026, 1, 5, 9, tzinfo=AMS),
        datetime(2026, 3, 2, 9, tzinfo=AMS),
        # 00:30 in Amsterdam is the day before in UTC: days are Amsterdam days.
        datetime(2026, 3, 4, 0, 30, tzinfo=AMS),
    ):
        ContactmomentDetailsFactory(startdatum=day, einddatum=day + timedelta(minutes=3))
    client = admin_client_for("analist")

    years = client.get(CHANGELIST_URL).text
    months = client.get(CHANGELIST_URL, {"startdatum__year": 2026})
    days = client.get(CHANGELIST_URL, {"startdatum__year": 2026, "startdatum__month": 3})

    assert "startdatum__year=2025" in years and "startdatum__year=2026" in years
    # January and March; February lies between them but has no records.
    assert [f"startdatum__month={m}&" in months.text for m in (1, 2, 3, 4)] == [True, False, True, False]
    assert len(months.context["cl"].result_list) == 3
    offered_days = [d for d in range(1, 32) if f"startdatum__day={d}&" in days.text]
    assert offered_days == [2, 4]
    assert list(days.context["cl"].result_list) == list(
        ContactmomentDetails.objects.filter(startdatum__month=3)
    )


def test_date_hierarchy_probes_periods_within_the_filter(admin_client_for):
    march = datetime(2026, 3, 2, 9, tzinfo=AMS)
    ContactmomentDetailsFactory(startdatum=march, einddatum=march, kanaal="balie")
    ContactmomentDetailsFactory(
        startdatum=march + timedelta(days=5), einddatum=march + timedelta(days=5), kanaal="chat"
    )

    days = admin_client_for("analist").get(
        CHANGELIST_URL, {"startdatum__year": 2026, "startdatum__month": 3, "kanaal": "chat"}
    )

    assert [d for d in range(1, 32) if f"startdatum__day={d}&" in days.text] == [7]
