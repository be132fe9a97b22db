"""Audit history of contactmomentdetails (django-simple-history), bronnen included.

Every save of a ``ContactmomentDetails`` writes a historical row (who, when, all fields).
Bronnen are not tracked as rows of their own: the KISS upsert replaces them with a delete
and a ``bulk_create``, which bypass model signals, and a beheerder wants to see "the bronnen
were A, B and are now C" on the record's history page. So each historical row carries a
text snapshot of the bronnen (``history_bronnen``), which the admin diffs like any field.

The snapshot is taken when the record is saved; writers that replace bronnen after the save
(the services, the admin inline) call ``history_bronnen_update`` afterwards, which updates the
historical row of that same save. Who: a session user lands in ``history_user``; an API token
or JWT client is no Django user, so its name lands in ``history_api_client``.
"""

from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.contrib.auth import get_user_model
from simple_history.models import HistoricalRecords

# Set on the saved instance by the post_create receiver: the historical row of its last save.
_RECORD_ATTR = "_kiss_history_record"
# Bronnen a writer is about to store with the record it saves (see history_bronnen_pending).
_pending_bronnen: ContextVar[list | None] = ContextVar("kiss_pending_bronnen", default=None)


def history_user_get(request=None, **kwargs):
    """The Django user behind a change, or None (``HistoricalRecords(get_user=...)``).

    DRF puts its authenticated ``ApiClient`` on the request too; that is no database user
    and cannot go into the ``history_user`` foreign key.
    """
    user = getattr(request, "user", None)
    return user if isinstance(user, get_user_model()) else None


def _api_client_name() -> str:
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    if user is None or isinstance(user, get_user_model()) or not getattr(user, "role", None):
        return ""
    return str(user)[:200]


def history_enabled() -> bool:
    """Whether saves write history now (django-simple-history's ``SIMPLE_HISTORY_ENABLED``)."""
    return getattr(settings, "SIMPLE_HISTORY_ENABLED", True)


def history_actor() -> tuple[int | None, str]:
    """Who makes the change of this request: (``history_user_id``, ``history_api_client``),
    for writers that write their historical row themselves."""
    user = history_user_get(getattr(HistoricalRecords.context, "request", None))
    return (user.pk if user else None), _api_client_name()


def bronnen_snapshot(bronnen: Iterable) -> str:
    """One line per bron, in order: ``soort: titel (url)``; accepts models or mappings."""
    lines = []
    for bron in bronnen:
        if isinstance(bron, Mapping):
            soort, titel, url = bron["soort"], bron["titel"], bron["url"]
        else:
            soort, titel, url = bron.soort, bron.titel, bron.url
        lines.append(f"{soort}: {titel} ({url})")
    return "\n".join(lines)


def bronnen_from_snapshot(snapshot: str) -> list[dict]:
    """The bronnen of a ``bronnen_snapshot`` text, in order (for reverting to a version).

    Each line is ``soort: titel (url)``: the soort ends at the first ": ", the url starts
    after the last " (" (an address holds no spaces)."""
    bronnen = []
    for line in filter(None, snapshot.split("\n")):
        soort, _, rest = line.partition(": ")
        titel, _, url = rest[:-1].rpartition(" (")
        bronnen.append({"soort": soort, "titel": titel, "url": url})
    return bronnen


@contextmanager
def history_bronnen_pending(bronnen: list):
    """Within this block, a saved record's history row gets ``bronnen`` as its snapshot.

    For writers that replace the bronnen right after the save, in the same transaction (the
    upsert): the snapshot is then right at once, without reading the old bronnen or
    updating the history row afterwards.
    """
    token = _pending_bronnen.set(bronnen)
    try:
        yield
    finally:
        _pending_bronnen.reset(token)


def _history_pre_create(sender, instance, history_instance, **kwargs):
    history_instance.history_api_client = _api_client_name()
    pending = _pending_bronnen.get()
    if pending is not None and history_instance.history_type != "-":
        history_instance.history_bronnen = bronnen_snapshot(pending)
    elif history_instance.history_type == "~":
        history_instance.history_bronnen = bronnen_snapshot(instance.bronnen.all())
    # "+": a new record has no bronnen yet; "-": they were deleted with it (cascade).


def _history_post_create(sender, instance, history_instance, **kwargs):
    setattr(instance, _RECORD_ATTR, history_instance)


def history_bronnen_update(details, bronnen: Iterable | None = None) -> None:
    """Store the bronnen of ``details`` in the historical row of its last save.

    Call after replacing bronnen; pass the new bronnen when known (saves a query).
    """
    record = getattr(details, _RECORD_ATTR, None)
    if record is None:  # history disabled, or the record was not saved in this unit of work
        return
    snapshot = bronnen_snapshot(details.bronnen.all() if bronnen is None else bronnen)
    if snapshot != record.history_bronnen:
        type(record).objects.filter(pk=record.pk).update(history_bronnen=snapshot)
        record.history_bronnen = snapshot


def history_connect(historical) -> None:
    """Connect the receivers to the ``historical`` model (``AppConfig.ready`` passes that of
    ContactmomentDetails: this module serves the models and never imports them)."""
    from simple_history.signals import post_create_historical_record, pre_create_historical_record

    pre_create_historical_record.connect(_history_pre_create, sender=historical, dispatch_uid="kiss_pre")
    post_create_historical_record.connect(_history_post_create, sender=historical, dispatch_uid="kiss_post")
