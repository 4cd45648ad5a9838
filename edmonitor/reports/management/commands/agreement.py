"""``edmonitor agreement [--organisation NAME] [--format json|table]``: inter-rater agreement of finalised audits."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from edmonitor.audits.agreement import AgreementReport, report
from edmonitor.audits.models import Audit
from edmonitor.instruments.audit import Agreement
from edmonitor.organisations.models import Organisation
from edmonitor.programmes.models import Programme


def _json(a: Agreement) -> dict[str, Any]:
    return {
        "n": a.n,
        "exact": None if a.exact is None else float(a.exact),
        "within_one": None if a.within_one is None else float(a.within_one),
        "weighted_kappa": None if a.weighted_kappa is None else float(a.weighted_kappa),
    }


class Command(BaseCommand):
    help = "Agreement between the two auditors over finalised MIE audits (all, one organisation's or a programme's)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", help="name of one organisation (default: all organisations)")
        parser.add_argument("--programme", help="name of one programme: the audits of its organisations")
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        audits = Audit.objects.all()
        if options["organisation"]:
            organisation = Organisation.objects.filter(name__iexact=options["organisation"]).first()
            if organisation is None:
                raise CommandError(f"No organisation named {options['organisation']!r}.")
            audits = audits.filter(organisation=organisation)
        if options["programme"]:
            programme = Programme.objects.filter(name__iexact=options["programme"]).first()
            if programme is None:
                raise CommandError(f"No programme named {options['programme']!r}.")
            audits = audits.filter(organisation__participations__programme=programme)
        result = report(audits)
        if options["format"] == "json":
            data = {
                "audits": result.audits,
                "agreement": _json(result.overall),
                "themes": {theme.id: _json(a) for theme, a in result.by_theme},
            }
            self.stdout.write(json.dumps(data, indent=2))
        else:
            self.stdout.write(self._table(result))

    @staticmethod
    def _table(result: AgreementReport) -> str:
        def cells(label: str, a: Agreement) -> list[str]:
            def show(value: object, suffix: str = "") -> str:
                return "-" if value is None else f"{value}{suffix}"

            return [label, str(a.n), show(a.exact, "%"), show(a.within_one, "%"), show(a.weighted_kappa)]

        rows = [["theme", "pairs", "exact", "within 1", "weighted kappa"]]
        rows += [cells(theme.id, a) for theme, a in result.by_theme]
        rows.append(cells("all", result.overall))
        widths = [max(len(r[i]) for r in rows) for i in range(5)]
        lines = [f"finalised audits: {result.audits}"]
        lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
        return "\n".join(lines)
