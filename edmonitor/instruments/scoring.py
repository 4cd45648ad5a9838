"""The scoring engine: from entered answers and facts to item scores, total and level.

Plain, typed Python without Django, used alike by the web forms, the CLI and the
import commands, so every number is computed here and nowhere else.

The rules come from the instrument definition file (for the VIE: seed
``003_a8d87148f8c5ac85.txt``, Bijlage 1 and §4.1; summarised in DOMAIN.md):

* a derivable item is derived from facts whenever any of its facts is given; a
  direct score is used only when no facts for that item are given, and a direct
  score that disagrees with the derived one is an error;
* the total is the mean of the item scores present, rounded once, half up, to the
  instrument's number of decimals; the level follows from the rounded total, but only
  when every item is scored: the LIVE report computes the end score over all items and
  bands that end score (003 §5.2), so a total over fewer items keeps its warning and
  gets no level (:func:`level_of`);
* goal codes never enter the total.

Arithmetic is exact (``Fraction``/``Decimal``): a ratio of exactly 2 per mille must
score 2, not 3 because of a binary floating-point remainder.

Messages are English templates marked with ``gettext_noop`` so Django's
``makemessages`` extracts them; the web layer translates them, the CLI prints them
as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from .definition import Fact, Instrument, Item, Level


def gettext_noop(message: str) -> str:
    """Mark a message for translation without translating it (Django extracts these)."""
    return message


class Msg(str):
    """A parameter of a :class:`Problem` that is itself a message, translated with it (e.g. a method's name)."""

    __slots__ = ()


@dataclass(frozen=True)
class Problem:
    """An error or warning about one field (a CSV column / form field name) or the whole record."""

    field: str | None
    message: str
    params: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, field_name: str | None, message: str, **params: Any) -> Problem:
        return cls(field_name, message, tuple(params.items()))

    def text(self, translate: Callable[[str], str] = lambda s: s) -> str:
        params = {k: translate(v) if isinstance(v, Msg) else v for k, v in self.params}
        return translate(self.message) % params


@dataclass(frozen=True)
class MeasurementInput:
    """Typed answers for one measurement, before scoring."""

    direct: Mapping[str, int] = field(default_factory=dict)  # item id -> chosen score
    facts: Mapping[str, Decimal] = field(default_factory=dict)  # fact id -> value
    criteria: Mapping[str, frozenset[str]] = field(default_factory=dict)  # item id -> ticked ids
    goals: Mapping[str, str] = field(default_factory=dict)  # goal id (e.g. "1b") -> code
    printed_total: Decimal | None = None
    printed_level: str | None = None


@dataclass(frozen=True)
class ScoreResult:
    """The outcome of scoring one measurement."""

    items: dict[str, int]  # in instrument order, only scored items
    derived: tuple[str, ...]  # item ids whose score was derived from facts
    total: Decimal | None  # rounded mean, None when no item is scored
    mean: Fraction | None  # unrounded mean, for statistics over several measurements
    level: str | None
    goals: dict[str, str]
    warnings: tuple[Problem, ...]


