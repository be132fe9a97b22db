"""Indexes set aside while a bulk load fills empty tables, and built again after it
(PostgreSQL).

Building an index over a million rows at once is many times cheaper than growing it row by
row (the trigram GIN indexes above all, and the unique index on the contactmoment URLs,
which arrive in random order). Two ways, one per kind of load:

- ``indexes_set_aside`` (``seed_demo_data``, one transaction): drops the secondary indexes,
  the unique constraints and the foreign keys, yields, and adds them back before the same
  transaction commits, so nobody ever sees the tables without them. Adding a foreign key
  checks all rows in one join instead of a deferred trigger per row.
- ``indexes_defer`` and ``indexes_restore`` (``import_kiss``, a transaction per batch):
  only the secondary indexes of the tables go, never a constraint (the upsert needs the
  unique contactmoment, and concurrent API writes keep every rule). Their definitions are
  stored in ``UitgesteldeIndex`` in the transaction that drops them, and ``indexes_restore``
  builds them and deletes the rows in one transaction: an import interrupted in between
  leaves the rows, its re-run continues without the indexes and builds them at its end, and
  until then the system check ``contactmomenten.W005`` says so. Queries stay correct
  meanwhile, only slower.
"""

from collections.abc import Sequence
from contextlib import contextmanager

from django.db import connection as default_connection
from django.db import transaction

from contactmomenten.models import UitgesteldeIndex

# Enough for the largest index build of a million records in memory (GIN above all).
MAINTENANCE_WORK_MEM = "256MB"


def _secondary_indexes(cursor, tables: Sequence[str], keep: Sequence[str] = ()) -> list[tuple[str, str]]:
    """(name, definition) of the indexes of ``tables`` that back no constraint, except ``keep``."""
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = ANY(%s::regclass[])
          AND NOT (i.indexrelid::regclass::text = ANY(%s))
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        ORDER BY 1
        """,
        [list(tables), list(keep)],
    )
    return cursor.fetchall()


def _constraints(cursor, tables: Sequence[str]) -> list[tuple[str, str, str]]:
    """(table, name, definition) of the foreign keys of ``tables`` and of their unique
    constraints that no foreign key refers to (so they can go and come back in any order)."""
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, quote_ident(c.conname), pg_get_constraintdef(c.oid)
        FROM pg_constraint c
        WHERE c.conrelid = ANY(%s::regclass[])
          AND (c.contype = 'f' OR (c.contype = 'u' AND NOT EXISTS (
              SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid)))
        ORDER BY 1, 2
        """,
        [list(tables)],
    )
    return cursor.fetchall()


def _checks_run(cursor) -> None:
    """Run pending deferred checks now, as the commit would: a table with some pending (in
    an enclosing transaction) can get no index and lose no constraint."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _create(cursor, definitions: Sequence[str]) -> None:
    cursor.execute(f"SET LOCAL maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
    for definition in definitions:
        cursor.execute(definition)


@contextmanager
def indexes_set_aside(connection, tables: Sequence[str]):
    """Inside a transaction: without the secondary indexes, unique constraints and foreign
    keys of ``tables`` while the body runs, with them again after it."""
    with connection.cursor() as cursor:
        _checks_run(cursor)
        indexes = _secondary_indexes(cursor, tables)
        constraints = _constraints(cursor, tables)
        for table, name, _ in constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        _create(cursor, [definition for _, definition in indexes])
        for table, name, definition in constraints:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")


def indexes_defer(tables: Sequence[str], keep: Sequence[str] = ()) -> int:
    """Drop the secondary indexes of ``tables`` (except ``keep``) and store their definitions
    for ``indexes_restore``, in one transaction; returns how many."""
    with transaction.atomic(), default_connection.cursor() as cursor:
        # The lock DROP INDEX takes anyway, taken first: a second import that started on the
        # empty table too waits here, then finds the indexes gone and their rows stored.
        cursor.execute(
            f"LOCK TABLE {', '.join(map(default_connection.ops.quote_name, tables))} IN ACCESS EXCLUSIVE MODE"
        )
        indexes = _secondary_indexes(cursor, tables, keep)
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
        UitgesteldeIndex.objects.bulk_create(UitgesteldeIndex(naam=n, definitie=d) for n, d in indexes)
    return len(indexes)


def indexes_deferred() -> int:
    """How many indexes ``indexes_defer`` dropped that are not built again yet."""
    return UitgesteldeIndex.objects.count()


def indexes_restore() -> int:
    """Build every deferred index again and forget it, in one transaction; returns how many."""
    with transaction.atomic():
        deferred = list(UitgesteldeIndex.objects.select_for_update().order_by("naam"))
        with default_connection.cursor() as cursor:
            if deferred:
                _checks_run(cursor)
            _create(cursor, [index.definitie for index in deferred])
        UitgesteldeIndex.objects.filter(pk__in=[index.pk for index in deferred]).delete()
    return len(deferred)
