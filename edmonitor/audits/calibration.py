"""Calibration of MIE auditors (issue 20 part 5): reference cases, blind attempts, agreement and status.

Coordinators write reference cases: per theme of the MIE (004 §2.13) a description of what a
conversation showed, optionally a transcript, and the score experienced auditors agreed on with
their explanation. A case is a draft until it is published; a published case never changes
(every attempt was scored against it, so changing a reference score would silently change
people's calibration; a correction is a new case).

An auditor scores a published case blind: until they submit, no page, form or message shows
them a reference score or explanation. After submitting, their scores stand beside the
reference with the explanations, and they can no longer change. One attempt per person per
case: once the reference is known a second attempt would not be blind.

**Who may do what.** Calibration belongs to people, not to an organisation or an audit, so the
rules of :mod:`edmonitor.organisations.permissions` and :mod:`.permissions` do not cover it; the
two rules here are built on them and are used by every page and service of calibration:

- :func:`may_calibrate`: anyone who is or was an auditor of an MIE audit (an :class:`Auditor`
  row), and coordinators. Someone new becomes an auditor when an audit is planned with them; the
  plan warns that they are not calibrated yet, and they can then score a case before the
  conversation.
- :func:`may_manage_cases`: coordinators (:func:`is_coordinator`) write, publish and read the
  reference cases, and see everyone's calibration status. A coordinator who scores a case could
  have read its reference on the management pages: their calibration rests on trust.

**The status** (:func:`calibration_status`): calibrated when, on the last case the person
submitted, at least ``themes_within_one`` themes lie within one point of the reference, up to
and including the day ``valid_years`` years after submitting. Both numbers come from the setting
``EDMONITOR_CALIBRATION`` (:func:`calibration_rule`). The last case decides: a newer attempt
that falls short ends an older calibration. Cases of every MIE version count alike (the five
themes are the same in each). Planning an audit shows the status as a warning, never a block.

The comparison per theme uses :func:`edmonitor.instruments.audit.compare_theme` (the difference
of two scores) and the agreement over everyone's attempts :func:`~edmonitor.instruments.audit.agreement`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from edmonitor.core.concurrency import merge
from edmonitor.core.dates import long_date
from edmonitor.core.types import User, account, signed_in
from edmonitor.instruments.audit import Agreement, agreement_by_theme, compare_theme
from edmonitor.instruments.definition import AuditInstrument
from edmonitor.measurements.instruments import current_audit_version
from edmonitor.organisations.permissions import is_coordinator

from .models import (
    ATTEMPT_RATIONALE_MAX,
    CASE_DESCRIPTION_MAX,
    CASE_EXPLANATION_MAX,
    CASE_INTRODUCTION_MAX,
    CASE_TITLE_MAX,
    CASE_TRANSCRIPT_MAX,
    Auditor,
    CalibrationAttempt,
    CalibrationScore,
    ReferenceCase,
    ReferenceTheme,
)
from .services import FieldProblem

# --- who may do what ---------------------------------------------------------------------------


def may_calibrate(user: User) -> bool:
    """Whether the user may score reference cases: an auditor of any MIE audit (now or before), or a coordinator."""
    if not user.is_authenticated:
        return False
    return is_coordinator(user) or Auditor.objects.filter(user_id=user.pk).exists()


def may_manage_cases(user: User) -> bool:
    """Whether the user writes and publishes reference cases and sees everyone's status: coordinators."""
    return is_coordinator(user)


