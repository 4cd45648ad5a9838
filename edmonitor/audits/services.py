"""Every change to an audit goes through one function here; views, commands and tests use them.

Each function checks the audit's phase rules, validates everything before writing
anything (a refusal raises :class:`AuditRefused` and changes nothing), locks the
audit row so two saves of the same audit are serialised, and merges the user's
edits with :mod:`.concurrency` so nobody silently overwrites someone else.
Every write records its author (and, for amendments, the reason) in the history
that forms the audit trail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from edmonitor.core.concurrency import fingerprint, merge
from edmonitor.core.types import User, account, signed_in
from edmonitor.instruments.audit import consensus_outside
from edmonitor.instruments.definition import AuditInstrument
from edmonitor.measurements.instruments import current_audit_version
from edmonitor.organisations.models import Facility, Organisation

from . import signals
from .models import Amendment, Audit, Auditor, Position, Rating, Recommendation, ThemeRecord


class FieldProblem(str):
    """A refusal message that belongs to one field (a service key such as ``score:2``), so forms can show it there."""

    key: str | None

    def __new__(cls, message: str, key: str | None = None) -> FieldProblem:
        problem = super().__new__(cls, message)
        problem.key = key
        return problem


class AuditRefused(Exception):
    """The change is not allowed or not valid; ``messages`` says why, in the user's language."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = list(messages)


# --- field labels (conflict messages, amendments, the audit trail) -----------------


def field_label(instrument: AuditInstrument, key: str, name: str | None = None) -> str:
    """A readable name for a form key such as ``consensus:2`` or ``strengths``."""
    names = {
        "notes": _("shared notes"),
        "explanation": _("explanation"),
        "consensus": _("consensus score"),
        "consensus_reason": _("reason for the consensus"),
        "score": _("score"),
        "rationale": _("rationale"),
        "strengths": _("conclusion: what goes well"),
        "improvements": _("conclusion: what can improve"),
        "recommendations": _("recommendations"),
        "held_on": _("date of the conversation"),
        "facility": _("facility"),
        "participants": _("project team participants"),
        "auditors": _("auditors"),
    }
    attr, _sep, theme_id = key.partition(":")
    name = name or str(names.get(attr, attr))
    if theme_id:
        try:
            title = instrument.theme(theme_id).title.get(get_language())
        except KeyError:
            title = theme_id
        return _("Theme %(number)s (%(title)s): %(field)s") % {"number": theme_id, "title": title, "field": name}
    return name


# --- reading current values --------------------------------------------------------

THEME_NOTE_FIELDS = ("notes", "explanation")
# The explanation per theme is written on the notes page and, once both auditors have
# submitted, also on the consensus page beside the scores it explains.
CONSENSUS_FIELDS = ("consensus", "consensus_reason", "explanation")
RATING_FIELDS = ("score", "rationale")


def _theme_slots(audit: Audit, attrs: Sequence[str]) -> dict[str, tuple[models.Model, str]]:
    return {f"{attr}:{t.theme_id}": (t, attr) for t in audit.themes.all() for attr in attrs}


def _rating_slots(auditor: Auditor) -> dict[str, tuple[models.Model, str]]:
    ratings = {r.theme_id: r for r in auditor.ratings.all()}
    slots: dict[str, tuple[models.Model, str]] = {}
    for theme_id in auditor.audit.instrument.theme_ids:
        rating = ratings.get(theme_id) or Rating(auditor=auditor, theme_id=theme_id)
        for attr in RATING_FIELDS:
            slots[f"{attr}:{theme_id}"] = (rating, attr)
    return slots


def _values(slots: Mapping[str, tuple[models.Model, str]]) -> dict[str, Any]:
    return {key: getattr(obj, attr) for key, (obj, attr) in slots.items()}


def note_values(audit: Audit) -> dict[str, Any]:
    return _values(_theme_slots(audit, THEME_NOTE_FIELDS))


def consensus_values(audit: Audit) -> dict[str, Any]:
    return _values(_theme_slots(audit, CONSENSUS_FIELDS))


def rating_values(auditor: Auditor) -> dict[str, Any]:
    return _values(_rating_slots(auditor))


