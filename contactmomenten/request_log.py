"""The fields of the one JSON log line per request (django-structlog's ``request_finished``).

django-structlog's middleware writes the line and binds a fresh ``request_id``; these signal
receivers decide what it holds: ``method``, ``path`` (never the query string: its values can
be personal data), ``status``, ``duration_ms`` and who asked, as the API client's name
(``client``) or the admin user's id (``user_id``). Request bodies, query values, IP addresses
and user agents are never logged. The response carries the id as ``X-Request-ID``, so a
caller's report can be found in the log.
"""

import time

import structlog
from django.dispatch import receiver
from django.utils.functional import SimpleLazyObject, empty
from django_structlog import signals


def _who(request) -> dict:
    """The API client's name or the user's id, without loading a user nobody asked for."""
    user = request.__dict__.get("user")
    if user is None or (isinstance(user, SimpleLazyObject) and user._wrapped is empty):
        return {}
    if not getattr(user, "is_authenticated", False):
        return {}
    if getattr(user, "pk", None) is None:  # contactmomenten.api.authentication.ApiClient
        return {"client": str(user)}
    return {"user_id": user.pk}


def _request_fields(request, log_kwargs: dict) -> None:
    log_kwargs.pop("request", None)
    log_kwargs.pop("user_agent", None)
    log_kwargs["method"] = request.method
    log_kwargs["path"] = request.path
    started = getattr(request, "_log_started", None)
    if started is not None:
        log_kwargs["duration_ms"] = round((time.monotonic() - started) * 1000, 1)
    log_kwargs.update(_who(request))


@receiver(signals.bind_extra_request_metadata)
def request_started(request, log_kwargs, **kwargs):
    request._log_started = time.monotonic()
    _request_fields(request, log_kwargs)


@receiver(signals.bind_extra_request_finished_metadata)
def request_finished(request, response, log_kwargs, **kwargs):
    log_kwargs["status"] = log_kwargs.pop("code", response.status_code)
    _request_fields(request, log_kwargs)
    request_id = structlog.contextvars.get_contextvars().get("request_id")
    if request_id:
        response["X-Request-ID"] = request_id


@receiver(signals.bind_extra_request_failed_metadata)
def request_failed(request, log_kwargs, **kwargs):
    log_kwargs["status"] = log_kwargs.pop("code", 500)
    _request_fields(request, log_kwargs)
