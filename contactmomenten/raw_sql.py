"""Statements sent past Django's cursor wrapper (psycopg's ``copy()``, ``stream()`` and
``execute(prepare=True)``) in Django's query log, so DEBUG and the query-count and plan tests
see them as any other."""

import time


def statement_logged(connection, statement: str, params, started: float) -> None:
    """Log ``statement`` (sent at ``time.monotonic()`` ``started``) as Django's debug cursor
    would, when the connection logs queries."""
    if connection.queries_logged:
        connection.queries_log.append(
            {
                "sql": connection.ops.compose_sql(statement, params),
                "time": f"{time.monotonic() - started:.3f}",
            }
        )


def execute_prepared(cursor, sql: str, params) -> None:
    """Execute ``sql`` on the Django ``cursor`` as a statement PostgreSQL keeps prepared on
    the connection (settings: DATABASE_PREPARED_STATEMENTS), planned once: only for the few
    statements every request runs whose best plan does not depend on their values. Elsewhere
    (SQLite) a plain execute."""
    connection = cursor.db
    if connection.vendor != "postgresql":
        cursor.execute(sql, params)
        return
    connection.validate_no_broken_transaction()
    started = time.monotonic()
    with connection.wrap_database_errors:
        cursor.cursor.execute(sql, params, prepare=True)
    statement_logged(connection, sql, params, started)
