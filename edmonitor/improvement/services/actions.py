"""Improvement actions: new ones, changes, and actions made from a recommendation or a session's outcome."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from edmonitor.audits.models import Recommendation
from edmonitor.core.types import User, account
from edmonitor.improvement.items import InstrumentCode
from edmonitor.improvement.models import Action, ActionStatus, SessionOutcome
from edmonitor.organisations.models import Organisation

from .common import _check_facility, _check_item, _refuse_if

ACTION_FIELDS = ("title", "owner", "due_on", "status", "instrument", "item", "facility", "notes")


def _action_problems(
    organisation: Organisation, values: Mapping[str, Any], recommendation: Any, outcome: Any
) -> list[tuple[str | None, str]]:
    problems: list[tuple[str | None, str]] = []
    if not values["title"]:
        problems.append(("title", _("Say what is to be done.")))
    if not values["owner"]:
        problems.append(("owner", _("Say who is responsible: a person or a team.")))
    if values["status"] not in ActionStatus.values:
        problems.append(("status", _("Choose a status.")))
    _check_facility(organisation, values["facility"], problems)
    _check_item(values["instrument"], values["item"], problems, required=False)
    if recommendation is not None and (
        recommendation.audit.organisation_id != organisation.pk or not recommendation.audit.is_finalised
    ):
        problems.append((None, _("Actions are made from recommendations of this organisation's finalised audits.")))
    if outcome is not None and outcome.session.organisation_id != organisation.pk:
        problems.append((None, _("This outcome belongs to another organisation's session.")))
    return problems


def _clean_action_values(values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = {name: values.get(name) for name in ACTION_FIELDS}
    for name in ("title", "owner", "notes", "instrument", "item"):
        cleaned[name] = (cleaned[name] or "").strip()
    cleaned["status"] = cleaned["status"] or ActionStatus.OPEN
    return cleaned


@transaction.atomic
def create_action(
    *,
    organisation: Organisation,
    user: User | None = None,
    source_recommendation: Recommendation | None = None,
    source_outcome: SessionOutcome | None = None,
    **values: Any,
) -> Action:
    """A new improvement action. ``values``: title, owner, due_on, status, instrument, item, facility, notes."""
    unknown = set(values) - set(ACTION_FIELDS)
    if unknown:
        raise TypeError(f"unknown action fields {sorted(unknown)}")
    cleaned = _clean_action_values(values)
    _refuse_if(_action_problems(organisation, cleaned, source_recommendation, source_outcome))
    action = Action(
        organisation=organisation,
        created_by=account(user),
        source_recommendation=source_recommendation,
        source_outcome=source_outcome,
        **cleaned,
    )
    action._history_user = user  # type: ignore[attr-defined]
    action.save()
    return action


@transaction.atomic
def update_action(action: Action, *, user: User | None = None, **values: Any) -> Action:
    """Change an action's fields (its sources stay as they were)."""
    action = Action.objects.select_for_update().select_related("organisation").get(pk=action.pk)
    current = {name: getattr(action, name) for name in ACTION_FIELDS}
    cleaned = _clean_action_values({**current, **values})
    _refuse_if(_action_problems(action.organisation, cleaned, None, None))
    for name, value in cleaned.items():
        setattr(action, name, value)
    action._history_user = user  # type: ignore[attr-defined]
    action.save()
    return action


def action_from_recommendation(recommendation: Recommendation, *, user: User | None = None, **values: Any) -> Action:
    """An action from a recommendation of a finalised audit: by default its text, linked to its theme and scope."""
    audit = recommendation.audit
    defaults = {
        "title": recommendation.text,
        "instrument": InstrumentCode.MIE,
        "item": recommendation.theme_id,
        "facility": audit.facility,
    }
    return create_action(
        organisation=audit.organisation, user=user, source_recommendation=recommendation, **{**defaults, **values}
    )


def action_from_outcome(outcome: SessionOutcome, *, user: User | None = None, **values: Any) -> Action:
    """An action from a dialogue session's outcome: by default its text, its item link and the session's scope."""
    session = outcome.session
    defaults = {
        "title": outcome.text,
        "instrument": outcome.instrument,
        "item": outcome.item,
        "facility": session.facility,
    }
    return create_action(organisation=session.organisation, user=user, source_outcome=outcome, **{**defaults, **values})