def report_values(audit: Audit) -> dict[str, Any]:
    return {
        "strengths": audit.strengths,
        "improvements": audit.improvements,
        "recommendations": [[r.theme_id, r.text] for r in audit.recommendations.all()],
    }


def amendable_values(audit: Audit) -> dict[str, Any]:
    return {
        **_values(_theme_slots(audit, ("consensus", "consensus_reason", "explanation"))),
        **report_values(audit),
    }


def plan_values(audit: Audit) -> dict[str, Any]:
    return {
        "held_on": audit.held_on.isoformat(),
        "facility": audit.facility_id,
        "participants": audit.participants,
        "auditors": [[a.user_id, a.position] for a in audit.auditors.all()],
    }


def as_shown(values: Mapping[str, Any]) -> dict[str, str]:
    """The 'original' fingerprints for callers that edit exactly these stored values (commands, imports)."""
    return {key: fingerprint(value) for key, value in values.items()}


# --- writing -----------------------------------------------------------------------


def _locked(audit: Audit) -> Audit:
    """Re-read the audit under a row lock, with everything the services need."""
    return (
        Audit.objects.select_for_update(of=("self",))
        .select_related("instrument_version", "organisation", "facility")
        .prefetch_related("auditors__user", "auditors__ratings", "themes", "recommendations")
        .get(pk=audit.pk)
    )


def _write(
    slots: Mapping[str, tuple[models.Model, str]], changes: Mapping[str, Any], user: User | None, reason: str = ""
) -> None:
    touched: dict[int, tuple[models.Model, list[str]]] = {}
    for key, value in changes.items():
        obj, attr = slots[key]
        setattr(obj, attr, value)
        touched.setdefault(id(obj), (obj, []))[1].append(attr)
    for obj, attrs in touched.values():
        obj._history_user = user  # type: ignore[attr-defined]
        if reason:
            obj._change_reason = reason  # type: ignore[attr-defined]
        obj.save(update_fields=attrs if obj.pk else None)


def _write_recommendations(audit: Audit, wanted: list[list[str]], user: User | None, reason: str = "") -> None:
    existing = list(audit.recommendations.all())
    for index, (theme_id, text) in enumerate(wanted):
        rec = existing[index] if index < len(existing) else Recommendation(audit=audit)
        if rec.pk and rec.theme_id == theme_id and rec.text == text and rec.order == index:
            continue
        rec.theme_id, rec.text, rec.order = theme_id, text, index
        rec._history_user = user  # type: ignore[attr-defined]
        if reason:
            rec._change_reason = reason  # type: ignore[attr-defined]
        rec.save()
    for rec in existing[len(wanted) :]:
        rec._history_user = user  # type: ignore[attr-defined]
        if reason:
            rec._change_reason = reason  # type: ignore[attr-defined]
        rec.delete()


def _clean_text(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v.strip().replace("\r\n", "\n") if isinstance(v, str) else v for k, v in values.items()}


def _check_scale(instrument: AuditInstrument, value: Any, key: str, problems: list[str]) -> None:
    if value is None:
        return
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not instrument.scale_min <= value <= instrument.scale_max
    ):
        label = field_label(instrument, key)
        problems.append(
            FieldProblem(
                _("%(field)s: %(value)s is not a score from %(min)s to %(max)s.")
                % {"field": label, "value": value, "min": instrument.scale_min, "max": instrument.scale_max},
                key,
            )
        )


def _refuse_if_finalised(audit: Audit) -> None:
    if audit.is_finalised:
        raise AuditRefused([_("This audit has been finalised. A correction must be made as an amendment.")])


def _validate_auditors(organisation: Organisation, auditors: Sequence[tuple[Any, str]]) -> list[str]:
    problems = []
    if len(auditors) != 2:
        problems.append(_("An audit has exactly two auditors."))
    elif auditors[0][0].pk == auditors[1][0].pk:
        problems.append(_("The two auditors must be two different people."))
    for user, position in auditors:
        if position not in Position.values:
            problems.append(_("Choose whether each auditor is internal or external."))
        if not user.is_active:
            problems.append(_("The account of %(name)s is not active.") % {"name": user.get_username()})
    return problems


