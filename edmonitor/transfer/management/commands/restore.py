"""``edmonitor restore FILE [--dry-run]``: read a backup into a new, migrated database, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from edmonitor.transfer.backup import BackupError, restore_backup
from edmonitor.transfer.files import EXIT_BAD_INPUT, InputRefused, add_max_bytes


class Command(BaseCommand):
    help = (
        "Restore a file written by `backup` into this database, which must be migrated and empty "
        "(a new database after `migrate`); every row keeps its id. The whole file is checked first and "
        "restored in one transaction: with any problem nothing is stored, the problems are printed to stderr "
        "and the exit status is 2. With --dry-run everything is checked and nothing is stored. A file larger "
        "than EDMONITOR_MAX_IMPORT_BYTES is refused unless --max-bytes allows it (a whole database usually is)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a file written by `edmonitor backup`")
        parser.add_argument("--dry-run", action="store_true", help="Check everything, then roll back: store nothing.")
        add_max_bytes(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        try:
            report = restore_backup(Path(path), dry_run=options["dry_run"], max_bytes=options["max_bytes"])
        except InputRefused as refused:  # too large or too deep: one line, nothing parsed
            raise CommandError(
                _("%(file)s: %(problem)s Not restored; nothing was stored.") % {"file": path, "problem": refused},
                returncode=EXIT_BAD_INPUT,
            ) from refused
        except BackupError as refused:
            for problem in refused.problems:
                self.stderr.write(f"{path}: {problem}")
            raise CommandError(
                _("%(file)s: not restored; nothing was stored.") % {"file": path}, returncode=EXIT_BAD_INPUT
            ) from refused
        if options["verbosity"] > 1:
            for label, n in report.counts.items():
                self.stdout.write(f"{label}: {n}")
        if report.dry_run:
            message = _("Dry run: %(file)s is a valid backup of %(n)s rows; nothing was stored.")
        else:
            message = _("Restored %(n)s rows from %(file)s.")
        self.stdout.write(message % {"file": path, "n": report.total})
