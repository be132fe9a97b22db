"""How fast the admin list of contactmomentdetails opens on a large table.

Seeds N rows (``demo_data_create``) into a throwaway database, runs ANALYZE (as autovacuum
would), then times admin pages as a superuser: the plain list, a filter, a search, a date
hierarchy drill-down and the gesprek view. Prints milliseconds and query counts per page and
the ratio to the same pages on a table of N/100 rows (flat means no whole-table scans).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/bench_changelist.py --count 1000000
"""

import argparse
import time

from common import bench_database, django_setup

URL = "/admin/contactmomenten/contactmomentdetails/"


def pages(gespreks_id: str, year: int, month: int) -> dict:
    return {
        "lijst": (URL, {}),
        "filter afdeling": (URL, {"verantwoordelijke_afdeling": "Burgerzaken"}),
        "filter + zoeken": (URL, {"gespreksresultaat": "Doorverbonden", "q": "paspoort"}),
        "datum: maand": (URL, {"startdatum__year": year, "startdatum__month": month}),
        "gesprek": (f"{URL}gesprek/{gespreks_id}/", {}),
    }


def measure(client) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from contactmomenten.models import ContactmomentDetails

    newest = ContactmomentDetails.objects.order_by("-startdatum").first()
    results = {}
    for name, (url, params) in pages(
        newest.gespreks_id, newest.startdatum.year, newest.startdatum.month
    ).items():
        client.get(url, params)  # warm caches (filter choices), as for a second visitor
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url, params)
            elapsed = time.perf_counter() - started
        assert response.status_code == 200, (name, response.status_code)
        results[name] = (elapsed * 1000, len(queries))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200_000, help="rows in the large table")
    args = parser.parse_args()
    django_setup()

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from contactmomenten.demo import demo_data_create

    setup_test_environment()
    with bench_database("changelist"):
        get_user_model().objects.create_superuser("bench", "bench@example.nl", "bench-wachtwoord-123")
        client = Client()
        client.force_login(get_user_model().objects.get(username="bench"))
        measured = {}
        seeded = 0
        for size in (max(1, args.count // 100), args.count):
            demo_data_create(size - seeded, seed=size)
            seeded = size
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            measured[size] = measure(client)
    small, large = (measured[k] for k in sorted(measured))
    for name in large:
        (ms_small, q_small), (ms_large, q_large) = small[name], large[name]
        print(
            f"{name:<16} {ms_large:7.0f} ms ({q_large} queries) bij {seeded} rijen; "
            f"{ms_small:5.0f} ms ({q_small}) bij {seeded // 100}; ratio {ms_large / ms_small:.1f}"
        )


if __name__ == "__main__":
    main()
