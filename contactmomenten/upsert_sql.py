"""The KISS upsert on PostgreSQL in two statements (``contactmomenten.services`` decides when).

KISS writes one record per question, so this is the service's hottest write. Through the
ORM it took eleven round trips (savepoints, a locking read, the insert or update, the history
row, the bronnen); here it takes two, in the caller's transaction:

1. ``INSERT ... ON CONFLICT (contactmoment) DO UPDATE ... RETURNING`` with, in the same
   statement, the historical row django-simple-history would write (``+`` or ``~``, the
   actor, the bronnen snapshot), copied from the row as stored. The row stays locked until
   the transaction ends.
2. The old bronnen deleted and the new ones inserted in their order. A separate statement on
   purpose: in READ COMMITTED it takes its snapshot after the lock of statement 1 is held, so
   it sees (and deletes) the bronnen of a concurrent write that committed while we waited.
   In one statement those would stay and the record would carry the bronnen of two writes.
"""

import uuid
from collections.abc import Mapping, Sequence
from functools import cache

from django.db import connection
from django.utils import timezone

from contactmomenten.history import bronnen_snapshot, history_actor, history_enabled
from contactmomenten.history_bulk import DETAILS_COLUMNS, HISTORY_COLUMNS, HISTORY_DEFAULTED, columns_check
from contactmomenten.models import Bron, ContactmomentDetails
from contactmomenten.raw_sql import execute_prepared

_DETAILS = ContactmomentDetails._meta.db_table
# Once: django-simple-history builds a new manager on every ``ContactmomentDetails.history``.
_HISTORICAL = ContactmomentDetails.history.model
_HISTORY = _HISTORICAL._meta.db_table
_BRONNEN = Bron._meta.db_table


def _quoted(names) -> str:
    return ", ".join(f'"{name}"' for name in names)


@cache
def _upsert(names: tuple[str, ...], history: bool) -> str:
    columns = ("uuid", "contactmoment", *names, "aangemaakt", "gewijzigd")
    updates = ", ".join(f'"{n}" = EXCLUDED."{n}"' for n in (*names, "gewijzigd"))
    # The history row copies the whole row as stored; the caller only needs its id.
    returned = DETAILS_COLUMNS if history else ("id",)
    upsert = (
        f'INSERT INTO "{_DETAILS}" ({_quoted(columns)}) VALUES ({", ".join(["%s"] * len(columns))}) '
        f"ON CONFLICT (contactmoment) DO UPDATE SET {updates} "
        f"RETURNING {_quoted(returned)}, (xmax = 0) AS created"
    )
    if not history:
        return upsert
    # Once per statement, as it is built: refused if the historical model has other columns.
    columns_check(_HISTORICAL, HISTORY_COLUMNS, HISTORY_DEFAULTED, writer="upsert")
    stored = ", ".join(f'up."{c}"' for c in DETAILS_COLUMNS)
    return (
        f"WITH up AS ({upsert}), history AS ("
        f'INSERT INTO "{_HISTORY}" ({_quoted((*HISTORY_COLUMNS, "history_user_id"))}) '
        f"SELECT {stored}, %s, CASE WHEN up.created THEN '+' ELSE '~' END, %s, %s, %s FROM up) "
        "SELECT up.id, up.created FROM up"
    )


@cache
def _bronnen_sql(bron_fields: tuple[str, ...]) -> str:
    return (
        f'WITH gone AS (DELETE FROM "{_BRONNEN}" WHERE contactmomentdetails_id = %s) '
        f'INSERT INTO "{_BRONNEN}" (contactmomentdetails_id, {_quoted(bron_fields)}) '
        f"SELECT %s, {', '.join(f'b.{f}' for f in bron_fields)} "
        f"FROM unnest({', '.join(['%s::text[]'] * len(bron_fields))}) "
        f"WITH ORDINALITY AS b({', '.join(bron_fields)}, n) ORDER BY b.n"
    )


def contactmomentdetails_upsert(
    contactmoment: str, fields: Mapping, bronnen: Sequence[Mapping], bron_fields: Sequence[str]
) -> tuple[int, bool]:
    """Upsert ``fields`` (every detail field) and replace the bronnen; call in a transaction.
    Returns the record's id and whether it was created."""
    history = history_enabled()
    now = timezone.now()
    params = [uuid.uuid4(), contactmoment, *fields.values(), now, now]
    if history:
        user_id, api_client = history_actor()
        params += [now, bronnen_snapshot(bronnen), api_client, user_id]
    with connection.cursor() as cursor:
        execute_prepared(cursor, _upsert(tuple(fields), history), params)
        pk, created = cursor.fetchone()
        execute_prepared(
            cursor,
            _bronnen_sql(tuple(bron_fields)),
            [pk, pk, *([bron[f] for bron in bronnen] for f in bron_fields)],
        )
    return pk, created
