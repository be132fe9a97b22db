"""What the API docs pages (Swagger UI, Redoc) need to load nothing from another host and to
satisfy the Content-Security-Policy (``script-src 'self'``, no inline script).

Redoc's bundle (drf-spectacular-sidecar) draws the "API docs by Redocly" footer with a logo
from cdn.redoc.ly: ``redoc_bundle`` serves the same bundle without that address (an image
without a source is hidden by Redoc itself), and the page hides the footer.
"""

from functools import lru_cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.views.decorators.http import require_GET

REDOC_BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
REDOCLY_LOGO = b'"https://cdn.redoc.ly/redoc/logo-mini.svg"'


@lru_cache(maxsize=1)
def redoc_bundle_source() -> bytes:
    return Path(finders.find(REDOC_BUNDLE)).read_bytes().replace(REDOCLY_LOGO, b'""')


@require_GET
def redoc_bundle(request):
    """``/api/v1/redoc/redoc.standalone.js``: the pinned Redoc bundle, without the CDN logo."""
    response = HttpResponse(redoc_bundle_source(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response
