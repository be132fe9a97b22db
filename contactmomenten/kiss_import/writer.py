"""Writing one batch of accepted upstream records into this service (PostgreSQL).

Per batch, in one transaction: read the stored versions of the batch's contactmomenten
(locked), compare field by field and bron by bron, and write only what differs, so a
re-run rewrites nothing and counts every record as unchanged. The write is one
``INSERT ... ON CONFLICT (contactmoment) DO UPDATE`` (an API PUT that created the record
meanwhile becomes an update, not a duplicate), the bronnen of the written records are
replaced in upstream order, as the PUT does, and each written record gets its history row
("+" new, "~" changed) with the bronnen snapshot, in bulk, by the one actor ``import_kiss``.
"""

from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from contactmomenten.history import bronnen_snapshot
from contactmomenten.history_bulk import history_rows_insert
from contactmomenten.kiss_import.validation import Record
from contactmomenten.models import Bron, ContactmomentDetails
from contactmomenten.services import BRON_FIELDS, DETAIL_FIELDS

ACTOR = "import_kiss"
CHANGE_REASON = "Geïmporteerd uit KISS"
_DATES = ("startdatum", "einddatum")
_DETAILS = ContactmomentDetails._meta.db_table
_BRONNEN = Bron._meta.db_table


@dataclass(slots=True)
class BatchResult:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    bronnen: int = 0


class _Snapshot:
    """What ``bronnen_snapshot`` reads of a bron, for (soort, titel, url) tuples."""

    __slots__ = ("soort", "titel", "url")

    def __init__(self, bron):
        self.soort, self.titel, self.url = bron


def _stored(cursor, keys: list[str], names: tuple[str, ...], *, lock: bool) -> dict:
    """contactmoment -> (id, field values, bronnen) of the records already here."""
    columns = ", ".join(f'"{n}"' for n in names)
    cursor.execute(
        f'SELECT id, contactmoment, {columns} FROM "{_DETAILS}" WHERE contactmoment = ANY(%s)'
        + (" FOR UPDATE" if lock else ""),
        [keys],
    )
    stored = {row[1]: (row[0], row[2:], []) for row in cursor.fetchall()}
    if stored:
        by_id = {value[0]: value[2] for value in stored.values()}
        cursor.execute(
            f'SELECT contactmomentdetails_id, {", ".join(BRON_FIELDS)} FROM "{_BRONNEN}" '
            "WHERE contactmomentdetails_id = ANY(%s) ORDER BY contactmomentdetails_id, id",
            [list(by_id)],
        )
        for details_id, *bron in cursor.fetchall():
            by_id[details_id].append(tuple(bron))
    return stored


def _upsert(cursor, records: list[Record], names: tuple[str, ...], now) -> list[tuple[int, str, bool]]:
    """(id, contactmoment, inserted) of every record written."""
    # Fields upstream does not have (kanaal; gespreksId in older versions) start empty and
    # are never overwritten: a value entered here stays.
    absent = [f for f in DETAIL_FIELDS if f not in names]
    columns = ", ".join(
        f'"{c}"' for c in ("uuid", "contactmoment", *names, *absent, "aangemaakt", "gewijzigd")
    )
    types = ", ".join("%s::timestamptz[]" if n in _DATES else "%s::text[]" for n in ("contactmoment", *names))
    source = ", ".join(f's."{n}"' for n in ("contactmoment", *names))
    aliases = ", ".join(f'"{n}"' for n in ("contactmoment", *names))
    updates = ", ".join(f'"{n}" = EXCLUDED."{n}"' for n in (*names, "gewijzigd"))
    arrays = [[r.contactmoment for r in records], *([r.fields[n] for r in records] for n in names)]
    cursor.execute(
        f'INSERT INTO "{_DETAILS}" ({columns}) '
        f"SELECT gen_random_uuid(), {source}, {', '.join(['%s'] * len(absent) + ['%s', '%s'])} "
        f"FROM unnest({types}) AS s({aliases}) "
        f"ON CONFLICT (contactmoment) DO UPDATE SET {updates} "
        "RETURNING id, contactmoment, (xmax = 0)",
        [*[""] * len(absent), now, now, *arrays],
    )
    return cursor.fetchall()


def _bronnen_replace(cursor, written, records: dict[str, Record]) -> int:
    replaced = [pk for pk, _, inserted in written if not inserted]
    if replaced:
        cursor.execute(f'DELETE FROM "{_BRONNEN}" WHERE contactmomentdetails_id = ANY(%s)', [replaced])
    count = 0
    columns = ", ".join(("contactmomentdetails_id", *BRON_FIELDS))
    with cursor.cursor.copy(f'COPY "{_BRONNEN}" ({columns}) FROM STDIN') as copy:
        for pk, contactmoment, _ in written:
            for bron in records[contactmoment].bronnen:
                copy.write_row((pk, *bron))
                count += 1
    return count


def records_write(records: list[Record], *, dry_run: bool, history: bool) -> BatchResult:
    """Bring the batch's records here; with ``dry_run`` only count what would change."""
    result = BatchResult()
    if not records:
        return result
    names = tuple(records[0].fields)
    with transaction.atomic(), connection.cursor() as cursor:
        stored = _stored(cursor, [r.contactmoment for r in records], names, lock=not dry_run)
        changed = []
        for record in records:
            old = stored.get(record.contactmoment)
            if old is None:
                result.inserted += 1
            elif old[1] == tuple(record.fields[n] for n in names) and old[2] == list(record.bronnen):
                result.unchanged += 1
                continue
            else:
                result.updated += 1
            changed.append(record)
        if dry_run or not changed:
            result.bronnen = sum(len(r.bronnen) for r in changed)
            return result
        now = timezone.now()
        by_key = {r.contactmoment: r for r in changed}
        written = _upsert(cursor, changed, names, now)
        result.inserted = sum(1 for *_, inserted in written if inserted)
        result.updated = len(written) - result.inserted
        result.bronnen = _bronnen_replace(cursor, written, by_key)
        if history:
            rows = [
                (pk, "+" if inserted else "~", bronnen_snapshot(map(_Snapshot, by_key[key].bronnen)))
                for pk, key, inserted in written
            ]
            history_rows_insert(cursor, rows, date=now, api_client=ACTOR, change_reason=CHANGE_REASON)
    return result
