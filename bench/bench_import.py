"""``manage.py import_kiss`` on a large upstream source against PostgreSQL's raw COPY of it.

Builds an upstream KISS database (``bench_import_kiss_source``, tables from upstream's DDL,
``--count`` records with 1.5 bronnen each on average, 0.2% bad rows that must be rejected)
next to ``DATABASE_URL``, imports it into a throwaway, migrated ``bench_import_kiss``
database, and prints rows/s of: ``COPY "ContactMomentDetails" TO STDOUT`` (the floor of any
reader), the import without history, the import with history (issue 13: at most 2x slower),
and a re-run (everything unchanged). Writes the table to ``bench/results/import_kiss.md``
and into the README between the import markers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/bench_import.py [--count 1000000]
"""

import argparse
import os
import re
import time
from datetime import UTC, datetime
from io import StringIO
from urllib.parse import urlsplit

import psycopg
from common import ROOT, bench_database, django_setup

SOURCE_NAME = "bench_import_kiss_source"
README_START, README_END = "<!-- bench-import:start -->", "<!-- bench-import:end -->"
RECORDS_SQL = """
INSERT INTO "ContactMomentDetails" ("Id", "Startdatum", "Einddatum", "Gespreksresultaat", "Vraag",
    "SpecifiekeVraag", "EmailadresKcm", "VerantwoordelijkeAfdeling")
SELECT 'https://openklant.example.nl/klantinteracties/api/v2/klantcontacten/' || md5(i::text),
       CASE WHEN i % 1000 = 0 THEN timestamptz '0001-01-01 00:00:00+00' ELSE s END,
       CASE WHEN i % 1000 = 500 THEN s - interval '1 minute'
            ELSE s + (60 + i % 1140) * interval '1 second' END,
       (ARRAY['Zelfstandig afgehandeld', 'Doorverbonden', 'Terugbelverzoek', 'Contactverzoek'])[1 + i % 4],
       'Vraag over ' || (ARRAY['paspoort', 'verhuizing', 'afval', 'parkeren', 'uitkering'])[1 + i % 5],
       CASE WHEN i % 3 = 0 THEN NULL
            ELSE 'De burger vraagt naar zaak ' || i || ' en wil weten hoe lang het duurt.' END,
       'kcm' || (i % 80) || '@gemeente.example.nl',
       (ARRAY['Burgerzaken', 'Belastingen', 'Wonen', 'Werk en inkomen', 'Afval'])[1 + i % 5]
FROM generate_series(1, {count}) AS i,
     LATERAL (SELECT timestamptz '2025-12-01 08:00:00+01' + ((i::bigint * 7919) % 365) * interval '1 day'
                     + ((i * 31) % 32400) * interval '1 second' AS s) AS t
"""
BRONNEN_SQL = """
INSERT INTO "ContactMomentDetailsBronnen" ("ContactmomentDetailsId", "Soort", "Titel", "Url")
SELECT 'https://openklant.example.nl/klantinteracties/api/v2/klantcontacten/' || md5(i::text),
       (ARRAY['kennisartikel', 'vac', 'website', 'werkinstructie'])[1 + (i + k) % 4],
       'Bron ' || ((i * k) % 5000) || ' over ' || (ARRAY['paspoort', 'verhuizing', 'afval'])[1 + i % 3],
       'https://kennisbank.example.nl/artikel/' || ((i * k) % 5000)
FROM generate_series(1, {count}) AS i, generate_series(1, 1 + (i % 2 = 0)::int) AS k
ORDER BY i, k
"""


# import_kiss writes to PostgreSQL only: without DATABASE_URL the local cluster, never SQLite.
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def _url(name: str) -> str:
    base = os.environ["DATABASE_URL"]
    return urlsplit(base)._replace(path=f"/{name}").geturl()


