"""Errors of /api/v1 as ``application/problem+json`` (RFC 9457).

``problem_exception_handler`` is DRF's EXCEPTION_HANDLER, but it only reshapes errors of
/api/v1: the KISS-compatible endpoints keep the error shapes upstream KISS expects, so for
them it defers to DRF's own handler. ``page_not_found`` and ``server_error`` are Django's
handler404/handler500, for URLs no view matches and for errors outside DRF.

A database that is down or refuses a connection is no server error: every path answers 503
with ``Retry-After`` (``database_unavailable_response``: a Dutch page in the admin,
problem+json everywhere else), from DRF's handler, ``contactmomenten.middleware`` or
handler500 (exceptions raised outside a view).

Every problem has ``type``, ``title``, ``status``, ``detail``, ``instance`` and ``code``;
validation problems add ``invalidParams: [{name, code, reason}]`` with the camelCase wire
names (nested as ``bronnen.0.url``). Unexpected exceptions are logged with their
traceback and answered with a generic 500: the traceback never reaches the client.
"""

import json
import logging
import sys

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, InterfaceError, OperationalError
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.fields import get_error_detail
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler, set_rollback

from contactmomenten.api.parsers import PARSE_ERROR_DETAIL

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
V1_PREFIX = "/api/v1/"
PROBLEM_TYPE_PREFIX = "urn:kiss-details:problem:"
NON_FIELD_NAME = "nonFieldErrors"

TITLES = {
    400: "Ongeldige aanvraag",
    401: "Niet geauthenticeerd",
    403: "Geen toegang",
    404: "Niet gevonden",
    405: "Methode niet toegestaan",
    406: "Gevraagd formaat niet beschikbaar",
    409: "Conflict",
    412: "Voorwaarde niet vervuld",
    413: "Body te groot",
    415: "Mediatype niet ondersteund",
    429: "Te veel aanvragen",
    500: "Interne serverfout",
    503: "Dienst niet beschikbaar",
}
VALIDATION_DETAIL = "Een of meer velden of parameters zijn ongeldig; zie invalidParams."
SERVER_ERROR_DETAIL = "Er ging iets mis bij het verwerken van de aanvraag. De fout is gelogd."
NOT_FOUND_DETAIL = "Deze URL bestaat niet in /api/v1."
DATABASE_UNAVAILABLE_DETAIL = (
    "De database is tijdelijk niet bereikbaar. Probeer het over enkele seconden opnieuw."
)
RETRY_AFTER_SECONDS = 5
# Down, restarting, or refusing connections ("too many clients"): a 503, never a 500.
DATABASE_ERRORS = (OperationalError, InterfaceError)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "De aanvraag botst met een record dat tegelijk werd opgeslagen; probeer het opnieuw."
    default_code = "conflict"


class PreconditionFailed(exceptions.APIException):
    """If-Match names a version the record no longer has (RFC 9110 section 13.1.1)."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = (
        "Het contactmoment is gewijzigd sinds u het las: de If-Match-header komt niet overeen "
        "met de huidige ETag. Haal het record opnieuw op en probeer het nog eens."
    )
    default_code = "precondition_failed"


def is_v1_request(request) -> bool:
    path = request.path_info
    return path.startswith(V1_PREFIX) or path == V1_PREFIX.rstrip("/")


def problem(*, status_code: int, code: str, detail: str, instance: str, invalid_params=None) -> dict:
    body = {
        "type": f"{PROBLEM_TYPE_PREFIX}{code}",
        "title": TITLES.get(status_code, "Fout"),
        "status": status_code,
        "detail": detail,
        "instance": instance,
        "code": code,
    }
    if invalid_params is not None:
        body["invalidParams"] = invalid_params
    return body


def invalid_params(detail, prefix: str = "") -> list[dict]:
    """Flatten DRF error details to ``[{name, code, reason}]``; list items get their index."""
    if isinstance(detail, dict):
        result = []
        for key, value in detail.items():
            if key in (api_settings.NON_FIELD_ERRORS_KEY, "__all__"):
                name = prefix  # a nested non-field error belongs to its parent (e.g. bronnen)
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            result += invalid_params(value, name)
        return result
    if isinstance(detail, list):
        result = []
        for index, item in enumerate(detail):
            if isinstance(item, (dict, list)):
                result += invalid_params(item, f"{prefix}.{index}" if prefix else str(index))
            else:
                result += invalid_params(item, prefix)
        return result
    return [
        {"name": prefix or NON_FIELD_NAME, "code": getattr(detail, "code", "invalid"), "reason": str(detail)}
    ]


def camel_case(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _from_django_validation_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    """A model's full_clean() error, with model field names turned into wire names."""
    detail = get_error_detail(exc)
    if isinstance(detail, dict):
        detail = {(key if key == "__all__" else camel_case(key)): value for key, value in detail.items()}
    return exceptions.ValidationError(detail)


