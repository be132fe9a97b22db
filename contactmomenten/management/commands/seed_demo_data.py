"""``manage.py seed_demo_data --count N``: fill the database with realistic demo records."""

import time

from django.core.management.base import BaseCommand, CommandError

from contactmomenten.demo import demo_data_create


class Command(BaseCommand):
    help = "Vul de database met realistische demo-contactmomentdetails (bulk inserts)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1000, help="Aantal records (standaard 1000).")
        parser.add_argument("--seed", type=int, default=None, help="Vaste seed voor herhaalbare data.")

    def handle(self, *args, count, seed, **options):
        if count < 1:
            raise CommandError("--count moet minimaal 1 zijn.")
        started = time.monotonic()
        made = demo_data_create(count, seed=seed)
        self.stdout.write(f"{made} contactmomentdetails aangemaakt in {time.monotonic() - started:.1f} s.")
