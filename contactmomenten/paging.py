"""Flat-cost pages of contactmomentdetails: page numbers outside, keyset paging inside.

Upstream's contract is page numbers (``page``, ``pageSize``); served naively that is an OFFSET
over full rows plus a COUNT(*) per page, both growing with the page number. Here:

- a page that continues a walk starts from a cursor: the ordering key (the ordering values and
  the id) of the last record of the previous page, so every page is one index range scan;
- a page number asked directly locates its first key with an OFFSET over the ordering columns
  only (an index-only scan on (startdatum, id) in the default order), then fetches by keyset;
- the count is taken once per walk and carried in the cursor, with the snapshot it was taken
  in. A later page reuses it only while the write log (migration 0005: one row per statement
  that wrote the table, with its transaction id) holds no write that snapshot could not see:
  none of a transaction that was running then (its xip, or our own) or started after (xid >=
  its xmax). On a standby the snapshot's xip is not exposed, so there a count is reused only
  when no transaction was running at all. SQLite has no write log: every page counts there.

Cursors are signed (the server trusts the count in them) and bound to the query they came
from; one that belongs to another query, page or is older than ``COUNT_MAX_AGE`` is ignored.
"""

import hashlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core import signing
from django.db import connections
from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime

from contactmomenten.page_rows import page_rows

# The write log keeps a day; a count is reused for an hour at most.
COUNT_MAX_AGE = 3600
# A snapshot with more running transactions than this makes the count not worth carrying.
_MAX_RUNNING = 20
_SALT = "contactmomenten.paging"


class InvalidCursor(Exception):
    """A cursor that was not made by this server (or was altered)."""


@dataclass(frozen=True)
class Page:
    number: int
    count: int
    # ``consume(rows)`` (page_fetch): by default the list of rows.
    rows: Any
    # The cursor for page ``number + 1``, or None on the last page.
    next_cursor: str | None


def ordering_of(queryset: QuerySet) -> list[tuple[str, bool]]:
    """(name, descending) of each ORDER BY term; the last one must be unique (the id)."""
    order = [(term.lstrip("-"), term.startswith("-")) for term in queryset.query.order_by]
    if not order or order[-1][0] not in ("id", "pk"):
        raise ValueError("Keyset paging needs an ordering that ends with the id.")
    return order


def _beyond(order: list[tuple[str, bool]], key: list, inclusive: bool) -> Q:
    """Records after ``key`` in ``order`` (or at it, when inclusive).

    The redundant bound on the first column gives PostgreSQL an index condition; the OR
    chain decides the ties.
    """
    first, descending = order[0]
    condition = Q(**{f"{first}__{'lte' if descending else 'gte'}": key[0]})
    alternatives = Q(**dict(zip((name for name, _ in order), key, strict=True))) if inclusive else Q()
    for i, (name, desc) in enumerate(order):
        equal = {prefix: value for (prefix, _), value in zip(order[:i], key[:i], strict=True)}
        alternatives |= Q(**equal, **{f"{name}__{'lt' if desc else 'gt'}": key[i]})
    return condition & alternatives


