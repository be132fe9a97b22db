"""Writes of kiss-details records (KISS upsert, /api/v1 create, update and delete) and the
life cycle of API tokens.

Views and serializers validate and shape; the functions here own the transaction, so a
record and its bronnen are always written together or not at all. An update or delete locks
the row (``SELECT ... FOR UPDATE``) from read to write and an update saves only the columns
it changes, so concurrent writes of different fields keep both; a record deleted meanwhile
is a 404, never re-inserted.
"""

import hashlib
import secrets
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from contactmomenten.history import history_bronnen_pending, history_bronnen_update
from contactmomenten.models import ApiToken, Bron, ContactmomentDetails

# Fields a caller may set on a ContactmomentDetails (everything but identity and timestamps).
DETAIL_FIELDS = (
    "vraag",
    "specifieke_vraag",
    "gespreksresultaat",
    "startdatum",
    "einddatum",
    "verantwoordelijke_afdeling",
    "gespreks_id",
    "kanaal",
    "emailadres_kcm",
)
BRON_FIELDS = ("soort", "titel", "url")


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
) -> tuple[ContactmomentDetails, bool]:
    """Create or replace the details of one contactmoment, bronnen included.

    Safe under concurrency: ``update_or_create`` locks an existing row (SELECT ... FOR
    UPDATE) and relies on the unique constraint on ``contactmoment`` when two requests
    create the same record at once, so the loser updates instead of duplicating.
    Returns the record and whether it was created.
    """
    bronnen = list(bronnen)
    # The history row of this save records the new bronnen directly (no re-read, no update).
    with history_bronnen_pending(bronnen):
        details, created = ContactmomentDetails.objects.update_or_create(
            contactmoment=contactmoment, defaults=_fields(data)
        )
    _bronnen_replace(details, bronnen)
    return details, created


@transaction.atomic
def contactmomentdetails_create(*, data: Mapping, bronnen: Iterable[Mapping]) -> ContactmomentDetails:
    details = ContactmomentDetails(contactmoment=data["contactmoment"], **_fields(data))
    details.full_clean(validate_unique=False)
    details.save()
    _bronnen_replace(details, bronnen)
    return details


def _locked(details: ContactmomentDetails) -> ContactmomentDetails:
    """The current row of ``details``, locked until the transaction ends; 404 when deleted."""
    locked = ContactmomentDetails.objects.select_for_update(of=("self",)).filter(pk=details.pk).first()
    if locked is None:
        raise Http404("Dit contactmoment bestaat niet (meer).")
    return locked


@transaction.atomic
def contactmomentdetails_update(
    *, details: ContactmomentDetails, data: Mapping, bronnen: Iterable[Mapping] | None
) -> ContactmomentDetails:
    """Update the given fields of ``details``; ``bronnen`` (when given) replace the old ones.

    Reads the row again under a lock and writes only the columns whose value changes (plus
    ``gewijzigd``), so a concurrent write of other fields is kept.
    """
    details = _locked(details)
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
def contactmomentdetails_delete(*, details: ContactmomentDetails) -> None:
    """Delete ``details`` and its bronnen; 404 when it was deleted meanwhile."""
    _locked(details).delete()


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


def api_token_revoke(*, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