def problem_exception_handler(exc, context):
    request = context.get("request")
    if request is not None and isinstance(exc, DATABASE_ERRORS):
        set_rollback()
        return database_unavailable_response(request)
    if request is None or not is_v1_request(request):
        return exception_handler(exc, context)

    if isinstance(exc, Http404):
        exc = exceptions.NotFound()  # Django's message is English and names the model
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = _from_django_validation_error(exc)
    elif isinstance(exc, exceptions.ParseError):
        # Only our JSONParser speaks Dutch; DRF's default parsers say Python's English json error.
        exc = exceptions.ParseError(PARSE_ERROR_DETAIL)
    elif isinstance(exc, IntegrityError):
        # Two writes of the same contactmoment at once: the loser gets a 409, not a 500.
        logger.warning("Integrity error on %s %s: %s", request.method, request.path, exc)
        exc = Conflict()

    response = exception_handler(exc, context)
    instance = request.get_full_path()
    if response is None:
        logger.error("Unhandled exception on %s %s", request.method, request.path, exc_info=exc)
        set_rollback()
        response = Response(
            problem(status_code=500, code="server_error", detail=SERVER_ERROR_DETAIL, instance=instance),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    elif isinstance(exc, exceptions.ValidationError):
        response.data = problem(
            status_code=response.status_code,
            code="invalid",
            detail=VALIDATION_DETAIL,
            instance=instance,
            invalid_params=invalid_params(exc.detail),
        )
    else:
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
        # Every 400 is documented as a ValidationProblem: a body that is no JSON at all is a
        # problem of the body as a whole.
        params = [{"name": NON_FIELD_NAME, "code": code, "reason": str(exc.detail)}]
        response.data = problem(
            status_code=response.status_code,
            code=code,
            detail=str(exc.detail),
            instance=instance,
            invalid_params=params if response.status_code == status.HTTP_400_BAD_REQUEST else None,
        )
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def problem_response(request, *, status_code: int, code: str, detail: str) -> HttpResponse:
    body = problem(status_code=status_code, code=code, detail=detail, instance=request.get_full_path())
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status_code, content_type=PROBLEM_CONTENT_TYPE
    )


def database_unavailable_response(request) -> HttpResponse:
    logger.warning("Database unavailable on %s %s: %s", request.method, request.path, sys.exception())
    if request.path.startswith("/admin/"):
        response = HttpResponse(render_to_string("503.html"), status=503)
    else:
        response = problem_response(
            request, status_code=503, code="database_unavailable", detail=DATABASE_UNAVAILABLE_DETAIL
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Every URL under /api/v1 that no route matches: problem+json, in DEBUG too (Django's
    handler404 is skipped there in favour of its HTML debug page). CSRF-exempt as DRF's views
    are: it changes nothing, and otherwise a PUT/POST/PATCH/DELETE to such a URL got Django's
    HTML CSRF page (403) instead of the 404 (found by schemathesis)."""
    return problem_response(request, status_code=404, code="not_found", detail=NOT_FOUND_DETAIL)


def page_not_found(request, exception):
    """Django's handler404: problem+json under /api/v1, the normal page elsewhere."""
    if is_v1_request(request):
        return not_found(request)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """Django's handler500 (Django has logged the exception already); called while the
    exception is being handled, so a database outage outside any view is still a 503."""
    if isinstance(sys.exception(), DATABASE_ERRORS):
        return database_unavailable_response(request)
    if is_v1_request(request):
        return problem_response(request, status_code=500, code="server_error", detail=SERVER_ERROR_DETAIL)
    return defaults.server_error(request)
