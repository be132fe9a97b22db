"""The rows of one page, streamed from PostgreSQL while the response is written.

A 5000-record page used to be fetched whole, then turned into JSON: PostgreSQL and Python
took turns, each idle while the other worked. Here the page is one statement whose rows
arrive in chunks (psycopg's ``stream``) as PostgreSQL produces them, so Python writes the
first records while PostgreSQL still builds the last ones (two cores, both busy):

    WITH page AS MATERIALIZED (<the page query>)          -- the page's own rows, in order
    SELECT page.*, <extra per row>, last.<ordering keys>  -- e.g. the bronnen as JSON
    FROM page, (the page's last row) AS last ORDER BY page's order

The keys of the page's last row (for the next page's cursor) come with the first row and
from the same snapshot as the rows: one statement. The caller's ``consume`` reads the rows
before ``page_rows`` returns (the page's JSON is written while the rows arrive, the body is
sent after): a stream never outlives the call, so no request leaves its connection busy.
Elsewhere (SQLite), and for queries whose columns need a Django converter, a plain list.
"""

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import chain
from typing import TypeVar

from django.db import connections
from django.db.models import QuerySet
from psycopg.types.datetime import TimestamptzLoader
from psycopg.types.string import TextLoader

from contactmomenten.raw_sql import statement_logged

# Rows per chunk that psycopg receives from the server.
CHUNK_ROWS = 500
T = TypeVar("T")


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def page_rows(
    values: QuerySet,
    keys: Sequence[str],
    extra: Mapping[str, str] | None = None,
    consume: Callable[[Iterator[dict]], T] = list,
) -> tuple[T, list | None]:
    """``consume(rows)`` of the rows of ``values`` (a sliced ``.values()`` queryset that selects
    ``keys``), and the values of ``keys`` in its last row (None without rows).

    ``extra``: name -> SQL expression over ``page`` (the page's row, e.g. ``page."id"``),
    added to each row on PostgreSQL only. ``consume`` reads the rows while they arrive (e.g.
    writes them as JSON); the stream is done or closed when this returns, so the connection
    is free again whatever ``consume`` does.
    """
    connection = connections[values.db]
    query = values.query
    # As django.db.models.query.ValuesIterable names the columns.
    names = [*query.extra_select, *query.values_select, *query.annotation_select]
    compiler = query.get_compiler(using=values.db)
    sql, params = compiler.as_sql()
    if connection.vendor != "postgresql" or compiler.get_converters([c for c, _, _ in compiler.select]):
        rows = list(values)
        return consume(iter(rows)), ([rows[-1][key] for key in keys] if rows else None)

    extra = dict(extra or {})
    columns = ", ".join(_quoted(name) for name in names)
    statement = (
        f"WITH page AS MATERIALIZED (SELECT p.*, row_number() OVER () AS page_row "
        f"FROM ({sql}) AS p({columns})) "
        f"SELECT {', '.join(f'page.{_quoted(n)}' for n in names)}"
        f"{''.join(f', {expression}' for expression in extra.values())}, "
        f"{', '.join(f'last.{_quoted(key)}' for key in keys)} "
        f"FROM page, (SELECT * FROM page ORDER BY page_row DESC LIMIT 1) AS last ORDER BY page.page_row "
        # With a LIMIT PostgreSQL evaluates the extra columns after the sort, row by row as
        # they are sent; without one it computes them all before the first row leaves.
        f"LIMIT {int(query.high_mark - query.low_mark)}"
    )
    names += list(extra)
    width = len(names)
    last = None
    with connection.cursor() as cursor:
        raw = cursor.cursor
        # Django loads every timestamptz through a Python-level loader (it swaps the
        # tzinfo); psycopg's own C loader gives the same instant, aware, in the connection's
        # time zone (UTC). A uuid comes as its text (the page writes it as text).
        raw.adapters.register_loader("timestamptz", TimestamptzLoader)
        raw.adapters.register_loader("uuid", TextLoader)
        started = time.monotonic()
        stream = raw.stream(statement, params, size=CHUNK_ROWS)
        try:
            first = next(stream, None)
            statement_logged(connection, statement, params, started)
            if first is not None:
                last = list(first[width:])
                rows = chain([first], stream)
            else:
                rows = iter(())
            consumed = consume(dict(zip(names, row[:width], strict=True)) for row in rows)
        finally:
            stream.close()  # psycopg cancels and drains a stream left unfinished
    return consumed, last
