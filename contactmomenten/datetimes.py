"""The one parser of ISO 8601 datetimes in query strings, for the /api/v1 filters
(``contactmomenten.filters``) and the KISS management endpoint (``contactmomenten.api.kiss``).

Two quirks of a datetime in a URL live here and nowhere else: an unencoded '+' of a UTC
offset arrives as a space ("2024-03-01T10:00:00 01:00"), and Python accepts offsets up to
23:59 that PostgreSQL refuses from 16 hours on, so an aware value is handed on in UTC. What
each endpoint accepts around that (dates, naive values, upstream's strict format) stays with
the endpoint.
"""

import re
from datetime import UTC, datetime, tzinfo

from django.utils import timezone
from django.utils.dateparse import parse_datetime

_SPACE_BEFORE_OFFSET = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}(?::?\d{2})?)$")


def query_datetime(value: str, *, naive_zone: tzinfo | None = None) -> datetime | None:
    """The datetime of ``value`` (ISO 8601 as it arrives in a query string), or None.

    With an offset or 'Z' it is returned in UTC; without one it is read in ``naive_zone``
    (None: a value without offset is refused). Impossible dates (2024-02-30) and moments
    before year 1 in UTC are None too.
    """
    value = _SPACE_BEFORE_OFFSET.sub(r"\1+\2", value.strip())
    try:
        moment = parse_datetime(value)
    except ValueError:  # well-formed but impossible, e.g. 2024-02-30
        return None
    if moment is None:
        return None
    if timezone.is_naive(moment):
        return None if naive_zone is None else moment.replace(tzinfo=naive_zone)
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+01:00 is before year 1 in UTC
        return None
