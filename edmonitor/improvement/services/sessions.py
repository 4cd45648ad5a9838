"""Dialogue sessions: planning and recording them, ticked steps, outcomes, deletion, warnings about participants.

Decisions (see also the README, "Improvement plan"):

- Session warnings never block a save. They follow :mod:`edmonitor.knowledge.matching`: where the
  source gives no group size the warning says so rather than staying silent.
- A session's method can be changed after saving; its ticked steps are then dropped, since they
  were steps of the other method. Steps are ticked on the session's page (``tick_steps``).
- Deleting a session deletes its outcomes; actions made from them stay in the plan, with the link
  to the outcome removed (their history keeps it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from edmonitor.core.types import User, account
from edmonitor.improvement.models import Action, DialogueSession, SessionOutcome
from edmonitor.knowledge.content import ROLES
from edmonitor.knowledge.matching import SizeFit, size_fit
from edmonitor.knowledge.models import DialogueMethod, RoleUse
from edmonitor.knowledge.models import label as role_label
from edmonitor.organisations.models import Facility, Organisation

from .common import ImprovementRefused, _check_facility, _check_item, _refuse_if


def _and_list(words: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c' in the active language."""
    if len(words) < 2:
        return "".join(words)
    return _("%(first)s and %(last)s") % {"first": ", ".join(words[:-1]), "last": words[-1]}


def session_warnings(method: DialogueMethod, counts: Mapping[str, int]) -> list[str]:
    """Where the participants do not fit the method, by the rules of :mod:`edmonitor.knowledge.matching`.

    The group size against the one the source states, or, where it states none, that it does not
    (never silence); a role the method needs with nobody; roles its source does not name, and
    roles it is not meant for, with somebody. Nothing is said while no participant is entered (a
    session being planned).
    """
    total = sum(counts.get(role, 0) for role in ROLES)
    if total == 0:
        return []
    name = method.text("name")
    warnings: list[str] = []
    size = {
        SizeFit.NOT_STATED: _("The source gives no group size for %(method)s."),
        SizeFit.TOO_SMALL: _("%(total)s participants is fewer than %(method)s is meant for (%(range)s)."),
        SizeFit.TOO_LARGE: _("%(total)s participants is more than %(method)s is meant for (%(range)s)."),
    }.get(size_fit(method, total))
    if size is not None:  # with what the source does say about the group, if anything
        values = {"total": total, "method": name, "range": method.group_size_label()}
        warnings.append(" ".join(filter(None, [size % values, method.text("group_note")])))
    not_named = []
    for role, use in method.role_uses().items():
        count = counts.get(role, 0)
        if use == RoleUse.REQUIRED and count == 0:
            warnings.append(
                _("%(method)s is meant to include %(role)s, but none take part.")
                % {"method": name, "role": role_label(ROLES, role).lower()}
            )
        elif use == RoleUse.NOT_INTENDED and count > 0:
            warnings.append(
                _("%(method)s is not meant for %(role)s, yet %(count)s take part.")
                % {"method": name, "role": role_label(ROLES, role).lower(), "count": count}
            )
        elif use == RoleUse.NOT_MENTIONED and count > 0:
            not_named.append(role_label(ROLES, role).lower())
    if not_named:
        warnings.append(
            _("The source does not name %(roles)s as participants of %(method)s; check that it suits them.")
            % {"roles": _and_list(not_named), "method": name}
        )
    return warnings


def _session_problems(
    organisation: Organisation,
    method: DialogueMethod | None,
    values: Mapping[str, Any],
    counts: Mapping[str, Any],
) -> list[tuple[str | None, str]]:
    problems: list[tuple[str | None, str]] = []
    if method is None:
        problems.append(("method", _("Choose a dialogue method.")))
    if not values["question"]:
        problems.append(("question", _("Write down the question or theme of the conversation.")))
    if values["held_on"] is None:
        problems.append(("held_on", _("Give the date of the session.")))
    _check_facility(organisation, values["facility"], problems)
    unknown = set(counts) - set(ROLES)
    if unknown:
        raise TypeError(f"unknown roles {sorted(unknown)}")
    for role, count in counts.items():
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            problems.append((role, _("Give a number of participants, 0 or more.")))
    return problems