@transaction.atomic
def plan_audit(
    *,
    organisation: Organisation,
    held_on: dt.date,
    auditors: Sequence[tuple[Any, str]],
    facility: Facility | None = None,
    participants: str = "",
    user: User | None = None,
) -> Audit:
    """Plan a new audit with the newest MIE version and its two auditors."""
    problems = _validate_auditors(organisation, auditors)
    if facility is not None and facility.organisation_id != organisation.pk:
        problems.append(_("The facility does not belong to this organisation."))
    if problems:
        raise AuditRefused(problems)
    version = current_audit_version()
    audit = Audit(
        organisation=organisation,
        facility=facility,
        instrument_version=version,
        held_on=held_on,
        participants=participants.strip(),
        created_by=account(user),
    )
    audit._history_user = user  # type: ignore[attr-defined]
    audit.save()
    for order, (auditor_user, position) in enumerate(auditors, start=1):
        auditor = Auditor(audit=audit, user=auditor_user, position=position, order=order)
        auditor._history_user = user  # type: ignore[attr-defined]
        auditor.save()
    for theme_id in version.audit_instrument.theme_ids:
        record = ThemeRecord(audit=audit, theme_id=theme_id)
        record._history_user = user  # type: ignore[attr-defined]
        record.save()
    return audit


@transaction.atomic
def update_plan(
    audit: Audit,
    *,
    held_on: dt.date,
    facility: Facility | None,
    participants: str,
    auditors: Sequence[tuple[Any, str]],
    original: Mapping[str, str],
    user: User | None,
    reason: str = "",
) -> Audit:
    """Change the plan until an auditor has submitted; ``reason`` is required to replace an auditor with drafts."""
    audit = _locked(audit)
    _refuse_if_finalised(audit)
    if audit.anyone_submitted:
        raise AuditRefused([_("The plan can no longer change: an auditor has already submitted scores.")])
    problems = _validate_auditors(audit.organisation, auditors)
    if facility is not None and facility.organisation_id != audit.organisation_id:
        problems.append(_("The facility does not belong to this organisation."))
    if problems:
        raise AuditRefused(problems)
    submitted = {
        "held_on": held_on.isoformat(),
        "facility": facility.pk if facility else None,
        "participants": participants.strip(),
        "auditors": [[u.pk, position] for u, position in auditors],
    }
    changes = merge(original, plan_values(audit), submitted)
    if not changes:
        return audit
    if "auditors" in changes:
        _replace_auditors(audit, auditors, user=user, reason=reason.strip())
    audit.held_on, audit.facility, audit.participants = held_on, facility, str(submitted["participants"])
    audit._history_user = user  # type: ignore[attr-defined]
    audit.save(update_fields=["held_on", "facility", "participants"])
    return audit


def place_problems(audit: Audit, *, place: int, user: Any | None = None, reason: str = "") -> list[str]:
    """Why ``user`` (or someone new, when None) cannot take the auditor ``place`` (1 or 2) now; empty if they can.

    The invitation of an external auditor asks this when it is made and again when it is
    accepted; :func:`give_place` refuses with the same list.
    """
    problems: list[str] = []
    if audit.is_finalised:
        problems.append(_("This audit has been finalised. A correction must be made as an amendment."))
    elif audit.anyone_submitted:
        problems.append(_("The plan can no longer change: an auditor has already submitted scores."))
    if place not in (1, 2):
        problems.append(_("An audit has exactly two auditors."))
        return problems
    auditors = {a.order: a for a in audit.auditors.all()}
    other = auditors.get(3 - place)
    if user is not None and other is not None and other.user_id == user.pk:
        problems.append(_("The two auditors must be two different people."))
    holder = auditors.get(place)
    if holder is not None and has_drafts(holder) and not reason.strip() and (user is None or holder.user_id != user.pk):
        problems.append(
            FieldProblem(
                _(
                    "%(name)s has already saved scores or a rationale. Write why %(name)s is replaced: "
                    "the audit trail keeps that reason."
                )
                % {"name": holder.user.get_full_name() or holder.user.get_username()},
                "reason",
            )
        )
    return problems


