"""``make bench``: the issue-10 table of ratios, measured in one run over HTTP against
``make serve``.

Builds the dataset with ``seed_demo_data`` (default 1,000,000 records over the year up to
today) in its own database (``BENCH_DATABASE_URL``, default ``kiss_bench`` on the server of
``DATABASE_URL``) plus a 10,000-record one for the "at N ÷ at 10,000" figures, starts
``make serve`` on each (``BENCH_PORT``, ``BENCH_PORT + 1``), runs every figure ``--repeats``
times and prints one table (figure, ours, reference, ratio, target, pass/fail) and the
absolute medians with min-max; writes it to ``bench/results/`` and into the README between
the bench markers. A figure whose endpoint does not exist (yet) is reported "n/a".

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres make bench [ARGS="--count 10000000"]

``ARGS="--count 10000 --only statistieken"``: seed and run only the statistics figures
(GET /api/v1/statistieken per maand / per afdeling for a year ÷ the same figures in
hand-written SQL), print the table, write nothing.
"""

import argparse
import json
import os
import statistics
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import psycopg
from harness import (
    ROOT,
    NotAvailable,
    Server,
    admin_cookie,
    api_token,
    copy_seconds,
    database_url,
    jwt_header,
    recreate,
    seed,
    stream,
    timed,
    walk,
)

README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"


WALK_REFERENCE = """
    SELECT d.*, COALESCE(b.bronnen, '[]') FROM contactmomenten_contactmomentdetails d
    LEFT JOIN (SELECT contactmomentdetails_id, json_agg(json_build_object('url', url, 'titel', titel,
               'soort', soort) ORDER BY id) AS bronnen FROM contactmomenten_bron GROUP BY 1) b
           ON b.contactmomentdetails_id = d.id
    ORDER BY d.startdatum DESC, d.id DESC
"""
CSV_REFERENCE = """
    SELECT d.id, d.uuid, d.contactmoment, d.vraag, d.specifieke_vraag, d.gespreksresultaat,
           d.startdatum AT TIME ZONE 'Europe/Amsterdam', d.einddatum AT TIME ZONE 'Europe/Amsterdam',
           extract(epoch FROM d.einddatum - d.startdatum)::bigint, d.verantwoordelijke_afdeling,
           d.gespreks_id, d.kanaal, d.emailadres_kcm, d.aangemaakt AT TIME ZONE 'Europe/Amsterdam',
           d.gewijzigd AT TIME ZONE 'Europe/Amsterdam', COALESCE(b.n, 0), b.soorten, b.titels
    FROM contactmomenten_contactmomentdetails d
    LEFT JOIN (SELECT contactmomentdetails_id, count(*) n, string_agg(soort, ' | ' ORDER BY id) soorten,
               string_agg(titel, ' | ' ORDER BY id) titels FROM contactmomenten_bron GROUP BY 1) b
           ON b.contactmomentdetails_id = d.id
    ORDER BY d.startdatum DESC, d.id DESC
"""
# The key of each statistics figure (GET /api/v1/statistieken?groeperen=...) in plain SQL.
STATS_REFERENCE = {
    "maand": "date_trunc('month', startdatum AT TIME ZONE 'Europe/Amsterdam')",
    "verantwoordelijkeAfdeling": "verantwoordelijke_afdeling",
}
# The same figures as the endpoint (every measure, for a year) written by hand: the floor
# for what the endpoint's one statement, its HTTP and its JSON cost on top.
STATS_SQL = """
    WITH d AS (
        SELECT {key} AS k, COALESCE(NULLIF(c.gespreks_id, ''), '#' || c.id) AS g, c.startdatum, c.einddatum,
               extract(epoch FROM c.einddatum - c.startdatum)::float8 AS s, COALESCE(m.categorie, 'overig') AS kpi
        FROM contactmomenten_contactmomentdetails c
        LEFT JOIN contactmomenten_gespreksresultaatcategorie m ON m.resultaat = btrim(c.gespreksresultaat)
        WHERE c.startdatum >= '{since}'),
    gesprek AS (SELECT k, g, extract(epoch FROM max(einddatum) - min(startdatum))::float8 AS duur FROM d GROUP BY k, g),
    per_gesprek AS (SELECT k, count(*) AS n, avg(duur) AS duur FROM gesprek GROUP BY k)
    SELECT a.*, p.n, a.aantal::float8 / p.n, p.duur FROM (
        SELECT k, count(*) AS aantal, avg(s), percentile_cont(0.5) WITHIN GROUP (ORDER BY s),
               percentile_cont(0.9) WITHIN GROUP (ORDER BY s), avg((kpi = 'eerstelijns')::int),
               avg((kpi = 'doorverbonden')::int), avg((kpi = 'contactverzoek')::int)
        FROM d GROUP BY k) a
    JOIN per_gesprek p USING (k) ORDER BY k
"""


