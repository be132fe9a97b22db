#!/usr/bin/env python
"""Django's command-line utility for administrative tasks.

Reads ``.env`` next to this file first, when it exists (``make run`` writes one with
``DEBUG=true`` and a generated ``SECRET_KEY``), so management commands work on a developer's
clone as written in the README; variables set in the environment win. ``ENV_FILE`` names
another file, ``ENV_FILE=`` (empty) reads none. The server processes of ``make serve`` never
read it. A setting that is missing or wrong is one line on stderr, not a traceback.
"""

import os
import sys
from pathlib import Path


def main():
    """Run administrative tasks."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiss_details.settings")
    try:
        import environ
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured
        from django.core.management import execute_from_command_line
    except ImportError as exc:
        raise ImportError(
            "Couldn't import Django. Are you sure it's installed and "
            "available on your PYTHONPATH environment variable? Did you "
            "forget to activate a virtual environment? (make run creates .venv; "
            "then use .venv/bin/python manage.py or make manage ARGS=...)"
        ) from exc
    env_file = os.environ.get("ENV_FILE", str(Path(__file__).resolve().parent / ".env"))
    if env_file and Path(env_file).is_file():
        environ.Env.read_env(env_file)
    try:
        settings.INSTALLED_APPS  # noqa: B018  (loads the settings module)
    except ImproperlyConfigured as exc:
        sys.exit(f"kiss-details: {exc}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