@transaction.atomic
def give_place(audit: Audit, *, place: int, user: Any, position: str, by: User | None, reason: str = "") -> Audit:
    """Make ``user`` the audit's auditor at ``place`` (1 or 2), replacing whoever held it (an accepted invitation)."""
    audit = _locked(audit)
    problems = place_problems(audit, place=place, user=user, reason=reason)
    if problems:
        raise AuditRefused(problems)
    wanted = [(a.user, a.position) for a in audit.auditors.all()]
    wanted[place - 1] = (user, position)
    problems = _validate_auditors(audit.organisation, wanted)
    if problems:
        raise AuditRefused(problems)
    _replace_auditors(audit, wanted, user=by, reason=reason.strip())
    return audit


def has_drafts(auditor: Auditor) -> bool:
    """True when this auditor has saved any score or rationale of their own."""
    return any(r.score is not None or r.rationale for r in auditor.ratings.all())


def _replace_auditors(audit: Audit, wanted: Sequence[tuple[Any, str]], *, user: User | None, reason: str) -> None:
    """Give the audit the wanted auditors, in order.

    An auditor row belongs to one person for its whole life, so every rating (and its
    history) stays attributed to the person who wrote it. Someone who stays an auditor
    keeps their row and drafts, whatever their place; someone who is replaced loses the
    row: their drafts are removed from the audit but stay in the history as research
    data, never shown to the person who takes over. Replacing someone who has saved
    anything needs a reason, which the trail shows.
    """
    current = {a.user_id: a for a in audit.auditors.all()}
    wanted_ids = {u.pk for u, _position in wanted}
    leaving = [a for user_id, a in current.items() if user_id not in wanted_ids]
    with_drafts = [a for a in leaving if has_drafts(a)]
    if with_drafts and not reason:
        raise AuditRefused(
            [
                FieldProblem(
                    _(
                        "%(name)s has already saved scores or a rationale. Write why %(name)s is replaced: "
                        "the audit trail keeps that reason."
                    )
                    % {"name": a.user.get_full_name() or a.user.get_username()},
                    "reason",
                )
                for a in with_drafts
            ]
        )
    for leaver in leaving:
        for rating in leaver.ratings.all():
            rating._history_user = user  # type: ignore[attr-defined]
            rating._change_reason = reason  # type: ignore[attr-defined]
            rating.delete()
        leaver._history_user = user  # type: ignore[attr-defined]
        leaver._change_reason = reason  # type: ignore[attr-defined]
        leaver.delete()
    # Free the places first (no history: only the final place is a change worth recording),
    # so that swapping the two auditors cannot collide with the one-place-per-auditor rule.
    staying = [current[u.pk] for u, _position in wanted if u.pk in current]
    Auditor.objects.filter(pk__in=[a.pk for a in staying]).update(order=models.F("order") + 10)
    for order, (new_user, position) in enumerate(wanted, start=1):
        auditor = current.get(new_user.pk) or Auditor(audit=audit, user=new_user)
        auditor.order, auditor.position = order, position
        auditor._history_user = user  # type: ignore[attr-defined]
        auditor.save()
    # The prefetched auditors are stale now.
    audit._prefetched_objects_cache.pop("auditors", None)  # type: ignore[attr-defined]


@transaction.atomic
def save_notes(audit: Audit, *, values: Mapping[str, str], original: Mapping[str, str], user: User | None) -> None:
    """Shared notes and the explanation per theme; either auditor, until finalised."""
    audit = _locked(audit)
    _refuse_if_finalised(audit)
    slots = _theme_slots(audit, THEME_NOTE_FIELDS)
    values = _clean_text(values)
    changes = merge(original, _values(slots), {k: values[k] for k in slots if k in values})
    _write(slots, changes, user)
    if changes:
        _withdraw_confirmations(audit, user)


