"""Read replicas: with ``DATABASE_REPLICA_URL`` set, the read-only management views read from
the ``replica`` database alias; everything else uses the primary (``default``).

Which requests may read from a replica is a property of the view, not of a model: KISS reads
a record back right after writing it (``GET /api/contactmomentdetails``) and a beheerder saves
the admin change form he just loaded, so those must see the primary. Views that may read a
slightly older copy (the management endpoint, the /api/v1 reads, statistics, dashboard,
exports) are wrapped in :func:`replica_reads` (``ReplicaReadsMixin`` for DRF views,
``reads_from_replica`` for plain views). Inside, the router sends reads of contactmomentdetails
data to the replica; logins, sessions and API tokens are always read from the primary (a token
just created must work at once), and every write goes to the primary.

A streamed response reads while it is being sent, after the view returned: its iterator runs
in the same replica context.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

REPLICA = "replica"
_reading_from_replica: ContextVar[bool] = ContextVar("reading_from_replica", default=False)
# Read from the primary even inside replica_reads: who is asking, and may he.
_PRIMARY_ONLY = {"contactmomenten.apitoken"}


@contextmanager
def replica_reads():
    """Reads of contactmomentdetails data in this block use the replica (if configured)."""
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


def _in_replica_context(content: Iterator) -> Iterator:
    iterator = iter(content)
    while True:
        with replica_reads():
            try:
                chunk = next(iterator)
            except StopIteration:
                return
        yield chunk


def _respond_from_replica(view, request, *args, **kwargs):
    if request.method not in ("GET", "HEAD"):
        return view(request, *args, **kwargs)
    with replica_reads():
        response = view(request, *args, **kwargs)
    if getattr(response, "streaming", False):
        response.streaming_content = _in_replica_context(response.streaming_content)
    return response


def reads_from_replica(view):
    """Decorator for a plain Django view whose GET may read from the replica."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return _respond_from_replica(view, request, *args, **kwargs)

    return wrapped


class ReplicaReadsMixin:
    """For a DRF view whose GET requests may read from the replica."""

    def dispatch(self, request, *args, **kwargs):
        return _respond_from_replica(super().dispatch, request, *args, **kwargs)


class ReplicaRouter:
    """``DATABASE_ROUTERS`` entry: replica reads inside :func:`replica_reads`, else default."""

    def db_for_read(self, model, **hints):
        if (
            _reading_from_replica.get()
            and REPLICA in settings.DATABASES
            and model._meta.app_label == "contactmomenten"
            and model._meta.label_lower not in _PRIMARY_ONLY
        ):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA
