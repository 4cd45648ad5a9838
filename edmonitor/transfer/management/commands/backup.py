"""``edmonitor backup [-o FILE]``: every row of the database as one JSON file (edmonitor/transfer/backup.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from edmonitor.transfer.backup import write_backup
from edmonitor.transfer.files import write_output


class Command(BaseCommand):
    help = (
        "Write the whole database (users, organisations, measurements, audits with their trail, programmes, "
        "access log, ...) as one JSON file in Django's serialisation, which `restore` reads into a new "
        "database of any kind: SQLite or PostgreSQL. Content types, permissions, sessions and login attempts are "
        "left out (migrate makes the first two; the others are transient). Writes to stdout unless -o is given; "
        "the file holds personal data and password hashes: keep it as safe as the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-o", "--output", metavar="FILE", help="write to FILE (replaced as a whole, readable by its owner only)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        write_output(self.stdout, options["output"], write_backup)
        if options["output"] and options["verbosity"] > 0:
            self.stdout.write(_("Backup written to %(file)s.") % {"file": options["output"]})
