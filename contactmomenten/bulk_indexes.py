"""Indexes set aside while a bulk load fills empty tables, and built again after it
(PostgreSQL).

Building an index over a million rows at once is many times cheaper than growing it row by
row (the trigram GIN indexes above all, and the unique index on the contactmoment URLs,
which arrive in random order). Both bulk loads (``seed_demo_data``, ``import_kiss``) into an
empty table:

- ``indexes_defer`` drops the secondary indexes of the tables (never a constraint) and stores
  their definitions in ``UitgesteldeIndex``, in one transaction;
- ``indexes_restore`` builds them after the load has committed, each in a transaction that
  also forgets it, on two connections at once (PostgreSQL 15 builds a GIN index with one
  process; two builds keep both cores busy). A load interrupted in between leaves the rows:
  the next run of either command builds them at its end, and until then the system check
  ``contactmomenten.W005`` says so. Queries stay correct meanwhile, only slower.

``constraints_set_aside`` (``seed_demo_data``, inside its one transaction) also drops the
unique constraints and foreign keys and adds them back before that transaction commits, so
nobody ever sees the records without them: adding a foreign key checks all rows in one join
instead of a deferred trigger per row. ``import_kiss`` keeps them (its upsert needs the
unique contactmoment, and concurrent API writes keep every rule).
"""

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Case, Value, When

from contactmomenten.models import UitgesteldeIndex

# Enough for the largest index build of a million records in memory (GIN above all).
MAINTENANCE_WORK_MEM = "256MB"
# Deferred indexes built at once by indexes_restore, each on its own connection.
RESTORE_CONNECTIONS = 2
# The GIN indexes take longest: started first, the builds end close together.
_LARGEST_FIRST = Case(When(definitie__contains=" USING gin ", then=Value(0)), default=Value(1))


def _secondary_indexes(cursor, tables: Sequence[str]) -> list[tuple[str, str]]:
    """(name, definition) of the indexes of ``tables`` that back no constraint."""
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = ANY(%s::regclass[])
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        ORDER BY 1
        """,
        [list(tables)],
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


def _memory_for_builds(cursor) -> None:
    cursor.execute(f"SET LOCAL maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")


@contextmanager
def constraints_set_aside(connection, tables: Sequence[str]):
    """Inside a transaction: without the unique constraints and foreign keys of ``tables``
    while the body runs, with them again after it."""
    with connection.cursor() as cursor:
        _checks_run(cursor)
        constraints = _constraints(cursor, tables)
        for table, name, _ in constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    yield
    with connection.cursor() as cursor:
        _memory_for_builds(cursor)
        for table, name, definition in constraints:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")


def indexes_defer(tables: Sequence[str], *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Drop the secondary indexes of ``tables`` and store their definitions
    for ``indexes_restore``, in one transaction; returns how many."""
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        # The lock DROP INDEX takes anyway, taken first: a second load that started on the
        # empty table too waits here, then finds the indexes gone and their rows stored.
        cursor.execute(
            f"LOCK TABLE {', '.join(map(connection.ops.quote_name, tables))} IN ACCESS EXCLUSIVE MODE"
        )
        indexes = _secondary_indexes(cursor, tables)
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
        UitgesteldeIndex.objects.using(using).bulk_create(
            UitgesteldeIndex(naam=n, definitie=d) for n, d in indexes
        )
    return len(indexes)


def indexes_deferred(using: str = DEFAULT_DB_ALIAS) -> int:
    """How many indexes ``indexes_defer`` dropped that are not built again yet."""
    return UitgesteldeIndex.objects.using(using).count()


def indexes_restore(workers: int = RESTORE_CONNECTIONS, *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Build every deferred index again, each in a transaction that also forgets it, the
    largest first, on ``workers`` connections at once; returns how many this call built.

    Inside a transaction (a caller's atomic block) other connections would not see the
    tables as this one does: there they are built here, one after the other. A second
    restore running meanwhile builds the others (each claims its index with SKIP LOCKED).
    """
    if workers < 2 or connections[using].in_atomic_block:
        return _restore_claimed(using)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return sum(pool.map(_restore_in_thread, [using] * workers))


def _restore_in_thread(using: str) -> int:
    try:
        return _restore_claimed(using)
    finally:
        connections.close_all()  # this thread's own


def _restore_claimed(using: str) -> int:
    built = 0
    while True:
        with transaction.atomic(using=using), connections[using].cursor() as cursor:
            index = (
                UitgesteldeIndex.objects.using(using)
                .select_for_update(skip_locked=True)
                .order_by(_LARGEST_FIRST, "naam")
                .first()
            )
            if index is None:
                return built
            _checks_run(cursor)
            _memory_for_builds(cursor)
            cursor.execute(index.definitie)
            index.delete()
        built += 1
