"""The LIVE study as a programme (seed 003, chapter 4 and appendices 2–4).

:func:`edmonitor.measurements.live.load_live` loads the 18 institutions and their 36 VIE
measurements; :func:`load_live` here does that and ties them together as the programme
"LIVE 2011–2012", in one transaction (``manage.py load_live``).
"""

from __future__ import annotations

from django.db import transaction

from edmonitor.measurements import live as measurements_live
from edmonitor.measurements.live import LiveReport
from edmonitor.measurements.models import Measurement
from edmonitor.organisations.models import Organisation

from .models import Participation, Programme

LIVE_PROGRAMME = "LIVE 2011–2012"


def _live_programme(organisations: dict[str, Organisation], taken: dict[tuple[str, str], Measurement]) -> None:
    """The LIVE study as a programme: each institution with its baseline and follow-up measurement."""
    dates = sorted(m.measured_on for m in taken.values())
    programme, _created = Programme.objects.get_or_create(
        name=LIVE_PROGRAMME,
        defaults={
            "description": (
                "Landelijke Implementatie Versterking Ervaringsdeskundigheid: 18 ggz-instellingen, "
                "beginmeting voorjaar 2011 en eindmeting voorjaar 2012 met de VIE "
                "(bron: 003_a8d87148f8c5ac85.txt, hoofdstuk 4 en bijlagen 2–4)."
            ),
            "starts_on": dates[0] if dates else None,
            "ends_on": dates[-1] if dates else None,
        },
    )
    for name, organisation in organisations.items():
        Participation.objects.update_or_create(
            programme=programme,
            organisation=organisation,
            defaults={"baseline": taken.get(("baseline", name)), "followup": taken.get(("followup", name))},
        )


def load_live(*, dry_run: bool = False) -> LiveReport:
    """Load the LIVE institutions and measurements, and the LIVE programme; all or nothing."""
    with transaction.atomic():
        report = measurements_live.load_live()
        _live_programme(report.organisations, report.taken)
        if dry_run:
            transaction.set_rollback(True)
    report.dry_run = dry_run
    return report
