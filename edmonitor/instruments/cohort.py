"""Cohort comparison: the same organisations measured at a baseline and at a follow-up.

This is the analysis of the LIVE report (seed ``003_a8d87148f8c5ac85.txt`` ch. 4 and appendices 2-4)
for any cohort: per organisation its total at both moments and the change, the mean per item and
overall, how many organisations are at each level, how often each goal code was given, and a
Wilcoxon signed-rank test on the organisations' totals. Plain typed Python without Django, used by the
``edmonitor cohort`` command line (two CSV files) and by the web application (rows from its database,
built with :meth:`CohortRow.from_items`).

Decisions (the contract in the README leaves these open; each is chosen so that a researcher
reproducing the LIVE report gets its figures):

* **Pairing.** Organisations are matched by name, exactly (after trimming spaces, as the CSV reader
  does). A name that occurs twice at one moment is an error. An organisation at only one moment, or
  without any item score at a moment, is named in a warning and left out of every paired figure.
* **Order.** ``organisations`` follows the order of the baseline rows (the appendix tables list the
  institutions in one fixed order, and ``score vie`` keeps input order too).
  :attr:`CohortResult.changes_sorted` is the list for the figure of changes per organisation (LIVE
  fig. 3): largest improvement first, equal changes by name.
* **Organisation figures.** ``baseline`` and ``followup`` are the organisation's VIE totals (the mean of
  its item scores rounded once, half up, to one decimal); ``change`` is the exact difference of those
  two published totals; the levels follow from the totals.
* **Item means.** Over the paired organisations that scored the item at both moments (a warning names
  every item not scored by all of them), from the unrounded scores, rounded once. ``change`` is the
  exact difference of the two unrounded means, rounded once -- so it may differ by 0.1 from the
  difference of the two rounded means shown beside it.
* **Overall.** The mean of the paired organisations' unrounded totals (each organisation weighs the
  same, as the report's "gemiddelde totaalscore over alle instellingen", §4.2-4.3), rounded once;
  ``change`` is the exact difference of the two unrounded overall means, rounded once. With ten items
  each this equals the mean of all item scores, the way ``measurements/live.py`` checks the printed
  averages. For LIVE: 2.2 -> 2.8, change 0.5. The report prints 2.3 at the baseline, which its item
  scores do not give (404/180 = 2.24, a known discrepancy); its change 0.5 is the unrounded
  497/180 - 404/180 = 0.52 (the rounded 2.8 - 2.2 would give 0.6).
* **Rounding.** Once, half up; a negative change rounds half away from zero (-0.25 -> -0.3), the
  mirror of +0.25 -> +0.3, so swapping the moments only flips the sign.
* **Levels.** How many paired organisations are at each level at each moment (every level listed).
* **Goals.** Counts per goal code per goal question, every code listed. From the ``goals`` mapping
  (GOALS.csv) when given -- every organisation in it, paired or not, with a warning for a name that is
  not in the follow-up -- otherwise from the follow-up rows' goal codes, every follow-up organisation
  (goal attainment is recorded at the follow-up and needs no baseline). A given mapping replaces the
  follow-up's codes entirely. An empty code is not counted.
* **Wilcoxon signed-rank test** on the paired organisations' published totals (the differences are
  the ``change`` values), two-sided, ``scipy.stats.wilcoxon`` with ``zero_method="wilcox"``
  (organisations whose total did not change are dropped, as SPSS and R do; ``n`` counts the others),
  ``method="auto"`` and no continuity correction. scipy then uses the exact null distribution when
  there are no ties and no zero differences (up to 50 pairs); otherwise, with at most 13 pairs (those
  without change included), the exact distribution over all 2**n sign assignments (a permutation
  test); otherwise the normal approximation with tie correction. :attr:`WilcoxonTest.method` says
  which. The differences go to scipy as exact whole tenths, so 2.8 - 2.7 and 1.9 - 1.8 tie as they
  should (as binary floats they differ). ``statistic`` is the smaller rank sum, ``p_value`` has 4
  significant digits. No non-zero difference: both null, with a warning; otherwise a warning says
  that the test is descriptive (few organisations, no control group) and which p-value method was used.
* **Warnings** (in this order): the rows' own warnings (e.g. a printed total that differs), prefixed
  with moment and organisation; organisations at one moment only or without item scores; items not
  scored by every pair; goal names not in the follow-up; zero differences; the Wilcoxon note.
* **Errors** (:class:`CohortError`): a repeated organisation at one moment, an unknown item, a score
  outside the scale, a total or level that does not follow from the item scores, an unknown goal or
  goal code. The CLI reads files with :func:`read_cohort_file` and :func:`read_goals`, which report
  these with row and column as :class:`~edmonitor.instruments.csvio.InvalidFile`.

For the web report the result also carries what the JSON contract leaves out: per item the number of
organisations and the counts of each score at both moments (``ItemChange.baseline_counts`` /
``followup_counts``), the unrounded means, the overall level, the list sorted for the figure of
changes per organisation (:attr:`CohortResult.changes_sorted`) and the item changes in instrument
order (:attr:`CohortResult.item_changes`). :func:`cohort_json` gives the contract's JSON.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .csvio import InvalidFile, RowProblem, ScoredRow, open_csv, read_measurements, records
from .definition import Instrument
from .scoring import Msg, Problem, gettext_noop, level_for, level_of, parse_record, total_of

MOMENTS = ("baseline", "followup")
MOMENT_NAMES = {"baseline": Msg(gettext_noop("baseline")), "followup": Msg(gettext_noop("follow-up"))}

# scipy's method="auto" (1.17): exact without ties and zeros; else an exact permutation test up to
# this many pairs (2**13 sign assignments fit its default 9999 resamples); else the normal approximation.
PERMUTATION_MAX_PAIRS = 13
EXACT_MAX_PAIRS = 50
P_VALUE_DIGITS = 4  # significant digits of the reported p-value


class CohortError(ValueError):
    """The rows or goals handed to :func:`compare_cohort` are inconsistent; carries every problem."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.text() for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class CohortRow:
    """One organisation's measurement at one moment, already scored.

    ``items`` maps item id to score (only scored items); ``total`` and ``level`` are the measurement's
    published total and level and must follow from ``items`` (checked). ``goals`` maps goal id ("1b")
    to code ("A"-"D", "" = not recorded). ``warnings`` are the measurement's own warnings (e.g. a printed
    total that differs), passed on in the cohort's warnings.
    """

    organisation: str
    items: Mapping[str, int]
    total: Decimal | None
    level: str | None
    goals: Mapping[str, str] = field(default_factory=dict)
    warnings: tuple[Problem, ...] = ()

    @property
    def mean(self) -> Fraction | None:
        """The unrounded mean of the item scores."""
        if not self.items:
            return None
        return Fraction(sum(self.items.values()), len(self.items))

    @classmethod
    def from_items(
        cls,
        instrument: Instrument,
        organisation: str,
        items: Mapping[str, int],
        goals: Mapping[str, str] | None = None,
        warnings: Sequence[Problem] = (),
    ) -> CohortRow:
        """A row from item scores (e.g. stored item responses); total and level by the scoring engine."""
        total, _ = total_of(instrument, items)
        level = level_of(instrument, total, len([i for i in instrument.items if i.id in items]))
        return cls(organisation, dict(items), total, level.code if level else None, dict(goals or {}), tuple(warnings))

    @classmethod
    def from_scored_row(cls, row: ScoredRow) -> CohortRow:
        r = row.result
        return cls(row.organisation, dict(r.items), r.total, r.level, dict(r.goals), tuple(r.warnings))


