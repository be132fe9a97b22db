"""Memory and speed of the streamed CSV (or XLSX) export through the admin, at growing row counts.

Seeds N rows (``demo_data_create``) into a throwaway database, then, in a fresh child
process per size, requests the admin export button as a superuser and consumes the
streamed response chunk by chunk. Prints rows, seconds, time to the first chunk, and the
peak RSS of the child; the ratio of peak RSS at the largest and smallest size shows that
memory stays flat (issue 5: well under 300 MB for 1,000,000 rows).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/bench_export.py --count 1000000
        .venv/bin/python bench/bench_export.py --count 200000 --format xlsx
"""

import argparse
import json
import resource
import subprocess
import sys
import time

from common import bench_database, django_setup


def export_once(limit: int, fmt: str) -> dict:
    """In this (child) process: stream the export of the first ``limit`` rows."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import setup_test_environment

    from contactmomenten.models import ContactmomentDetails

    setup_test_environment()  # allows the test client's host name
    user = get_user_model().objects.get(username="bench")
    client = Client()
    client.force_login(user)
    # The newest ``limit`` rows: a date-hierarchy-like filter on startdatum, as an analyst would.
    boundary = ContactmomentDetails.objects.order_by("-startdatum", "-id").values_list(
        "startdatum", flat=True
    )
    since = boundary[limit - 1]
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    response = client.get(
        f"/admin/contactmomenten/contactmomentdetails/export/{fmt}/", {"startdatum__gte": since.isoformat()}
    )
    first_chunk = None
    size = lines = 0
    for chunk in response.streaming_content:
        if first_chunk is None:
            first_chunk = time.perf_counter() - started
        size += len(chunk)
        lines += chunk.count(b"\n")
    return {
        # An XLSX is a zip: its newlines say nothing, so report the rows asked for.
        "rows": lines - 1 if fmt == "csv" else limit,
        "seconds": time.perf_counter() - started,
        "first_chunk": first_chunk,
        "megabytes": size / 1e6,
        "baseline_rss_mb": baseline / 1024,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200_000, help="rows to seed (largest export)")
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv", help="export format")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    args = parser.parse_args()
    django_setup()

    if args.child:
        from django.conf import settings
        from django.db import connection

        settings.DATABASES["default"]["NAME"] = args.database
        connection.settings_dict["NAME"] = args.database
        print(json.dumps(export_once(args.child, args.format)))
        return

    from django.contrib.auth import get_user_model

    from contactmomenten.demo import demo_data_create

    with bench_database("export") as database:
        started = time.perf_counter()
        demo_data_create(args.count, seed=5)
        print(f"{args.count} rijen geseed in {time.perf_counter() - started:.1f} s")
        get_user_model().objects.create_superuser("bench", "bench@example.nl", "bench-wachtwoord-123")
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        results = []
        for limit in sorted({max(1, args.count // 100), max(1, args.count // 10), args.count}):
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    str(limit),
                    "--database",
                    database,
                    "--format",
                    args.format,
                ],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            result = json.loads(out.strip().splitlines()[-1])
            results.append(result)
            print(
                f"{result['rows']:>9} rijen: {result['seconds']:6.1f} s, eerste chunk na "
                f"{result['first_chunk'] * 1000:5.0f} ms, "
                f"{result['megabytes']:7.1f} MB {args.format.upper()}, "
                f"RSS {result['baseline_rss_mb']:.0f} -> piek {result['peak_rss_mb']:.0f} MB"
            )
    smallest, largest = results[0], results[-1]
    print(
        f"ratio piek-RSS grootste/kleinste export: {largest['peak_rss_mb'] / smallest['peak_rss_mb']:.2f} "
        f"bij {largest['rows'] / max(1, smallest['rows']):.0f}x zoveel rijen"
    )


if __name__ == "__main__":
    main()
