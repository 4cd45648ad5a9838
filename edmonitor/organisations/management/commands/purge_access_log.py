"""``manage.py purge_access_log [--dry-run]``: remove access log entries older than the retention period."""

from __future__ import annotations

import getpass

from django.conf import settings
from django.core.management.base import BaseCommand

from edmonitor.organisations.access_log import purge


class Command(BaseCommand):
    help = (
        "Remove the access log entries older than EDMONITOR_ACCESS_LOG_RETENTION_DAYS "
        f"(now {settings.EDMONITOR_ACCESS_LOG_RETENTION_DAYS} days) and record the run in the log itself. "
        "Run it daily (cron or a systemd timer). With --dry-run it only counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would be removed; remove nothing.")

    def handle(self, *args, **options):
        try:
            by = f"command: {getpass.getuser()}"
        except (KeyError, OSError):
            by = "command"
        removed, cutoff = purge(dry_run=options["dry_run"], by=by)
        when = cutoff.strftime("%Y-%m-%d %H:%M UTC")
        if options["dry_run"]:
            self.stdout.write(f"Dry run: {removed} entries from before {when} would be removed; nothing was removed.")
        else:
            self.stdout.write(f"Removed {removed} access log entries from before {when}; the run is in the log.")