def rows_from_scored(rows: Sequence[ScoredRow]) -> list[CohortRow]:
    return [CohortRow.from_scored_row(row) for row in rows]


@dataclass(frozen=True)
class OrganisationChange:
    organisation: str
    baseline: Decimal  # published total
    followup: Decimal
    change: Decimal  # followup - baseline, exact
    baseline_level: str | None
    followup_level: str | None
    baseline_mean: Fraction  # unrounded
    followup_mean: Fraction


@dataclass(frozen=True)
class ItemChange:
    item: str
    n: int  # paired organisations that scored the item at both moments
    baseline: Decimal | None  # None when n == 0
    followup: Decimal | None
    change: Decimal | None
    baseline_counts: dict[int, int]  # score -> number of those organisations (every scale point)
    followup_counts: dict[int, int]


@dataclass(frozen=True)
class OverallChange:
    n: int  # paired organisations
    baseline: Decimal | None
    followup: Decimal | None
    change: Decimal | None
    baseline_level: str | None  # level of the rounded overall mean
    followup_level: str | None


@dataclass(frozen=True)
class WilcoxonTest:
    n: int  # pairs with a non-zero difference
    zeros: int  # pairs with no change, left out
    statistic: float | None  # the smaller of the two rank sums
    p_value: float | None  # two-sided, 4 significant digits
    method: str | None  # "exact", "permutation" or "asymptotic"


