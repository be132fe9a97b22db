"""``manage.py import_kiss --source postgres://... [--since DATE] [--dry-run] [--batch-size N]
[--rejects FILE.csv]``: bring the contactmomentdetails and bronnen of an upstream KISS
backend database into this service (see ``contactmomenten.kiss_import``), with a progress
bar, a summary and a per-month verification."""

from datetime import date, datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from contactmomenten.bulk_indexes import indexes_deferred
from contactmomenten.kiss_import import DEFAULT_BATCH_SIZE, ImportSummary, kiss_import
from contactmomenten.kiss_import.progress import Progress
from contactmomenten.kiss_import.source import SourceError


def _since(value: str) -> datetime:
    try:
        day = date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Ongeldige datum {value!r}: gebruik JJJJ-MM-DD.") from error
    return timezone.make_aware(datetime.combine(day, time.min))


class Command(BaseCommand):
    help = (
        "Importeer contactmomentdetails en bronnen uit de database van upstream KISS "
        "(tabellen ContactMomentDetails en ContactMomentDetailsBronnen). Opnieuw draaien is veilig."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source", required=True, help="PostgreSQL-URL van de KISS-database (alleen gelezen)."
        )
        parser.add_argument("--since", help="Alleen records met een startdatum vanaf deze dag (JJJJ-MM-DD).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Alles behalve schrijven in deze database."
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=f"Records per batch (standaard {DEFAULT_BATCH_SIZE}).",
        )
        parser.add_argument(
            "--rejects",
            help="CSV-bestand voor afgewezen records (standaard kiss-afgewezen-<tijdstip>.csv); modus 0600.",
        )
        parser.add_argument(
            "--zonder-historie",
            action="store_true",
            help="Schrijf geen historieregels (alleen om de kosten ervan te meten).",
        )

    def handle(self, *args, source, since, dry_run, batch_size, rejects, zonder_historie, **options):
        if batch_size < 1:
            raise CommandError("--batch-size moet minimaal 1 zijn.")
        since = _since(since) if since else None
        rejects = rejects or f"kiss-afgewezen-{timezone.localtime():%Y%m%d-%H%M%S}.csv"
        with translation.override("nl"):
            try:
                summary = kiss_import(
                    source,
                    rejects_path=rejects,
                    since=since,
                    dry_run=dry_run,
                    batch_size=batch_size,
                    history=not zonder_historie,
                    progress_factory=lambda total: Progress(self.stdout, total),
                )
            except KeyboardInterrupt as error:
                deferred = indexes_deferred()
                raise CommandError(
                    "Onderbroken. De batches tot nu toe zijn opgeslagen; "
                    "start het commando opnieuw om verder te gaan."
                    + (
                        f" Tot die run klaar is ontbreken {deferred} indexen: "
                        "zoeken en filteren werken, maar trager."
                        if deferred
                        else ""
                    )
                ) from error
            except (SourceError, RuntimeError, OSError) as error:
                raise CommandError(str(error)) from error
        self._report(summary, rejects, dry_run)

    def _report(self, summary: ImportSummary, rejects: str, dry_run: bool) -> None:
        out = self.stdout.write
        out(("Proefdraai (--dry-run): er is niets geschreven. " if dry_run else "") + "Samenvatting:")
        out(f"  gelezen:     {summary.read}")
        out(f"  nieuw:       {summary.inserted}")
        out(f"  bijgewerkt:  {summary.updated}")
        out(f"  ongewijzigd: {summary.unchanged}")
        out(f"  afgewezen:   {summary.rejected}")
        out(f"  bronnen:     {summary.bronnen} (geschreven bij nieuwe en bijgewerkte records)")
        if summary.indexes_built:
            out(
                f"  indexen:     {summary.indexes_built} in één keer opgebouwd "
                "(eerste import in een lege tabel)"
            )
        if summary.rejected:
            out(
                f"Afgewezen records staan in {rejects} (modus 0600: bevat persoonsgegevens, zoals vrije "
                "tekst en e-mailadressen; verwijder het bestand na gebruik)."
            )
        else:
            out(f"Geen afgewezen records ({rejects} bevat alleen de kopregel; modus 0600).")
        differences = [m for m in summary.months if m.differs]
        if not differences:
            out(f"Controle per maand: bron en doel komen overeen ({len(summary.months)} maanden).")
            return
        out("Controle per maand (startdatum): verschillen tussen bron (min afgewezen) en doel:")
        out("  maand      bron  afgewezen   doel")
        for m in differences:
            out(f"  {m.month or '(geen)':8} {m.source:6} {m.rejected:10} {m.target:6}")
        if dry_run:
            out("  (een proefdraai schrijft niets, dus het doel loopt achter)")
