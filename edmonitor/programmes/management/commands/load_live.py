"""``manage.py load_live [--dry-run]``: load the LIVE study (seed 003, appendices 2–4) as example data."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from edmonitor.programmes.live import load_live


class Command(BaseCommand):
    help = (
        "Load the 18 LIVE pilot institutions and their baseline (2011) and follow-up (2012) VIE "
        "measurements from seed 003, appendices 2-4, as example data. Running it again skips what is "
        "already there. Lists every printed total, level or average in the source that does not follow "
        "from the item scores. With --dry-run nothing is saved."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Check and report, then roll back: save nothing.")

    def handle(self, *args, **options):
        report = load_live(dry_run=options["dry_run"])
        if report.dry_run:
            self.stdout.write("Dry run: nothing was saved; the counts show what a real run would do.")
        self.stdout.write(
            f"Organisations: {report.organisations_created} created, {report.organisations_reused} already present."
        )
        self.stdout.write(
            f"Measurements: {report.measurements_created} created, "
            f"{report.measurements_skipped} skipped (already present)."
        )
        self.stdout.write(
            f"Discrepancies in the source (printed figures that do not follow from the item scores): "
            f"{len(report.discrepancies)}"
        )
        for discrepancy in report.discrepancies:
            self.stdout.write(f"DISCREPANCY: {discrepancy.text()}")