@dataclass(frozen=True)
class CohortResult:
    instrument: str  # the instrument key, e.g. "vie-2012.1"
    organisations: tuple[OrganisationChange, ...]  # paired, in baseline order
    items: dict[str, ItemChange]  # every item of the instrument, in its order
    overall: OverallChange
    levels: dict[str, dict[str, int]]  # moment -> level code -> paired organisations
    # moment -> paired organisations without a level: a total over fewer than all items has none (003 §5.2)
    without_level: dict[str, int]
    goals: dict[str, dict[str, int]]  # goal id -> code -> organisations
    goals_source: str  # "goals" (the mapping given) or "followup" (the follow-up rows)
    wilcoxon: WilcoxonTest
    baseline_only: tuple[str, ...]
    followup_only: tuple[str, ...]
    warnings: tuple[Problem, ...]

    @property
    def changes_sorted(self) -> tuple[OrganisationChange, ...]:
        """Organisations by change, largest improvement first, equal changes by name (LIVE fig. 3)."""
        return tuple(sorted(self.organisations, key=lambda o: (-o.change, o.organisation.casefold(), o.organisation)))

    @property
    def item_changes(self) -> tuple[tuple[str, Decimal | None], ...]:
        """(item id, change) in instrument order (LIVE fig. 4; the overall change is ``overall.change``)."""
        return tuple((item_id, change.change) for item_id, change in self.items.items())


# --------------------------------------------------------------------------- arithmetic


def round_once(value: Fraction, decimals: int) -> Decimal:
    """Round an exact value once, half up; negative values mirror positive ones (half away from zero)."""
    scale = 10**decimals
    magnitude = math.floor(abs(value) * scale + Fraction(1, 2))
    signed = magnitude if value >= 0 else -magnitude
    rounded = (Decimal(signed) / Decimal(scale)).quantize(Decimal(1).scaleb(-decimals))
    return rounded + 0  # no "-0.0"


def _mean(values: Sequence[Fraction]) -> Fraction:
    return sum(values, Fraction(0)) / len(values)


def wilcoxon_signed_rank(differences: Sequence[Decimal]) -> WilcoxonTest:
    """Two-sided Wilcoxon signed-rank test of paired differences (see the module docstring)."""
    places = max((max(-int(d.as_tuple().exponent), 0) for d in differences), default=0)
    exact = [int(d.scaleb(places)) for d in differences]  # integers: ties are exact
    nonzero = [d for d in exact if d != 0]
    zeros = len(exact) - len(nonzero)
    if not nonzero:
        return WilcoxonTest(0, zeros, None, None, None)
    from scipy.stats import wilcoxon  # lazy: scipy is slow to import and only this needs it

    res = wilcoxon(
        [float(d) for d in exact], zero_method="wilcox", correction=False, alternative="two-sided", method="auto"
    )
    magnitudes = [abs(d) for d in nonzero]
    ties = len(set(magnitudes)) < len(magnitudes)
    if len(exact) > EXACT_MAX_PAIRS:
        method = "asymptotic"
    elif not ties and zeros == 0:
        method = "exact"
    elif len(exact) <= PERMUTATION_MAX_PAIRS:
        method = "permutation"
    else:
        method = "asymptotic"
    p_value = float(f"{float(res.pvalue):.{P_VALUE_DIGITS}g}")
    return WilcoxonTest(len(nonzero), zeros, float(res.statistic), p_value, method)