@transaction.atomic
def save_ratings(
    audit: Audit,
    auditor: Auditor,
    *,
    values: Mapping[str, Any],
    original: Mapping[str, str],
    submit: bool,
    user: User | None,
) -> None:
    """One auditor's own scores and rationales; ``submit`` makes them final and blind no more once both did."""
    audit = _locked(audit)
    _refuse_if_finalised(audit)
    auditor = next(a for a in audit.auditors.all() if a.pk == auditor.pk)
    if auditor.submitted_at:
        raise AuditRefused([_("You have already submitted your scores; they can no longer change.")])
    instrument = audit.instrument
    values = _clean_text(values)
    problems: list[str] = []
    for theme_id in instrument.theme_ids:
        score = values.get(f"score:{theme_id}")
        _check_scale(instrument, score, f"score:{theme_id}", problems)
        if submit and score is None:
            key = f"score:{theme_id}"
            message = _("%(field)s: give a score before you submit.") % {"field": field_label(instrument, key)}
            problems.append(FieldProblem(message, key))
        if submit and not values.get(f"rationale:{theme_id}"):
            key = f"rationale:{theme_id}"
            message = _("%(field)s: write a short rationale before you submit.") % {
                "field": field_label(instrument, key)
            }
            problems.append(FieldProblem(message, key))
    if problems:
        raise AuditRefused(problems)
    slots = _rating_slots(auditor)
    _write(slots, merge(original, _values(slots), {k: values.get(k) for k in slots}), user)
    if submit:
        auditor.submitted_at = timezone.now()
        auditor._history_user = user  # type: ignore[attr-defined]
        auditor.save(update_fields=["submitted_at"])


def submit_problems(audit: Audit, auditor: Auditor) -> list[str]:
    """What the auditor's stored draft still lacks before it can be submitted (empty when complete)."""
    instrument = audit.instrument
    stored = rating_values(auditor)
    problems: list[str] = []
    for theme_id in instrument.theme_ids:
        key = f"score:{theme_id}"
        if stored.get(key) is None:
            message = _("%(field)s: give a score before you submit.") % {"field": field_label(instrument, key)}
            problems.append(FieldProblem(message, key))
        key = f"rationale:{theme_id}"
        if not (stored.get(key) or "").strip():
            message = _("%(field)s: write a short rationale before you submit.") % {
                "field": field_label(instrument, key)
            }
            problems.append(FieldProblem(message, key))
    return problems


@transaction.atomic
def submit_ratings(audit: Audit, auditor: Auditor, *, user: User | None) -> None:
    """Make the auditor's saved draft final: from now on it cannot change, and once both submitted it is seen."""
    audit = _locked(audit)
    _refuse_if_finalised(audit)
    auditor = next(a for a in audit.auditors.all() if a.pk == auditor.pk)
    if auditor.submitted_at:
        raise AuditRefused([_("You have already submitted your scores; they can no longer change.")])
    problems = submit_problems(audit, auditor)
    if problems:
        raise AuditRefused(problems)
    auditor.submitted_at = timezone.now()
    auditor._history_user = user  # type: ignore[attr-defined]
    auditor.save(update_fields=["submitted_at"])


def _consensus_problems(audit: Audit, values: Mapping[str, Any], *, complete: bool) -> list[str]:
    instrument = audit.instrument
    scores: dict[str, list[int]] = {}
    for auditor in audit.auditors.all():
        for rating in auditor.ratings.all():
            if rating.score is not None:
                scores.setdefault(rating.theme_id, []).append(rating.score)
    problems: list[str] = []
    for theme_id in instrument.theme_ids:
        key = f"consensus:{theme_id}"
        consensus = values.get(key)
        _check_scale(instrument, consensus, key, problems)
        if consensus is None:
            if complete:
                problems.append(FieldProblem(_("%(field)s is missing.") % {"field": field_label(instrument, key)}, key))
            continue
        pair = scores.get(theme_id, [])
        if consensus_outside(pair, consensus) and not values.get(f"consensus_reason:{theme_id}"):
            problems.append(
                FieldProblem(
                    _(
                        "%(field)s: %(value)s lies outside the two independent scores (%(low)s–%(high)s); "
                        "write down why."
                    )
                    % {"field": field_label(instrument, key), "value": consensus, "low": min(pair), "high": max(pair)},
                    f"consensus_reason:{theme_id}",
                )
            )
    return problems