class InvalidMeasurement(ValueError):
    """Raised by :func:`evaluate` when the input has errors; carries every problem."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.text() for p in problems))
        self.problems = problems


# --------------------------------------------------------------------------- rounding, levels


def round_half_up(value: Fraction, decimals: int = 1) -> Decimal:
    """Round an exact value once, half up (away from zero for our positive scores)."""
    # floor(value * scale + 1/2) in integers: Fraction arithmetic costs more than the rest of scoring a row
    scale = 10**decimals
    rounded = (2 * value.numerator * scale + value.denominator) // (2 * value.denominator)
    return Decimal(rounded).scaleb(-decimals)


def level_for(instrument: Instrument, total: Decimal | None) -> Level | None:
    """The level band containing an already rounded total (bounds inclusive)."""
    if total is None:
        return None
    for level in instrument.levels:
        if level.minimum <= total <= level.maximum:
            return level
    return None


def level_of(instrument: Instrument, total: Decimal | None, count: int) -> Level | None:
    """The level of a total over ``count`` item scores: none unless every item is scored.

    003 §5.2 computes the end score over all items and divides that end score into laag,
    midden and hoog; a mean over fewer items is not that end score, so it gets no level.
    """
    if count < len(instrument.items):
        return None
    return level_for(instrument, total)


def total_of(instrument: Instrument, scores: Mapping[str, int]) -> tuple[Decimal | None, Fraction | None]:
    """Mean of the present item scores: (rounded total, exact mean)."""
    values = [scores[item.id] for item in instrument.items if item.id in scores]
    return _total(instrument, sum(values), len(values))


def _total(instrument: Instrument, score_sum: int, count: int) -> tuple[Decimal | None, Fraction | None]:
    if not count:
        return None, None
    mean = Fraction(score_sum, count)
    return round_half_up(mean, instrument.decimals), mean


def size_class(instrument: Instrument, clients: Decimal) -> str:
    for cls in instrument.size_classes:
        if cls.upper is None or clients <= cls.upper:
            return cls.code
    raise ValueError("size classes do not cover every number of clients")


_THRESHOLDS: dict[int, tuple[list[Any], tuple[Fraction, ...]]] = {}


def _exact(value: Decimal | Fraction | int) -> tuple[int, int]:
    """A number as (numerator, positive denominator), exactly."""
    return value.as_integer_ratio()


def _band(n: int, d: int, thresholds: list[Any]) -> int:
    """Score 1 plus the number of thresholds the value n/d (d > 0) exceeds (upper bounds inclusive).

    In integers throughout: ``Fraction`` objects cost more than the rest of scoring a row.
    """
    cached = _THRESHOLDS.get(id(thresholds))
    if cached is not None and cached[0] is thresholds:
        exact = cached[1]
    else:  # the definition's own list, converted once (kept with it so the id cannot be reused)
        exact = tuple(Fraction(Decimal(str(t))) for t in thresholds)
        _THRESHOLDS[id(thresholds)] = (thresholds, exact)
    score = 1
    for t in exact:  # n/d > t  <=>  n * t.denominator > t.numerator * d, both denominators being positive
        if n * t.denominator > t.numerator * d:
            score += 1
    return score


# --------------------------------------------------------------------------- derivation rules

RuleResult = tuple[int | None, list[Problem]]
Rule = Callable[[Instrument, Item, dict[str, Any], MeasurementInput], RuleResult]


def _fte_per_thousand(instrument: Instrument, item: Item, params: dict[str, Any], inp: MeasurementInput) -> RuleResult:
    fte_fact, hours_fact, staff_fact = params["fte_fact"], params["hours_fact"], params["staff_fact"]
    fte, hours, staff = inp.facts.get(fte_fact), inp.facts.get(hours_fact), inp.facts.get(staff_fact)
    if fte is not None and hours is not None:
        return None, [
            Problem.of(
                hours_fact,
                gettext_noop("Give either %(fte)s or %(hours)s, not both."),
                fte=fte_fact,
                hours=hours_fact,
            )
        ]
    if staff is None:
        return None, [
            Problem.of(
                staff_fact,
                gettext_noop("%(fact)s is needed to derive item %(item)s from the facts."),
                fact=staff_fact,
                item=item.id,
            )
        ]
    if staff == 0:
        return None, [
            Problem.of(
                staff_fact,
                gettext_noop("%(fact)s must be greater than 0 to derive item %(item)s."),
                fact=staff_fact,
                item=item.id,
            )
        ]
    # The experts' fte as ed_n / ed_d and the staff as st_n / st_d, all positive but ed_n.
    if fte is not None:
        (ed_n, ed_d), ed_field = _exact(fte), fte_fact
    else:
        assert hours is not None
        (h_n, h_d), (p_n, p_d) = _exact(hours), _exact(Fraction(params["hours_per_fte"]))
        (ed_n, ed_d), ed_field = (h_n * p_d, h_d * p_n), hours_fact  # hours / hours per fte
    st_n, st_d = _exact(staff)
    if ed_n * st_d > st_n * ed_d:
        return None, [
            Problem.of(
                ed_field,
                gettext_noop("The experts' fte (%(ed)s) cannot exceed the total staff fte (%(staff)s)."),
                ed=_fmt(Fraction(ed_n, ed_d)),
                staff=_fmt(Fraction(staff)),
            )
        ]
    # experts per thousand staff: (ed_n / ed_d) / (st_n / st_d) * 1000
    return _band(ed_n * st_d * 1000, ed_d * st_n, params["thresholds"]), []


def _count(instrument: Instrument, item: Item, params: dict[str, Any], inp: MeasurementInput) -> RuleResult:
    return _band(*_exact(inp.facts[params["input"]]), params["thresholds"]), []


def _count_by_size(instrument: Instrument, item: Item, params: dict[str, Any], inp: MeasurementInput) -> RuleResult:
    size_fact = instrument.size_fact
    assert size_fact is not None, "count_by_size needs size classes in the definition"
    clients = inp.facts.get(size_fact)
    if clients is None:
        return None, [
            Problem.of(
                size_fact,
                gettext_noop("%(fact)s is needed to derive item %(item)s from the facts."),
                fact=size_fact,
                item=item.id,
            )
        ]
    thresholds = params["thresholds"][size_class(instrument, clients)]
    return _band(*_exact(inp.facts[params["input"]]), thresholds), []


def _criteria_count(instrument: Instrument, item: Item, params: dict[str, Any], inp: MeasurementInput) -> RuleResult:
    count_fact = params["input"]
    ticked = inp.criteria.get(item.id)
    stated = inp.facts.get(count_fact)
    if ticked is not None:
        known = {c.id for c in item.derivation.criteria} if item.derivation else set()
        unknown = sorted(ticked - known)
        if unknown:
            return None, [
                Problem.of(
                    f"criteria_{item.id}",
                    gettext_noop("Unknown criteria for item %(item)s: %(unknown)s."),
                    item=item.id,
                    unknown=", ".join(unknown),
                )
            ]
        if stated is not None and stated != len(ticked):
            return None, [
                Problem.of(
                    count_fact,
                    gettext_noop("%(count)s criteria are stated but %(ticked)s are ticked."),
                    count=_fmt(Fraction(stated)),
                    ticked=len(ticked),
                )
            ]
        met = _exact(len(ticked))
    else:
        assert stated is not None
        met = _exact(stated)
    return _band(*met, params["thresholds"]), []


RULES: dict[str, Rule] = {
    "fte_per_thousand": _fte_per_thousand,
    "count": _count,
    "count_by_size": _count_by_size,
    "criteria_count": _criteria_count,
}

# The facts each rule reads. With the item's own trigger facts (``derivation.facts``, read by
# :func:`has_facts`) they are everything a derived score depends on, apart from the criteria
# ticked on the web form (a file has none): what lets :mod:`.batch` remember derived scores.
RULE_INPUTS: dict[str, Callable[[Instrument, dict[str, Any]], tuple[str | None, ...]]] = {
    "fte_per_thousand": lambda instrument, p: (p["fte_fact"], p["hours_fact"], p["staff_fact"]),
    "count": lambda instrument, p: (p["input"],),
    "count_by_size": lambda instrument, p: (p["input"], instrument.size_fact),
    "criteria_count": lambda instrument, p: (p["input"],),
}


def derivation_inputs(instrument: Instrument, item: Item) -> tuple[str, ...]:
    """Every fact whose value decides whether and how ``item`` is derived, in a fixed order, each once."""
    assert item.derivation is not None
    read = RULE_INPUTS[item.derivation.rule](instrument, item.derivation.params)
    names = [*item.derivation.facts, *(name for name in read if name is not None)]
    return tuple(dict.fromkeys(names))


def _fmt(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.2f}"


def has_facts(item: Item, inp: MeasurementInput) -> bool:
    """Whether facts for this item were entered, i.e. whether its score is to be derived."""
    if item.derivation is None:
        return False
    if item.id in inp.criteria:
        return True
    facts = inp.facts
    for fact in item.derivation.facts:
        if facts.get(fact) is not None:
            return True
    return False


def derive(instrument: Instrument, item: Item, inp: MeasurementInput) -> RuleResult:
    """Derive one item's score from the facts (caller checks :func:`has_facts` first)."""
    assert item.derivation is not None
    rule = RULES.get(item.derivation.rule)
    if rule is None:
        raise KeyError(f"unknown derivation rule {item.derivation.rule!r} for item {item.id}")
    return rule(instrument, item, item.derivation.params, inp)


