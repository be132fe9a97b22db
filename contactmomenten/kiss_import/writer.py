"""Writing batches of accepted upstream records into this service (PostgreSQL).

Per batch, in one transaction: the batch's keys go into a temporary table (``COPY``), the
stored versions of those records are read (locked) by a join, compared field by field and
bron by bron in Python, and only what differs is written, so a re-run rewrites nothing and
counts every record as unchanged. The changed records go through the temporary table too
(``COPY`` is the cheapest way in) into one ``INSERT ... SELECT ... ON CONFLICT
(contactmoment) DO UPDATE`` (an API PUT that created the record meanwhile becomes an
update, not a duplicate); the new records get their bronnen, the updated ones have theirs
replaced, in upstream order as the PUT does, and each gets its history row ("+" new, "~"
changed) with the bronnen snapshot, in bulk, by the one actor ``import_kiss``.
"""

from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from contactmomenten.constants import BRON_FIELDS, DETAIL_FIELDS
from contactmomenten.history import bronnen_snapshot
from contactmomenten.history_bulk import history_rows_insert
from contactmomenten.kiss_import.validation import Record
from contactmomenten.models import Bron, ContactmomentDetails

ACTOR = "import_kiss"
CHANGE_REASON = "Geïmporteerd uit KISS"
_DATES = ("startdatum", "einddatum")
_DETAILS = ContactmomentDetails._meta.db_table
_BRONNEN = Bron._meta.db_table
_STAGE = "import_kiss_stage"
_STAGE_BRONNEN = "import_kiss_stage_bron"


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


def _quoted(names) -> str:
    return ", ".join(f'"{n}"' for n in names)