# --------------------------------------------------------------------------- checking the input


def _check_rows(instrument: Instrument, moment: str, rows: Sequence[CohortRow]) -> list[Problem]:
    problems: list[Problem] = []
    item_ids = {item.id for item in instrument.items}
    seen: set[str] = set()
    reported: set[str] = set()
    for row in rows:
        name = row.organisation
        if not name.strip():
            problems.append(
                Problem.of(None, gettext_noop("A row of the %(moment)s has no organisation."), moment=moment)
            )
        if name in seen and name not in reported:
            reported.add(name)
            problems.append(
                Problem.of(
                    None,
                    gettext_noop("'%(organisation)s' appears more than once in the %(moment)s."),
                    organisation=name,
                    moment=moment,
                )
            )
        seen.add(name)
        bad = False
        for item_id, value in row.items.items():
            if item_id not in item_ids:
                bad = True
                problems.append(
                    Problem.of(
                        None,
                        gettext_noop("%(moment)s, %(organisation)s: unknown item '%(item)s'."),
                        moment=moment,
                        organisation=name,
                        item=item_id,
                    )
                )
            elif (
                isinstance(value, bool)
                or not isinstance(value, int)
                or not (instrument.scale_min <= value <= instrument.scale_max)
            ):
                bad = True
                problems.append(
                    Problem.of(
                        None,
                        gettext_noop(
                            "%(moment)s, %(organisation)s: item %(item)s has score %(value)s, not %(min)s-%(max)s."
                        ),
                        moment=moment,
                        organisation=name,
                        item=item_id,
                        value=value,
                        min=instrument.scale_min,
                        max=instrument.scale_max,
                    )
                )
        if bad:
            continue
        total, _ = total_of(instrument, row.items)
        level = level_of(instrument, total, len([i for i in instrument.items if i.id in row.items]))
        level_code = level.code if level else None
        if row.total != total or row.level != level_code:
            problems.append(
                Problem.of(
                    None,
                    gettext_noop(
                        "%(moment)s, %(organisation)s: the total %(total)s / level %(level)s does not follow from "
                        "the item scores (%(computed)s / %(computed_level)s)."
                    ),
                    moment=moment,
                    organisation=name,
                    total=row.total,
                    level=row.level,
                    computed=total,
                    computed_level=level_code,
                )
            )
    return problems


def _check_goals(instrument: Instrument, where: str, organisation: str, goals: Mapping[str, str]) -> list[Problem]:
    goal_ids = {item.goal_id for item in instrument.items if item.goal_id}
    codes = [g.code for g in instrument.goal_codes]
    problems = []
    for goal_id, code in goals.items():
        if goal_id not in goal_ids:
            problems.append(
                Problem.of(
                    None,
                    gettext_noop("%(where)s, %(organisation)s: unknown goal '%(goal)s'."),
                    where=where,
                    organisation=organisation,
                    goal=goal_id,
                )
            )
        elif code.strip() and code.strip().upper() not in codes:
            problems.append(
                Problem.of(
                    None,
                    gettext_noop("%(where)s, %(organisation)s: '%(value)s' is not a goal code: use %(codes)s."),
                    where=where,
                    organisation=organisation,
                    value=code,
                    codes=", ".join(codes),
                )
            )
    return problems


def _check_input(
    instrument: Instrument,
    baseline: Sequence[CohortRow],
    followup: Sequence[CohortRow],
    goals: Mapping[str, Mapping[str, str]] | None,
) -> None:
    """Raise :class:`CohortError` with every problem of the rows of both moments and of the goals.

    The goals checked are those that will be counted: the ``goals`` mapping when given, else the
    follow-up rows' codes.
    """
    problems = _check_rows(instrument, "baseline", baseline) + _check_rows(instrument, "follow-up", followup)
    if goals is not None:
        for organisation, recorded_goals in dict(goals).items():
            problems += _check_goals(instrument, "goals", organisation, recorded_goals)
    else:
        for row in followup:
            problems += _check_goals(instrument, "follow-up", row.organisation, row.goals)
    if problems:
        raise CohortError(problems)


