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
_RETURNED = [field.attname for field in ContactmomentDetails._meta.concrete_fields]


def _quoted(names) -> str:
    return ", ".join(f'"{name}"' for name in names)


@cache
def _upsert(names: tuple[str, ...], history: bool) -> str:
    columns = ("uuid", "contactmoment", *names, "aangemaakt", "gewijzigd")
    updates = ", ".join(f'"{n}" = EXCLUDED."{n}"' for n in (*names, "gewijzigd"))
    upsert = (
        f'INSERT INTO "{_DETAILS}" ({_quoted(columns)}) VALUES ({", ".join(["%s"] * len(columns))}) '
        f"ON CONFLICT (contactmoment) DO UPDATE SET {updates} "
        f"RETURNING {_quoted(_RETURNED)}, (xmax = 0) AS created"
    )
    if not history:
        return upsert
    stored = ", ".join(f'up."{c}"' for c in DETAILS_COLUMNS)
    return (
        f"WITH up AS ({upsert}), history AS ("
        f'INSERT INTO "{_HISTORY}" ({_quoted((*HISTORY_COLUMNS, "history_user_id"))}) '
        f"SELECT {stored}, %s, CASE WHEN up.created THEN '+' ELSE '~' END, %s, %s, %s FROM up) "
        f"SELECT {', '.join(f'up.{_quoted([c])}' for c in _RETURNED)}, up.created FROM up"
    )


def contactmomentdetails_upsert(
    contactmoment: str, fields: Mapping, bronnen: Sequence[Mapping], bron_fields: Sequence[str]
) -> tuple[ContactmomentDetails, bool]:
    """Upsert ``fields`` (every detail field) and replace the bronnen; call in a transaction."""
    history = history_enabled()
    if history:
        columns_check(_HISTORICAL, HISTORY_COLUMNS, HISTORY_DEFAULTED, writer="upsert")
    now = timezone.now()
    params = [uuid.uuid4(), contactmoment, *fields.values(), now, now]
    if history:
        user_id, api_client = history_actor()
        params += [now, bronnen_snapshot(bronnen), api_client, user_id]
    with connection.cursor() as cursor:
        execute_prepared(cursor, _upsert(tuple(fields), history), params)
        *values, created = cursor.fetchone()
        pk = values[_RETURNED.index("id")]
        execute_prepared(
            cursor,
            f'WITH gone AS (DELETE FROM "{_BRONNEN}" WHERE contactmomentdetails_id = %s) '
            f'INSERT INTO "{_BRONNEN}" (contactmomentdetails_id, {_quoted(bron_fields)}) '
            f"SELECT %s, {', '.join(f'b.{f}' for f in bron_fields)} "
            f"FROM unnest({', '.join(['%s::text[]'] * len(bron_fields))}) "
            f"WITH ORDINALITY AS b({', '.join(bron_fields)}, n) ORDER BY b.n",
            [pk, pk, *([bron[f] for bron in bronnen] for f in bron_fields)],
        )
    return ContactmomentDetails.from_db(connection.alias, _RETURNED, values), created