class CalibrationRefused(Exception):
    """The change is not allowed or not valid; ``messages`` says why, in the user's language."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = list(messages)


# --- the rule ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalibrationRule:
    """When an auditor counts as calibrated (the setting ``EDMONITOR_CALIBRATION``)."""

    themes_within_one: int  # at least this many themes of the last case within one point of the reference
    valid_years: int  # ... submitted at most this many years ago


def calibration_rule() -> CalibrationRule:
    """The rule from the settings; a missing or wrong value stops with an explanation (not a silent default)."""
    raw = getattr(settings, "EDMONITOR_CALIBRATION", None)
    keys = ("themes_within_one", "valid_years")
    if not isinstance(raw, Mapping) or set(raw) != set(keys):
        raise ImproperlyConfigured(f"EDMONITOR_CALIBRATION must be a dict with exactly the keys {', '.join(keys)}")
    for key in keys:
        value = raw[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ImproperlyConfigured(f"EDMONITOR_CALIBRATION[{key!r}] must be a whole number of at least 1")
    return CalibrationRule(themes_within_one=raw["themes_within_one"], valid_years=raw["valid_years"])


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` years later; 29 February becomes 28 February in a year without it."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


# --- comparing an attempt with the reference (plain data) --------------------------------------


@dataclass(frozen=True)
class ThemeResult:
    """One theme of an attempt beside the reference."""

    theme_id: str
    score: int | None
    reference: int | None
    difference: int | None  # absolute; None when either score is missing

    @property
    def exact(self) -> bool:
        return self.difference == 0

    @property
    def within_one(self) -> bool:
        return self.difference is not None and self.difference <= 1


@dataclass(frozen=True)
class AttemptResult:
    """An attempt's themes beside the reference, in the instrument's order."""

    themes: tuple[ThemeResult, ...]

    @property
    def within_one(self) -> int:
        return sum(t.within_one for t in self.themes)

    @property
    def exact(self) -> int:
        return sum(t.exact for t in self.themes)

    @property
    def count(self) -> int:
        return len(self.themes)


def compare_scores(
    theme_ids: Sequence[str],
    scores: Mapping[str, int | None],
    reference: Mapping[str, int | None],
    discuss_difference: int,
) -> AttemptResult:
    """Each theme's score beside its reference score, with their difference (``compare_theme``)."""
    themes = []
    for theme_id in theme_ids:
        score, ref = scores.get(theme_id), reference.get(theme_id)
        difference = None
        if score is not None and ref is not None:
            difference = compare_theme(score, ref, None, discuss_difference).difference
        themes.append(ThemeResult(theme_id=theme_id, score=score, reference=ref, difference=difference))
    return AttemptResult(themes=tuple(themes))


class StatusKind(StrEnum):
    CALIBRATED = "calibrated"
    NOT_MET = "not_met"  # the last case had too few themes within one point
    EXPIRED = "expired"  # the last case met the rule, but longer ago than the rule allows
    NONE = "none"  # no case submitted


@dataclass(frozen=True)
class LastAttempt:
    """What the status needs of a person's last submitted attempt."""

    case_title: str
    submitted_on: dt.date
    result: AttemptResult


@dataclass(frozen=True)
class CalibrationStatus:
    """A person's calibration on a given day, with what it rests on."""

    kind: StatusKind
    last: LastAttempt | None
    valid_until: dt.date | None  # the last day the last case counts (also when it fell short)
    rule: CalibrationRule

    @property
    def calibrated(self) -> bool:
        return self.kind == StatusKind.CALIBRATED

    def text(self) -> str:
        """The status in one phrase, as the planning form and the lists show it."""
        if self.kind == StatusKind.CALIBRATED:
            return _("calibrated until %(date)s") % {"date": long_date(self.valid_until)}
        if self.last is None:
            return _("not calibrated (no reference case scored yet)")
        if self.kind == StatusKind.EXPIRED:
            return _("not calibrated (was valid until %(until)s; last case: “%(case)s”, submitted on %(date)s)") % {
                "until": long_date(self.valid_until),
                "case": self.last.case_title,
                "date": long_date(self.last.submitted_on),
            }
        return _("not calibrated (last case: “%(case)s”, submitted on %(date)s)") % {
            "case": self.last.case_title,
            "date": long_date(self.last.submitted_on),
        }


def status_from(last: LastAttempt | None, today: dt.date, rule: CalibrationRule) -> CalibrationStatus:
    """The status on ``today`` given the person's last submitted attempt (the rule in the module's docstring)."""
    if last is None:
        return CalibrationStatus(kind=StatusKind.NONE, last=None, valid_until=None, rule=rule)
    valid_until = add_years(last.submitted_on, rule.valid_years)
    if last.result.within_one < rule.themes_within_one:
        kind = StatusKind.NOT_MET
    elif today > valid_until:
        kind = StatusKind.EXPIRED
    else:
        kind = StatusKind.CALIBRATED
    return CalibrationStatus(kind=kind, last=last, valid_until=valid_until, rule=rule)


# --- reading -----------------------------------------------------------------------------------

