"""The improvement plan listens to the apps below it: goals follow the measurements and audits they are judged at.

Connected in :meth:`ImprovementConfig.ready`; each receiver runs inside the sender's
transaction and returns what it changed (see :mod:`edmonitor.measurements.signals`).
"""

from __future__ import annotations

from typing import Any

from edmonitor.core.types import User

from .models import Goal
from .overview import for_audit_page
from .services import pending_goals, refresh_judged_goals, release_goals_of


def measurement_corrected(sender: Any, *, measurement: Any, user: User | None, **kwargs: Any) -> list[Any]:
    """A corrected measurement: goals judged at it get its new scores, or are opened to judge again."""
    return refresh_judged_goals(measurement, user=user)


def measurements_deleting(sender: Any, *, measurements: Any, user: User | None, **kwargs: Any) -> list[Any]:
    """Measurements about to go: the goals judged at them open again."""
    return release_goals_of(measurements, user=user)


def audit_amended(sender: Any, *, audit: Any, user: User | None, **kwargs: Any) -> list[Any]:
    """An amended audit: goals judged at it get its new consensus scores, or are opened to judge again."""
    return refresh_judged_goals(audit, user=user)


def measurements_dependents(sender: Any, *, measurements: Any, **kwargs: Any) -> list[Any]:
    """The goals judged at these measurements, for a page that asks before deleting them."""
    judged = Goal.objects.filter(follow_up__in=measurements.values("pk")).select_related("follow_up")
    return list(judged.order_by("item", "pk"))


def measurement_awaits(sender: Any, *, measurement: Any, **kwargs: Any) -> list[Any]:
    """The open goals set before this measurement: they wait to be judged at it."""
    return list(pending_goals(measurement))


def audit_page_sections(sender: Any, *, audit: Any, user: User, **kwargs: Any) -> list[tuple[str, Any]]:
    """The audit page's section on goals and actions (``improvement`` in its template context)."""
    return [("improvement", for_audit_page(user, audit))]
