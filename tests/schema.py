"""What the database holds of a table's indexes and constraints, to check that a bulk load
(seed_demo_data, import_kiss) that sets them aside puts every one back as it was."""

from django.db import connection


def indexes_and_constraints(tables) -> set[tuple[str, str]]:
    """(name, definition) of every index and constraint of ``tables`` (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "UNION ALL SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = ANY(%s::regclass[])",
            [list(tables), list(tables)],
        )
        return set(cursor.fetchall())
