"""Retention of personal data (AVG storage limitation), run by ``manage.py apply_retention``.

For every record whose ``einddatum`` lies more than ``BEWAARTERMIJN_DAGEN`` days back, the
personal fields (``specifieke_vraag``, ``emailadres_kcm``; with ``BEWAARTERMIJN_BRONTITELS``
also the bronnen's ``titel``) are emptied in the record *and* in every historical row of it,
in one transaction per batch, so a record is never anonymised while its history is not. The
history of a deleted record is anonymised once every version of it ended before the term.
Export log rows older than the term keep who exported what and when, not the search term or
other free parameters (``export_filter_text_retained``). Everything the statistics use (vraag,
gespreksresultaat, dates, afdeling, kanaal, gespreksId, bron soort and url) stays as it is.

Safe while KISS writes: each batch locks its records with ``FOR UPDATE SKIP LOCKED`` and
re-checks the term under the lock, so a record that a writer holds is skipped (and counted;
the next run takes it), a record a PUT just moved inside the term is left alone, and only
the personal columns are written (plus ``gewijzigd``: the representation changed, so ETags
and "changed since" readers see it), never a stale copy of the others. Idempotent: a record,
row or log entry without personal data left is no candidate, so a rerun changes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from contactmomenten.admin.exports import export_filter_text_retained
from contactmomenten.history import bronnen_from_snapshot, bronnen_snapshot
from contactmomenten.models import Bron, ContactmomentDetails, ExportLog

DEFAULT_BATCH_SIZE = 1000
PERSONAL_FIELDS = ("specifieke_vraag", "emailadres_kcm")
# A bronnen snapshot line is "soort: titel (url)"; with its titel emptied "soort:  (url)". So a
# snapshot still holds a titel when some ": " is not followed by " (" (urls hold no spaces).
_SNAPSHOT_WITH_TITEL = r": (?! \()"


@dataclass
class RetentionReport:
    """What a run changed (or, in a dry run, would change), per table."""

    cutoff: datetime
    records: int = 0
    history_rows: int = 0
    bronnen: int = 0
    export_log: int = 0
    skipped: int = 0  # records a writer held locked: the next run takes them
    # Records a later queryset of _due_records may find again in this run: those counted by a
    # dry run (nothing changed) and those skipped (still locked, perhaps).
    _handled: set = field(default_factory=set, repr=False)


def retention_cutoff(days: int, now: datetime | None = None) -> datetime:
    """Records whose einddatum lies before this moment are past the term."""
    return (now or timezone.now()) - timedelta(days=days)


def _history():
    return ContactmomentDetails.history.model


def _personal() -> Q:
    return ~Q(specifieke_vraag="") | ~Q(emailadres_kcm="")


def _history_personal(brontitels: bool) -> Q:
    q = _personal()
    return q | Q(history_bronnen__regex=_SNAPSHOT_WITH_TITEL) if brontitels else q


def _bron_personal() -> Q:
    return ~Q(titel="")


def _due_records(cutoff: datetime, brontitels: bool) -> list[QuerySet]:
    """Records past the term with personal data left in them, in their history or in their
    bronnen: three querysets, each cheap on its own (an OR of them makes PostgreSQL hash the
    whole history table for every batch). Almost every record is found by the first."""
    past = ContactmomentDetails.objects.filter(einddatum__lt=cutoff)
    history = _history().objects.filter(_history_personal(brontitels)).values("id")
    due = [past.filter(_personal()), past.filter(id__in=history)]
    if brontitels:
        due.append(
            past.filter(id__in=Bron.objects.filter(_bron_personal()).values("contactmomentdetails_id"))
        )
    return due


def _due_deleted(cutoff: datetime, brontitels: bool) -> QuerySet:
    """Record ids of deleted records whose every version ended before the cutoff and whose
    history still holds personal data."""
    rows = _history().objects
    return (
        rows.filter(_history_personal(brontitels), einddatum__lt=cutoff)
        .exclude(Exists(ContactmomentDetails.objects.filter(pk=OuterRef("id"))))
        .exclude(Exists(rows.filter(id=OuterRef("id"), einddatum__gte=cutoff)))
        .values_list("id", flat=True)
        .distinct()
    )


def _anonymise_history(ids, brontitels: bool, dry_run: bool) -> int:
    rows = _history().objects.filter(_history_personal(brontitels), id__in=ids)
    if dry_run:
        return rows.count()
    if not brontitels:
        return rows.update(specifieke_vraag="", emailadres_kcm="")
    changed = list(rows.only("history_id", "history_bronnen"))
    for row in changed:
        row.specifieke_vraag = row.emailadres_kcm = ""
        bronnen = bronnen_from_snapshot(row.history_bronnen)
        row.history_bronnen = bronnen_snapshot({**bron, "titel": ""} for bron in bronnen)
    _history().objects.bulk_update(changed, ["specifieke_vraag", "emailadres_kcm", "history_bronnen"])
    return len(changed)


def _records_batch(ids: list[int], report: RetentionReport, brontitels: bool, dry_run: bool) -> None:
    ids = [pk for pk in ids if pk not in report._handled]
    due = ContactmomentDetails.objects.filter(id__in=ids, einddatum__lt=report.cutoff)
    if dry_run:
        locked = list(due.values_list("id", flat=True))
        report._handled.update(locked)
    else:
        # Re-checked under the lock: a writer's change committed meanwhile is what we see.
        locked = list(due.select_for_update(skip_locked=True).values_list("id", flat=True))
        skipped = list(due.exclude(id__in=locked).values_list("id", flat=True))
        report.skipped += len(skipped)
        report._handled.update(skipped)
    records = ContactmomentDetails.objects.filter(_personal(), id__in=locked)
    bronnen = Bron.objects.filter(_bron_personal(), contactmomentdetails_id__in=locked)
    if dry_run:
        report.records += records.count()
        report.bronnen += bronnen.count() if brontitels else 0
    else:
        report.records += records.update(specifieke_vraag="", emailadres_kcm="", gewijzigd=timezone.now())
        report.bronnen += bronnen.update(titel="") if brontitels else 0
    report.history_rows += _anonymise_history(locked, brontitels, dry_run)


def retention_incoming(now: datetime | None = None) -> Callable[[dict, tuple], tuple[dict, tuple]] | None:
    """For writers that copy records in from elsewhere (import_kiss): a function that takes
    a record's fields and (soort, titel, url) bronnen and returns them as retention would
    leave them, so a re-import never brings back what a run removed; None without a term."""
    if settings.BEWAARTERMIJN_DAGEN is None:
        return None
    cutoff = retention_cutoff(settings.BEWAARTERMIJN_DAGEN, now)
    brontitels = settings.BEWAARTERMIJN_BRONTITELS

    def apply(fields: dict, bronnen: tuple) -> tuple[dict, tuple]:
        if fields["einddatum"] >= cutoff:
            return fields, bronnen
        fields = {**fields, **{name: "" for name in PERSONAL_FIELDS if name in fields}}
        if brontitels:
            bronnen = tuple((soort, "", url) for soort, _, url in bronnen)
        return fields, bronnen

    return apply


def _batches(queryset: QuerySet, field: str, batch_size: int):
    """Ascending keyset batches of ``field`` values of ``queryset`` (re-queried per batch)."""
    last = None
    while True:
        page = queryset.order_by(field)
        if last is not None:
            page = page.filter(**{f"{field}__gt": last})
        values = list(page.values_list(field, flat=True)[:batch_size])
        if not values:
            return
        yield values
        last = values[-1]


def retention_apply(
    *,
    days: int,
    brontitels: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    dry_run: bool = False,
    now: datetime | None = None,
    progress: Callable[[RetentionReport], None] | None = None,
) -> RetentionReport:
    """Anonymise everything past the term, one transaction per batch; see the module doc.

    A dry run counts what a real run would change and writes (and locks) nothing. A failure
    raises; the batches committed before it stay, and a new run goes on from there.
    """
    report = RetentionReport(cutoff=retention_cutoff(days, now))
    for due in _due_records(report.cutoff, brontitels):
        for ids in _batches(due, "id", batch_size):
            with transaction.atomic():
                _records_batch(ids, report, brontitels, dry_run)
            if progress:
                progress(report)
    for ids in _batches(_due_deleted(report.cutoff, brontitels), "id", batch_size):
        with transaction.atomic():
            report.history_rows += _anonymise_history(ids, brontitels, dry_run)
    for pks in _batches(ExportLog.objects.filter(moment__lt=report.cutoff), "pk", batch_size):
        with transaction.atomic():
            rows = list(ExportLog.objects.filter(pk__in=pks).only("pk", "filter"))
            changed = [row for row in rows if export_filter_text_retained(row.filter) != row.filter]
            for row in changed:
                row.filter = export_filter_text_retained(row.filter)
            if not dry_run:
                ExportLog.objects.bulk_update(changed, ["filter"])
            report.export_log += len(changed)
    return report