def statistieken_figures(bench, server: "Server", url: str, headers: dict) -> None:
    """statistieken per maand / per afdeling for a year ÷ the same figures in raw SQL."""
    since = (datetime.now(UTC) - timedelta(days=365)).date().isoformat()
    for groep, key in STATS_REFERENCE.items():
        figure = f"statistieken per {groep} for a year ÷ raw SQL"
        path = f"/api/v1/statistieken?groeperen={groep}&startdatum__gte={since}"
        status = server.get(path, headers)[0]
        if status != 200:
            bench.add(figure, None, None, "≤ 1.5", None)
            continue
        ours = bench.repeat(f"statistieken per {groep}", lambda p=path: timed(server.get, p, headers)[0])
        sql = STATS_SQL.format(key=key, since=since)
        ref = bench.repeat(f"raw SQL statistieken per {groep}", lambda s=sql: copy_seconds(url, s))
        bench.add(figure, median(ours), median(ref), "≤ 1.5", lambda r: r <= 1.5)


class Bench:
    def __init__(self, args):
        self.args = args
        self.rows = []  # (figure, ours, reference, ratio, target, ok, detail)
        self.absolute = []  # (what, samples in seconds)

    def repeat(self, name, function, repeats=None):
        samples = []
        for _ in range(repeats or self.args.repeats):
            samples.append(function())
        self.absolute.append((name, [s if isinstance(s, float) else s[0] for s in samples]))
        return samples

    def add(self, figure, ours, reference, target, passes, unit="s"):
        if ours is None:
            self.rows.append((figure, "n/a", "", "", target, "n/a"))
            return
        ratio = ours / reference if reference else None
        shown_ratio = f"{ratio:.2f}" if ratio is not None else ""
        ok = passes(ratio if ratio is not None else ours)
        ref = f"{reference:.2f} {unit}" if reference else ""
        self.rows.append((figure, f"{ours:.2f} {unit}", ref, shown_ratio, target, "pass" if ok else "FAIL"))

    def table(self) -> str:
        lines = [
            f"`make bench` on {self.args.count:,} records, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
            f"{self.args.repeats} repeats (medians)",
            "",
            "| figure | ours | reference | ratio | target | result |",
            "|---|---|---|---|---|---|",
            *("| " + " | ".join(str(c) for c in row) + " |" for row in self.rows),
            "",
            "| measurement | median | min–max |",
            "|---|---|---|",
        ]
        for name, samples in self.absolute:
            lines.append(
                f"| {name} | {statistics.median(samples):.3f} s | {min(samples):.3f}–{max(samples):.3f} s |"
            )
        return "\n".join(lines)