@transaction.atomic
def save_consensus(audit: Audit, *, values: Mapping[str, Any], original: Mapping[str, str], user: User | None) -> None:
    audit = _locked(audit)
    _refuse_if_finalised(audit)
    if not audit.both_submitted:
        raise AuditRefused([_("The consensus can be entered only after both auditors have submitted their scores.")])
    slots = _theme_slots(audit, CONSENSUS_FIELDS)
    # Only what the caller sends: a caller that knows nothing of explanations leaves them alone.
    submitted = _clean_text({k: values[k] for k in slots if k in values})
    problems = _consensus_problems(audit, submitted, complete=False)
    if problems:
        raise AuditRefused(problems)
    changes = merge(original, _values(slots), submitted)
    _write(slots, changes, user)
    if changes:
        _withdraw_confirmations(audit, user)


def _recommendation_problems(instrument: AuditInstrument, recommendations: Any) -> list[FieldProblem]:
    problems = []
    for index, (theme_id, text) in enumerate(recommendations, start=1):
        if theme_id not in instrument.theme_ids:
            message = _("Recommendation %(n)s: choose the theme it addresses.") % {"n": index}
            problems.append(FieldProblem(message, f"rec_theme_{index - 1}"))
        if not text.strip():
            problems.append(FieldProblem(_("Recommendation %(n)s is empty.") % {"n": index}, f"rec_text_{index - 1}"))
    return problems


@transaction.atomic
def save_report(audit: Audit, *, values: Mapping[str, Any], original: Mapping[str, str], user: User | None) -> None:
    """The conclusion (what goes well, what can improve) and the recommendations."""
    audit = _locked(audit)
    _refuse_if_finalised(audit)
    submitted = _clean_text(
        {
            "strengths": values.get("strengths", ""),
            "improvements": values.get("improvements", ""),
            "recommendations": [[t, x.strip()] for t, x in values.get("recommendations", [])],
        }
    )
    problems = _recommendation_problems(audit.instrument, submitted["recommendations"])
    if problems:
        raise AuditRefused(problems)
    changes = merge(original, report_values(audit), submitted)
    _apply_report(audit, changes, user)
    if changes:
        _withdraw_confirmations(audit, user)


def _apply_report(audit: Audit, changes: Mapping[str, Any], user: User | None, reason: str = "") -> None:
    fields = [f for f in ("strengths", "improvements") if f in changes]
    if fields:
        for f in fields:
            setattr(audit, f, changes[f])
        audit._history_user = user  # type: ignore[attr-defined]
        if reason:
            audit._change_reason = reason  # type: ignore[attr-defined]
        audit.save(update_fields=fields)
    if "recommendations" in changes:
        _write_recommendations(audit, changes["recommendations"], user, reason)


def finalise_problems(audit: Audit) -> list[str]:
    """Everything that still stands in the way of finalising (empty when it can be finalised).

    Each problem names where it is fixed (its ``key``: a theme's consensus or explanation,
    ``strengths``, ``improvements``, ``recommendations`` or ``scores``), so pages can link to it.
    """
    instrument = audit.instrument
    problems: list[str] = []
    if not audit.both_submitted:
        problems.append(FieldProblem(_("Both auditors must have submitted their scores."), "scores"))
    else:
        problems += _consensus_problems(audit, consensus_values(audit), complete=True)
    for record in audit.themes.all():
        if not record.explanation.strip():
            key = f"explanation:{record.theme_id}"
            problems.append(FieldProblem(_("%(field)s is missing.") % {"field": field_label(instrument, key)}, key))
    if not audit.strengths.strip():
        problems.append(FieldProblem(_("The conclusion lacks what goes well."), "strengths"))
    if not audit.improvements.strip():
        problems.append(FieldProblem(_("The conclusion lacks what can improve."), "improvements"))
    if not audit.recommendations.exists():
        problems.append(FieldProblem(_("Write at least one concrete recommendation."), "recommendations"))
    return problems


def _withdraw_confirmations(audit: Audit, user: User | None) -> None:
    """The report changed: a confirmation was of the text as it was, so it no longer counts."""
    for auditor in audit.auditors.all():
        if auditor.report_confirmed_at is not None:
            auditor.report_confirmed_at = None
            auditor._history_user = user  # type: ignore[attr-defined]
            auditor.save(update_fields=["report_confirmed_at"])


