"""``edmonitor export_organisation NAME [-o FILE]``: everything of one organisation as JSON (transfer/FORMAT.md)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from edmonitor.organisations.models import Organisation
from edmonitor.transfer.export import export_json

EXIT_BAD_INPUT = 2


class Command(BaseCommand):
    help = (
        "Write everything of one organisation (facilities, roles, VIE measurements, MIE audits with amendments) "
        "as one JSON document in the format of edmonitor/transfer/FORMAT.md: a backup, or to move it to another "
        "installation with import_organisation. Individual audit scores are included only for audits in which "
        "both auditors have submitted. Writes to stdout unless -o is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the organisation's name (exact; case does not matter when unambiguous)")
        parser.add_argument(
            "-o", "--output", metavar="FILE", help="write to FILE (replaced as a whole) instead of stdout"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = self._organisation(options["name"])
        text = export_json(organisation)
        if not options["output"]:
            self.stdout.write(text, ending="")
            return
        target = Path(options["output"])
        # Written beside the target and renamed into place: a reader never sees half a file. The
        # temporary file is created readable by its owner only, and so stays the export.
        try:
            fd, temporary = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.", suffix=".tmp")
        except OSError as exc:
            raise CommandError(
                _("%(file)s: cannot write: %(error)s") % {"file": target, "error": exc.strerror},
                returncode=EXIT_BAD_INPUT,
            ) from exc
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
                out.write(text)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    @staticmethod
    def _organisation(name: str) -> Organisation:
        organisation = Organisation.objects.filter(name=name).first()
        if organisation is None:
            matches = list(Organisation.objects.filter(name__iexact=name)[:2])
            if len(matches) == 1:
                organisation = matches[0]
        if organisation is None:
            raise CommandError(_("No organisation named '%(name)s'.") % {"name": name}, returncode=EXIT_BAD_INPUT)
        return organisation