class RecordsWriter:
    """Writes batches of records whose ``fields`` all have the keys ``names``."""

    def __init__(self, names: tuple[str, ...], *, dry_run: bool, history: bool):
        self.names = names
        self.dry_run = dry_run
        self.history = history
        types = ", ".join(f'"{n}" {"timestamptz" if n in _DATES else "text"}' for n in names)
        with connection.cursor() as cursor:
            # Session-private scratch tables: nobody else sees them, they vanish with the session.
            cursor.execute(f"DROP TABLE IF EXISTS {_STAGE}, {_STAGE_BRONNEN}")
            cursor.execute(f"CREATE TEMPORARY TABLE {_STAGE} (contactmoment text, {types}, snapshot text)")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {_STAGE_BRONNEN} (contactmoment text, position integer, "
                f"{', '.join(f'{f} text' for f in BRON_FIELDS)})"
            )

    def _stage(self, cursor, columns: tuple[str, ...], rows) -> None:
        cursor.execute(f"TRUNCATE {_STAGE}")
        with cursor.cursor.copy(f"COPY {_STAGE} ({_quoted(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def _stored(self, cursor) -> dict:
        """contactmoment -> (field values, bronnen) of the staged records already here."""
        cursor.execute(
            f'SELECT d.id, d.contactmoment, {", ".join(f"d.{n}" for n in self.names)} FROM "{_DETAILS}" d '
            f"JOIN {_STAGE} s USING (contactmoment)" + ("" if self.dry_run else " FOR UPDATE OF d")
        )
        rows = cursor.fetchall()
        bronnen = {row[0]: [] for row in rows}
        if rows:
            cursor.execute(
                f"SELECT b.contactmomentdetails_id, {', '.join(f'b.{f}' for f in BRON_FIELDS)} "
                f'FROM "{_BRONNEN}" b JOIN "{_DETAILS}" d ON d.id = b.contactmomentdetails_id '
                f"JOIN {_STAGE} s USING (contactmoment) ORDER BY b.contactmomentdetails_id, b.id"
            )
            for details_id, *bron in cursor.fetchall():
                bronnen[details_id].append(tuple(bron))
        return {row[1]: (row[2:], bronnen[row[0]]) for row in rows}

    def _upsert(self, cursor, now) -> list[tuple[int, bool]]:
        """The id of each staged record and whether it was inserted (else updated)."""
        # Fields upstream does not have (kanaal; gespreksId in older versions) start empty and
        # are never overwritten: a value entered here stays.
        absent = [f for f in DETAIL_FIELDS if f not in self.names]
        columns = _quoted(("uuid", "contactmoment", *self.names, *absent, "aangemaakt", "gewijzigd"))
        updates = ", ".join(f'"{n}" = EXCLUDED."{n}"' for n in (*self.names, "gewijzigd"))
        cursor.execute(
            f'INSERT INTO "{_DETAILS}" ({columns}) '
            f"SELECT gen_random_uuid(), s.contactmoment, {', '.join(f's.{n}' for n in self.names)}, "
            f"{', '.join(['%s'] * (len(absent) + 2))} FROM {_STAGE} s "
            f"ON CONFLICT (contactmoment) DO UPDATE SET {updates} RETURNING id, (xmax = 0)",
            [*[""] * len(absent), now, now],
        )
        return cursor.fetchall()

    def _bronnen_stage(self, cursor, changed: list[Record]) -> None:
        cursor.execute(f"TRUNCATE {_STAGE_BRONNEN}")
        columns = ", ".join(("contactmoment", "position", *BRON_FIELDS))
        with cursor.cursor.copy(f"COPY {_STAGE_BRONNEN} ({columns}) FROM STDIN") as copy:
            position = 0
            for record in changed:
                for bron in record.bronnen:
                    copy.write_row((record.contactmoment, position, *bron))
                    position += 1

    def _bronnen_insert(self, cursor) -> int:
        # Inserted in upstream order, so the ids (our bronnen order) follow upstream's "Id".
        cursor.execute(
            f'INSERT INTO "{_BRONNEN}" (contactmomentdetails_id, {", ".join(BRON_FIELDS)}) '
            f"SELECT d.id, {', '.join(f'sb.{f}' for f in BRON_FIELDS)} FROM {_STAGE_BRONNEN} sb "
            f'JOIN "{_DETAILS}" d USING (contactmoment) ORDER BY sb.position'
        )
        return cursor.rowcount

    def write(self, records: list[Record]) -> BatchResult:
        """Bring the batch's records here; with ``dry_run`` only count what would change."""
        result = BatchResult()
        if not records:
            return result
        with transaction.atomic(), connection.cursor() as cursor:
            self._stage(cursor, ("contactmoment",), ((r.contactmoment,) for r in records))
            stored = self._stored(cursor)
            changed = []
            for record in records:
                old = stored.get(record.contactmoment)
                if old is None:
                    result.inserted += 1
                elif old[0] == tuple(record.fields[n] for n in self.names) and old[1] == list(record.bronnen):
                    result.unchanged += 1
                    continue
                else:
                    result.updated += 1
                changed.append(record)
            if self.dry_run or not changed:
                result.bronnen = sum(len(r.bronnen) for r in changed)
                return result
            self._stage(
                cursor,
                ("contactmoment", *self.names, "snapshot"),
                (
                    (
                        r.contactmoment,
                        *(r.fields[n] for n in self.names),
                        bronnen_snapshot(map(_Snapshot, r.bronnen)) if self.history else None,
                    )
                    for r in changed
                ),
            )
            now = timezone.now()
            upserted = self._upsert(cursor, now)
            # Only an updated record has old bronnen (also one an API PUT created meanwhile).
            updated = [pk for pk, inserted in upserted if not inserted]
            if updated:
                cursor.execute(f'DELETE FROM "{_BRONNEN}" WHERE contactmomentdetails_id = ANY(%s)', [updated])
            result.updated = len(updated)
            result.inserted = len(upserted) - result.updated
            self._bronnen_stage(cursor, changed)
            result.bronnen = self._bronnen_insert(cursor)
            if self.history:
                history_rows_insert(
                    cursor,
                    f"SELECT d.id, CASE WHEN d.aangemaakt = %s THEN '+' ELSE '~' END, s.snapshot "
                    f'FROM {_STAGE} s JOIN "{_DETAILS}" d USING (contactmoment)',
                    [now],
                    date=now,
                    api_client=ACTOR,
                    change_reason=CHANGE_REASON,
                )
        return result