# --------------------------------------------------------------------------- the comparison

METHOD_NAMES = {
    "exact": Msg(gettext_noop("exact distribution")),
    "permutation": Msg(gettext_noop("exact, over every assignment of signs, because of ties or zero differences")),
    "asymptotic": Msg(gettext_noop("normal approximation with tie correction")),
    "": Msg("-"),
}


def compare_cohort(
    instrument: Instrument,
    baseline: Sequence[CohortRow],
    followup: Sequence[CohortRow],
    goals: Mapping[str, Mapping[str, str]] | None = None,
) -> CohortResult:
    """Compare a cohort's baseline with its follow-up; raise :class:`CohortError` on inconsistent input.

    ``goals`` maps organisation -> goal id -> code (a GOALS.csv); None takes the follow-up rows' codes.
    """
    _check_input(instrument, baseline, followup, goals)
    pairing = _pair(baseline, followup)
    organisations = _organisation_changes(pairing.pairs)
    items = _item_changes(instrument, pairing.pairs)
    test = wilcoxon_signed_rank([o.change for o in organisations])
    warnings = [  # in the order the module docstring gives under **Warnings**
        *_row_warnings(baseline, followup),
        *_pairing_warnings(pairing),
        *_item_warnings(items, len(pairing.pairs)),
        *_goal_warnings(goals, followup),
        *_wilcoxon_warnings(test),
    ]
    return CohortResult(
        instrument=instrument.key,
        organisations=tuple(organisations),
        items=items,
        overall=_overall_change(instrument, organisations),
        levels=_level_counts(instrument, organisations),
        without_level=_without_level(organisations),
        goals=_goal_counts(instrument, _recorded_goals(followup, goals)),
        goals_source="goals" if goals is not None else "followup",
        wilcoxon=test,
        baseline_only=pairing.baseline_only,
        followup_only=pairing.followup_only,
        warnings=tuple(warnings),
    )


# --------------------------------------------------------------------------- the figures


@dataclass(frozen=True)
class _Pairing:
    """Which organisations of the two moments go into the paired figures, and which do not."""

    pairs: list[tuple[CohortRow, CohortRow]]  # (baseline, follow-up) rows, in baseline order
    baseline_only: tuple[str, ...]
    followup_only: tuple[str, ...]
    unscored: list[tuple[str, str]]  # (organisation, moment) at both moments but without item scores at this one


def _pair(baseline: Sequence[CohortRow], followup: Sequence[CohortRow]) -> _Pairing:
    """Match the rows by organisation; a pair needs item scores at both moments."""
    followup_by_name = {r.organisation: r for r in followup}
    baseline_names = {r.organisation for r in baseline}
    pairs: list[tuple[CohortRow, CohortRow]] = []
    unscored: list[tuple[str, str]] = []
    for b in baseline:
        f = followup_by_name.get(b.organisation)
        if f is None:
            continue
        empty = [m for m, r in (("baseline", b), ("followup", f)) if r.total is None]
        unscored += [(b.organisation, moment) for moment in empty]
        if not empty:
            pairs.append((b, f))
    return _Pairing(
        pairs,
        baseline_only=tuple(r.organisation for r in baseline if r.organisation not in followup_by_name),
        followup_only=tuple(r.organisation for r in followup if r.organisation not in baseline_names),
        unscored=unscored,
    )


def _organisation_changes(pairs: Sequence[tuple[CohortRow, CohortRow]]) -> list[OrganisationChange]:
    """Per paired organisation its published totals, levels and unrounded means, and the change."""
    organisations = []
    for b, f in pairs:
        assert b.total is not None and f.total is not None and b.mean is not None and f.mean is not None
        organisations.append(
            OrganisationChange(
                organisation=b.organisation,
                baseline=b.total,
                followup=f.total,
                change=f.total - b.total,
                baseline_level=b.level,
                followup_level=f.level,
                baseline_mean=b.mean,
                followup_mean=f.mean,
            )
        )
    return organisations