CASE_FIELDS = ("description", "transcript", "reference_score", "explanation")
CASE_LIMITS = {
    "title": CASE_TITLE_MAX,
    "introduction": CASE_INTRODUCTION_MAX,
    "description": CASE_DESCRIPTION_MAX,
    "transcript": CASE_TRANSCRIPT_MAX,
    "explanation": CASE_EXPLANATION_MAX,
    "rationale": ATTEMPT_RATIONALE_MAX,
}
ATTEMPT_FIELDS = ("score", "rationale")


def blank_case_values(instrument: AuditInstrument) -> dict[str, Any]:
    """The values of a new, empty case (what the form for a new case starts from)."""
    values: dict[str, Any] = {"title": "", "introduction": ""}
    for theme_id in instrument.theme_ids:
        values |= {f"description:{theme_id}": "", f"transcript:{theme_id}": ""}
        values |= {f"reference_score:{theme_id}": None, f"explanation:{theme_id}": ""}
    return values


def case_values(case: ReferenceCase) -> dict[str, Any]:
    """Everything a coordinator edits of a case, by service key (``reference_score:2``)."""
    values = blank_case_values(case.instrument)
    values |= {"title": case.title, "introduction": case.introduction}
    for theme in case.themes.all():
        for attr in CASE_FIELDS:
            values[f"{attr}:{theme.theme_id}"] = getattr(theme, attr)
    return values


def attempt_values(attempt: CalibrationAttempt | None, instrument: AuditInstrument) -> dict[str, Any]:
    """An attempt's scores and rationales by service key (``score:2``); blank before the first save."""
    values: dict[str, Any] = {}
    for theme_id in instrument.theme_ids:
        values |= {f"score:{theme_id}": None, f"rationale:{theme_id}": ""}
    if attempt is not None:
        for row in attempt.scores.all():
            values[f"score:{row.theme_id}"] = row.score
            values[f"rationale:{row.theme_id}"] = row.rationale
    return values


def attempt_result(attempt: CalibrationAttempt) -> AttemptResult:
    """The attempt beside its case's reference (for a submitted attempt; reads prefetched rows where present)."""
    case = attempt.case
    instrument = case.instrument
    return compare_scores(
        instrument.theme_ids,
        {row.theme_id: row.score for row in attempt.scores.all()},
        {theme.theme_id: theme.reference_score for theme in case.themes.all()},
        instrument.discuss_difference,
    )


def _last_attempts(user_ids: Iterable[int]) -> dict[int, CalibrationAttempt]:
    """Each person's last submitted attempt with its scores and case (three queries, however many people)."""
    latest = (
        CalibrationAttempt.objects.submitted()
        .filter(user_id=OuterRef("user_id"))
        .order_by("-submitted_at", "-pk")
        .values("pk")[:1]
    )
    attempts = (
        CalibrationAttempt.objects.submitted()
        .filter(user_id__in=list(user_ids), pk=Subquery(latest))
        .select_related("case__instrument_version")
        .prefetch_related("scores", "case__themes")
    )
    return {attempt.user_id: attempt for attempt in attempts}


def calibration_statuses(user_ids: Iterable[int], today: dt.date) -> dict[int, CalibrationStatus]:
    """The status on ``today`` of each person (by user id); one set of queries for all of them."""
    ids = list(dict.fromkeys(user_ids))
    rule = calibration_rule()
    last = _last_attempts(ids)
    statuses = {}
    for user_id in ids:
        attempt = last.get(user_id)
        summary = None
        if attempt is not None:
            assert attempt.submitted_at is not None  # submitted() only
            summary = LastAttempt(
                case_title=attempt.case.title,
                submitted_on=timezone.localdate(attempt.submitted_at),
                result=attempt_result(attempt),
            )
        statuses[user_id] = status_from(summary, today, rule)
    return statuses


def calibration_status(user: User, today: dt.date) -> CalibrationStatus:
    """The user's calibration status on ``today``."""
    if not user.is_authenticated:
        return status_from(None, today, calibration_rule())
    return calibration_statuses([user.pk], today)[user.pk]


def statuses_by_username(usernames: Iterable[str], today: dt.date) -> dict[str, CalibrationStatus]:
    """:func:`calibration_statuses` for people named by user name (the planning form's people)."""
    ids = dict(get_user_model().objects.filter(username__in=list(usernames)).values_list("pk", "username"))
    return {ids[pk]: status for pk, status in calibration_statuses(ids, today).items()}


