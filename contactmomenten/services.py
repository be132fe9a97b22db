"""All writes of kiss-details records and API tokens: the KISS upsert, /api/v1 create,
update and delete, and the admin's save (form and bronnen inline), delete (single and bulk),
revert and token revoke.

Views, forms and serializers validate and shape; the functions here own the transaction, so
a record and its bronnen are always written together or not at all. An update or delete
locks the row (``SELECT ... FOR UPDATE``) from read to write and an update saves only the
columns it changes, so concurrent writes of different fields keep both; a record deleted
meanwhile is a 404, never re-inserted. A writer that read a version of the record (the
``ETag`` of /api/v1, the version the admin's change form was opened with) passes it as
``versions``: when the row changed since, the write is refused with ``RecordChanged``.
"""

import hashlib
import secrets
from collections.abc import Collection, Iterable, Mapping

from django.db import connection, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from contactmomenten import upsert_sql
from contactmomenten.constants import BRON_FIELDS, DETAIL_FIELDS
from contactmomenten.history import history_bronnen_pending, history_bronnen_update
from contactmomenten.models import ApiToken, Bron, ContactmomentDetails


def _bronnen_replace(details: ContactmomentDetails, bronnen: Iterable[Mapping]) -> None:
    bronnen = list(bronnen)
    details.bronnen.all().delete()
    Bron.objects.bulk_create(
        Bron(contactmomentdetails=details, **{f: bron[f] for f in BRON_FIELDS}) for bron in bronnen
    )
    # The delete and bulk_create bypass signals: put the new bronnen in the history row that
    # the save of ``details`` just wrote, so the history shows old -> new bronnen.
    history_bronnen_update(details, bronnen)


@transaction.atomic
def contactmomentdetails_bronnen_replace(
    *, details: ContactmomentDetails, bronnen: Iterable[Mapping]
) -> None:
    """Replace the bronnen of ``details`` (the admin's revert restores a version's)."""
    _bronnen_replace(details, bronnen)


def _fields(data: Mapping) -> dict:
    """The detail fields of ``data``, with absent optional text fields stored as ''."""
    fields = {f: data.get(f) for f in DETAIL_FIELDS}
    return {f: ("" if v is None and f not in ("startdatum", "einddatum") else v) for f, v in fields.items()}


@transaction.atomic
def contactmomentdetails_upsert(
    *, contactmoment: str, data: Mapping, bronnen: Iterable[Mapping]
) -> tuple[int, bool]:
    """Create or replace the details of one contactmoment, bronnen included, with its history
    row ("+" new, "~" replaced).

    Safe under concurrency: the unique constraint on ``contactmoment`` decides, so of two
    requests that create the same record at once the loser updates instead of duplicating,
    and the row stays locked from the upsert to the commit, so the bronnen are those of
    exactly one write. Returns the record's id and whether it was created (KISS, the hottest
    writer, needs neither the record back nor the cost of reading it).
    """
    bronnen = list(bronnen)
    if connection.vendor == "postgresql":
        return upsert_sql.contactmomentdetails_upsert(contactmoment, _fields(data), bronnen, BRON_FIELDS)
    # Elsewhere through the ORM: ``update_or_create`` locks an existing row (SELECT ... FOR
    # UPDATE); the history row of this save records the new bronnen directly.
    with history_bronnen_pending(bronnen):
        details, created = ContactmomentDetails.objects.update_or_create(
            contactmoment=contactmoment, defaults=_fields(data)
        )
    _bronnen_replace(details, bronnen)
    return details.pk, created


@transaction.atomic
def contactmomentdetails_create(*, data: Mapping, bronnen: Iterable[Mapping]) -> ContactmomentDetails:
    details = ContactmomentDetails(contactmoment=data["contactmoment"], **_fields(data))
    details.full_clean(validate_unique=False)
    details.save()
    _bronnen_replace(details, bronnen)
    return details


class RecordChanged(Exception):
    """The record was written after the writer read it: its version is not one it saw."""

    def __init__(self, current: ContactmomentDetails):
        super().__init__(f"contactmomentdetails {current.pk} is now version {current.versie}")
        self.current = current