def _item_changes(instrument: Instrument, pairs: Sequence[tuple[CohortRow, CohortRow]]) -> dict[str, ItemChange]:
    """Per item (in instrument order) the means over the pairs that scored it at both moments, and the counts."""
    decimals = instrument.decimals
    scale = range(instrument.scale_min, instrument.scale_max + 1)
    items: dict[str, ItemChange] = {}
    for item in instrument.items:
        both = [(b.items[item.id], f.items[item.id]) for b, f in pairs if item.id in b.items and item.id in f.items]
        counts = (
            {s: sum(1 for v, _ in both if v == s) for s in scale},
            {s: sum(1 for _, v in both if v == s) for s in scale},
        )
        if not both:
            items[item.id] = ItemChange(item.id, 0, None, None, None, *counts)
            continue
        b_mean = Fraction(sum(v for v, _ in both), len(both))
        f_mean = Fraction(sum(v for _, v in both), len(both))
        items[item.id] = ItemChange(
            item.id,
            len(both),
            round_once(b_mean, decimals),
            round_once(f_mean, decimals),
            round_once(f_mean - b_mean, decimals),
            *counts,
        )
    return items


def _overall_change(instrument: Instrument, organisations: Sequence[OrganisationChange]) -> OverallChange:
    """The mean of the paired organisations' unrounded totals at both moments, rounded once, and its level."""
    if not organisations:
        return OverallChange(0, None, None, None, None, None)
    decimals = instrument.decimals
    b_overall = _mean([o.baseline_mean for o in organisations])
    f_overall = _mean([o.followup_mean for o in organisations])
    b_rounded, f_rounded = round_once(b_overall, decimals), round_once(f_overall, decimals)
    b_level, f_level = level_for(instrument, b_rounded), level_for(instrument, f_rounded)
    return OverallChange(
        len(organisations),
        b_rounded,
        f_rounded,
        round_once(f_overall - b_overall, decimals),
        b_level.code if b_level else None,
        f_level.code if f_level else None,
    )


def _level_counts(instrument: Instrument, organisations: Sequence[OrganisationChange]) -> dict[str, dict[str, int]]:
    """Moment -> level code -> paired organisations at that level (every level listed)."""
    return {
        moment: {
            level.code: sum(
                1
                for o in organisations
                if (o.baseline_level if moment == "baseline" else o.followup_level) == level.code
            )
            for level in instrument.levels
        }
        for moment in MOMENTS
    }


def _without_level(organisations: Sequence[OrganisationChange]) -> dict[str, int]:
    """Moment -> paired organisations without a level (a total over fewer than all items)."""
    return {
        moment: sum(
            1 for o in organisations if (o.baseline_level if moment == "baseline" else o.followup_level) is None
        )
        for moment in MOMENTS
    }


def _recorded_goals(
    followup: Sequence[CohortRow], goals: Mapping[str, Mapping[str, str]] | None
) -> dict[str, Mapping[str, str]]:
    """Organisation -> goal id -> code: the ``goals`` mapping when given, else the follow-up rows' codes."""
    if goals is not None:
        return dict(goals)
    return {row.organisation: row.goals for row in followup}


def _goal_counts(instrument: Instrument, recorded_goals: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, int]]:
    """Goal id -> code -> how many organisations were given it (every code listed; empty codes not counted)."""
    goal_ids = [item.goal_id for item in instrument.items if item.goal_id]
    codes = [g.code for g in instrument.goal_codes]
    goal_counts = {goal_id: dict.fromkeys(codes, 0) for goal_id in goal_ids}
    for recorded in recorded_goals.values():
        for goal_id, code in recorded.items():
            if code.strip():
                goal_counts[goal_id][code.strip().upper()] += 1
    return goal_counts