@transaction.atomic
def plan_session(
    *,
    organisation: Organisation,
    method: DialogueMethod,
    held_on: dt.date,
    question: str,
    counts: Mapping[str, int] | None = None,
    facility: Facility | None = None,
    user: User | None = None,
) -> tuple[DialogueSession, list[str]]:
    """Plan (or enter afterwards) a dialogue session; returns it with the warnings about its participants."""
    counts = dict(counts or {})
    values = {"question": question.strip(), "held_on": held_on, "facility": facility}
    _refuse_if(_session_problems(organisation, method, values, counts))
    session = DialogueSession.objects.create(
        organisation=organisation, method=method, created_by=account(user), **values, **counts
    )
    return session, session_warnings(method, session.counts())


@transaction.atomic
def record_session(
    session: DialogueSession,
    *,
    held_on: dt.date,
    question: str,
    counts: Mapping[str, int],
    notes: str = "",
    facility: Facility | None = None,
    method: DialogueMethod | None = None,
) -> tuple[DialogueSession, list[str]]:
    """Record how a session went: date, question, participants, notes, and another method if it changed.

    The ticked steps are steps of the method they were ticked for: with another method they are
    dropped (the edit page says so before saving; :func:`steps_lost_by_changing_method`).
    """
    session = DialogueSession.objects.select_for_update().select_related("method", "organisation").get(pk=session.pk)
    method = method or session.method
    counts = dict(counts)
    values = {"question": question.strip(), "held_on": held_on, "facility": facility}
    _refuse_if(_session_problems(session.organisation, method, values, counts))
    for name, value in {**values, **counts}.items():
        setattr(session, name, value)
    if method.pk != session.method_id:
        session.method = method
        session.steps_done = []
    session.notes = notes.strip()
    session.save()
    return session, session_warnings(session.method, session.counts())


def steps_lost_by_changing_method(session: DialogueSession) -> int:
    """How many ticked steps a change to another method would drop: all of them (they are this method's)."""
    return len(session.steps_done)


@transaction.atomic
def tick_steps(session: DialogueSession, steps_done: Sequence[int]) -> DialogueSession:
    """Save which of the method's steps have been done (the whole list: unticked steps are not done)."""
    session = DialogueSession.objects.select_for_update().select_related("method").get(pk=session.pk)
    numbers = set(session.method.steps.values_list("number", flat=True))
    if any(step not in numbers for step in steps_done):
        raise ImprovementRefused([("steps_done", _("Tick only steps of this method."))])
    session.steps_done = sorted(set(steps_done))
    session.save(update_fields=["steps_done", "updated_at"])
    return session


@dataclass(frozen=True)
class SessionDeletion:
    """What deleting a session takes with it (its outcomes) and what stays (the actions made from them)."""

    outcomes: list[SessionOutcome]
    actions: list[Action]


def deleting_session(session: DialogueSession) -> SessionDeletion:
    """What :func:`delete_session` would delete and keep; for the confirmation page."""
    outcomes = list(session.outcomes.all())
    actions = list(Action.objects.filter(source_outcome__session=session).order_by("due_on", "id"))
    return SessionDeletion(outcomes, actions)


@transaction.atomic
def delete_session(session: DialogueSession, *, user: User | None = None) -> SessionDeletion:
    """Delete a session and its outcomes. Actions made from its outcomes stay, without the link to the outcome.

    Each such action is saved without its source, so its history records who removed the link and
    still shows the outcome it came from.
    """
    session = DialogueSession.objects.select_for_update().get(pk=session.pk)
    deletion = deleting_session(session)
    for action in deletion.actions:
        action.source_outcome = None
        action._history_user = user  # type: ignore[attr-defined]
        action.save()
    session.delete()
    return deletion


@transaction.atomic
def add_outcome(session: DialogueSession, *, text: str, instrument: str = "", item: str = "") -> SessionOutcome:
    """Add an outcome to a session, optionally linked to a VIE item or MIE theme."""
    problems: list[tuple[str | None, str]] = []
    text = text.strip()
    if not text:
        problems.append(("text", _("Write down the outcome.")))
    _check_item(instrument, item, problems, required=False)
    _refuse_if(problems)
    return SessionOutcome.objects.create(session=session, text=text, instrument=instrument, item=item)