def median(samples):
    return statistics.median(s if isinstance(s, float) else s[0] for s in samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8100")))
    parser.add_argument(
        "--only",
        choices=["statistieken"],
        help="seed --count records and run only these figures; prints, writes no results or README",
    )
    args = parser.parse_args()
    bench = Bench(args)
    big = os.environ.get("BENCH_DATABASE_URL", database_url("kiss_bench"))
    small = database_url(urlsplit(big).path.lstrip("/") + "_10k")
    n = args.count
    if args.only:
        return only_statistieken(bench, big, n)

    # Seeding: with the "+" history rows (the dataset) and, for the ratio, without.
    recreate(big)
    without = seed(big, n, "--zonder-historie")
    recreate(big)
    with_history = seed(big, n)
    bench.absolute += [("seed zonder historie", [without]), ("seed met historie", [with_history])]
    bench.add(f"seed_demo_data --count {n:,}", with_history, None, "≤ 30 s", lambda s: s <= 30)
    bench.add("seed: met ÷ zonder historie (issue 12 §2)", with_history, without, "≤ 1.3", lambda r: r <= 1.3)
    recreate(small)
    seed(small, 10_000)
    for url in (big, small):
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")

    cookie = admin_cookie(big)
    small_cookie = admin_cookie(small)
    v1 = {"Authorization": f"Token {api_token(big, 'analist')}"}
    kcm = {"Authorization": f"Token {api_token(big, 'kcm')}", "Content-Type": "application/json"}
    server = Server(big, args.port)
    small_server = Server(small, args.port + 1)
    try:
        # Exports first, on a fresh worker: its peak RSS is the export's.
        csv = bench.repeat(
            "admin CSV-export (HTTP)",
            lambda: stream(server, "/admin/contactmomenten/contactmomentdetails/export/csv/", cookie),
        )
        rss = server.workers_peak_rss_mb()
        csv_ref = bench.repeat("COPY … CSV (referentie)", lambda: copy_seconds(big, CSV_REFERENCE))
        bench.add("admin CSV export ÷ COPY CSV", median(csv), median(csv_ref), "≤ 1.5", lambda r: r <= 1.5)
        bench.add("CSV export: first byte", median([(s[1],) for s in csv]), None, "< 1 s", lambda s: s < 1)
        bench.absolute.append(("CSV export: first data row (after the header)", [s[3] for s in csv]))
        bench.add("CSV export: worker peak RSS", rss, None, "≤ 300 MB", lambda m: m <= 300, unit="MB")
        xlsx = bench.repeat(
            "admin XLSX-export (HTTP)",
            lambda: stream(server, "/admin/contactmomenten/contactmomentdetails/export/xlsx/", cookie),
        )
        bench.add("XLSX export ÷ CSV export", median(xlsx), median(csv), "≤ 10", lambda r: r <= 10)
        bench.add("XLSX export: first byte", median([(s[1],) for s in xlsx]), None, "< 2 s", lambda s: s < 2)
        bench.add(
            "XLSX export: worker peak RSS (flat)",
            server.workers_peak_rss_mb(),
            None,
            "≤ 300 MB",
            lambda m: m <= 300,
            unit="MB",
        )

        walk_ref = bench.repeat(
            "COPY met bronnen-JSON (referentie)", lambda: copy_seconds(big, WALK_REFERENCE)
        )
        year = "from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z"
        for name, first, headers in (
            (
                "/api/contactmomentendetails",
                f"/api/contactmomentendetails?{year}&pageSize=5000&page=1",
                jwt_header(),
            ),
            ("/api/v1/contactmomentdetails", "/api/v1/contactmomentdetails?pageSize=5000", v1),
        ):
            try:
                walks = bench.repeat(f"walk {name}", lambda f=first, h=headers: walk(server, f, h))
            except NotAvailable:
                bench.add(f"walk {name} ÷ COPY", None, None, "≤ 3", None)
                continue
            bench.add(
                f"walk {name} (pageSize 5000) ÷ COPY",
                median(walks),
                median(walk_ref),
                "≤ 3",
                lambda r: r <= 3,
            )
            last_first = statistics.median(w[2] / w[1] for w in walks)
            bench.rows.append(
                (
                    f"walk {name}: last ÷ first page",
                    f"{last_first:.2f}",
                    "",
                    f"{last_first:.2f}",
                    "≤ 1.1",
                    "pass" if last_first <= 1.1 else "FAIL",
                )
            )

        # The last whole month: early in a month the current one has too few records at
        # 10,000 for a page of 100 (17 on 7 December), and a short page is no comparison.
        month = datetime.now(UTC).date().replace(day=1)
        previous = (month - timedelta(days=1)).replace(day=1)
        page = (
            "/api/v1/contactmomentdetails?verantwoordelijkeAfdeling=Burgerzaken"
            f"&startdatum__gte={previous}&startdatum__lt={month}&pageSize=100"
        )
        for figure, path, headers_for in (
            (
                "filtered first page (afdeling + maand, 100)",
                page,
                lambda s: v1 if s is server else {"Authorization": f"Token {small_token}"},
            ),
            (
                "admin changelist with a filter",
                "/admin/contactmomenten/contactmomentdetails/?verantwoordelijke_afdeling=Burgerzaken",
                lambda s: {"Cookie": cookie if s is server else small_cookie},
            ),
            (
                "admin changelist with a search term",
                "/admin/contactmomenten/contactmomentdetails/?q=paspoort",
                lambda s: {"Cookie": cookie if s is server else small_cookie},
            ),
        ):
            small_token = api_token(small, "analist")
            times = {}
            for target in (server, small_server):
                target.get(path, headers_for(target))  # warm
                times[target] = bench.repeat(
                    f"{figure} @ {'N' if target is server else '10k'}",
                    lambda t=target: timed(t.get, path, headers_for(t))[0],
                    repeats=max(5, args.repeats),
                )
            bench.add(
                f"{figure}: at N ÷ at 10,000",
                median(times[server]),
                median(times[small_server]),
                "≤ 1.5",
                lambda r: r <= 1.5,
            )

        statistieken_figures(bench, server, big, v1)

        bench.rows.append(upserts(bench, server, big, kcm))
    finally:
        server.stop()
        small_server.stop()

    table = bench.table()
    print(table)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / f"bench-{n}-{datetime.now(UTC):%Y%m%d-%H%M}.md").write_text(table + "\n")
    (results / "latest.md").write_text(table + "\n")
    readme = (ROOT / "README.md").read_text()
    if README_START in readme:
        head, rest = readme.split(README_START, 1)
        readme = f"{head}{README_START}\n{table}\n{README_END}{rest.split(README_END, 1)[1]}"
        (ROOT / "README.md").write_text(readme)


