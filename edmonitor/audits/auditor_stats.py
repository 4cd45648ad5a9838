"""Each auditor's scoring over time: bias and agreement with the co-auditor and with the consensus, by year.

Issue 20 part 4. Per auditor A and year (of the audit's ``held_on``), over every theme pair of A's
finalised audits (A's own score for a theme and the other auditor's score for the same theme):

- **audits**: the finalised audits in which A holds one of the two places;
- **pairs**: the theme pairs both auditors scored (five per audit);
- **bias**: the mean of (A's score − the co-auditor's score), signed: above 0, A scores higher;
- **exact / within one with the co-auditor**: the percentage of pairs with the same score, and with
  scores at most one point apart (as on the agreement page, :mod:`.agreement`);
- **exact / within one with the consensus**: the same between A's own score and the consensus of that
  theme (pairs of themes without a consensus do not count here).

**The flag** (:func:`flag`, the one home of the rule): an auditor with at least :data:`MIN_PAIRS`
pairs over all years stands out when |bias| ≥ :data:`BIAS_LIMIT` point, or when their exact agreement
with the consensus lies more than :data:`SD_LIMIT` standard deviations below the pool's mean (the
pool: every auditor with at least :data:`MIN_PAIRS` pairs; the mean and the standard deviation over
those auditors, population formula). Why: with fewer than ten pairs (two audits) a difference is
easily chance; half a point on a five-point scale is a whole point in every second theme; a share
that far below the others happens by chance to about 2 in 100 auditors (one-sided normal tail). The
second part can only flag someone in a pool of at least :data:`SMALLEST_POOL` auditors (see there).
The comparisons are exact (fractions, no square root), so an auditor exactly on a limit is decided
by the rule as written, never by rounding.

**Who sees what.** Coordinators see every auditor; anyone who holds an auditor's place in some audit
sees their own figures (:func:`may_see_figures_of`); a new rule, because no other page asks "is this
person an auditor anywhere" or shows a person's figures across organisations. Only finalised audits
count, so no score is blind any more (:attr:`Audit.both_submitted`): every rating counted for A is
one that :func:`~.permissions.visible_ratings` shows A for that audit, since A is one of its auditors,
and coordinators see every audit (:func:`~.permissions.visible_audits`). The ratings are counted by
the database, pair by pair, as :func:`.agreement.pair_counts` does, rather than read audit by audit
through ``visible_ratings`` (one query per audit); the tests check the two agree. What the pool is
made of (the mean and spread over every auditor) is shown to coordinators only: with few auditors it
would let one auditor work out another's figure.

The counting (:func:`auditor_report`) is two queries whatever the number of audits and auditors,
cached (:mod:`edmonitor.core.figures`) until a rating, a consensus or an audit changes. The auditors
of a finalised audit no longer change (the plan is fixed once anyone has submitted).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import Decimal
from fractions import Fraction
from math import floor, isqrt
from typing import Any

from django.db.models import Count, F, FilteredRelation, Q
from django.db.models.functions import ExtractYear

from edmonitor.core import figures
from edmonitor.core.types import User
from edmonitor.instruments.audit import PERCENT_DECIMALS
from edmonitor.instruments.scoring import round_half_up
from edmonitor.organisations.permissions import is_coordinator

from .models import Auditor, Rating

# --- the rule ------------------------------------------------------------------------------------

#: Fewer pairs than this (two audits of five themes) say too little: no flag, and no place in the pool.
MIN_PAIRS = 10
#: A mean difference to the co-auditor of at least half a point, up or down, stands out.
BIAS_LIMIT = Fraction(1, 2)
#: Exact agreement with the consensus more than this many standard deviations below the pool's mean stands out.
SD_LIMIT = 2
#: The fewest auditors in the pool with whom the second part can flag anyone: one auditor below n − 1
#: equal others lies sqrt(n − 1) population standard deviations below the mean, the most possible, and
#: that exceeds SD_LIMIT only from n = SD_LIMIT² + 2 on (6 auditors).
SMALLEST_POOL = SD_LIMIT**2 + 2

BIAS_DECIMALS = 2

# --- the pure core: plain data, no database ------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """What is counted for one auditor, in one year or over all years."""

    audits: int = 0
    pairs: int = 0
    difference: int = 0  # the sum over the pairs of (own score − co-auditor's score)
    exact: int = 0  # pairs with the same score
    within_one: int = 0  # pairs at most one point apart
    consensus_pairs: int = 0  # pairs of a theme with a consensus
    consensus_exact: int = 0  # own score equal to the consensus
    consensus_within_one: int = 0  # own score at most one point from the consensus

    def __add__(self, other: Tally) -> Tally:
        return Tally(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})


def tally_pairs(own: int, other: int, consensus: int | None, times: int = 1) -> Tally:
    """The tally of ``times`` pairs with these scores (``consensus`` None: the theme has none)."""
    return Tally(
        pairs=times,
        difference=(own - other) * times,
        exact=times if own == other else 0,
        within_one=times if abs(own - other) <= 1 else 0,
        consensus_pairs=times if consensus is not None else 0,
        consensus_exact=times if consensus is not None and own == consensus else 0,
        consensus_within_one=times if consensus is not None and abs(own - consensus) <= 1 else 0,
    )


def _percent(part: int, whole: int) -> Decimal | None:
    return round_half_up(Fraction(100 * part, whole), PERCENT_DECIMALS) if whole else None


def signed_round(value: Fraction, decimals: int) -> Decimal:
    """Round half away from zero, so that +x and −x round to the same size (two auditors who only audit
    together have exactly opposite biases, and show them so)."""
    size = round_half_up(abs(value), decimals)
    return -size if value < 0 else size


@dataclass(frozen=True)
class Figures:
    """The figures of one tally, rounded for showing; None where there are no pairs."""

    audits: int
    pairs: int
    bias: Decimal | None
    exact: Decimal | None
    within_one: Decimal | None
    consensus_pairs: int
    consensus_exact: Decimal | None
    consensus_within_one: Decimal | None


def figures_of(tally: Tally) -> Figures:
    return Figures(
        audits=tally.audits,
        pairs=tally.pairs,
        bias=signed_round(Fraction(tally.difference, tally.pairs), BIAS_DECIMALS) if tally.pairs else None,
        exact=_percent(tally.exact, tally.pairs),
        within_one=_percent(tally.within_one, tally.pairs),
        consensus_pairs=tally.consensus_pairs,
        consensus_exact=_percent(tally.consensus_exact, tally.consensus_pairs),
        consensus_within_one=_percent(tally.consensus_within_one, tally.consensus_pairs),
    )


@dataclass(frozen=True)
class Pool:
    """The auditors with at least MIN_PAIRS pairs with a consensus: the mean and the spread of their
    shares of exact agreement with the consensus (each auditor counts once, whatever their number of pairs)."""

    auditors: int
    mean: Fraction | None  # None: nobody in the pool
    variance: Fraction | None  # population variance

    @property
    def mean_percent(self) -> Decimal | None:
        return round_half_up(100 * self.mean, PERCENT_DECIMALS) if self.mean is not None else None

    @property
    def sd_percent(self) -> Decimal | None:
        """The standard deviation in percentage points, for showing (the rule itself compares squares)."""
        if self.variance is None:
            return None
        # 100 · sqrt(variance) with one digit more than shown, truncated (an integer square root: exact),
        # then rounded half up on that digit: the same as rounding the exact value half up
        scale = 10 ** (PERCENT_DECIMALS + 1)
        truncated = isqrt(floor(self.variance * (100 * scale) ** 2))
        return Decimal((truncated + 5) // 10).scaleb(-PERCENT_DECIMALS)

    @property
    def can_flag(self) -> bool:
        """Whether the second part of the rule can flag anyone in a pool this size (SMALLEST_POOL)."""
        return self.auditors >= SMALLEST_POOL


def in_pool(tally: Tally) -> bool:
    return tally.consensus_pairs >= MIN_PAIRS


def pool_of(tallies: Iterable[Tally]) -> Pool:
    shares = [Fraction(t.consensus_exact, t.consensus_pairs) for t in tallies if in_pool(t)]
    if not shares:
        return Pool(auditors=0, mean=None, variance=None)
    mean = sum(shares, Fraction(0)) / len(shares)
    variance = sum(((s - mean) ** 2 for s in shares), Fraction(0)) / len(shares)
    return Pool(auditors=len(shares), mean=mean, variance=variance)


@dataclass(frozen=True)
class Flag:
    """Why an auditor stands out (both False: they do not)."""

    bias: bool  # |bias| >= BIAS_LIMIT
    consensus: bool  # exact agreement with the consensus more than SD_LIMIT standard deviations below the pool's mean
    enough_pairs: bool  # at least MIN_PAIRS pairs: without them neither part applies

    @property
    def stands_out(self) -> bool:
        return self.bias or self.consensus


def flag(tally: Tally, pool: Pool) -> Flag:
    """The rule (module docstring): over all of an auditor's finalised audits, against the pool of all auditors."""
    enough = tally.pairs >= MIN_PAIRS
    bias = enough and abs(Fraction(tally.difference, tally.pairs)) >= BIAS_LIMIT
    consensus = False
    if in_pool(tally) and pool.mean is not None and pool.variance is not None:
        gap = pool.mean - Fraction(tally.consensus_exact, tally.consensus_pairs)
        # gap > SD_LIMIT · sd, without a square root
        consensus = gap > 0 and gap * gap > SD_LIMIT**2 * pool.variance
    return Flag(bias=bias, consensus=consensus, enough_pairs=enough)