# --------------------------------------------------------------------------- the warnings


def _row_warnings(baseline: Sequence[CohortRow], followup: Sequence[CohortRow]) -> list[Problem]:
    """The rows' own warnings, prefixed with moment and organisation."""
    warnings: list[Problem] = []
    for moment, rows in (("baseline", baseline), ("followup", followup)):
        for row in rows:
            for w in row.warnings:
                warnings.append(
                    Problem.of(
                        None,
                        gettext_noop("%(moment)s, %(organisation)s: %(warning)s"),
                        moment=MOMENT_NAMES[moment],
                        organisation=row.organisation,
                        warning=w.text(),
                    )
                )
    return warnings


def _pairing_warnings(pairing: _Pairing) -> list[Problem]:
    """Organisations at one moment only, then organisations without item scores at a moment."""
    warnings: list[Problem] = []
    for moment, names in (("baseline", pairing.baseline_only), ("followup", pairing.followup_only)):
        for name in names:
            warnings.append(
                Problem.of(
                    None,
                    gettext_noop("'%(organisation)s' is only in the %(moment)s; it is left out of the paired figures."),
                    organisation=name,
                    moment=MOMENT_NAMES[moment],
                )
            )
    for organisation, moment in pairing.unscored:
        warnings.append(
            Problem.of(
                None,
                gettext_noop(
                    "'%(organisation)s' has no item scores at the %(moment)s; it is left out of the paired figures."
                ),
                organisation=organisation,
                moment=MOMENT_NAMES[moment],
            )
        )
    return warnings


def _item_warnings(items: Mapping[str, ItemChange], pairs: int) -> list[Problem]:
    """Items not scored at both moments by every one of the ``pairs`` paired organisations."""
    warnings: list[Problem] = []
    for item_id, change in items.items():
        if change.n == 0:
            if pairs:
                warnings.append(
                    Problem.of(
                        None,
                        gettext_noop(
                            "Item %(item)s is not scored by any paired organisation at both moments; "
                            "its means are null."
                        ),
                        item=item_id,
                    )
                )
        elif change.n < pairs:
            warnings.append(
                Problem.of(
                    None,
                    gettext_noop(
                        "Item %(item)s: the means are over the %(n)s of %(pairs)s paired organisations that scored "
                        "it at both moments."
                    ),
                    item=item_id,
                    n=change.n,
                    pairs=pairs,
                )
            )
    return warnings


def _goal_warnings(goals: Mapping[str, Mapping[str, str]] | None, followup: Sequence[CohortRow]) -> list[Problem]:
    """Organisations in a given ``goals`` mapping that are not in the follow-up (their codes still count)."""
    if goals is None:
        return []
    followup_names = {row.organisation for row in followup}
    return [
        Problem.of(
            None,
            gettext_noop("'%(organisation)s' in the goals is not in the follow-up; its goal codes are counted."),
            organisation=name,
        )
        for name in goals
        if name not in followup_names
    ]


def _wilcoxon_warnings(test: WilcoxonTest) -> list[Problem]:
    """Zero differences left out of the test, then why the test is null or that it is descriptive."""
    warnings: list[Problem] = []
    if test.zeros:
        warnings.append(
            Problem.of(
                None,
                gettext_noop(
                    "1 organisation with no change in its total is left out of the Wilcoxon test "
                    "(Wilcoxon's treatment of zero differences); n counts the %(n)s others."
                )
                if test.zeros == 1
                else gettext_noop(
                    "%(zeros)s organisations with no change in their totals are left out of the Wilcoxon test "
                    "(Wilcoxon's treatment of zero differences); n counts the %(n)s others."
                ),
                zeros=test.zeros,
                n=test.n,
            )
        )
    if test.n == 0:
        warnings.append(
            Problem.of(
                None,
                gettext_noop(
                    "The Wilcoxon test needs at least one organisation whose total changed; statistic and p_value "
                    "are null."
                ),
            )
        )
    else:
        warnings.append(
            Problem.of(
                None,
                gettext_noop(
                    "The Wilcoxon test rests on few organisations (n = %(n)s) and has no control group: read it "
                    "as descriptive, not as proof of an effect (p-value: %(method)s)."
                ),
                n=test.n,
                method=METHOD_NAMES[test.method or ""],
            )
        )
    return warnings


