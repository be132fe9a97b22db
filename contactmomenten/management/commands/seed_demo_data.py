"""``manage.py seed_demo_data --count N [--van DATE --tot DATE]``: fill the database with
realistic demo records spread over a period (default: the year up to today), with their
bronnen and their initial "+" history rows (see ``contactmomenten.demo``)."""

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from contactmomenten.demo import default_period, demo_data_create


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Ongeldige datum {value!r}: gebruik JJJJ-MM-DD.") from error


class Command(BaseCommand):
    help = (
        "Vul de database met realistische demo-contactmomentdetails, verspreid over een periode "
        "(COPY op PostgreSQL), met bronnen en de eerste historieregel."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1000, help="Aantal records (standaard 1000).")
        parser.add_argument("--seed", type=int, default=None, help="Vaste seed voor herhaalbare data.")
        parser.add_argument("--van", help="Eerste dag (JJJJ-MM-DD); standaard vandaag een jaar geleden.")
        parser.add_argument("--tot", help="Laatste dag, inclusief (JJJJ-MM-DD); standaard vandaag.")
        parser.add_argument(
            "--zonder-historie",
            action="store_true",
            help="Schrijf geen historieregels (alleen om de kosten ervan te meten).",
        )

    def handle(self, *args, count, seed, van, tot, zonder_historie, **options):
        if count < 1:
            raise CommandError("--count moet minimaal 1 zijn.")
        default_van, default_tot = default_period()
        van = _date(van) if van else default_van
        tot = _date(tot) if tot else default_tot
        if tot < van:
            raise CommandError("--tot mag niet voor --van liggen.")
        started = time.monotonic()
        try:
            made = demo_data_create(count, seed=seed, van=van, tot=tot, history=not zonder_historie)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{made} contactmomentdetails aangemaakt ({van} t/m {tot}) in {time.monotonic() - started:.1f} s."
        )
