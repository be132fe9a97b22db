"""Full walks of the two list endpoints over HTTP against PostgreSQL's COPY of the same rows.

Seeds N records (``demo_data_create``) into a throwaway ``bench_walk`` database, VACUUM
ANALYZE, serves it with gunicorn as ``make serve`` does (2 gthread workers) from ``--code``
(default: this checkout; an older checkout gives the "before"), and walks
``/api/contactmomentendetails`` and ``/api/v1/contactmomentdetails`` with pageSize 5000 by
following the ``next`` links. Prints per walk: total, first and last page, the ratio to
``COPY (... bronnen as JSON ...) TO STDOUT`` of the same rows (issue 10 §1), and the size
of each table with its indexes (docs/scaling.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/bench_walk.py --count 200000 [--code /path/to/old/checkout]
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import Request, urlopen

from common import ROOT, bench_database, django_setup

PAGE_SIZE = 5000
COPY_SQL = """
COPY (SELECT d.contactmoment, d.startdatum, d.einddatum, d.gespreksresultaat, d.vraag,
             d.specifieke_vraag, d.emailadres_kcm, d.verantwoordelijke_afdeling, d.gespreks_id,
             d.kanaal,
             (SELECT json_agg(json_build_object('soort', b.soort, 'titel', b.titel, 'url', b.url)
                              ORDER BY b.id)
              FROM contactmomenten_bron b WHERE b.contactmomentdetails_id = d.id)
      FROM contactmomenten_contactmomentdetails d ORDER BY d.startdatum DESC, d.id DESC) TO STDOUT
"""
TABLES = (
    "contactmomenten_contactmomentdetails",
    "contactmomenten_bron",
    "contactmomenten_historicalcontactmomentdetails",
    "contactmomenten_write_log",
)


def copy_seconds() -> float:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor, cursor.cursor.copy(COPY_SQL) as copy:
        for _ in copy:
            pass
    return time.perf_counter() - started


def walk(url: str, key: str) -> dict:
    pages, records = [], 0
    while url:
        started = time.perf_counter()
        with urlopen(Request(url, headers={"Authorization": f"Token {key}"}), timeout=600) as response:
            body = json.loads(response.read())
        pages.append(time.perf_counter() - started)
        records += len(body["results"])
        url = body["next"]
    return {
        "seconds": sum(pages),
        "first": pages[0],
        "last": pages[-1],
        "pages": len(pages),
        "records": records,
    }


def serve(code: Path, database: str, port: int) -> subprocess.Popen:
    from django.conf import settings

    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{database}",
        "SECRET_KEY": "bench-only-not-secret",
        "SECURE_SSL_REDIRECT": "false",
        "PYTHONPATH": str(code),
    }
    command = [sys.executable, "-m", "gunicorn", "kiss_details.wsgi", "--chdir", str(code)]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", "2", "--worker-class", "gthread"]
    command += ["--threads", "4", "--timeout", "600", "--forwarded-allow-ips", ""]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def sizes(count: int) -> list[tuple[str, float, float]]:
    from django.db import connection

    rows = []
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute("SELECT pg_table_size(%s), pg_indexes_size(%s)", [table, table])
            table_bytes, index_bytes = cursor.fetchone()
            per_million = 1_000_000 / count / 2**20
            rows.append((table, table_bytes * per_million, index_bytes * per_million))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200_000, help="records to seed")
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout to serve (before/after)")
    parser.add_argument("--port", type=int, default=20050)
    parser.add_argument("--keep", action="store_true", help="keep bench_walk for a next run")
    args = parser.parse_args()
    django_setup()
    from django.db import connection

    from contactmomenten.demo import demo_data_create
    from contactmomenten.models import ContactmomentDetails
    from contactmomenten.services import api_token_create

    with bench_database("walk", keep=args.keep) as database:
        if ContactmomentDetails.objects.count() != args.count:
            ContactmomentDetails.objects.all().delete()
            started = time.perf_counter()
            demo_data_create(args.count, seed=10)
            print(f"{args.count} records seeded in {time.perf_counter() - started:.0f} s")
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        _, key = api_token_create(name="bench", role="beheerder")
        first, last = ContactmomentDetails.objects.order_by("startdatum").values_list(
            "startdatum", flat=True
        )[:: max(1, args.count - 1)][:2]
        period = (
            f"from={first.isoformat().replace('+00:00', 'Z')}&to={last.isoformat().replace('+00:00', 'Z')}"
        )
        copies = sorted(copy_seconds() for _ in range(3))
        copy = statistics.median(copies)
        print(f"COPY with bronnen JSON: {copy:.2f} s (min {copies[0]:.2f}, max {copies[-1]:.2f})")
        server = serve(args.code, database, args.port)
        base = f"http://127.0.0.1:{args.port}"
        try:
            print(f"code: {args.code}  records: {args.count}  pageSize {PAGE_SIZE}")
            print("| walk | pages | total s | ÷ COPY | first page s | last page s | last ÷ first |")
            print("|---|---|---|---|---|---|---|")
            for name, url in (
                (
                    "/api/contactmomentendetails",
                    f"{base}/api/contactmomentendetails?{period}&pageSize={PAGE_SIZE}",
                ),
                ("/api/v1/contactmomentdetails", f"{base}/api/v1/contactmomentdetails?pageSize={PAGE_SIZE}"),
            ):
                result = walk(url, key)
                assert result["records"] == args.count, result
                ratio, flatness = result["seconds"] / copy, result["last"] / result["first"]
                print(
                    f"| {name} | {result['pages']} | {result['seconds']:.1f} | {ratio:.1f}x "
                    f"| {result['first']:.2f} | {result['last']:.2f} | {flatness:.2f} |"
                )
        finally:
            server.terminate()
            server.wait()
        print("\n| table | table MB per 1M records | indexes MB per 1M records |\n|---|---|---|")
        for table, table_mb, index_mb in sizes(args.count):
            print(f"| {table} | {table_mb:.0f} | {index_mb:.0f} |")


if __name__ == "__main__":
    main()
