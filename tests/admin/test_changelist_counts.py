"""The contactmomentdetails list tells the truth about its size: exact counts up to the cap,
marked estimates above it (PostgreSQL) or exact counts (other databases), a page past the
last shows the last page with a message, and the last real page is always reachable."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contactmomenten.admin.changelist import EstimatedCountPaginator
from contactmomenten.admin.contactmomentdetails import ContactmomentDetailsAdmin
from contactmomenten.models import ContactmomentDetails
from contactmomenten.templatetags.kiss_admin import kiss_aantal
from tests.admin.helpers import CHANGELIST_URL
from tests.conftest import requires_postgres
from tests.factories import ContactmomentDetailsFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_pages(monkeypatch):
    """Two records per page and a count cap of 3, so a handful of records behave like millions."""
    monkeypatch.setattr(ContactmomentDetailsAdmin, "list_per_page", 2)
    monkeypatch.setattr(EstimatedCountPaginator, "count_cap", 3)


def make_records(count, **fields):
    return ContactmomentDetailsFactory.create_batch(count, verantwoordelijke_afdeling="Burgerzaken", **fields)


def analyze():
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {ContactmomentDetails._meta.db_table}")


def paginator_text(response) -> str:
    return " ".join(response.text.split('<p class="paginator">')[1].split("</p>")[0].split())


def test_counts_are_written_the_dutch_way_and_estimates_say_ca():
    assert kiss_aantal(20000) == "20.000"
    assert kiss_aantal(1) == "1"
    assert kiss_aantal(19873, "estimate") == "ca. 20.000"
    assert kiss_aantal(1_234_567, "estimate") == "ca. 1.200.000"
    assert kiss_aantal(42, "estimate") == "ca. 42"


def test_page_past_the_last_shows_the_last_page_with_a_message(admin_client_for, small_pages):
    make_records(3)
    oldest = ContactmomentDetails.objects.order_by("startdatum").first()

    response = admin_client_for("analist").get(CHANGELIST_URL, {"p": 9})

    assert response.status_code == 200
    cl = response.context["cl"]
    assert cl.page_num == 2
    assert list(cl.result_list) == [oldest]
    assert '<span class="this-page">2</span>' in response.text
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Pagina 9 bestaat niet: u ziet de laatste pagina (2)."
    ]
    assert "3 contactmomentdetails" in paginator_text(response)


def test_page_past_the_only_page_says_so(admin_client_for):
    make_records(1)

    response = admin_client_for("analist").get(CHANGELIST_URL, {"p": 4})

    assert response.status_code == 200 and len(response.context["cl"].result_list) == 1
    assert "Pagina 4 bestaat niet" in response.text


def test_without_estimates_the_count_above_the_cap_is_exact(admin_client_for, small_pages, monkeypatch):
    """SQLite (and any database without row estimates) counts exactly: the 20,000-records case."""
    make_records(5)
    monkeypatch.setattr(connection, "vendor", "sqlite")

    response = admin_client_for("analist").get(CHANGELIST_URL, {"verantwoordelijke_afdeling": "Burgerzaken"})

    cl = response.context["cl"]
    assert (cl.result_count, cl.paginator.count_kind, cl.paginator.num_pages) == (5, "exact", 3)
    assert "5 contactmomentdetails" in paginator_text(response)
    assert "5 resultaten" in response.text and "ca." not in paginator_text(response)


@requires_postgres
def test_unfiltered_count_above_the_cap_is_the_marked_postgres_estimate(admin_client_for, small_pages):
    make_records(6)
    analyze()

    response = admin_client_for("analist").get(CHANGELIST_URL)

    cl = response.context["cl"]
    assert (cl.result_count, cl.paginator.count_kind) == (6, "estimate")
    assert "ca. 6 contactmomentdetails" in paginator_text(response)
    assert "Alle ca. 6 contactmomentdetails selecteren" in response.text


@requires_postgres
def test_filtered_count_above_the_cap_is_a_marked_planner_estimate(admin_client_for, small_pages):
    make_records(8)
    ContactmomentDetailsFactory(verantwoordelijke_afdeling="Parkeren")
    analyze()

    response = admin_client_for("analist").get(CHANGELIST_URL, {"verantwoordelijke_afdeling": "Burgerzaken"})

    cl = response.context["cl"]
    assert cl.paginator.count_kind == "estimate"
    assert cl.result_count > 3  # never below what was seen: more than the cap
    assert f"ca. {cl.result_count} resultaten" in response.text


@requires_postgres
def test_last_real_page_is_reachable_when_the_estimate_is_too_low(admin_client_for, small_pages):
    make_records(6)
    analyze()  # the estimate says 6 rows: 3 pages
    make_records(4)  # 10 rows: 5 pages
    client = admin_client_for("analist")
    assert client.get(CHANGELIST_URL).context["cl"].paginator.num_pages == 3

    at_estimated_end = client.get(CHANGELIST_URL, {"p": 3})
    last = client.get(CHANGELIST_URL, {"p": 5})

    cl = at_estimated_end.context["cl"]
    assert (cl.page_num, cl.result_count, cl.paginator.count_kind) == (3, 10, "exact")
    assert "p=5" in at_estimated_end.text and "10 contactmomentdetails" in paginator_text(at_estimated_end)
    oldest = list(ContactmomentDetails.objects.order_by("startdatum", "id")[:2])
    assert list(last.context["cl"].result_list) == oldest[::-1]


@requires_postgres
def test_page_past_the_end_of_an_estimate_shows_the_real_last_page(admin_client_for, small_pages):
    make_records(10)
    analyze()
    ContactmomentDetails.objects.order_by("startdatum")[:1].get().delete()  # 9 rows: 5 pages

    response = admin_client_for("analist").get(CHANGELIST_URL, {"p": 50})

    cl = response.context["cl"]
    assert (cl.page_num, cl.result_count, len(cl.result_list)) == (5, 9, 1)
    assert "Pagina 50 bestaat niet: u ziet de laatste pagina (5)." in response.text


@requires_postgres
def test_a_search_expected_to_match_far_more_than_the_cap_is_not_counted(admin_client_for, small_pages):
    """A frequent search term at a million rows: the planner's estimate alone, no COUNT."""
    make_records(40, vraag="Paspoort aanvragen")
    analyze()  # the planner expects 40 matches: more than 5x the cap of 3

    with CaptureQueriesContext(connection) as captured:
        response = admin_client_for("analist").get(CHANGELIST_URL, {"q": "paspoort"})

    cl = response.context["cl"]
    assert (cl.result_count, cl.paginator.count_kind) == (40, "estimate")
    assert "ca. 40 resultaten" in response.text
    counts = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT COUNT(")]
    assert [sql for sql in counts if "contactmomentdetails" in sql] == []
