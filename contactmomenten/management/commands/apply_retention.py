"""``manage.py apply_retention [--dry-run] [--batch-size N]``: apply the retention term
``BEWAARTERMIJN_DAGEN`` (see ``contactmomenten.retention``); meant to run daily from cron or a
Kubernetes CronJob (README, "Privacy (AVG)"). Exits non-zero when a batch fails."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from contactmomenten.retention import DEFAULT_BATCH_SIZE, RetentionReport, retention_apply


class Command(BaseCommand):
    help = (
        "Pas de bewaartermijn toe (BEWAARTERMIJN_DAGEN): maak specifiekeVraag en emailadresKcm leeg "
        "van records met een einddatum ouder dan de termijn, ook in hun historie, en haal "
        "zoektermen uit oudere exportregels. Opnieuw draaien is veilig."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Tel alleen wat er zou veranderen.")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=f"Records per batch, elk in een eigen transactie (standaard {DEFAULT_BATCH_SIZE}).",
        )

    def handle(self, *args, dry_run, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size moet minimaal 1 zijn.")
        days = settings.BEWAARTERMIJN_DAGEN
        if days is None:
            self.stdout.write(
                "BEWAARTERMIJN_DAGEN is niet ingesteld: alles blijft bewaard, er is niets gewijzigd."
            )
            return
        try:
            report = retention_apply(
                days=days,
                brontitels=settings.BEWAARTERMIJN_BRONTITELS,
                batch_size=batch_size,
                dry_run=dry_run,
            )
        except DatabaseError as error:
            raise CommandError(
                f"Bewaartermijn toepassen mislukt: {error}".strip()
                + "\nDe batches tot nu toe zijn opgeslagen; start het commando opnieuw om verder te gaan."
            ) from error
        self._report(report, days, dry_run)

    def _report(self, report: RetentionReport, days: int, dry_run: bool) -> None:
        out = self.stdout.write
        cutoff = timezone.localtime(report.cutoff)
        out(
            ("Proefdraai (--dry-run): er is niets geschreven. " if dry_run else "")
            + f"Bewaartermijn {days} dagen: einddatum voor {cutoff:%d-%m-%Y %H:%M}."
        )
        out("Zou worden geanonimiseerd, per tabel:" if dry_run else "Geanonimiseerd, per tabel:")
        out(f"  contactmomentdetails:              {report.records}")
        out(f"  historie van contactmomentdetails: {report.history_rows}")
        if settings.BEWAARTERMIJN_BRONTITELS:
            out(f"  bronnen (titel):                   {report.bronnen}")
        else:
            out("  bronnen (titel):                   - (BEWAARTERMIJN_BRONTITELS staat uit)")
        out(f"  exportregels (filter):             {report.export_log}")
        if report.skipped:
            out(
                f"Overgeslagen: {report.skipped} records waren op dat moment in gebruik door een schrijver "
                "(KISS); de volgende run neemt ze mee."
            )
