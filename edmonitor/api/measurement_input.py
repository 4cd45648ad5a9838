"""A new measurement sent to the API, checked by the measurement form itself.

The API's JSON is turned into exactly what the page's form would post, and the form
(:class:`~edmonitor.measurements.forms.MeasurementForm`, which scores through the engine as
``edmonitor score vie`` does) decides: the same checks, the same messages. Its problems are
given back under the API's own names (``items.3a``, ``facts.staff_fte``, ``goals.…``).
"""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from edmonitor.measurements.forms import MeasurementForm, item_facts, shared_facts
from edmonitor.measurements.models import MODE_DIRECT, MODE_FACTS, InstrumentVersion
from edmonitor.organisations.models import Organisation

NON_FIELD = "non_field_errors"


def form_data(version: InstrumentVersion, data: dict[str, Any]) -> QueryDict:
    """The form's POST for the API's (already type-checked) ``data``."""
    instrument = version.instrument
    post = QueryDict(mutable=True)
    post["measured_on"] = data["measured_on"].isoformat()
    post["label"] = data.get("label", "")
    if data.get("facility") is not None:
        post["facility"] = str(data["facility"])
    for item_id, score in data.get("items", {}).items():
        post[f"item_{item_id}"] = "" if score is None else str(score)
    for fact_id, value in data.get("facts", {}).items():
        post[fact_id] = value
    derive = set(data.get("derive_from_facts", []))
    for item in instrument.items:
        if item.derivation is not None:
            post[f"mode_{item.id}"] = MODE_FACTS if item.id in derive else MODE_DIRECT
    for item_id, ids in data.get("criteria", {}).items():
        post.setlist(f"criteria_{item_id}", list(ids))
    for goal_id, code in data.get("goals", {}).items():
        post[f"goal_{goal_id}"] = code
    for item_id, note in data.get("notes", {}).items():
        post[f"note_{item_id}"] = note
    return post


def _api_name(field: str, version: InstrumentVersion) -> str:
    """The API's name for a form field (``item_3a`` → ``items.3a``)."""
    instrument = version.instrument
    fact_ids = set(shared_facts(instrument)) | {f for item in instrument.items for f in item_facts(item)}
    for prefix, group in (("item_", "items"), ("goal_", "goals"), ("note_", "notes"), ("criteria_", "criteria")):
        if field.startswith(prefix):
            return f"{group}.{field.removeprefix(prefix)}"
    if field.startswith("mode_"):
        return f"derive_from_facts.{field.removeprefix('mode_')}"
    if field in fact_ids:
        return f"facts.{field}"
    return NON_FIELD if field == "__all__" else field


def unknown_keys(version: InstrumentVersion, data: dict[str, Any]) -> dict[str, list[str]]:
    """Item, fact, goal and criteria ids the instrument does not have (the form would silently ignore them)."""
    instrument = version.instrument
    item_ids = {item.id for item in instrument.items}
    fact_ids = set(shared_facts(instrument)) | {f for item in instrument.items for f in item_facts(item)}
    goal_ids = {item.goal_id for item in instrument.items if item.goal_id}
    derivable = {item.id for item in instrument.items if item.derivation is not None}
    known = {
        "items": item_ids,
        "notes": item_ids,
        "facts": fact_ids,
        "goals": goal_ids,
        "criteria": {item.id for item in instrument.items if item.derivation and item.derivation.criteria},
    }
    problems: dict[str, list[str]] = {}
    for group, ids in known.items():
        for key in sorted(set(data.get(group, {})) - ids):
            problems[f"{group}.{key}"] = [
                _("The instrument %(instrument)s has no %(key)s here.")
                % {"instrument": f"{version.code.upper()} {version.version}", "key": key}
            ]
    for item_id in sorted(set(data.get("derive_from_facts", [])) - derivable):
        problems[f"derive_from_facts.{item_id}"] = [
            _("Item %(item)s cannot be derived from facts.") % {"item": item_id}
        ]
    return problems


def check(
    organisation: Organisation, version: InstrumentVersion, data: dict[str, Any]
) -> tuple[MeasurementForm | None, dict[str, list[str]]]:
    """The valid form for ``data``, or None with the problems per API field name."""
    problems = unknown_keys(version, data)
    if problems:
        return None, problems
    form = MeasurementForm(form_data(version, data), instrument=version.instrument, organisation=organisation)
    if data.get("facility") is not None and "facility" not in form.fields:
        return None, {"facility": [_("This organisation has no facilities: leave the facility out.")]}
    if form.is_valid():
        return form, {}
    for field, errors in form.errors.items():
        problems.setdefault(_api_name(field, version), []).extend(str(e) for e in errors)
    return None, problems
