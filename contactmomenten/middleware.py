"""Middleware that guards the service as a whole, whatever view a request reaches.

- ``HealthCheckMiddleware`` answers ``GET /healthz`` first of all: no host check, no HTTPS
  redirect, no session, no log line, no database write; only ``SELECT 1`` with a short
  statement timeout, so a load balancer or Kubernetes probe learns within 2 seconds whether
  this instance can serve.
- ``RequestBodyLimitMiddleware`` refuses a body larger than ``MAX_REQUEST_BODY_BYTES`` with
  413 before anything reads or parses it (DRF's parsers read the stream directly, so Django's
  ``DATA_UPLOAD_MAX_MEMORY_SIZE`` alone does not stop them).
- ``DatabaseUnavailableMiddleware`` turns a database that is down or refuses a connection
  ("too many clients") into 503 with ``Retry-After``: problem+json for the API, a Dutch page
  elsewhere, never a 500.
"""

import json

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse

from contactmomenten.api.exceptions import DATABASE_ERRORS, database_unavailable_response, problem_response

HEALTH_PATH = "/healthz"


def database_ping() -> None:
    """``SELECT 1`` within HEALTHZ_STATEMENT_TIMEOUT_MS (the connect timeout is in DATABASES)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # set_config, not SET: SET takes no bound parameters.
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, true)",
                [str(settings.HEALTHZ_STATEMENT_TIMEOUT_MS)],
            )
        cursor.execute("SELECT 1")
        cursor.fetchone()


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info != HEALTH_PATH:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = HttpResponse(status=405)
            response["Allow"] = "GET, HEAD"
            return response
        try:
            database_ping()
        except DatabaseError:
            # Django's request_finished handler closes the broken connection afterwards.
            response = database_unavailable_response(request)
            response["Cache-Control"] = "no-store"
            return response
        response = HttpResponse(json.dumps({"status": "ok"}), content_type="application/json")
        response["Cache-Control"] = "no-store"
        return response


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.MAX_REQUEST_BODY_BYTES
        if length > limit:
            # The WSGI server discards the unread body.
            return problem_response(
                request,
                status_code=413,
                code="request_too_large",
                detail=f"De body is groter dan {limit} bytes en is niet gelezen.",
            )
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return database_unavailable_response(request)
        return None
