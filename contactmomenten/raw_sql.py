"""Statements sent past Django's cursor wrapper (psycopg's ``copy()`` and ``stream()``) in
Django's query log, so DEBUG and the query-count and plan tests see them as any other."""

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