def contactmomentdetails_lock(details: ContactmomentDetails) -> ContactmomentDetails | None:
    """The current row of ``details``, locked until the transaction ends; None when deleted.

    Call inside a transaction (the admin's change and delete views run in one): the lock is
    then held from this read to the write.
    """
    return ContactmomentDetails.objects.select_for_update(of=("self",)).filter(pk=details.pk).first()


def _locked(details: ContactmomentDetails, versions: Collection[str] | None = None) -> ContactmomentDetails:
    """The current row of ``details``, locked; 404 when deleted, ``RecordChanged`` when its
    version is not in ``versions`` (None: any version)."""
    locked = contactmomentdetails_lock(details)
    if locked is None:
        raise Http404("Dit contactmoment bestaat niet (meer).")
    if versions is not None and locked.versie not in versions:
        raise RecordChanged(locked)
    return locked


@transaction.atomic
def contactmomentdetails_update(
    *,
    details: ContactmomentDetails,
    data: Mapping,
    bronnen: Iterable[Mapping] | None,
    versions: Collection[str] | None = None,
) -> ContactmomentDetails:
    """Update the given fields of ``details``; ``bronnen`` (when given) replace the old ones.

    Reads the row again under a lock and writes only the columns whose value changes (plus
    ``gewijzigd``), so a concurrent write of other fields is kept. With ``versions``, only
    when the row is still one of those versions (else ``RecordChanged``). Returns the saved
    row (a new instance: ``details`` itself is not changed).
    """
    details = _locked(details, versions)
    changed = []
    for field, value in data.items():
        if field == "contactmoment" or field in DETAIL_FIELDS:
            value = "" if value is None and field not in ("startdatum", "einddatum") else value
            if getattr(details, field) != value:
                setattr(details, field, value)
                changed.append(field)
    details.full_clean(validate_unique=False)
    # update_fields: an UPDATE only, never the INSERT fallback of a plain save().
    details.save(update_fields=[*changed, "gewijzigd"])
    if bronnen is not None:
        _bronnen_replace(details, bronnen)
    return details


@transaction.atomic
def contactmomentdetails_delete(
    *, details: ContactmomentDetails, versions: Collection[str] | None = None
) -> None:
    """Delete ``details`` and its bronnen; 404 when it was deleted meanwhile, ``RecordChanged``
    when it is no longer one of ``versions``."""
    _locked(details, versions).delete()


@transaction.atomic
def contactmomentdetails_delete_many(*, queryset: QuerySet) -> int:
    """Delete the records of ``queryset`` (the admin's bulk action), each locked first;
    returns how many were still there to delete."""
    pks = list(queryset.values_list("pk", flat=True))
    locked = ContactmomentDetails.objects.select_for_update(of=("self",)).filter(pk__in=pks).order_by("pk")
    rows = list(locked)  # lock in pk order: two bulk deletes never deadlock
    for row in rows:
        row.delete()  # one by one: each gets its history row and bronnen cascade
    return len(rows)


def api_token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_assign_key(token: ApiToken) -> str:
    """Give ``token`` a new random key (256 bits); returns the plain key, never stored."""
    key = secrets.token_urlsafe(32)
    token.key_prefix = key[:8]
    token.key_hash = api_token_hash(key)
    return key


def api_token_create(*, name: str, role: str) -> tuple[ApiToken, str]:
    """Create a token; returns it with the plain key, which is shown once and never stored."""
    token = ApiToken(name=name, role=role)
    key = api_token_assign_key(token)
    token.full_clean()
    token.save()
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> None:
    api_token_revoke_many(queryset=ApiToken.objects.filter(pk=token.pk))
    token.refresh_from_db(fields=["revoked_at"])


@transaction.atomic
def api_token_revoke_many(*, queryset: QuerySet) -> int:
    """Revoke the tokens of ``queryset`` that are still active (under a row lock, so a token
    keeps the moment it was first revoked); returns how many were revoked now."""
    pks = list(queryset.values_list("pk", flat=True))
    active = ApiToken.objects.select_for_update().filter(pk__in=pks, revoked_at=None).order_by("pk")
    return ApiToken.objects.filter(pk__in=[token.pk for token in active]).update(revoked_at=timezone.now())
