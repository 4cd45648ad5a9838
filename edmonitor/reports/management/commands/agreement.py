"""``edmonitor agreement [--organisation NAME] [--format json|table]``: inter-rater agreement of finalised audits."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from edmonitor.audits.agreement import AgreementReport, report
from edmonitor.audits.models import Audit
from edmonitor.instruments.audit import Agreement, agreement_json
from edmonitor.organisations.models import Organisation
from edmonitor.programmes.models import Programme


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
                "agreement": agreement_json(result.overall),
                "themes": {theme.id: agreement_json(a) for theme, a in result.by_theme},
            }
            self.stdout.write(json.dumps(data, indent=2))
        else:
            self.stdout.write(self._table(result))

    @staticmethod
    def _table(result: AgreementReport) -> str:
        def cells(label: str, a: Agreement) -> list[str]:
            def show(value: object, suffix: str = "") -> str:
                return "-" if value is None else f"{value}{suffix}"

            icc = None if a.icc is None else f"{a.icc.value} ({a.icc.ci95[0]} to {a.icc.ci95[1]})"
            return [
                label,
                str(a.n),
                show(a.exact, "%"),
                show(a.within_one, "%"),
                show(a.weighted_kappa),
                show(icc),
                show(a.gwet_ac2),
                show(a.krippendorff_alpha),
            ]

        rows = [["theme", "pairs", "exact", "within 1", "weighted kappa", "ICC(1,1) (95 % CI)", "AC2", "alpha"]]
        rows += [cells(theme.id, a) for theme, a in result.by_theme]
        rows.append(cells("all", result.overall))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        lines = [f"finalised audits: {result.audits}"]
        lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
        return "\n".join(lines)