# --------------------------------------------------------------------------- scoring


def score(instrument: Instrument, inp: MeasurementInput) -> tuple[ScoreResult | None, list[Problem]]:
    """Score typed input. Returns (result, []) or (None, errors)."""
    errors: list[Problem] = []
    items: dict[str, int] = {}
    derived: list[str] = []
    any_facts = bool(inp.facts or inp.criteria)  # most rows give scores only: no item is derived
    for item in instrument.items:
        direct = inp.direct.get(item.id)
        if any_facts and has_facts(item, inp):
            value, problems = derive(instrument, item, inp)
            errors.extend(problems)
            if value is None:
                continue
            if direct is not None and direct != value:
                errors.append(
                    Problem.of(
                        f"item_{item.id}",
                        gettext_noop(
                            "Item %(item)s: the score given (%(given)s) disagrees with the score "
                            "derived from the facts (%(derived)s)."
                        ),
                        item=item.id,
                        given=direct,
                        derived=value,
                    )
                )
                continue
            items[item.id] = value
            derived.append(item.id)
        elif direct is not None:
            items[item.id] = direct
    if errors:
        return None, _unique(errors)

    total, mean, level_code, warnings = summary(
        instrument, sum(items.values()), len(items), inp.printed_total, inp.printed_level
    )
    goals = {item.goal_id: inp.goals[item.goal_id] for item in instrument.items if item.goal_id in inp.goals}
    return (
        ScoreResult(
            items=items,
            derived=tuple(derived),
            total=total,
            mean=mean,
            level=level_code,
            goals=goals,
            warnings=warnings,
        ),
        [],
    )


