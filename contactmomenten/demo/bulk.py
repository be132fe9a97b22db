"""Bulk writers for demo records: ``COPY ... FROM STDIN`` on PostgreSQL, bulk inserts
elsewhere, in one transaction.

On PostgreSQL into an empty table, the indexes, unique constraints and foreign keys are set
aside first and built again at the end, in the same transaction
(``contactmomenten.bulk_indexes.indexes_set_aside``). Both write each record, its bronnen and (unless
``history`` is off) its initial "+" history row, the row django-simple-history's
``bulk_create_with_history`` would write, plus the
bronnen snapshot ``contactmomenten.history`` keeps in it, so the first correction of a
demo record shows what changed. (``bulk_create_with_history`` cannot give each row its own
snapshot, and builds a model instance per row: too slow for a million.)
"""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import nullcontext
from itertools import islice

from django.db import connections, transaction
from django.utils import timezone

from contactmomenten.bulk_indexes import indexes_set_aside
from contactmomenten.demo.generator import DemoRecord
from contactmomenten.history import bronnen_snapshot
from contactmomenten.history_bulk import DETAILS_COLUMNS, HISTORY_COLUMNS, HISTORY_DEFAULTED, columns_check
from contactmomenten.models import Bron, ContactmomentDetails

BATCH_SIZE = 50_000
BRON_COLUMNS = ("contactmomentdetails_id", "soort", "titel", "url")
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


def _copy_batch(connection, batch: list[DemoRecord], *, history: bool, now: str) -> None:
    """One batch through COPY: ids from the sequence first, so bronnen and history rows can
    refer to their record without reading anything back."""
    table = ContactmomentDetails._meta.db_table
    historical = ContactmomentDetails.history.model
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(batch)],
        )
        ids = [row[0] for row in cursor.fetchall()]
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
        raw = cursor.cursor
        _copy(raw, ContactmomentDetails, DETAILS_COLUMNS, details)
        _copy(raw, Bron, BRON_COLUMNS, bronnen)
        _copy(raw, historical, HISTORY_COLUMNS, rows)


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


def demo_records_write(records: Iterable[DemoRecord], *, history: bool, using: str = "default") -> int:
    """Write ``records`` with their bronnen (and "+" history rows); returns how many."""
    connection = connections[using]
    postgres = connection.vendor == "postgresql"
    if postgres:
        columns_check(ContactmomentDetails, DETAILS_COLUMNS, writer="seed_demo_data")
        columns_check(Bron, (*BRON_COLUMNS, "id"), frozenset({"id"}), writer="seed_demo_data")
        columns_check(
            ContactmomentDetails.history.model, HISTORY_COLUMNS, HISTORY_DEFAULTED, writer="seed_demo_data"
        )
    now = timezone.now()
    made = 0
    with transaction.atomic(using=using):
        tables = [ContactmomentDetails._meta.db_table, Bron._meta.db_table]
        tables.append(ContactmomentDetails.history.model._meta.db_table)
        empty = postgres and not ContactmomentDetails.objects.using(using).exists()
        rebuild = indexes_set_aside(connection, tables) if empty else nullcontext()
        with rebuild:
            for batch in _batches(records):
                if postgres:
                    _copy_batch(connection, batch, history=history, now=now.isoformat())
                else:
                    _orm_batch(connection, batch, history=history, now=now)
                made += len(batch)
    return made
