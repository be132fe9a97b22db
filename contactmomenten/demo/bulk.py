"""Bulk writers for demo records: ``COPY ... FROM STDIN`` on PostgreSQL, bulk inserts
elsewhere, the records in one transaction.

On PostgreSQL into an empty table (``contactmomenten.bulk_indexes``): the secondary indexes
are deferred first, the unique constraints and foreign keys set aside inside the records'
transaction and added back before it commits, and the deferred indexes built after it, two
at a time (also after a failure: then over the empty tables). Both write each record, its bronnen
and (unless ``history`` is off) its initial "+" history row, the row django-simple-history's
``bulk_create_with_history`` would write, plus the bronnen snapshot
``contactmomenten.history`` keeps in it, so the first correction of a demo record shows what
changed. (``bulk_create_with_history`` cannot give each row its own
snapshot, and builds a model instance per row: too slow for a million.)
"""

from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from itertools import islice

from django.db import connections, transaction
from django.utils import timezone

from contactmomenten.bulk_indexes import constraints_set_aside, indexes_defer, indexes_restore
from contactmomenten.constants import BRON_FIELDS
from contactmomenten.demo.generator import DemoRecord
from contactmomenten.history import bronnen_snapshot
from contactmomenten.history_bulk import DETAILS_COLUMNS, HISTORY_COLUMNS, HISTORY_DEFAULTED, columns_check
from contactmomenten.models import Bron, ContactmomentDetails

BATCH_SIZE = 50_000
BRON_COLUMNS = ("contactmomentdetails_id", *BRON_FIELDS)
_TIMES = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(24 * 3600)]


def _batches(records: Iterable[DemoRecord]) -> Iterator[list[DemoRecord]]:
    iterator = iter(records)
    while batch := list(islice(iterator, BATCH_SIZE)):
        yield batch


def _copy(cursor, model, columns: Sequence[str], lines: list[str]) -> None:
    if not lines:
        return
    names = ", ".join(f'"{column}"' for column in columns)
    with cursor.copy(f'COPY "{model._meta.db_table}" ({names}) FROM STDIN') as copy:
        copy.write("\n".join(lines) + "\n")


def _ids(cursor, count: int) -> list[int]:
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
        [ContactmomentDetails._meta.db_table, count],
    )
    return [row[0] for row in cursor.fetchall()]


def _ids_reserved(cursor, count: int) -> Iterator[list[int]]:
    """``count`` ids taken from the sequence in one step, in batches: only safe while no
    other session can insert a record (its nextval could fall inside the block), so the
    lock that keeps them out is taken first (held until the transaction ends)."""
    table = ContactmomentDetails._meta.db_table
    cursor.execute(f'LOCK TABLE "{table}" IN SHARE ROW EXCLUSIVE MODE')
    cursor.execute(
        "SELECT setval(s, nextval(s) + %s - 1) FROM pg_get_serial_sequence(%s, 'id') AS s", [count, table]
    )
    last = cursor.fetchone()[0]
    first = last - count + 1
    for start in range(first, last + 1, BATCH_SIZE):
        yield list(range(start, min(start + BATCH_SIZE, last + 1)))


def _lines(batch: list[DemoRecord], ids: list[int], *, history: bool, now: str):
    """The COPY lines of a batch: details, bronnen and history rows."""
    details, bronnen, rows = [], [], []
    for pk, r in zip(ids, batch, strict=True):
        day = r.day
        values = (
            f"{pk}\t{r.uuid}\t{r.contactmoment}\t{r.vraag}\t{r.specifieke_vraag}\t{r.gespreksresultaat}\t"
            f"{day.text} {_TIMES[r.start]}{day.offset}\t{day.text} {_TIMES[r.end]}{day.offset}\t"
            f"{r.verantwoordelijke_afdeling}\t{r.gespreks_id}\t{r.kanaal}\t{r.emailadres_kcm}\t{now}\t{now}"
        )
        details.append(values)
        for bron in r.bronnen:
            bronnen.append(f"{pk}\t{bron.soort}\t{bron.titel}\t{bron.url}")
        if history:
            snapshot = bronnen_snapshot(r.bronnen).replace("\n", "\\n")  # COPY text escape
            rows.append(f"{values}\t{now}\t+\t{snapshot}\t")
    return details, bronnen, rows


