"""MIE audits: two auditors' theme scores, their consensus and inter-rater agreement.

Plain, typed Python without Django, used by the ``score mie`` command line and by the
web application (which feeds :func:`agreement` and :func:`agreement_by_theme` from its
database). In an MIE audit two auditors each score every theme of the instrument on its
scale (1-5); a difference of ``rules.discuss_difference`` points or more is to be
discussed (an aid of this project: in 004 §2.13 the auditors compare all their scores and
agree each one), after which they agree a consensus score per theme. The MIE's result is
those five theme scores; it has no total. :func:`consensus_mean` (rounded once, half up)
is a research summary for ``score mie`` and trend tables, never shown as the audit's result.

Agreement between auditors is reported over pairs of scores (the two auditors' scores
for one theme of one audit): the percentage of equal pairs, of pairs at most one point
apart, and Cohen's quadratic-weighted kappa, computed here in exact fractions; beside them,
over the same pairs, the reliability figures of :mod:`.reliability` (issue 20): ICC(1,1) with
its 95 % confidence interval, Gwet's AC2 (quadratic weights) and Krippendorff's ordinal alpha.

Messages are English templates marked with ``gettext_noop``, as in ``scoring.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .definition import AuditInstrument
from .reliability import Icc, gwet_ac2, icc_1_1, krippendorff_alpha
from .scoring import Problem, gettext_noop, round_half_up

PERCENT_DECIMALS = 1
KAPPA_DECIMALS = 3

AUDIT_KEYS = ("organisation", "date", "ratings", "consensus")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


# --------------------------------------------------------------------------- one theme, one audit


@dataclass(frozen=True)
class ThemeComparison:
    """The two auditors' scores for one theme, their difference and the consensus."""

    scores: tuple[int, int]  # in the order the auditors were given
    difference: int  # absolute
    discuss: bool  # difference >= the instrument's discuss_difference
    consensus: int | None  # None: no consensus (yet)
    consensus_outside_range: bool  # a consensus below both or above both scores


def consensus_outside(scores: Sequence[int], consensus: int) -> bool:
    """Whether a consensus lies below both or above both independent scores.

    The one home of the rule that such a consensus needs a written reason: the consensus
    page, the service that saves it and the organisation import all ask here.
    """
    return bool(scores) and not min(scores) <= consensus <= max(scores)


def compare_theme(a: int, b: int, consensus: int | None, discuss_difference: int) -> ThemeComparison:
    """Compare two auditors' scores for one theme with each other and with the consensus."""
    difference = abs(a - b)
    return ThemeComparison(
        scores=(a, b),
        difference=difference,
        discuss=difference >= discuss_difference,
        consensus=consensus,
        consensus_outside_range=consensus is not None and consensus_outside((a, b), consensus),
    )


def consensus_mean(values: Sequence[int | None], decimals: int = 1) -> Decimal | None:
    """Mean of the consensus scores, rounded once half up; None unless every theme has one.

    A summary for research and trends only: the MIE defines a score per theme and no total (004 §2.13).
    """
    if not values or any(v is None for v in values):
        return None
    present = [v for v in values if v is not None]
    return round_half_up(Fraction(sum(present), len(present)), decimals)


# --------------------------------------------------------------------------- agreement


@dataclass(frozen=True)
class Agreement:
    """Inter-rater agreement over ``n`` pairs of scores; None where it is undefined."""

    n: int
    exact: Decimal | None  # percentage of equal pairs, one decimal
    within_one: Decimal | None  # percentage of pairs at most one point apart, one decimal
    weighted_kappa: Decimal | None  # quadratic-weighted Cohen's kappa, three decimals
    # Over the same pairs (reliability.py).
    icc: Icc | None = None  # ICC(1,1) and its 95 % interval, three decimals
    gwet_ac2: Decimal | None = None  # Gwet's AC2, quadratic weights, three decimals
    krippendorff_alpha: Decimal | None = None  # Krippendorff's alpha, ordinal, three decimals


def _check_pair(pair: tuple[int, int], scale_min: int, scale_max: int) -> tuple[int, int]:
    if len(pair) != 2 or not all(
        isinstance(v, int) and not isinstance(v, bool) and scale_min <= v <= scale_max for v in pair
    ):
        raise ValueError(f"a pair of scores must be two whole numbers from {scale_min} to {scale_max}, not {pair!r}")
    return pair[0], pair[1]