def only_statistieken(bench: Bench, url: str, n: int) -> None:
    """``--only statistieken``: a quick run of the statistics figures alone."""
    recreate(url)
    seed(url, n, "--zonder-historie")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    server = Server(url, bench.args.port)
    try:
        statistieken_figures(bench, server, url, {"Authorization": f"Token {api_token(url, 'analist')}"})
    finally:
        server.stop()
    print(bench.table())


# The version row every write keeps (issue 12), as the PUT writes it: part of the same work.
RAW_HISTORY_ROW = """
    INSERT INTO contactmomenten_historicalcontactmomentdetails (id, uuid, contactmoment, vraag,
        specifieke_vraag, gespreksresultaat, startdatum, einddatum, verantwoordelijke_afdeling, gespreks_id,
        kanaal, emailadres_kcm, aangemaakt, gewijzigd, history_date, history_type, history_bronnen,
        history_api_client)
    SELECT id, uuid, contactmoment, vraag, specifieke_vraag, gespreksresultaat, startdatum, einddatum,
        verantwoordelijke_afdeling, gespreks_id, kanaal, emailadres_kcm, aangemaakt, gewijzigd, now(), '+',
        '[{"soort": "kennisartikel", "titel": "Paspoort", "url": "https://e.nl/a"}]', 'bench'
    FROM contactmomenten_contactmomentdetails WHERE id = %s
"""