def _copy_all(
    connection, records: Iterable[DemoRecord], count: int, *, history: bool, now: str, reserved: bool
):
    """Every batch through COPY, while a second thread generates the next batch and builds
    its lines: psycopg waits for the server without holding the GIL, so Python's half of the
    work runs alongside PostgreSQL's. Each batch's ids come from the sequence before its
    lines are built (``reserved``: all in one step, see ``_ids_reserved``), so bronnen and
    history rows refer to their record without reading anything back. Returns how many."""
    batches = _batches(records)
    sizes = [size for size in [BATCH_SIZE] * (count // BATCH_SIZE) + [count % BATCH_SIZE] if size]

    def build(ids: list[int] | None):
        return None if ids is None else _lines(next(batches), ids, history=history, now=now)

    made = 0
    with connection.cursor() as cursor, ThreadPoolExecutor(max_workers=1) as builder:
        raw = cursor.cursor
        ids = _ids_reserved(cursor, count) if reserved else (_ids(cursor, size) for size in sizes)
        pending = builder.submit(build, next(ids, None))
        while (lines := pending.result()) is not None:
            pending = builder.submit(build, next(ids, None))
            details, bronnen, rows = lines
            _copy(raw, ContactmomentDetails, DETAILS_COLUMNS, details)
            _copy(raw, Bron, BRON_COLUMNS, bronnen)
            _copy(raw, ContactmomentDetails.history.model, HISTORY_COLUMNS, rows)
            made += len(details)
    return made


def _orm_batch(connection, batch: list[DemoRecord], *, history: bool, now) -> None:
    using = connection.alias
    objects = ContactmomentDetails.objects.using(using).bulk_create(
        [
            ContactmomentDetails(
                uuid=r.uuid,
                contactmoment=r.contactmoment,
                vraag=r.vraag,
                specifieke_vraag=r.specifieke_vraag,
                gespreksresultaat=r.gespreksresultaat,
                startdatum=r.startdatum(),
                einddatum=r.einddatum(),
                verantwoordelijke_afdeling=r.verantwoordelijke_afdeling,
                gespreks_id=r.gespreks_id,
                kanaal=r.kanaal,
                emailadres_kcm=r.emailadres_kcm,
            )
            for r in batch
        ],
        batch_size=1000,
    )
    Bron.objects.using(using).bulk_create(
        [
            Bron(contactmomentdetails=obj, soort=bron.soort, titel=bron.titel, url=bron.url)
            for obj, r in zip(objects, batch, strict=True)
            for bron in r.bronnen
        ],
        batch_size=1000,
    )
    if history:
        historical = ContactmomentDetails.history.model
        fields = [field.attname for field in ContactmomentDetails._meta.concrete_fields]
        historical.objects.using(using).bulk_create(
            [
                historical(
                    **{name: getattr(obj, name) for name in fields},
                    history_date=now,
                    history_type="+",
                    history_bronnen=bronnen_snapshot(r.bronnen),
                    history_api_client="",
                )
                for obj, r in zip(objects, batch, strict=True)
            ],
            batch_size=1000,
        )


def demo_records_write(
    records: Iterable[DemoRecord], count: int, *, history: bool, using: str = "default"
) -> int:
    """Write the ``count`` ``records`` with their bronnen (and "+" history rows); returns how many."""
    connection = connections[using]
    postgres = connection.vendor == "postgresql"
    if postgres:
        columns_check(ContactmomentDetails, DETAILS_COLUMNS, writer="seed_demo_data")
        columns_check(Bron, (*BRON_COLUMNS, "id"), frozenset({"id"}), writer="seed_demo_data")
        columns_check(
            ContactmomentDetails.history.model, HISTORY_COLUMNS, HISTORY_DEFAULTED, writer="seed_demo_data"
        )
    now = timezone.now()
    tables = [ContactmomentDetails._meta.db_table, Bron._meta.db_table]
    tables.append(ContactmomentDetails.history.model._meta.db_table)
    if not postgres:
        with transaction.atomic(using=using):
            made = 0
            for batch in _batches(records):
                _orm_batch(connection, batch, history=history, now=now)
                made += len(batch)
            return made
    empty = not ContactmomentDetails.objects.using(using).exists()
    if empty:
        indexes_defer(tables, using=using)
    try:
        with (
            transaction.atomic(using=using),
            constraints_set_aside(connection, tables) if empty else nullcontext(),
        ):
            return _copy_all(connection, records, count, history=history, now=now.isoformat(), reserved=empty)
    finally:
        # Also those an interrupted load left (contactmomenten.W005).
        indexes_restore(using=using)