def agreement(pairs: Iterable[tuple[int, int]], scale_min: int = 1, scale_max: int = 5) -> Agreement:
    """Agreement between the first and the second score of every pair.

    Percentages are rounded once, half up, to one decimal; the kappa to three. Scores
    outside the scale raise ValueError.
    """
    counts: dict[tuple[int, int], int] = {}
    for pair in pairs:
        checked = _check_pair(pair, scale_min, scale_max)
        counts[checked] = counts.get(checked, 0) + 1
    return agreement_from_counts(counts, scale_min, scale_max)


def agreement_from_counts(counts: Mapping[tuple[int, int], int], scale_min: int = 1, scale_max: int = 5) -> Agreement:
    """:func:`agreement` of pairs given as how often each (first, second) pair occurs.

    What a database can count for itself: over all audits of a country there are at most
    25 different pairs, against half a million ratings (bench/README.md).
    """
    for pair, times in counts.items():
        _check_pair(pair, scale_min, scale_max)
        if not isinstance(times, int) or times < 0:
            raise ValueError(f"a count of pairs must be a whole number of at least 0, not {times!r}")
    counts = {pair: times for pair, times in counts.items() if times}
    n = sum(counts.values())
    if n == 0:
        return Agreement(n=0, exact=None, within_one=None, weighted_kappa=None)
    exact = sum(times for (a, b), times in counts.items() if a == b)
    within_one = sum(times for (a, b), times in counts.items() if abs(a - b) <= 1)
    return Agreement(
        n=n,
        exact=round_half_up(Fraction(100 * exact, n), PERCENT_DECIMALS),
        within_one=round_half_up(Fraction(100 * within_one, n), PERCENT_DECIMALS),
        weighted_kappa=_weighted_kappa(counts, scale_min, scale_max),
        icc=icc_1_1(counts),
        gwet_ac2=gwet_ac2(counts, scale_min, scale_max),
        krippendorff_alpha=krippendorff_alpha(counts, scale_min, scale_max),
    )


def _weighted_kappa(counts: Mapping[tuple[int, int], int], scale_min: int, scale_max: int) -> Decimal | None:
    """Cohen's kappa with quadratic weights (i - j)^2, exact, from the moments of the two raters' scores.

    With quadratic weights the expected disagreement (over every pairing of a first and a
    second score) is var(first) + var(second) + (mean(first) - mean(second))^2, population
    variances; the observed disagreement is the mean of (first - second)^2 over the pairs.
    kappa = 1 - observed / expected, undefined (None) when the expected disagreement is 0:
    both raters only ever give one and the same score. In exact fractions, so a kappa of
    exactly 3/16 rounds to 0.188, not to the 0.187 that floating point would give. The
    scale's bounds need no part here: quadratic weights over the whole scale are the
    squared differences themselves.
    """
    n = sum(counts.values())
    first_sum = sum(a * times for (a, _b), times in counts.items())
    second_sum = sum(b * times for (_a, b), times in counts.items())
    first_squares = sum(a * a * times for (a, _b), times in counts.items())
    second_squares = sum(b * b * times for (_a, b), times in counts.items())
    mean_first, mean_second = Fraction(first_sum, n), Fraction(second_sum, n)
    expected = (Fraction(first_squares, n) - mean_first**2 + Fraction(second_squares, n) - mean_second**2) + (
        mean_first - mean_second
    ) ** 2
    if expected == 0:
        return None
    observed = Fraction(sum((a - b) ** 2 * times for (a, b), times in counts.items()), n)
    return round_half_up(1 - observed / expected, KAPPA_DECIMALS)


def agreement_by_theme(
    ratings: Iterable[tuple[str, int, int]], scale_min: int = 1, scale_max: int = 5
) -> dict[str, Agreement]:
    """Agreement per theme from (theme id, first score, second score); themes in order of appearance."""
    by_theme: dict[str, list[tuple[int, int]]] = {}
    for theme_id, a, b in ratings:
        by_theme.setdefault(theme_id, []).append((a, b))
    return {theme_id: agreement(pairs, scale_min, scale_max) for theme_id, pairs in by_theme.items()}


# --------------------------------------------------------------------------- audits


@dataclass(frozen=True)
class AuditInput:
    """One audit as read from a file: two auditors' scores for every theme, and the consensus."""

    position: int  # 1-based position in the file
    organisation: str
    date: dt.date
    auditors: tuple[str, str]
    scores: Mapping[str, tuple[int, int]]  # theme id -> (first auditor's, second auditor's score)
    consensus: Mapping[str, int | None]  # theme id -> consensus score, None when not (yet) agreed