def source_build(count: int) -> float:
    from contactmomenten.kiss_import.source import UPSTREAM_DDL

    started = time.perf_counter()
    with psycopg.connect(_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{SOURCE_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{SOURCE_NAME}"')
    with psycopg.connect(_url(SOURCE_NAME), autocommit=True) as conn:
        conn.execute(UPSTREAM_DDL)
        conn.execute(RECORDS_SQL.format(count=int(count)).encode())
        conn.execute(BRONNEN_SQL.format(count=int(count)).encode())
        conn.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def source_count() -> int | None:
    try:
        with psycopg.connect(_url(SOURCE_NAME)) as conn:
            return conn.execute('SELECT count(*) FROM "ContactMomentDetails"').fetchone()[0]
    except psycopg.Error:
        return None


def copy_seconds() -> float:
    with psycopg.connect(_url(SOURCE_NAME)) as conn:
        started = time.perf_counter()
        with conn.cursor().copy('COPY "ContactMomentDetails" TO STDOUT') as copy:
            for _ in copy:
                pass
        return time.perf_counter() - started


def target_empty() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE contactmomenten_bron, contactmomenten_historicalcontactmomentdetails, "
            "contactmomenten_contactmomentdetails RESTART IDENTITY CASCADE"
        )


def import_seconds(*args: str) -> tuple[float, str]:
    from django.core.management import call_command

    out = StringIO()
    started = time.perf_counter()
    call_command("import_kiss", "--source", _url(SOURCE_NAME), "--rejects", os.devnull, *args, stdout=out)
    return time.perf_counter() - started, out.getvalue()


def _count(output: str, label: str) -> int:
    return int(re.search(rf"{label}:\s+(\d+)", output).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--no-readme", action="store_true", help="Do not write the README table.")
    parser.add_argument(
        "--reuse-source", action="store_true", help=f"Keep an existing {SOURCE_NAME} (skip the build)."
    )
    count = parser.parse_args().count
    no_readme = parser.parse_args().no_readme
    django_setup()
    if parser.parse_args().reuse_source and source_count() == count:
        print(f"source: {count} records reused", flush=True)
    else:
        build = source_build(count)
        print(f"source: {count} records, ~{count * 3 // 2} bronnen built in {build:.0f} s", flush=True)
    copy = copy_seconds()
    with bench_database("import_kiss"):
        plain, _ = import_seconds("--zonder-historie")
        print(f"import without history: {plain:.1f} s", flush=True)
        target_empty()
        full, output = import_seconds()
        print(f"import with history: {full:.1f} s", flush=True)
        again, rerun = import_seconds()
        print(f"re-run: {again:.1f} s", flush=True)
    with psycopg.connect(_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{SOURCE_NAME}" WITH (FORCE)')
    rows = [
        ('`COPY "ContactMomentDetails" TO STDOUT` (source, raw)', copy, "1.00"),
        ("import, without history", plain, f"{copy / plain:.3f}"),
        ("import, with history (`import_kiss` actor)", full, f"{copy / full:.3f}"),
        ("re-run, all unchanged", again, f"{copy / again:.3f}"),
    ]
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"`bench/bench_import.py --count {count}`, {when}, on the 2-core development machine",
        "",
        "| run | seconds | rows/s | ratio to COPY |",
        "|---|---:|---:|---:|",
        *(f"| {name} | {seconds:.1f} | {count / seconds:,.0f} | {ratio} |" for name, seconds, ratio in rows),
        "",
        f"History costs {full / plain:.2f}x the run without it (target: at most 2x). "
        f"Import: {_count(output, 'nieuw')} inserted, {_count(output, 'afgewezen')} rejected, "
        f"{_count(output, 'bronnen')} bronnen; re-run: {_count(rerun, 'ongewijzigd')} unchanged, "
        f"{_count(rerun, 'nieuw') + _count(rerun, 'bijgewerkt')} written.",
    ]
    table = "\n".join(lines)
    print(table)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "import_kiss.md").write_text(table + "\n")
    readme = ROOT / "README.md"
    text = readme.read_text()
    if not no_readme and README_START in text:
        start, end = text.index(README_START) + len(README_START), text.index(README_END)
        readme.write_text(text[:start] + "\n" + table + "\n" + text[end:])


if __name__ == "__main__":
    main()