def _key_dump(values) -> list:
    dumped = []
    for value in values:
        if isinstance(value, datetime):
            dumped.append({"dt": value.isoformat()})
        elif isinstance(value, timedelta):
            dumped.append({"td": value // timedelta(microseconds=1)})
        else:
            dumped.append(value)
    return dumped


def _key_load(values) -> list:
    loaded = []
    for value in values:
        if isinstance(value, dict) and "dt" in value:
            loaded.append(parse_datetime(value["dt"]))
        elif isinstance(value, dict) and "td" in value:
            loaded.append(timedelta(microseconds=value["td"]))
        else:
            loaded.append(value)
    return loaded


def _query_hash(query_key: str) -> str:
    return hashlib.sha256(query_key.encode()).hexdigest()[:16]


def _cursor_load(cursor: str, query_key: str, page: int) -> dict | None:
    try:
        state = signing.loads(cursor, salt=_SALT)
    except signing.BadSignature as error:
        raise InvalidCursor from error
    if state.get("q") != _query_hash(query_key) or state.get("p") != page:
        return None
    return state


def _count(queryset: QuerySet) -> tuple[int, dict | None]:
    """The number of records and the stamp of the snapshot it was counted in (None: the count
    cannot be proven still right later)."""
    queryset = queryset.order_by()
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return queryset.count(), None
    sql, params = queryset.values("pk").query.get_compiler(using=queryset.db).as_sql()
    with connection.cursor() as cursor:
        # One statement, so one snapshot for the count and the stamp.
        cursor.execute(
            f"""SELECT (SELECT count(*) FROM ({sql}) AS counted),
                       pg_snapshot_xmin(s)::text, pg_snapshot_xmax(s)::text,
                       ARRAY(SELECT pg_snapshot_xip(s))::text[],
                       pg_current_xact_id_if_assigned()::text, pg_is_in_recovery()
                FROM pg_current_snapshot() AS s""",
            params,
        )
        count, xmin, xmax, running, own, in_recovery = cursor.fetchone()
    if (in_recovery and xmin != xmax) or len(running) > _MAX_RUNNING:
        return count, None
    # Our own transaction (only in tests: requests read in autocommit) may write later too.
    return count, {"x": xmax, "r": [*running, own] if own else running}


def _count_still_right(queryset: QuerySet, stamp: dict) -> bool:
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(
            """SELECT NOT EXISTS (SELECT 1 FROM contactmomenten_write_log
                                  WHERE xid >= %s::xid8 OR xid = ANY(%s::text[]::xid8[]))""",
            [stamp["x"], stamp["r"]],
        )
        return cursor.fetchone()[0]


def page_fetch(
    queryset: QuerySet,
    *,
    fields: tuple[str, ...],
    expressions: dict,
    page: int,
    page_size: int,
    cursor: str | None,
    query_key: str,
    extra: dict[str, str] | None = None,
    consume: Callable[[Iterator[dict]], Any] = list,
) -> Page:
    """Page ``page`` (1-based) of ``queryset`` (ordered, ending with the id) as
    ``consume`` of the rows ``.values(*fields, **expressions)`` (plus the ordering columns
    and, on PostgreSQL, ``extra``: see ``page_rows``).

    ``query_key`` identifies the query (filters, ordering, page size) a cursor may continue.
    Raises InvalidCursor for a cursor this server did not sign.
    """
    order = ordering_of(queryset)
    names = [name for name, _ in order]
    state = _cursor_load(cursor, query_key, page) if cursor else None
    if state and time.time() - state["t"] > COUNT_MAX_AGE:
        state = None

    if state and state["s"] and _count_still_right(queryset, state["s"]):
        count, stamp, counted_at = state["n"], state["s"], state["t"]
    else:
        (count, stamp), counted_at = _count(queryset), time.time()

    rows, last = None, None
    offset = (page - 1) * page_size
    if offset < count:
        if state:
            records = queryset.filter(_beyond(order, _key_load(state["k"]), inclusive=False))
        elif page > 1:
            first = list(queryset.values_list(*names)[offset : offset + 1])
            records = queryset.filter(_beyond(order, list(first[0]), inclusive=True)) if first else None
        else:
            records = queryset
        if records is not None:
            columns = dict.fromkeys([*fields, *names])
            rows, last = page_rows(records.values(*columns, **expressions)[:page_size], names, extra, consume)
    if rows is None:
        rows = consume(iter(()))

    next_cursor = None
    if last is not None and page * page_size < count:
        next_state = {
            "p": page + 1,
            "q": _query_hash(query_key),
            "k": _key_dump(last),
            "n": count,
            "s": stamp,
            "t": counted_at,
        }
        next_cursor = signing.dumps(next_state, salt=_SALT, compress=True)
    return Page(number=page, count=count, rows=rows, next_cursor=next_cursor)