def summary(
    instrument: Instrument,
    score_sum: int,
    count: int,
    printed_total: Decimal | None = None,
    printed_level: str | None = None,
) -> tuple[Decimal | None, Fraction | None, str | None, tuple[Problem, ...]]:
    """Total, exact mean, level code and warnings of ``count`` item scores adding up to ``score_sum``.

    Everything after the item scores depends on their sum and number only, so a caller scoring
    many rows may remember the answer per (sum, count) (see :mod:`.batch`).
    """
    total, mean = _total(instrument, score_sum, count)
    level = level_of(instrument, total, count)
    warnings: list[Problem] = []
    if not count:
        warnings.append(Problem.of(None, gettext_noop("No item is scored, so there is no total.")))
    elif count < len(instrument.items):
        warnings.append(
            Problem.of(
                None,
                gettext_noop(
                    "Only %(present)s of the %(count)s items are scored; the total is their mean. It gets no "
                    "level: the levels laag, midden and hoog are for the end score over all items (003 §5.2)."
                ),
                present=count,
                count=len(instrument.items),
            )
        )
    if printed_total is not None and printed_total != total:
        warnings.append(
            Problem.of(
                "printed_total",
                gettext_noop("Printed total %(printed)s differs from the total %(computed)s computed from the items."),
                printed=str(printed_total),
                computed="—" if total is None else str(total),
            )
        )
    level_code = level.code if level else None
    if printed_level is not None and printed_level.strip().lower() != (level_code or ""):
        warnings.append(
            Problem.of(
                "printed_level",
                gettext_noop(
                    "Printed level '%(printed)s' differs from the level '%(computed)s' computed from the items."
                ),
                printed=printed_level,
                computed=level_code or "—",
            )
        )
    return total, mean, level_code, tuple(warnings)


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[Problem] = set()
    out = []
    for p in problems:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