def case_agreement(case: ReferenceCase) -> dict[str, Agreement]:
    """Per theme, how everyone's submitted scores agree with the reference (pairs of score and reference).

    Only the counts and the percentages of exact and within-one agreement mean something
    here: the reference is one fixed score per theme, so chance-corrected figures do not apply.
    """
    reference = {t.theme_id: t.reference_score for t in case.themes.all()}
    rows = CalibrationScore.objects.filter(
        attempt__case=case, attempt__submitted_at__isnull=False, score__isnull=False
    ).values_list("theme_id", "score")
    pairs: list[tuple[str, int, int]] = []
    for theme_id, score in rows:
        ref = reference.get(theme_id)
        if score is not None and ref is not None:
            pairs.append((theme_id, score, ref))
    instrument = case.instrument
    order = {theme_id: index for index, theme_id in enumerate(instrument.theme_ids)}
    pairs.sort(key=lambda row: order.get(row[0], len(order)))  # the themes in the instrument's order
    return agreement_by_theme(pairs, instrument.scale_min, instrument.scale_max)


# --- checking ----------------------------------------------------------------------------------


def _theme_title(instrument: AuditInstrument, theme_id: str) -> str:
    return instrument.theme(theme_id).title.get(get_language())


def _label(instrument: AuditInstrument, key: str) -> str:
    names = {
        "title": _("title"),
        "introduction": _("introduction"),
        "description": _("what the conversation showed"),
        "transcript": _("transcript"),
        "reference_score": _("reference score"),
        "explanation": _("explanation of the reference score"),
        "score": _("score"),
        "rationale": _("rationale"),
    }
    attr, _sep, theme_id = key.partition(":")
    name = names.get(attr, attr)
    if not theme_id:
        return name
    return _("Theme %(number)s (%(title)s): %(field)s") % {
        "number": theme_id,
        "title": _theme_title(instrument, theme_id),
        "field": name,
    }


def _clean(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v.strip().replace("\r\n", "\n") if isinstance(v, str) else v for k, v in values.items()}


def _check(instrument: AuditInstrument, values: Mapping[str, Any], problems: list[str]) -> None:
    """Scores on the scale and texts within their bounds (what the forms check too, for every other caller)."""
    for key, value in values.items():
        attr = key.partition(":")[0]
        if attr in ("score", "reference_score") and value is not None:
            if (
                isinstance(value, bool)
                or not isinstance(value, int)
                or not instrument.scale_min <= value <= instrument.scale_max
            ):
                message = _("%(field)s: %(value)s is not a score from %(min)s to %(max)s.") % {
                    "field": _label(instrument, key),
                    "value": value,
                    "min": instrument.scale_min,
                    "max": instrument.scale_max,
                }
                problems.append(FieldProblem(message, key))
        elif attr in CASE_LIMITS:
            if not isinstance(value, str):
                problems.append(FieldProblem(_("%(field)s must be text.") % {"field": _label(instrument, key)}, key))
            elif len(value) > CASE_LIMITS[attr]:
                message = _("%(field)s: at most %(max)s characters (it has %(length)s).") % {
                    "field": _label(instrument, key),
                    "max": CASE_LIMITS[attr],
                    "length": len(value),
                }
                problems.append(FieldProblem(message, key))