@dataclass(frozen=True)
class AuditComparison:
    """An audit's themes compared, and its consensus mean."""

    audit: AuditInput
    themes: dict[str, ThemeComparison]  # in instrument order
    mean: Decimal | None


def compare_audit(instrument: AuditInstrument, audit: AuditInput) -> AuditComparison:
    themes = {
        theme_id: compare_theme(*audit.scores[theme_id], audit.consensus.get(theme_id), instrument.discuss_difference)
        for theme_id in instrument.theme_ids
    }
    mean = consensus_mean([audit.consensus.get(t) for t in instrument.theme_ids], instrument.decimals)
    return AuditComparison(audit=audit, themes=themes, mean=mean)


def audits_agreement(instrument: AuditInstrument, audits: Iterable[AuditInput]) -> Agreement:
    """Agreement over every theme's pair of scores of every audit."""
    pairs = [audit.scores[t] for audit in audits for t in instrument.theme_ids]
    return agreement(pairs, instrument.scale_min, instrument.scale_max)


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _icc_json(icc: Icc | None) -> dict[str, Any] | None:
    if icc is None:
        return None
    low, high = icc.ci95
    return {"value": float(icc.value), "ci95": [float(low), float(high)]}


def audits_json(instrument: AuditInstrument, audits: Sequence[AuditInput]) -> dict[str, Any]:
    """The ``score mie --format json`` output for audits read by :func:`read_audits`."""
    out = []
    for audit in audits:
        comparison = compare_audit(instrument, audit)
        out.append(
            {
                "organisation": audit.organisation,
                "date": audit.date.isoformat(),
                "themes": {
                    theme_id: {
                        "scores": list(c.scores),
                        "difference": c.difference,
                        "consensus": c.consensus,
                        "discuss": c.discuss,
                        "consensus_outside_range": c.consensus_outside_range,
                    }
                    for theme_id, c in comparison.themes.items()
                },
                "mean": _number(comparison.mean),
            }
        )
    return {"audits": out, "agreement": agreement_json(audits_agreement(instrument, audits))}


def agreement_json(result: Agreement) -> dict[str, Any]:
    """An :class:`Agreement` as JSON: ``score mie``'s ``"agreement"``, and the ``agreement`` command's."""
    return {
        "n": result.n,
        "exact": _number(result.exact),
        "within_one": _number(result.within_one),
        "weighted_kappa": _number(result.weighted_kappa),
        "icc": _icc_json(result.icc),
        "gwet_ac2": _number(result.gwet_ac2),
        "krippendorff_alpha": _number(result.krippendorff_alpha),
    }


# --------------------------------------------------------------------------- reading a file


@dataclass(frozen=True)
class AuditProblem:
    """A problem in an audit file: which audit (1-based, None = the whole file), where in it, what."""

    audit: int | None
    label: str  # "organisation, date" as far as they could be read
    where: tuple[str, ...]  # e.g. ('auditor "Jan"', 'theme "3"')
    problem: Problem

    def text(self, translate: Callable[[str], str] = lambda s: s) -> str:
        parts = []
        if self.audit is not None:
            parts.append(f"audit {self.audit}" + (f" ({self.label})" if self.label else ""))
        parts.extend(self.where)
        parts.append(self.problem.text(translate))
        return ": ".join(parts)


class InvalidAuditFile(ValueError):
    """Raised by :func:`read_audits`; carries every problem found in the file."""

    def __init__(self, problems: list[AuditProblem]):
        super().__init__("\n".join(p.text() for p in problems))
        self.problems = problems


class _Object(dict[str, Any]):
    """A decoded JSON object that remembers the keys it held more than once."""

    duplicates: tuple[str, ...] = ()


def _object_hook(pairs: list[tuple[str, Any]]) -> _Object:
    obj = _Object(pairs)
    seen: set[str] = set()
    duplicates = []
    for key, _ in pairs:
        if key in seen and key not in duplicates:
            duplicates.append(key)
        seen.add(key)
    obj.duplicates = tuple(duplicates)
    return obj


def _show(value: Any, limit: int = 40) -> str:
    """A value as it is written in JSON (text in quotes, true, null, 3.0), shortened when long."""
    shown = json.dumps(value, ensure_ascii=False)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


