"""``edmonitor import_organisation FILE [--dry-run]``: read back an organisation export, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from edmonitor.transfer.export import MAX_DEPTH
from edmonitor.transfer.files import EXIT_BAD_INPUT, InputRefused, add_max_bytes, read_input
from edmonitor.transfer.importer import import_organisation


class Command(BaseCommand):
    help = (
        "Import one organisation from a file written by export_organisation (edmonitor/transfer/FORMAT.md). "
        "Everything is checked first; with any problem nothing is stored, every problem is printed to stderr "
        "with its place in the file, and the exit status is 2. The instrument versions and the user accounts "
        "named in the file must exist here; an organisation of the same name must not. With --dry-run the "
        "file is checked and nothing is stored. A file larger than EDMONITOR_MAX_IMPORT_BYTES is refused "
        "unless --max-bytes allows it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="JSON file in the edmonitor-organisation format")
        parser.add_argument("--dry-run", action="store_true", help="Check everything, then roll back: store nothing.")
        add_max_bytes(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        try:
            data = json.loads(read_input(Path(path), max_bytes=options["max_bytes"], max_depth=MAX_DEPTH))
        except InputRefused as refused:  # too large or too deep: one line, nothing parsed
            raise self.bad(
                _("%(file)s: %(problem)s Nothing was stored.") % {"file": path, "problem": refused}
            ) from refused
        except OSError as exc:
            raise self.bad(
                _("%(file)s: cannot read the file: %(error)s") % {"file": path, "error": exc.strerror}
            ) from exc
        except UnicodeDecodeError as exc:
            raise self.bad(_("%(file)s: not UTF-8 text: %(error)s") % {"file": path, "error": exc}) from exc
        except json.JSONDecodeError as exc:
            raise self.bad(
                _("%(file)s: not JSON: line %(line)s, column %(column)s: %(error)s")
                % {"file": path, "line": exc.lineno, "column": exc.colno, "error": exc.msg}
            ) from exc
        report = import_organisation(data, dry_run=options["dry_run"])
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(f"{path}: {problem}")
            raise self.bad(
                _("%(file)s: %(n)s problem(s); nothing was stored.") % {"file": path, "n": len(report.problems)}
            )
        counts = {"name": report.name, **report.counts}
        if report.dry_run:
            message = _(
                "Dry run: the file is valid; nothing was stored. It would import '%(name)s': %(facilities)s "
                "facilities, %(roles)s roles, %(measurements)s measurements, %(audits)s audits with "
                "%(amendments)s amendments."
            )
        else:
            message = _(
                "Imported '%(name)s': %(facilities)s facilities, %(roles)s roles, %(measurements)s measurements, "
                "%(audits)s audits with %(amendments)s amendments."
            )
        self.stdout.write(message % counts)

    @staticmethod
    def bad(message: str) -> CommandError:
        """Bad input: exit status 2, as every edmonitor command line does (README)."""
        return CommandError(message, returncode=EXIT_BAD_INPUT)
