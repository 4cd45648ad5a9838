"""The VIE results an organisation had, shown beside the MIE themes they inform.

The mapping (VIE item → MIE theme, with a reason per link) is data in the MIE
definition file. The VIE is a different instrument with its own anchors: its
scores are shown beside the themes, labelled, and never averaged with MIE scores.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from edmonitor.measurements.models import Measurement

from .models import Audit


@dataclass
class CrosswalkView:
    measurement: Measurement
    by_theme: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def get(self, theme_id: str) -> list[dict[str, Any]]:
        return self.by_theme.get(theme_id, [])


def latest_vie(audit: Audit) -> Measurement | None:
    """The newest VIE measurement on or before the audit: of the same facility if any, else of the organisation."""
    measurements = (
        Measurement.objects.filter(
            organisation=audit.organisation,
            instrument_version__code=audit.instrument.crosswalk_instrument or "vie",
            measured_on__lte=audit.held_on,
        )
        .select_related("instrument_version")
        .prefetch_related("responses")
        .order_by("-measured_on", "-id")
    )
    same_scope = measurements.filter(facility=audit.facility).first()
    return same_scope or measurements.first()


def vie_beside_themes(audit: Audit) -> CrosswalkView | None:
    measurement = latest_vie(audit)
    if measurement is None:
        return None
    instrument = measurement.instrument
    scores = {r.item_id: r.score for r in measurement.responses.all()}
    view = CrosswalkView(measurement=measurement)
    for link in audit.instrument.crosswalk:
        try:
            item = instrument.item(link.item)
        except KeyError:
            continue  # an item this VIE version does not have
        view.by_theme.setdefault(link.theme, []).append(
            {"item": item, "score": scores.get(link.item), "rationale": link.rationale}
        )
    return view
