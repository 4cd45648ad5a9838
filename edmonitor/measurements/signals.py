"""What the measurements app tells the apps above it, without importing them.

An app that keeps something depending on a measurement (the improvement plan judges goals
at measurements) connects a receiver to these signals in its ``AppConfig.ready``. The
service functions of this app send them inside their own transaction, so a change and
its consequences are stored together or not at all, whichever page, import or admin action
asked for it. Each receiver returns a list of what it changed; the service returns the
lists of all receivers as one (:func:`answers`).
"""

from __future__ import annotations

from typing import Any

from django.dispatch import Signal

#: A stored measurement's answers were replaced (keyword arguments ``measurement``, ``user``).
#: Receivers bring what depends on its scores up to date and return what must be judged again.
measurement_corrected = Signal()

#: Measurements are about to be deleted (``measurements``: a QuerySet, ``user``). Receivers
#: release what depends on them and return what they opened again.
measurements_deleting = Signal()


#: Asked before a confirmation page (``measurements``: a QuerySet). Receivers return what depends
#: on those measurements (goals judged at them), so the page can name it before anything is deleted.
measurements_dependents = Signal()


#: Asked by the pages of a measurement (``measurement``). Receivers return what waits to be judged
#: at it (the goals set before it), so the page can point to that next step.
measurement_awaits = Signal()


def answers(responses: list[tuple[Any, Any]]) -> list[Any]:
    """Every receiver's returned list, in the order the receivers answered, as one list."""
    return [item for _receiver, result in responses for item in (result or [])]