class _Reader:
    """Collects the problems of one file while its audits are read."""

    def __init__(self, instrument: AuditInstrument):
        self.instrument = instrument
        self.problems: list[AuditProblem] = []
        self.audit: int | None = None
        self.label = ""

    def fail(self, where: tuple[str, ...], message: str, **params: Any) -> None:
        self.problems.append(AuditProblem(self.audit, self.label, where, Problem.of(None, message, **params)))

    def duplicates(self, obj: Any, where: tuple[str, ...]) -> None:
        for key in getattr(obj, "duplicates", ()):
            self.fail(where, gettext_noop("key %(key)s appears twice"), key=_show(key))

    def score(self, value: Any, where: tuple[str, ...]) -> int | None:
        inst = self.instrument
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(
                where,
                gettext_noop("score %(value)s is not a whole number from %(min)s to %(max)s"),
                value=_show(value),
                min=inst.scale_min,
                max=inst.scale_max,
            )
            return None
        if not inst.scale_min <= value <= inst.scale_max:
            self.fail(
                where,
                gettext_noop("score %(value)s is outside %(min)s–%(max)s"),
                value=value,
                min=inst.scale_min,
                max=inst.scale_max,
            )
            return None
        return value

    def unknown_themes(self, obj: Mapping[str, Any], where: tuple[str, ...]) -> None:
        for key in obj:
            if key not in self.instrument.theme_ids:
                self.fail(
                    where,
                    gettext_noop("unknown theme %(theme)s (the themes are %(themes)s)"),
                    theme=_show(key),
                    themes=", ".join(self.instrument.theme_ids),
                )

    def read(self, position: int, raw: Any) -> AuditInput | None:
        self.audit, self.label = position, ""
        before = len(self.problems)
        if not isinstance(raw, dict):
            self.fail((), gettext_noop("an audit must be an object, not %(kind)s"), kind=_kind(raw))
            return None
        organisation = raw.get("organisation")
        date_text = raw.get("date")
        date = None
        if isinstance(date_text, str) and _DATE.fullmatch(date_text):
            try:
                date = dt.date.fromisoformat(date_text)
            except ValueError:
                pass
        name = organisation.strip() if isinstance(organisation, str) else ""
        self.label = ", ".join(x for x in (name, date.isoformat() if date else "") if x)

        self.duplicates(raw, ())
        if "organisation" not in raw:
            self.fail((), gettext_noop("the organisation is missing"))
        elif not isinstance(organisation, str):
            self.fail(("organisation",), gettext_noop("must be text, not %(kind)s"), kind=_kind(organisation))
        elif not organisation.strip():
            self.fail((), gettext_noop("the organisation is empty"))

        if "date" not in raw:
            self.fail((), gettext_noop("the date is missing"))
        elif not isinstance(date_text, str):
            self.fail(
                ("date",), gettext_noop("must be text in the form YYYY-MM-DD, not %(kind)s"), kind=_kind(date_text)
            )
        elif date is None:
            self.fail(
                ("date",),
                gettext_noop("%(value)s is not a date in the form YYYY-MM-DD"),
                value=_show(date_text),
            )

        scores, auditors = self.ratings(raw)
        consensus = self.consensus(raw.get("consensus"))

        for key in raw:
            if key not in AUDIT_KEYS:
                self.fail(
                    (),
                    gettext_noop("unknown key %(key)s (an audit has %(keys)s)"),
                    key=_show(key),
                    keys=", ".join(AUDIT_KEYS),
                )
        if len(self.problems) > before:
            return None
        assert isinstance(organisation, str) and date is not None and scores is not None and auditors is not None
        return AuditInput(
            position=position,
            organisation=organisation.strip(),
            date=date,
            auditors=auditors,
            scores=scores,
            consensus=consensus,
        )

    def ratings(self, raw: Mapping[str, Any]) -> tuple[dict[str, tuple[int, int]] | None, tuple[str, str] | None]:
        where = ("ratings",)
        if "ratings" not in raw:
            self.fail((), gettext_noop("the ratings are missing"))
            return None, None
        ratings = raw["ratings"]
        if not isinstance(ratings, dict):
            self.fail(
                where,
                gettext_noop("must be an object with the scores of two auditors, not %(kind)s"),
                kind=_kind(ratings),
            )
            return None, None
        self.duplicates(ratings, where)
        ok = True
        if len(ratings) != 2:
            self.fail(where, gettext_noop("exactly two auditors are needed, %(count)s given"), count=len(ratings))
            ok = False
        per_auditor: list[dict[str, int]] = []
        for name, theirs in ratings.items():
            if not name.strip():
                self.fail(where, gettext_noop("an auditor name is empty"))
                ok = False
            auditor = (f"auditor {_show(name)}",)
            if not isinstance(theirs, dict):
                self.fail(auditor, gettext_noop("must be an object of theme scores, not %(kind)s"), kind=_kind(theirs))
                ok = False
                continue
            self.duplicates(theirs, auditor)
            scores: dict[str, int] = {}
            for theme_id in self.instrument.theme_ids:
                here = (*auditor, f"theme {_show(theme_id)}")
                if theme_id not in theirs:
                    self.fail(here, gettext_noop("the score is missing"))
                    continue
                value = self.score(theirs[theme_id], here)
                if value is not None:
                    scores[theme_id] = value
            self.unknown_themes(theirs, auditor)
            ok = ok and len(scores) == len(self.instrument.theme_ids) and len(theirs) == len(scores)
            per_auditor.append(scores)
        if not ok:
            return None, None
        first, second = per_auditor
        names = list(ratings)
        return {t: (first[t], second[t]) for t in self.instrument.theme_ids}, (names[0], names[1])

    def consensus(self, raw: Any) -> dict[str, int | None]:
        where = ("consensus",)
        result: dict[str, int | None] = dict.fromkeys(self.instrument.theme_ids)
        if raw is None:  # absent or null: no consensus yet
            return result
        if not isinstance(raw, dict):
            self.fail(where, gettext_noop("must be an object of theme scores, not %(kind)s"), kind=_kind(raw))
            return result
        self.duplicates(raw, where)
        for theme_id in self.instrument.theme_ids:
            value = raw.get(theme_id)
            if value is not None:
                result[theme_id] = self.score(value, (*where, f"theme {_show(theme_id)}"))
        self.unknown_themes(raw, where)
        return result