# --------------------------------------------------------------------------- output


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def cohort_json(result: CohortResult) -> dict[str, Any]:
    """The ``edmonitor cohort --format json`` object, exactly as the README's contract."""
    return {
        "organisations": [
            {
                "organisation": o.organisation,
                "baseline": float(o.baseline),
                "followup": float(o.followup),
                "change": float(o.change),
                "baseline_level": o.baseline_level,
                "followup_level": o.followup_level,
            }
            for o in result.organisations
        ],
        "items": {
            item_id: {"baseline": _number(c.baseline), "followup": _number(c.followup), "change": _number(c.change)}
            for item_id, c in result.items.items()
        },
        "overall": {
            "baseline": _number(result.overall.baseline),
            "followup": _number(result.overall.followup),
            "change": _number(result.overall.change),
        },
        "levels": {moment: dict(counts) for moment, counts in result.levels.items()},
        "without_level": dict(result.without_level),
        "goals": {goal_id: dict(counts) for goal_id, counts in result.goals.items()},
        "wilcoxon": {
            "n": result.wilcoxon.n,
            "statistic": result.wilcoxon.statistic,
            "p_value": result.wilcoxon.p_value,
        },
        "warnings": [w.text() for w in result.warnings],
    }


# --------------------------------------------------------------------------- reading files


def read_cohort_file(instrument: Instrument, data: bytes) -> list[ScoredRow]:
    """Read one moment's CSV (the ``score vie`` format); a repeated organisation is an error too."""
    problems: list[RowProblem] = []
    try:
        rows = read_measurements(instrument, data)
    except InvalidFile as exc:
        problems = list(exc.problems)
        rows = []
    first: dict[str, int] = {}
    for row in rows:
        if row.organisation in first:
            problems.append(
                RowProblem(
                    row.row,
                    Problem.of(
                        "organisation",
                        gettext_noop("'%(organisation)s' appears more than once (first in row %(first)s)."),
                        organisation=row.organisation,
                        first=first[row.organisation],
                    ),
                )
            )
        else:
            first[row.organisation] = row.row
    if problems:
        raise InvalidFile(problems)
    return rows


def read_goals(instrument: Instrument, data: bytes) -> dict[str, dict[str, str]]:
    """Read a GOALS.csv: ``organisation`` and ``goal_1b`` ... (codes A-D, any case; empty = not recorded).

    Comma or semicolon separated, UTF-8, like the measurement files. Raises :class:`InvalidFile` with
    every problem (row numbers count the header as row 1).
    """
    problems: list[RowProblem] = []

    def fail(row: int, field_name: str | None, message: str, **params: object) -> None:
        problems.append(RowProblem(row, Problem.of(field_name, message, **params)))

    goal_columns = [f"goal_{item.goal_id}" for item in instrument.items if item.goal_id]
    reader, header = open_csv(data, ["organisation", *goal_columns], problems)

    goals: dict[str, dict[str, str]] = {}
    first: dict[str, int] = {}
    for row, record in records(reader, header, problems):
        organisation = record["organisation"].strip()
        inp, cell_problems = parse_record(instrument, {k: v for k, v in record.items() if k in goal_columns})
        problems.extend(RowProblem(row, p) for p in cell_problems)
        if not organisation:
            fail(row, "organisation", gettext_noop("The organisation is missing."))
            continue
        if organisation in first:
            fail(
                row,
                "organisation",
                gettext_noop("'%(organisation)s' appears more than once (first in row %(first)s)."),
                organisation=organisation,
                first=first[organisation],
            )
            continue
        first[organisation] = row
        goals[organisation] = dict(inp.goals)
    if not goals and not problems:
        fail(2, None, gettext_noop("The file has a header but no data rows."))
    if problems:
        raise InvalidFile(problems)
    return goals
