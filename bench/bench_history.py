"""How much the audit history costs the bulk paths: demo seeding and the KISS upsert.

Runs each twice, with django-simple-history on and off (``SIMPLE_HISTORY_ENABLED``), and
prints the ratios. Seeding uses ``bulk_create`` (no signals, so no history rows: ratio ~1);
the upsert writes one history row plus, when the bronnen change, one UPDATE of its bronnen
snapshot. Issue 5 asks that neither becomes several times slower.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_history.py
"""

import argparse
import time

from common import bench_database, django_setup


def timed(function, *args, **kwargs) -> float:
    started = time.perf_counter()
    function(*args, **kwargs)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed-count", type=int, default=20_000, help="records per seeding run")
    parser.add_argument(
        "--upserts", type=int, default=1_000, help="upserts per run (half create, half update)"
    )
    args = parser.parse_args()
    django_setup()

    from django.test import override_settings

    from contactmomenten.demo import demo_data_create
    from contactmomenten.models import ContactmomentDetails
    from contactmomenten.services import contactmomentdetails_upsert

    def upserts(prefix: str) -> None:
        data = {"startdatum": "2026-01-05T09:00:00+01:00", "einddatum": "2026-01-05T09:07:00+01:00"}
        for round_ in range(2):  # first round creates, second replaces fields and bronnen
            for i in range(args.upserts // 2):
                bronnen = [
                    {"soort": "kennisartikel", "titel": f"Artikel {round_}-{i}", "url": f"https://e.nl/{i}"},
                    {"soort": "vac", "titel": "Paspoort aanvragen", "url": "https://e.nl/vac"},
                ]
                contactmomentdetails_upsert(
                    contactmoment=f"{prefix}-{i}",
                    data=data | {"gespreksresultaat": f"Resultaat {round_}"},
                    bronnen=bronnen,
                )

    with bench_database("history"):
        results = {}
        for run, enabled in enumerate((False, True, False, True)):  # interleaved: fair warm-up
            label = "aan" if enabled else "uit"
            with override_settings(SIMPLE_HISTORY_ENABLED=enabled):
                seed = timed(demo_data_create, args.seed_count, seed=run)
                upsert = timed(upserts, f"bench-{run}")
            best = results.setdefault(label, {"seed": seed, "upsert": upsert})
            best["seed"], best["upsert"] = min(best["seed"], seed), min(best["upsert"], upsert)
        history_rows = ContactmomentDetails.history.count()

    off, on = results["uit"], results["aan"]
    print(f"seeding {args.seed_count} records: zonder historie {off['seed']:.2f} s, met {on['seed']:.2f} s")
    print(
        f"{args.upserts} upserts:            zonder historie {off['upsert']:.2f} s, met {on['upsert']:.2f} s"
    )
    print(f"ratio seeding (met/zonder): {on['seed'] / off['seed']:.2f}")
    print(f"ratio upsert  (met/zonder): {on['upsert'] / off['upsert']:.2f}")
    print(f"historische rijen geschreven: {history_rows}")


if __name__ == "__main__":
    main()