def _known(values: Mapping[str, Any], allowed: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise CalibrationRefused([_("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)}])
    return dict(values)


def _refuse_unless_manager(user: User | None) -> None:
    if user is None or not may_manage_cases(user):
        raise CalibrationRefused([_("Only coordinators write and publish reference cases.")])


# --- reference cases ---------------------------------------------------------------------------


def _write_case(case: ReferenceCase, changes: Mapping[str, Any]) -> None:
    case_fields = [f for f in ("title", "introduction") if f in changes]
    for field in case_fields:
        setattr(case, field, changes[field])
    if case_fields:
        case.save(update_fields=case_fields)
    themes = {t.theme_id: t for t in case.themes.all()}  # made with the case, one per theme
    touched: dict[str, list[str]] = {}
    for key, value in changes.items():
        attr, _sep, theme_id = key.partition(":")
        if theme_id:
            setattr(themes[theme_id], attr, value)
            touched.setdefault(theme_id, []).append(attr)
    for theme_id, attrs in touched.items():
        themes[theme_id].save(update_fields=attrs)


@transaction.atomic
def create_case(*, values: Mapping[str, Any], user: User | None) -> ReferenceCase:
    """A new draft case for the newest MIE version (``values`` by service key, see :func:`case_values`)."""
    _refuse_unless_manager(user)
    version = current_audit_version()
    instrument = version.audit_instrument
    blank = blank_case_values(instrument)
    values = _clean(_known(values, blank))
    problems: list[str] = []
    if not values.get("title"):
        problems.append(FieldProblem(_("Give the case a title."), "title"))
    _check(instrument, values, problems)
    if problems:
        raise CalibrationRefused(problems)
    case = ReferenceCase.objects.create(
        title=values["title"],
        introduction=values.get("introduction", ""),
        instrument_version=version,
        created_by=account(user),
    )
    ReferenceTheme.objects.bulk_create(
        ReferenceTheme(case=case, theme_id=t, **{a: values.get(f"{a}:{t}", blank[f"{a}:{t}"]) for a in CASE_FIELDS})
        for t in instrument.theme_ids
    )
    return case


def _locked_case(case: ReferenceCase) -> ReferenceCase:
    return (
        ReferenceCase.objects.select_for_update(of=("self",))
        .select_related("instrument_version")
        .prefetch_related("themes")
        .get(pk=case.pk)
    )


def _refuse_if_published(case: ReferenceCase) -> None:
    if case.is_published:
        raise CalibrationRefused(
            [
                _(
                    "This case has been published and can no longer change: auditors may have scored it as it is. "
                    "Write a new case instead."
                )
            ]
        )


@transaction.atomic
def update_case(
    case: ReferenceCase, *, values: Mapping[str, Any], original: Mapping[str, str], user: User | None
) -> ReferenceCase:
    """Change a draft case; ``original`` holds the fingerprints of what the form showed (core.concurrency)."""
    _refuse_unless_manager(user)
    case = _locked_case(case)
    _refuse_if_published(case)
    current = case_values(case)
    values = _clean(_known(values, current))
    problems: list[str] = []
    if "title" in values and not values["title"]:
        problems.append(FieldProblem(_("Give the case a title."), "title"))
    _check(case.instrument, values, problems)
    if problems:
        raise CalibrationRefused(problems)
    _write_case(case, merge(original, current, values))
    return case


def publish_problems(case: ReferenceCase) -> list[str]:
    """What the case still lacks before it can be published (empty when complete)."""
    instrument = case.instrument
    stored = case_values(case)
    problems: list[str] = []
    for theme_id in instrument.theme_ids:
        for attr in ("description", "reference_score", "explanation"):
            key = f"{attr}:{theme_id}"
            if stored[key] in (None, ""):
                problems.append(FieldProblem(_("%(field)s is missing.") % {"field": _label(instrument, key)}, key))
    return problems


@transaction.atomic
def publish_case(case: ReferenceCase, *, user: User | None) -> ReferenceCase:
    """Publish a complete draft: auditors may score it from now on, and it no longer changes."""
    _refuse_unless_manager(user)
    case = _locked_case(case)
    _refuse_if_published(case)
    problems = publish_problems(case)
    if problems:
        raise CalibrationRefused(problems)
    case.published_at = timezone.now()
    case.published_by = account(user)
    case.save(update_fields=["published_at", "published_by"])
    return case


# --- attempts ----------------------------------------------------------------------------------


def _refuse_unless_calibrating(case: ReferenceCase, user: User | None) -> None:
    if user is None or not may_calibrate(user):
        raise CalibrationRefused([_("Only auditors and coordinators score reference cases.")])
    if not case.is_published:
        raise CalibrationRefused([_("This case has not been published yet.")])


@transaction.atomic
def start_attempt(case: ReferenceCase, *, user: User | None) -> CalibrationAttempt:
    """The user's attempt at a published case, made on first use (there is one per person per case)."""
    _refuse_unless_calibrating(case, user)
    attempt, _created = CalibrationAttempt.objects.get_or_create(case=case, user=signed_in(user))
    return attempt


def _locked_attempt(attempt: CalibrationAttempt) -> CalibrationAttempt:
    return (
        CalibrationAttempt.objects.select_for_update(of=("self",))
        .select_related("case__instrument_version")
        .prefetch_related("scores", "case__themes")
        .get(pk=attempt.pk)
    )


def _refuse_if_submitted(attempt: CalibrationAttempt) -> None:
    if attempt.submitted_at is not None:
        raise CalibrationRefused(
            [_("You have already submitted your scores for this case; they can no longer change.")]
        )


@transaction.atomic
def save_attempt(
    case: ReferenceCase, *, values: Mapping[str, Any], original: Mapping[str, str], user: User | None
) -> CalibrationAttempt | None:
    """Save the user's draft scores and rationales for a case; the first save that holds something starts
    the attempt (None: nothing was typed, so there is no attempt yet)."""
    _refuse_unless_calibrating(case, user)
    instrument = case.instrument
    attempt = attempt_of(case, signed_in(user))
    if attempt is None:
        blank = attempt_values(None, instrument)
        _validate_attempt(instrument, _clean(_known(values, blank)))
        if not merge(original, blank, _clean(values)):
            return None
        attempt = start_attempt(case, user=user)
    attempt = _locked_attempt(attempt)
    _refuse_if_submitted(attempt)
    current = attempt_values(attempt, instrument)
    values = _validate_attempt(instrument, _clean(_known(values, current)))
    changes = merge(original, current, values)
    rows = {row.theme_id: row for row in attempt.scores.all()}
    touched: dict[str, list[str]] = {}
    for key, value in changes.items():
        attr, _sep, theme_id = key.partition(":")
        row = rows.get(theme_id) or rows.setdefault(theme_id, CalibrationScore(attempt=attempt, theme_id=theme_id))
        setattr(row, attr, value)
        touched.setdefault(theme_id, []).append(attr)
    for theme_id, attrs in touched.items():
        row = rows[theme_id]
        row.save(update_fields=attrs if row.pk else None)
    return attempt


def _validate_attempt(instrument: AuditInstrument, values: dict[str, Any]) -> dict[str, Any]:
    problems: list[str] = []
    _check(instrument, values, problems)
    if problems:
        raise CalibrationRefused(problems)
    return values


def attempt_of(case: ReferenceCase, user: User) -> CalibrationAttempt | None:
    """The user's attempt at this case, with its scores, or None."""
    if not user.is_authenticated:
        return None
    return CalibrationAttempt.objects.prefetch_related("scores").filter(case=case, user_id=user.pk).first()


def submit_problems(attempt: CalibrationAttempt | None, instrument: AuditInstrument) -> list[str]:
    """What the stored draft (None: not started) still lacks before it can be submitted (empty when complete)."""
    stored = attempt_values(attempt, instrument)
    problems: list[str] = []
    for theme_id in instrument.theme_ids:
        key = f"score:{theme_id}"
        if stored[key] is None:
            message = _("%(field)s: give a score before you submit.") % {"field": _label(instrument, key)}
            problems.append(FieldProblem(message, key))
        key = f"rationale:{theme_id}"
        if not stored[key].strip():
            message = _("%(field)s: write a short rationale before you submit.") % {"field": _label(instrument, key)}
            problems.append(FieldProblem(message, key))
    return problems


@transaction.atomic
def submit_attempt(attempt: CalibrationAttempt, *, user: User | None) -> CalibrationAttempt:
    """Make the user's own complete draft final: from now on it is compared with the reference and never changes."""
    attempt = _locked_attempt(attempt)
    if user is None or attempt.user_id != user.pk:
        raise CalibrationRefused([_("Only the person who scored a case submits their scores.")])
    _refuse_unless_calibrating(attempt.case, user)
    _refuse_if_submitted(attempt)
    problems = submit_problems(attempt, attempt.case.instrument)
    if problems:
        raise CalibrationRefused(problems)
    attempt.submitted_at = timezone.now()
    attempt.save(update_fields=["submitted_at"])
    return attempt


def needed_text(rule: CalibrationRule, themes: int) -> str:
    """The rule in words, for the pages that explain it."""
    return ngettext(
        "You are calibrated when at least %(needed)s of the %(themes)s themes of your last case lie within one "
        "point of the reference score. That counts for %(years)s year after you submit.",
        "You are calibrated when at least %(needed)s of the %(themes)s themes of your last case lie within one "
        "point of the reference score. That counts for %(years)s years after you submit.",
        rule.valid_years,
    ) % {"needed": rule.themes_within_one, "themes": themes, "years": rule.valid_years}
