"""WSGI entry point of kiss-details (``make serve`` runs it under gunicorn, configured in
``kiss_details/gunicorn.conf.py``). A setting that is missing or wrong, such as no
``SECRET_KEY``, is one line on stderr and stops gunicorn instead of a traceback per worker."""

import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiss_details.settings")

try:
    application = get_wsgi_application()
except ImproperlyConfigured as exc:
    print(f"kiss-details: {exc}", file=sys.stderr)
    # 3 is gunicorn's "worker failed to boot": the arbiter stops instead of retrying forever.
    raise SystemExit(3) from None
