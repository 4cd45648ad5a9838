"""Reference cases and calibration attempts made through the real services (issue 20 part 5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from unittest import mock

from django.utils import timezone

from edmonitor.audits import calibration
from edmonitor.audits.models import CalibrationAttempt, ReferenceCase
from edmonitor.audits.services import as_shown

THEMES = ("1", "2", "3", "4", "5")
REFERENCE = {"1": 3, "2": 2, "3": 4, "4": 1, "5": 5}


def case_values(reference: Mapping[str, int | None] = REFERENCE, *, title="Casus GGZ Gamma", marker="ref") -> dict:
    """A complete case; each explanation carries ``marker`` so a test can look for it in a page."""
    values: dict[str, object] = {"title": title, "introduction": "Een middelgrote instelling voor ggz."}
    for t in THEMES:
        values[f"description:{t}"] = f"Het projectteam vertelde over thema {t}."
        values[f"transcript:{t}"] = f"Auditor: Hoe gaat het met thema {t}?\nTeamleider: Goed."
        values[f"reference_score:{t}"] = reference.get(t)
        values[f"explanation:{t}"] = f"UITLEG-{marker}-{t}"
    return values


def draft_case(coordinator, reference: Mapping[str, int | None] = REFERENCE, **kw) -> ReferenceCase:
    return calibration.create_case(values=case_values(reference, **kw), user=coordinator)


def published_case(coordinator, reference: Mapping[str, int | None] = REFERENCE, **kw) -> ReferenceCase:
    return calibration.publish_case(draft_case(coordinator, reference, **kw), user=coordinator)


def score_case(
    case: ReferenceCase,
    user,
    scores: Mapping[str, int | None],
    *,
    submit=True,
    on: dt.datetime | None = None,
    rationale="Omdat",
) -> CalibrationAttempt:
    """Save (and by default submit) ``user``'s scores; ``on``: the moment of submitting."""
    shown = calibration.attempt_values(calibration.attempt_of(case, user), case.instrument)
    values = {f"score:{t}": scores.get(t) for t in THEMES} | {f"rationale:{t}": f"{rationale} {t}" for t in THEMES}
    attempt = calibration.save_attempt(case, values=values, original=as_shown(shown), user=user)
    assert attempt is not None  # every theme has a rationale at least
    if submit:
        with mock.patch("django.utils.timezone.now", return_value=on or timezone.now()):
            attempt = calibration.submit_attempt(attempt, user=user)
    return attempt
