"""``edmonitor export_organisation NAME [-o FILE]``: everything of one organisation as JSON (transfer/FORMAT.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from edmonitor.organisations.models import Organisation
from edmonitor.transfer.export import export_json
from edmonitor.transfer.files import EXIT_BAD_INPUT, write_output


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
        write_output(self.stdout, options["output"], lambda out: out.write(text))

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