def upserts(bench: Bench, server: Server, url: str, kcm: dict, per_client: int = 500, clients: int = 4):
    """KISS PUTs by 4 concurrent clients ÷ raw SQL upserts on 4 connections (ops/s): the same
    writes (the record, its version row, its bronnen replaced) in one transaction each. Each
    client keeps its HTTP connection, as each raw writer keeps its database connection and as
    HTTP/1.1 clients do by default (the browser running KISS, a reverse proxy's upstream pool).

    HTTP and raw rounds alternate, at least five of each (as the page figures repeat), and
    the ratio is that of the median rates: this machine's speed drifts within minutes, so
    two single rounds one after the other measured the drift as much as the service."""

    def http(worker):
        connection = server.keep_alive()
        for i in range(per_client):
            body = json.dumps(
                {
                    "id": f"https://bench.example/{worker}/{i}/{time.time_ns()}",
                    "vraag": "Paspoort aanvragen",
                    "gespreksresultaat": "Zelfstandig afgehandeld",
                    "startdatum": "2026-03-02T09:00:00Z",
                    "einddatum": "2026-03-02T09:05:00Z",
                    "verantwoordelijkeAfdeling": "Burgerzaken",
                    "bronnen": [{"url": "https://e.nl/a", "titel": "Paspoort", "soort": "kennisartikel"}],
                }
            )
            status = server.get(
                "/api/contactmomentdetails", kcm, method="PUT", body=body, connection=connection
            )[0]
            assert status == 200, status
        connection.close()

    def raw(worker):
        with psycopg.connect(url, autocommit=True) as conn:
            for i in range(per_client):
                with conn.transaction():
                    (pk,) = conn.execute(
                        """INSERT INTO contactmomenten_contactmomentdetails (uuid, contactmoment, vraag, specifieke_vraag,
                        gespreksresultaat, startdatum, einddatum, verantwoordelijke_afdeling, gespreks_id, kanaal,
                        emailadres_kcm, aangemaakt, gewijzigd) VALUES (gen_random_uuid(), %s, 'Paspoort aanvragen', '',
                        'Zelfstandig afgehandeld', '2026-03-02T09:00:00Z', '2026-03-02T09:05:00Z', 'Burgerzaken', '', '',
                        '', now(), now()) ON CONFLICT (contactmoment) DO UPDATE SET gewijzigd = now() RETURNING id""",
                        [f"https://raw.example/{worker}/{i}/{time.time_ns()}"],
                    ).fetchone()
                    conn.execute(RAW_HISTORY_ROW, [pk])
                    conn.execute("DELETE FROM contactmomenten_bron WHERE contactmomentdetails_id = %s", [pk])
                    conn.execute(
                        "INSERT INTO contactmomenten_bron (contactmomentdetails_id, soort, titel, url) "
                        "VALUES (%s, 'kennisartikel', 'Paspoort', 'https://e.nl/a')",
                        [pk],
                    )

    def rate(function) -> float:
        threads = [threading.Thread(target=function, args=(w,)) for w in range(clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return clients * per_client / (time.perf_counter() - started)

    rates = {http: [], raw: []}
    for _ in range(max(5, bench.args.repeats)):
        for function in rates:
            rates[function].append(rate(function))
    ops = clients * per_client
    for function, name in ((http, "KISS PUT"), (raw, "raw SQL upsert")):
        bench.absolute.append((f"{ops:,}× {name}, 4 clients", [ops / r for r in rates[function]]))
    ours, reference = statistics.median(rates[http]), statistics.median(rates[raw])
    ratio = ours / reference
    return (
        "KISS PUT, 4 clients (HTTP) ÷ raw SQL upserts, 4 connections",
        f"{ours:.0f}/s",
        f"{reference:.0f}/s",
        f"{ratio:.2f}",
        "≥ 0.3",
        "pass" if ratio >= 0.3 else "FAIL",
    )


if __name__ == "__main__":
    sys.exit(main())
