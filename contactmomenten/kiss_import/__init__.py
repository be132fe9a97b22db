"""Migration from upstream KISS: ``kiss_import`` brings the contactmomentdetails and bronnen
of the KISS backend's PostgreSQL database into this service (``manage.py import_kiss``).

The pieces, one concern each: ``source`` reads upstream read-only in batches,
``validation`` applies the model's rules (refused rows go to the ``rejects`` file with
their reason), ``writer`` upserts a batch and its bronnen and history in one transaction.
Each batch commits on its own, and the upsert is idempotent (keyed on the contactmoment,
unchanged records untouched), so an interrupted run is resumed by starting it again. At the
end the per-month counts of source and target are compared. A first import into an empty
table builds the secondary indexes of the details and history tables once at its end instead
of growing them row by row (``contactmomenten.bulk_indexes.indexes_defer``); an interrupted
run leaves them to the run that resumes it. Records past the retention term
(``BEWAARTERMIJN_DAGEN``) are stored without their personal data, as ``apply_retention``
leaves them, so an import never brings back what retention removed.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import connection

from contactmomenten.bulk_indexes import indexes_defer, indexes_restore
from contactmomenten.kiss_import.rejects import RejectsFile
from contactmomenten.kiss_import.source import KissSource
from contactmomenten.kiss_import.validation import Record, record_fields, record_validate
from contactmomenten.kiss_import.writer import RecordsWriter
from contactmomenten.models import ContactmomentDetails
from contactmomenten.retention import retention_incoming

DEFAULT_BATCH_SIZE = 5000
# No statement of the import needs the secondary indexes of these tables (it finds records by
# the unique contactmoment, bronnen by their foreign key, which stay).
DEFERRED_INDEX_TABLES = (
    ContactmomentDetails._meta.db_table,
    ContactmomentDetails.history.model._meta.db_table,
)


@dataclass
class MonthCount:
    month: str | None
    source: int
    rejected: int
    target: int

    @property
    def differs(self) -> bool:
        return self.source - self.rejected != self.target


@dataclass
class ImportSummary:
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    bronnen: int = 0
    indexes_built: int = 0  # deferred indexes built at the end
    months: list[MonthCount] = field(default_factory=list)


def _target_months(since: datetime | None) -> dict[str | None, int]:
    where = "WHERE startdatum >= %s" if since else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT to_char(startdatum AT TIME ZONE %s, 'YYYY-MM'), count(*) "
            f'FROM "{ContactmomentDetails._meta.db_table}" {where} GROUP BY 1',
            [settings.TIME_ZONE, *([since] if since else [])],
        )
        return dict(cursor.fetchall())


def kiss_import(
    source_url: str,
    *,
    rejects_path: str,
    since: datetime | None = None,
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    history: bool = True,
    progress_factory=None,
) -> ImportSummary:
    """Import upstream's records (with Startdatum from ``since``); see the module docstring.

    ``progress_factory(total)`` returns an object whose ``advance(rows)`` is called after
    each batch and ``finish()`` at the end.
    """
    if connection.vendor != "postgresql":
        raise RuntimeError("import_kiss schrijft alleen naar PostgreSQL.")
    summary = ImportSummary()
    # Records past the retention term arrive as apply_retention leaves them (issue 9 §3).
    retained = retention_incoming()
    rejected_months: Counter = Counter()
    with KissSource(source_url, since=since) as source:
        total = source.count()
        progress = progress_factory(total) if progress_factory else None
        rejects = RejectsFile(rejects_path, source.columns)
        writer = RecordsWriter(record_fields(source.columns), dry_run=dry_run, history=history)
        if not dry_run and not ContactmomentDetails.objects.exists():
            indexes_defer(DEFERRED_INDEX_TABLES)
        try:
            for batch in source.batches(batch_size):
                records: list[Record] = []
                for row in batch:
                    checked = record_validate(row)
                    if isinstance(checked, Record):
                        if retained:
                            fields, bronnen = retained(checked.fields, checked.bronnen)
                            checked = Record(checked.contactmoment, fields, bronnen)
                        records.append(checked)
                    else:
                        rejects.add(row, checked)
                        rejected_months[row.month] += 1
                result = writer.write(records)
                summary.read += len(batch)
                summary.inserted += result.inserted
                summary.updated += result.updated
                summary.unchanged += result.unchanged
                summary.bronnen += result.bronnen
                summary.rejected = rejects.count
                if progress:
                    progress.advance(len(batch))
        finally:
            rejects.close()
        if progress:
            progress.finish()
        if not dry_run:
            summary.indexes_built = indexes_restore()
        source_months = source.months()
    target_months = _target_months(since)
    months = sorted(set(source_months) | set(target_months), key=lambda m: m or "")
    summary.months = [
        MonthCount(m, source_months.get(m, 0), rejected_months.get(m, 0), target_months.get(m, 0))
        for m in months
    ]
    return summary
