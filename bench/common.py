"""Shared setup for the benchmarks: Django settings and a throwaway database.

Benchmarks run against ``DATABASE_URL`` (PostgreSQL for meaningful numbers) but never touch
its data: they create and migrate a separate ``bench_<name>`` database and drop it after.
"""

import os
import sys
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiss_details.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    import django

    django.setup()


@contextmanager
def bench_database(name: str, keep: bool = False):
    """Create and migrate ``bench_<name>``; yields its name, drops it afterwards."""
    from django.conf import settings
    from django.db import connection

    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"bench_{name}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=keep)
    try:
        yield settings.DATABASES["default"]["NAME"]
    finally:
        if not keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)