@dataclass(frozen=True)
class AuditorFigures:
    """One auditor's figures: per year (ascending) and over all years, and the flag over all years."""

    person: int  # the auditor's user pk
    years: list[tuple[int, Figures]]
    total: Figures
    flag: Flag


@dataclass(frozen=True)
class AuditorReport:
    auditors: dict[int, AuditorFigures]  # by user pk: everyone with a finalised audit
    pool: Pool

    @property
    def flagged(self) -> int:
        return sum(1 for a in self.auditors.values() if a.flag.stands_out)


def report_from(
    pairs: Iterable[tuple[int, int, int, int, int | None, int]], audits: Iterable[tuple[int, int, int]]
) -> AuditorReport:
    """The report from counted rows: ``pairs`` as (person, year, own score, co-auditor's score, consensus,
    times), ``audits`` as (person, year, number of finalised audits)."""
    by_year: dict[int, dict[int, Tally]] = defaultdict(lambda: defaultdict(Tally))
    for person, year, count in audits:
        by_year[person][year] += Tally(audits=count)
    for person, year, own, other, consensus, times in pairs:
        by_year[person][year] += tally_pairs(own, other, consensus, times)
    totals = {person: sum(years.values(), Tally()) for person, years in by_year.items()}
    pool = pool_of(totals.values())
    return AuditorReport(
        auditors={
            person: AuditorFigures(
                person=person,
                years=[(year, figures_of(t)) for year, t in sorted(years.items())],
                total=figures_of(totals[person]),
                flag=flag(totals[person], pool),
            )
            for person, years in by_year.items()
        },
        pool=pool,
    )