def read_audits(instrument: AuditInstrument, data: bytes) -> list[AuditInput]:
    """Read a ``score mie`` JSON file; raise :class:`InvalidAuditFile` listing every problem.

    The format: ``{"audits": [{"organisation": str, "date": "YYYY-MM-DD", "ratings":
    {"<auditor>": {"<theme id>": int, ...}, "<auditor>": {...}}, "consensus": {...}}]}``,
    exactly two auditors per audit; the consensus is optional, may be partial and may hold
    nulls.
    """
    reader = _Reader(instrument)
    top = ()

    def whole_file(message: str, **params: Any) -> InvalidAuditFile:
        reader.fail(top, message, **params)
        return InvalidAuditFile(reader.problems)

    if not data.strip():
        raise whole_file(gettext_noop("the file is empty"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise whole_file(gettext_noop("the file is not UTF-8 text")) from None
    try:
        raw = json.loads(text, object_pairs_hook=_object_hook)
    except json.JSONDecodeError as exc:
        raise whole_file(
            gettext_noop("the file is not valid JSON: %(error)s (line %(line)s, column %(column)s)"),
            error=exc.msg,
            line=exc.lineno,
            column=exc.colno,
        ) from None
    except (ValueError, RecursionError) as exc:
        raise whole_file(gettext_noop("the file is not valid JSON: %(error)s"), error=str(exc)) from None

    if not isinstance(raw, dict):
        raise whole_file(
            gettext_noop('the file must hold a JSON object with an "audits" list, not %(kind)s'), kind=_kind(raw)
        )
    reader.duplicates(raw, top)
    for key in raw:
        if key != "audits":
            reader.fail(top, gettext_noop('unknown key %(key)s (the file holds only "audits")'), key=_show(key))
    items = raw.get("audits")
    if "audits" not in raw:
        reader.fail(top, gettext_noop('the "audits" list is missing'))
    elif not isinstance(items, list):
        reader.fail(top, gettext_noop('"audits" must be a list, not %(kind)s'), kind=_kind(items))
    elif not items:
        reader.fail(top, gettext_noop("the file holds no audits"))
    if not isinstance(items, list) or not items:
        raise InvalidAuditFile(reader.problems)

    audits = [reader.read(position, item) for position, item in enumerate(items, start=1)]
    if reader.problems:
        raise InvalidAuditFile(reader.problems)
    return [a for a in audits if a is not None]