# --------------------------------------------------------------------------- parsing raw text


_INTEGER = re.compile(r"[+]?[0-9]+")


def parse_decimal(text: str) -> Decimal | None:
    """Parse '12.5' or the Dutch '12,5'; None when it is not a finite number."""
    cleaned = text.strip()
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


@dataclass(frozen=True)
class RecordPlan:
    """What parse_record looks up for every row, worked out once per instrument."""

    fields: tuple[tuple[Item, str, str | None], ...]  # item, its score field, its goal field
    scores: dict[str, int]  # "1" -> 1 ... for every point of the scale
    codes: tuple[str, ...]


_PLANS: dict[int, tuple[Instrument, RecordPlan]] = {}


def record_plan(instrument: Instrument) -> RecordPlan:
    """The instrument's lookup tables for reading a raw record, worked out once and remembered.

    The field names of every item (score and goal), the text of every score on the scale and
    the goal codes, as :func:`parse_record` reads them: a cell is read as written only when
    these know it (``edmonitor/instruments/batch.py`` relies on the same tables).
    """
    cached = _PLANS.get(id(instrument))
    if cached is not None and cached[0] is instrument:
        return cached[1]
    plan = RecordPlan(
        fields=tuple(
            (item, f"item_{item.id}", f"goal_{item.goal_id}" if item.goal_id else None) for item in instrument.items
        ),
        scores={str(n): n for n in range(instrument.scale_min, instrument.scale_max + 1)},
        codes=tuple(g.code for g in instrument.goal_codes),
    )
    _PLANS[id(instrument)] = (instrument, plan)
    return plan


def record_fields(instrument: Instrument) -> list[str]:
    """Every field name a raw record may hold for this instrument (CSV columns, form names)."""
    names = [f"item_{item.id}" for item in instrument.items]
    names += [f"goal_{item.goal_id}" for item in instrument.items if item.goal_id]
    names += [fact.id for fact in instrument.facts]
    names += ["printed_total", "printed_level"]
    return names


def parse_fact(fact: Fact, text: str) -> tuple[Decimal | None, Problem | None]:
    """One fact's cell, already stripped and not empty: (its value, None) or (None, the problem)."""
    number = parse_decimal(text)
    if number is None:
        return None, Problem.of(fact.id, gettext_noop("'%(value)s' is not a number."), value=text)
    if fact.kind == "integer" and number != number.to_integral_value():
        return None, Problem.of(fact.id, gettext_noop("'%(value)s' must be a whole number."), value=text)
    if number < fact.minimum:
        return None, Problem.of(
            fact.id,
            gettext_noop("%(value)s is too small: the minimum is %(min)s."),
            value=text,
            min=_fmt(fact.minimum),
        )
    if fact.maximum is not None and number > fact.maximum:
        return None, Problem.of(
            fact.id,
            gettext_noop("%(value)s is too large: the maximum is %(max)s."),
            value=text,
            max=_fmt(fact.maximum),
        )
    return number, None