# --- from the database ---------------------------------------------------------------------------


def counted_pairs() -> list[tuple[int, int, int, int, int | None, int]]:
    """(person, year, own score, co-auditor's score, consensus, times) over every finalised audit.

    One query: the database pairs each rating with the other auditor's rating of the same audit and
    theme (one join of the audit's auditors and their ratings, the other being the one that is not this
    rating's auditor) and with the theme's consensus (a left join: a theme without a record still pairs),
    and counts: at most 125 rows per auditor and year, however many audits.
    """
    other = "auditor__audit__auditors__ratings__"
    rows: Iterable[Any] = (
        Rating.objects.filter(
            # the other auditor's rating: below or above this rating's auditor (one join: same filter call)
            Q(**{f"{other}auditor_id__lt": F("auditor_id")}) | Q(**{f"{other}auditor_id__gt": F("auditor_id")}),
            auditor__audit__finalised_at__isnull=False,
            score__isnull=False,
            **{f"{other}theme_id": F("theme_id"), f"{other}score__isnull": False},
        )
        .annotate(
            record=FilteredRelation(
                "auditor__audit__themes", condition=Q(auditor__audit__themes__theme_id=F("theme_id"))
            )
        )
        .values(
            person=F("auditor__user_id"),
            year=ExtractYear("auditor__audit__held_on"),
            own=F("score"),
            other=F(f"{other}score"),
            consensus=F("record__consensus"),
        )
        .annotate(times=Count("pk"))
        .order_by()
        .values_list("person", "year", "own", "other", "consensus", "times")
    )
    return list(rows)


def counted_audits() -> list[tuple[int, int, int]]:
    """(person, year, number of finalised audits) of every auditor: one query."""
    rows: Iterable[Any] = (
        Auditor.objects.filter(audit__finalised_at__isnull=False)
        .values(person=F("user_id"), year=ExtractYear("audit__held_on"))
        .annotate(audits=Count("pk"))  # an auditor holds one place per audit (auditor_once_per_audit)
        .order_by()
        .values_list("person", "year", "audits")
    )
    return list(rows)


def auditor_report() -> AuditorReport:
    """Every auditor's figures over every finalised audit, from the cache while no data changed.

    Always over all of them, whoever asks: the pool is every auditor, and what a person may see of
    the report is decided by the views with :func:`may_see_figures_of`.
    """
    return figures.cached("auditor-figures-1", (), lambda: report_from(counted_pairs(), counted_audits()))


# --- who sees whose figures ----------------------------------------------------------------------


def is_auditor(user: User) -> bool:
    """Whether the user holds an auditor's place in some audit (in any phase)."""
    return user.is_authenticated and Auditor.objects.filter(user_id=user.pk).exists()


def may_see_figures_of(viewer: User, person_pk: int) -> bool:
    """Coordinators see every auditor's figures; an auditor sees their own (and nobody else's)."""
    if is_coordinator(viewer):
        return True
    return viewer.is_authenticated and viewer.pk == person_pk and is_auditor(viewer)
