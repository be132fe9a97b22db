"""Issue 11 §3 at full size: against ``make serve`` (gunicorn) and ``make run`` (runserver),
each on a throwaway, migrated ``bench_load`` database next to ``DATABASE_URL``: 16 concurrent
clients, each request on a fresh connection, PUT ``--count`` (10,000) distinct records, then
50 concurrent PUTs of the same 5 ids with different bronnen. Prints rows, errors and PUTs per
second per server; exits 1 unless rows == count, 0 errors, and 5 records each with the
bronnen of exactly one write. (tests/serving/test_load.py runs the same on a small scale.)

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/load.py
"""

import argparse
import sys

from common import ROOT, bench_database, django_setup

sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()

    django_setup()
    from contactmomenten.services import api_token_create
    from tests.serving.load import put_distinct_records, put_same_ids
    from tests.serving.server import database_url, gunicorn_server, runserver_server

    ok = True
    with bench_database("load"):
        database = database_url()
        key = api_token_create(name="KISS belasting", role="kcm")[1]
        for label, server in (("make serve", gunicorn_server), ("make run", runserver_server)):
            with server(database=database) as base_url:
                result, rows = put_distinct_records(base_url, key, count=args.count, clients=args.clients)
                same, stored, written = put_same_ids(base_url, key, writes=50, ids=5)
            mixed = [c for c, urls in stored.items() if urls not in written[c]]
            errors = sum(result.errors.values())
            passed = rows == args.count and not errors and not same.errors and len(stored) == 5 and not mixed
            ok = ok and passed
            print(
                f"{label}: {args.count} PUTs by {args.clients} clients in {result.seconds:.1f} s "
                f"= {result.per_second:.0f} PUTs/s; rows {rows}, errors {errors}"
                f"{' ' + str(dict(result.errors)) if result.errors else ''}; "
                f"same 5 ids x 50: {len(stored)} records, {len(mixed)} mixed, errors {dict(same.errors) or 0}"
                f" -> {'PASS' if passed else 'FAIL'}",
                flush=True,
            )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