def parse_record(
    instrument: Instrument,
    raw: Mapping[str, str | None],
    criteria: Mapping[str, frozenset[str]] | None = None,
) -> tuple[MeasurementInput, list[Problem]]:
    """Validate raw text values (CSV cells or form fields) into typed input.

    Empty values mean "not given". Every problem is collected, none stops the others.
    ``criteria`` carries ticked criteria per item (the web form's 7a checkboxes).
    """
    problems: list[Problem] = []
    plan = record_plan(instrument)

    get = raw.get

    def value(name: str) -> str | None:
        v = get(name)
        if not v:  # absent or empty: most cells of a file, checked first because it is cheap
            return None
        v = v.strip()
        return v or None

    direct: dict[str, int] = {}
    scores, codes = plan.scores, plan.codes
    for item, name, _goal in plan.fields:
        cell = get(name)
        known = scores.get(cell) if cell else None  # the common case: "1" to "5" as written
        if known is not None:
            direct[item.id] = known
            continue
        text = value(name)
        if text is None:
            continue
        known = scores.get(text)
        if known is not None:
            direct[item.id] = known
            continue
        if not _INTEGER.fullmatch(text) or not (instrument.scale_min <= int(text) <= instrument.scale_max):
            problems.append(
                Problem.of(
                    name,
                    gettext_noop("'%(value)s' is not a score: give a whole number from %(min)s to %(max)s."),
                    value=text,
                    min=instrument.scale_min,
                    max=instrument.scale_max,
                )
            )
            continue
        direct[item.id] = int(text)

    goals: dict[str, str] = {}
    for item, _score_field, goal_field in plan.fields:
        if goal_field is None:
            continue
        cell = get(goal_field)
        if cell in codes:  # the common case: "A" to "D" as written
            goals[item.goal_id] = cell
            continue
        name = goal_field
        text = value(name)
        if text is None:
            continue
        if text.upper() not in codes:
            problems.append(
                Problem.of(
                    name,
                    gettext_noop("'%(value)s' is not a goal code: use %(codes)s."),
                    value=text,
                    codes=", ".join(codes),
                )
            )
            continue
        goals[item.goal_id] = text.upper()

    facts: dict[str, Decimal] = {}
    for fact in instrument.facts:
        text = value(fact.id)
        if text is None:
            continue
        number, problem = parse_fact(fact, text)
        if problem is not None:
            problems.append(problem)
        elif number is not None:
            facts[fact.id] = number

    printed_total = None
    text = value("printed_total")
    if text is not None:
        printed_total = parse_decimal(text)
        if printed_total is None:
            problems.append(Problem.of("printed_total", gettext_noop("'%(value)s' is not a number."), value=text))
        elif not (instrument.scale_min <= printed_total <= instrument.scale_max):
            # Out of range: also keeps quantize() from raising InvalidOperation on e.g. '1e30'.
            problems.append(
                Problem.of(
                    "printed_total",
                    gettext_noop("'%(value)s' is not a total: give a number from %(min)s to %(max)s."),
                    value=text,
                    min=instrument.scale_min,
                    max=instrument.scale_max,
                )
            )
            printed_total = None
        else:
            # Half up, like the computed total (the default half-even turned '2.25' into 2.2).
            printed_total = printed_total.quantize(Decimal(1).scaleb(-instrument.decimals), rounding=ROUND_HALF_UP)

    inp = MeasurementInput(
        direct=direct,
        facts=facts,
        criteria=dict(criteria or {}),
        goals=goals,
        printed_total=printed_total,
        printed_level=value("printed_level"),
    )
    return inp, problems


def evaluate(
    instrument: Instrument,
    raw: Mapping[str, str | None],
    criteria: Mapping[str, frozenset[str]] | None = None,
) -> tuple[MeasurementInput, ScoreResult]:
    """Parse and score raw values; raise :class:`InvalidMeasurement` listing every error."""
    inp, problems = parse_record(instrument, raw, criteria)
    if problems:
        # Cross-field checks only make sense on values that parsed; report those too.
        _, more = score(instrument, inp)
        bad_fields = {p.field for p in problems}
        raise InvalidMeasurement(_unique(problems + [p for p in more if p.field not in bad_fields]))
    result, problems = score(instrument, inp)
    if result is None:
        raise InvalidMeasurement(problems)
    return inp, result