@transaction.atomic
def confirm_report(audit: Audit, *, user: User | None) -> Audit:
    """One auditor confirms the final report; the audit is finalised when the second confirms.

    Both auditors answer for the report, so neither can finalise it alone. A confirmation
    counts for the report as it is: any later change to notes, explanations, consensus,
    conclusion or recommendations withdraws both confirmations.
    """
    audit = _locked(audit)
    _refuse_if_finalised(audit)
    me = next((a for a in audit.auditors.all() if a.user_id == getattr(user, "pk", None)), None)
    if me is None:
        raise AuditRefused([_("Only the two auditors of this audit confirm its report.")])
    problems = finalise_problems(audit)
    if problems:
        raise AuditRefused(problems)
    now = timezone.now()
    if me.report_confirmed_at is None:
        me.report_confirmed_at = now
        me._history_user = user  # type: ignore[attr-defined]
        me.save(update_fields=["report_confirmed_at"])
    if all(a.report_confirmed_at for a in audit.auditors.all()):
        audit.finalised_at = now
        audit.finalised_by = account(user)
        audit._history_user = user  # type: ignore[attr-defined]
        audit.save(update_fields=["finalised_at", "finalised_by"])
    return audit


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(f"[{theme}] {text}" for theme, text in value)
    return str(value)


@transaction.atomic
def amend(
    audit: Audit, *, values: Mapping[str, Any], original: Mapping[str, str], reason: str, user: User | None
) -> Amendment | None:
    """Correct a finalised audit. Requires a reason; records who, when, why, old and new values.

    What depends on its consensus scores (goals judged at it, in a higher app) is brought up
    to date in the same transaction through :data:`.signals.audit_amended`; the returned
    amendment carries what was opened to be judged again as ``judge_again`` (not stored).
    """
    audit = _locked(audit)
    if not audit.is_finalised:
        raise AuditRefused([_("Only a finalised audit is amended; until then, edit it directly.")])
    reason = reason.strip()
    slots = _theme_slots(audit, ("consensus", "consensus_reason", "explanation"))
    current = amendable_values(audit)
    submitted = _clean_text({k: values.get(k, current[k]) for k in current})
    submitted["recommendations"] = [[t, x.strip()] for t, x in submitted["recommendations"]]
    problems: list[str] = [] if reason else [FieldProblem(_("Give the reason for this amendment."), "reason")]
    problems += _consensus_problems(audit, submitted, complete=True)
    problems += _recommendation_problems(audit.instrument, submitted["recommendations"])
    for theme_id in audit.instrument.theme_ids:
        if not submitted.get(f"explanation:{theme_id}"):
            key = f"explanation:{theme_id}"
            problems.append(
                FieldProblem(_("%(field)s is missing.") % {"field": field_label(audit.instrument, key)}, key)
            )
    if not submitted["recommendations"]:
        problems.append(_("Write at least one concrete recommendation."))
    if problems:
        raise AuditRefused(problems)
    changes = merge(original, current, submitted)
    if not changes:
        raise AuditRefused([_("Nothing was changed, so there is nothing to amend.")])
    _write(slots, {k: v for k, v in changes.items() if k in slots}, user, reason)
    _apply_report(audit, {k: v for k, v in changes.items() if k not in slots}, user, reason)
    amendment = Amendment.objects.create(
        audit=audit,
        author=signed_in(user),
        reason=reason,
        changes=[
            {"field": key, "old": _display(current[key]), "new": _display(value)} for key, value in changes.items()
        ],
    )
    amendment.judge_again = signals.answers(  # type: ignore[attr-defined]
        signals.audit_amended.send(Audit, audit=audit, user=user)
    )
    return amendment


@transaction.atomic
def delete_audit(audit: Audit, *, user: User | None) -> None:
    """Delete an audit planned by mistake; refused once an auditor has submitted or it is finalised."""
    audit = _locked(audit)
    _refuse_if_finalised(audit)
    if audit.anyone_submitted:
        raise AuditRefused([_("An audit with submitted scores cannot be deleted: they are research data.")])
    audit._history_user = user  # type: ignore[attr-defined]
    audit.delete()
