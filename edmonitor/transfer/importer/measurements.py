"""One VIE measurement of the document: its values checked against the instrument and the scoring engine."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from edmonitor.instruments.definition import Instrument
from edmonitor.instruments.scoring import MeasurementInput, score
from edmonitor.measurements.models import InstrumentVersion, Level, Measurement
from edmonitor.transfer.export import decimal_text

from .reading import BAD, _Reader, _show, at

MEASUREMENT_KEYS = (
    "instrument",
    "measured_on",
    "label",
    "facility",
    "facts",
    "criteria",
    "items",
    "total",
    "level",
    "printed_total",
    "printed_level",
    "origin",
    "created_by",
    "created_at",
    "updated_at",
)
ITEM_KEYS = ("score", "derived", "goal", "note")


@dataclass
class _MeasurementPlan:
    version: InstrumentVersion
    measured_on: dt.date
    label: str
    facility: str | None
    inp: MeasurementInput
    notes: dict[str, str]
    origin: str
    created_by: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


def _measurement(r: _Reader, entry: Any, path: str, facility_ref: Callable[[Any, str], Any]) -> _MeasurementPlan | None:
    d = r.obj(entry, path, MEASUREMENT_KEYS)
    if d is None:
        return None
    before = len(r.problems)
    version = r.get(d, "instrument", path, lambda v, p: r.version(v, p, audit=False))
    measured_on = r.get(d, "measured_on", path, r.date)
    label = r.get(d, "label", path, lambda v, p: r.text(v, p, max_length=120))
    facility = r.get(d, "facility", path, facility_ref)
    origin = r.get(d, "origin", path, lambda v, p: r.choice(v, p, Measurement.Origin.values))
    created_by = r.get(d, "created_by", path, lambda v, p: r.user(v, p, nullable=True))
    created_at = r.get(d, "created_at", path, r.time)
    updated_at = r.get(d, "updated_at", path, r.time)
    total = r.get(d, "total", path, lambda v, p: r.decimal(v, p, places=1, digits=3))
    level = r.get(d, "level", path, lambda v, p: r.choice(v, p, Level.values, nullable=True))
    printed_total = r.get(d, "printed_total", path, lambda v, p: r.decimal(v, p, places=1, digits=3))
    printed_level = r.get(d, "printed_level", path, lambda v, p: r.text(v, p, nullable=True, max_length=32))
    facts_raw = r.get(d, "facts", path, r.mapping)
    criteria_raw = r.get(d, "criteria", path, r.mapping)
    items_raw = r.get(d, "items", path, r.mapping)
    if version in (None, BAD):
        return None  # items, facts and criteria are checked against the instrument
    instrument = version.instrument

    facts: dict[str, Decimal] = {}
    for fact_id, text in (facts_raw if facts_raw is not BAD else {}).items():
        fpath = at(at(path, "facts"), fact_id)
        try:
            fact = instrument.fact(fact_id)
        except KeyError:
            r.problem(fpath, _("%(code)s has no fact '%(fact)s'") % {"code": instrument.key, "fact": fact_id})
            continue
        value = r.fact(text, fpath)
        if value is BAD:
            continue
        if fact.kind == "integer" and value != value.to_integral_value():
            r.problem(fpath, _("'%(value)s' must be a whole number") % {"value": text})
        elif value < fact.minimum or (fact.maximum is not None and value > fact.maximum):
            r.problem(fpath, _("%(value)s is outside the range of this fact") % {"value": text})
        else:
            facts[fact_id] = value

    criteria: dict[str, frozenset[str]] = {}
    for item_id, ticked in (criteria_raw if criteria_raw is not BAD else {}).items():
        cpath = at(at(path, "criteria"), item_id)
        item = _item(instrument, item_id)
        known = {c.id for c in item.derivation.criteria} if item and item.derivation else set()
        if not known:
            r.problem(
                cpath, _("%(code)s has no criteria for item '%(item)s'") % {"code": instrument.key, "item": item_id}
            )
            continue
        ids = r.array(ticked, cpath)
        for j, criterion in enumerate(ids):
            if criterion not in known:
                r.problem(
                    at(cpath, j),
                    _("%(value)s is not a criterion of item %(item)s") % {"value": _show(criterion), "item": item_id},
                )
        if len(set(map(str, ids))) != len(ids):
            r.problem(cpath, _("a criterion is listed twice"))
        criteria[item_id] = frozenset(str(c) for c in ids)

    direct: dict[str, int] = {}
    goals: dict[str, str] = {}
    notes: dict[str, str] = {}
    claimed: dict[str, tuple[int, bool]] = {}
    codes = [g.code for g in instrument.goal_codes]
    scale = {"minimum": instrument.scale_min, "maximum": instrument.scale_max, "nullable": True}
    for item_id, raw in (items_raw if items_raw is not BAD else {}).items():
        ipath = at(at(path, "items"), item_id)
        item = _item(instrument, item_id)
        if item is None:
            r.problem(ipath, _("%(code)s has no item '%(item)s'") % {"code": instrument.key, "item": item_id})
            continue
        i = r.obj(raw, ipath, ITEM_KEYS)
        if i is None:
            continue
        value = r.get(i, "score", ipath, lambda v, p: r.integer(v, p, **scale))
        derived = r.get(i, "derived", ipath, r.boolean)
        goal = r.get(i, "goal", ipath, lambda v, p: r.choice(v, p, codes, nullable=True))
        note = r.get(i, "note", ipath, r.text)
        if goal not in (None, BAD) and not item.goal_id:
            r.problem(at(ipath, "goal"), _("item %(item)s has no goal question") % {"item": item_id})
        if derived is True and value is None:
            r.problem(ipath, _("a derived item needs its score"))
        if value is None and goal is None and isinstance(note, str) and not note.strip():
            r.problem(ipath, _("holds nothing: give a score, a goal code or a note"))
        if BAD in (value, derived, goal, note):
            continue
        if value is not None:
            claimed[item_id] = (value, derived)
            if not derived:
                direct[item_id] = value
        if goal is not None:
            goals[item.goal_id] = goal
        if note.strip():
            notes[item_id] = note

    if len(r.problems) > before or BAD in (printed_total, printed_level):
        return None
    inp = MeasurementInput(
        direct=direct,
        facts=facts,
        criteria=criteria,
        goals=goals,
        printed_total=printed_total,
        printed_level=printed_level,
    )
    result, errors = score(instrument, inp)
    for error in errors:
        r.problem(_engine_path(path, error.field), error.text(_))
    if result is None:
        return None
    for item_id in sorted(set(claimed) | set(result.items), key=_item_order(instrument)):
        theirs = claimed.get(item_id)
        ours = (result.items[item_id], item_id in result.derived) if item_id in result.items else None
        if theirs != ours:
            r.problem(
                at(at(path, "items"), item_id),
                _("the file says %(theirs)s, the scoring engine gives %(ours)s")
                % {"theirs": _scored(theirs), "ours": _scored(ours)},
            )
    if BAD not in (total, level) and (total, level) != (result.total, result.level):
        r.problem(
            at(path, "total"),
            _("the file says %(theirs)s, the scoring engine gives %(ours)s")
            % {
                "theirs": f"{decimal_text(total, 1) or '—'} ({level or '—'})",
                "ours": f"{decimal_text(result.total, 1) or '—'} ({result.level or '—'})",
            },
        )
    if len(r.problems) > before:
        return None
    return _MeasurementPlan(
        version=version,
        measured_on=measured_on,
        label=label,
        facility=facility,
        inp=inp,
        notes=notes,
        origin=origin,
        created_by=created_by,
        created_at=created_at,
        updated_at=updated_at,
    )


def _item(instrument: Instrument, item_id: str) -> Any:
    try:
        return instrument.item(item_id)
    except KeyError:
        return None


def _item_order(instrument: Instrument) -> Callable[[str], int]:
    order = {item.id: n for n, item in enumerate(instrument.items)}
    return lambda item_id: order.get(item_id, len(order))


def _scored(value: tuple[int, bool] | None) -> str:
    if value is None:
        return _("no score")
    score_, derived = value
    how = _("derived from the facts") if derived else _("entered")
    return f"{score_} ({how})"


def _engine_path(path: str, name: str | None) -> str:
    """The JSON path of a field the scoring engine names (``item_1a``, a fact id, ``criteria_7a``)."""
    if name is None:
        return path
    if name.startswith("item_"):
        return at(at(path, "items"), name.removeprefix("item_"))
    if name.startswith("criteria_"):
        return at(at(path, "criteria"), name.removeprefix("criteria_"))
    if name in ("printed_total", "printed_level"):
        return at(path, name)
    return at(at(path, "facts"), name)
