"""Calibration pages (issue 20 part 5): reference cases for coordinators, blind scoring for auditors.

Who may do what is decided by :func:`.calibration.may_calibrate` and
:func:`.calibration.may_manage_cases`, nowhere else. The pages an auditor uses before
submitting (:func:`attempt_form`, :func:`attempt_submit`) never load a reference score or an
explanation: their case is read without those columns (:func:`_case_to_score` with
``blind=True``), so no template can show them by mistake.

The reading pages take any method, as the audit page does, so that a refused POST gets the same
answer as a refused GET (``core/tests/test_permission_matrix.py``); they never write.

The planning form of an audit (``views.audit_create``, ``views.audit_plan``) shows each
person's status through :func:`plan_calibration` and warns after saving through
:func:`warn_uncalibrated`: a warning, never a block.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from edmonitor.core.concurrency import Conflict
from edmonitor.core.types import User, signed_in
from edmonitor.instruments.definition import Text, Theme, latest_audit_version

from . import calibration
from .calibration import CalibrationRefused
from .calibration_forms import AttemptForm, CaseForm
from .forms import field_name
from .models import Audit, Auditor, CalibrationAttempt, ReferenceCase, ReferenceTheme

# --- finding a case ----------------------------------------------------------------------------


def _case_to_manage(user: User, case_pk: int) -> ReferenceCase:
    """A case with everything, for coordinators (403 for anyone else, 404 if there is no such case)."""
    if not calibration.may_manage_cases(user):
        raise PermissionDenied
    cases = ReferenceCase.objects.select_related("instrument_version", "created_by", "published_by")
    return get_object_or_404(cases.prefetch_related("themes"), pk=case_pk)


def _case_to_score(user: User, case_pk: int, *, blind: bool) -> ReferenceCase:
    """A published case for someone who may calibrate (else 403; 404 for a draft or no such case).

    ``blind``: the case's themes are read without their reference score and explanation.
    """
    if not calibration.may_calibrate(user):
        raise PermissionDenied
    themes = ReferenceTheme.objects.all()
    if blind:
        themes = themes.only("id", "case_id", "theme_id", "description", "transcript")
    cases = ReferenceCase.objects.published().select_related("instrument_version")
    return get_object_or_404(cases.prefetch_related(Prefetch("themes", queryset=themes)), pk=case_pk)


def _scale_text(theme: Theme, score: int | None) -> Text | None:
    """What a score means on the theme's scale (None without a score)."""
    return theme.scale.get(score) if score is not None else None


def _refusal_on_form(form: Any, refused: CalibrationRefused) -> None:
    """Each refusal next to its field when it names one the form has, else above the form."""
    for message in refused.messages:
        key = getattr(message, "key", None)
        name = field_name(key) if key else None
        form.add_error(name if name in form.fields else None, message)
    form.describe_errors()


def _conflict_on_form(form: Any, conflict: Conflict, current: dict[str, Any]) -> None:
    form.rebase(current)
    for key in conflict.fields:
        name = field_name(key)
        label = form.fields[name].label if name in form.fields else key
        form.add_error(None, _("%(field)s was changed by someone else while you were editing.") % {"field": label})
    form.describe_errors()


# --- the overview ------------------------------------------------------------------------------


def calibration_home(request: HttpRequest) -> HttpResponse:
    """One's own calibration status and the published cases; for coordinators also the drafts."""
    user = request.user
    can_score = calibration.may_calibrate(user)
    manage = calibration.may_manage_cases(user)
    today = timezone.localdate()
    rule = calibration.calibration_rule()
    cases: list[tuple[ReferenceCase, CalibrationAttempt | None]] = []
    if can_score:
        own = CalibrationAttempt.objects.filter(user=signed_in(user))
        for case in ReferenceCase.objects.published().prefetch_related(Prefetch("attempts", own, to_attr="mine")):
            cases.append((case, case.mine[0] if case.mine else None))
    drafts = list(ReferenceCase.objects.filter(published_at__isnull=True).order_by("-created_at")) if manage else []
    return render(
        request,
        "audits/calibration_home.html",
        {
            "can_score": can_score,
            "manage": manage,
            "status": calibration.calibration_status(user, today) if can_score else None,
            "rule_text": calibration.needed_text(rule, len(latest_audit_version().themes)),
            "cases": cases,
            "drafts": drafts,
        },
    )


def calibration_statuses(request: HttpRequest) -> HttpResponse:
    """Coordinators: everyone who is or was an auditor, or scored a case, with their status today."""
    if not calibration.may_manage_cases(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    people = list(
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(pk__in=Auditor.objects.values("user_id")) | Q(pk__in=CalibrationAttempt.objects.values("user_id")))
        .order_by("last_name", "first_name", "username")
    )
    statuses = calibration.calibration_statuses([p.pk for p in people], today)
    rows = [(person, statuses[person.pk]) for person in people]
    return render(
        request,
        "audits/calibration_statuses.html",
        {
            "rows": rows,
            "calibrated": sum(status.calibrated for _person, status in rows),
            "today": today,
            "rule": calibration.calibration_rule(),
        },
    )


# --- reference cases (coordinators) ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    if not calibration.may_manage_cases(request.user):
        raise PermissionDenied
    instrument = latest_audit_version()
    # multipart/form-data (see the template): the texts travel as they are, not percent-encoded
    form = CaseForm(request.POST or None, instrument=instrument, shown=calibration.blank_case_values(instrument))
    if request.method == "POST":
        if form.is_valid():
            try:
                case = calibration.create_case(values=form.values(), user=request.user)
            except CalibrationRefused as refused:
                _refusal_on_form(form, refused)
            else:
                messages.success(request, _("The reference case has been saved as a draft."))
                return redirect("calibration_case", case_pk=case.pk)
        messages.error(request, _("Nothing has been saved: please correct the marked fields."))
    return render(request, "audits/calibration_case_form.html", {"form": form, "case": None})


def case_detail(request: HttpRequest, case_pk: int) -> HttpResponse:
    """Coordinators: the whole case with its reference, and how everyone's attempts agree with it."""
    case = _case_to_manage(request.user, case_pk)
    instrument = case.instrument
    themes = {t.theme_id: t for t in case.themes.all()}
    agreement = calibration.case_agreement(case) if case.is_published else {}
    rows = []
    for theme in instrument.themes:
        reference = themes.get(theme.id)
        rows.append((theme, reference, _scale_text(theme, reference.reference_score if reference else None)))
    attempts = case.attempts.all()
    return render(
        request,
        "audits/calibration_case_detail.html",
        {
            "case": case,
            "rows": rows,
            "agreement": [(theme, agreement.get(theme.id)) for theme in instrument.themes],
            "started": attempts.count(),
            "submitted": attempts.filter(submitted_at__isnull=False).count(),
            "problems": calibration.publish_problems(case) if not case.is_published else [],
        },
    )


@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = _case_to_manage(request.user, case_pk)
    if case.is_published:
        messages.info(request, _("This case has been published and can no longer change."))
        return redirect("calibration_case", case_pk=case.pk)
    form = CaseForm(request.POST or None, instrument=case.instrument, shown=calibration.case_values(case))
    if request.method == "POST":
        if form.is_valid():
            try:
                calibration.update_case(
                    case, values=form.values(), original=form.original_fingerprints(), user=request.user
                )
            except CalibrationRefused as refused:
                _refusal_on_form(form, refused)
            except Conflict as conflict:
                _conflict_on_form(form, conflict, calibration.case_values(_case_to_manage(request.user, case_pk)))
            else:
                messages.success(request, _("The changes have been saved."))
                return redirect("calibration_case", case_pk=case.pk)
        messages.error(request, _("Nothing has been saved: please correct the marked fields."))
    return render(request, "audits/calibration_case_form.html", {"form": form, "case": case})


@require_http_methods(["GET", "POST"])
def case_publish(request: HttpRequest, case_pk: int) -> HttpResponse:
    """Confirm, then publish: from then on auditors may score the case and it never changes."""
    case = _case_to_manage(request.user, case_pk)
    if case.is_published:
        messages.info(request, _("This case has already been published."))
        return redirect("calibration_case", case_pk=case.pk)
    if request.method == "POST":
        try:
            calibration.publish_case(case, user=request.user)
        except CalibrationRefused as refused:
            for message in refused.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The reference case has been published. Auditors can score it now."))
            return redirect("calibration_case", case_pk=case.pk)
    return render(
        request,
        "audits/calibration_case_publish.html",
        {"case": case, "problems": calibration.publish_problems(case)},
    )


# --- scoring a case (auditors and coordinators) --------------------------------------------------


def _blind_rows(case: ReferenceCase, form: Any) -> list[tuple[Any, Any, Any, Any]]:
    """Per theme: its definition, what the conversation showed (description, transcript), and the two fields."""
    themes = {t.theme_id: t for t in case.themes.all()}
    return [
        (theme, themes.get(theme.id), form[f"score_{theme.id}"], form[f"rationale_{theme.id}"])
        for theme in case.instrument.themes
    ]


@require_http_methods(["GET", "POST"])
def attempt_form(request: HttpRequest, case_pk: int) -> HttpResponse:
    """Score a case blind: the case as described, one's own scores; nothing of the reference."""
    case = _case_to_score(request.user, case_pk, blind=True)
    attempt = calibration.attempt_of(case, request.user)
    if attempt is not None and attempt.submitted_at is not None:
        messages.info(request, _("You have submitted your scores for this case; they can no longer change."))
        return redirect("calibration_result", case_pk=case.pk)
    instrument = case.instrument
    form = AttemptForm(
        request.POST or None, instrument=instrument, shown=calibration.attempt_values(attempt, instrument)
    )
    if request.method == "POST":
        # "Check and submit" first saves the draft (nothing typed is lost), then asks for confirmation.
        submit = request.POST.get("action") == "submit"
        if not form.is_valid():
            messages.error(request, _("Nothing has been saved: please correct the marked fields."))
        else:
            try:
                calibration.save_attempt(
                    case, values=form.values(), original=form.original_fingerprints(), user=request.user
                )
            except CalibrationRefused as refused:
                _refusal_on_form(form, refused)
                messages.error(request, _("Nothing has been saved."))
            except Conflict as conflict:
                current = calibration.attempt_values(calibration.attempt_of(case, request.user), instrument)
                _conflict_on_form(form, conflict, current)
                messages.error(request, _("Nothing has been saved."))
            else:
                if not submit:
                    messages.success(request, _("Your draft scores have been saved."))
                    return redirect("calibration_attempt", case_pk=case.pk)
                stored = calibration.attempt_of(case, request.user)
                problems = calibration.submit_problems(stored, instrument)
                if not problems:
                    return redirect("calibration_attempt_submit", case_pk=case.pk)
                form.rebase(calibration.attempt_values(stored, instrument))
                _refusal_on_form(form, CalibrationRefused(problems))
                messages.error(
                    request, _("Your draft has been saved. It cannot be submitted yet: complete the marked fields.")
                )
    return render(
        request,
        "audits/calibration_attempt_form.html",
        {"case": case, "form": form, "rows": _blind_rows(case, form), "attempt": attempt},
    )


@require_http_methods(["GET", "POST"])
def attempt_submit(request: HttpRequest, case_pk: int) -> HttpResponse:
    """The last step before one's scores become final and the reference is shown."""
    case = _case_to_score(request.user, case_pk, blind=True)
    attempt = calibration.attempt_of(case, request.user)
    if attempt is not None and attempt.submitted_at is not None:
        return redirect("calibration_result", case_pk=case.pk)
    if attempt is None or calibration.submit_problems(attempt, case.instrument):
        messages.error(request, _("Your scores are not complete yet: every theme needs a score and a rationale."))
        return redirect("calibration_attempt", case_pk=case.pk)
    if request.method == "POST":
        try:
            calibration.submit_attempt(attempt, user=request.user)
        except CalibrationRefused as refused:
            messages.error(request, " ".join(refused.messages))
            return redirect("calibration_attempt", case_pk=case.pk)
        messages.success(request, _("Your scores have been submitted."))
        return redirect("calibration_result", case_pk=case.pk)
    own = {row.theme_id: row for row in attempt.scores.all()}
    rows = [(theme, own.get(theme.id)) for theme in case.instrument.themes]
    return render(request, "audits/calibration_attempt_submit.html", {"case": case, "rows": rows})


def attempt_result(request: HttpRequest, case_pk: int) -> HttpResponse:
    """After submitting: one's own scores beside the reference, with the explanations, and one's status."""
    case = _case_to_score(request.user, case_pk, blind=False)
    attempt = calibration.attempt_of(case, request.user)
    if attempt is None or attempt.submitted_at is None:
        messages.info(request, _("You see the reference scores after you have submitted your own scores."))
        return redirect("calibration_attempt", case_pk=case.pk)
    attempt.case = case
    result = calibration.attempt_result(attempt)
    instrument = case.instrument
    themes = {t.theme_id: t for t in case.themes.all()}
    own = {row.theme_id: row for row in attempt.scores.all()}
    by_theme = {t.theme_id: t for t in result.themes}
    rows = [
        {
            "theme": theme,
            "result": by_theme[theme.id],
            "reference": themes.get(theme.id),
            "own": own.get(theme.id),
            "score_text": _scale_text(theme, by_theme[theme.id].score),
            "reference_text": _scale_text(theme, by_theme[theme.id].reference),
        }
        for theme in instrument.themes
    ]
    return render(
        request,
        "audits/calibration_attempt_result.html",
        {
            "case": case,
            "attempt": attempt,
            "result": result,
            "rows": rows,
            "status": calibration.calibration_status(request.user, timezone.localdate()),
        },
    )


# --- the planning form of an audit -------------------------------------------------------------


def _chosen(form: Any, audit: Audit | None) -> tuple[list[Any], dt.date | None]:
    """The auditors the planning form names now, and the date of the conversation, where known."""
    if form.is_bound and hasattr(form, "cleaned_data"):
        users = [form.cleaned_data.get(f"auditor_{n}") for n in ("1", "2")]
        return [u for u in users if u is not None], form.cleaned_data.get("held_on")
    if audit is not None:
        return [a.user for a in audit.auditors.all()], audit.held_on
    return [], None


def plan_calibration(people: Sequence[tuple[str, str]], form: Any, audit: Audit | None = None) -> dict[str, Any]:
    """What the planning form shows of calibration: each person one can choose with their status today,
    and each chosen auditor with their status on the date of the conversation (or today, if that is past)."""
    today = timezone.localdate()
    statuses = calibration.statuses_by_username([username for username, _label in people], today)
    chosen, held_on = _chosen(form, audit)
    day = max(today, held_on) if held_on else today
    on_day = calibration.calibration_statuses([u.pk for u in chosen], day)
    return {
        "calibration_people": [(username, label, statuses.get(username)) for username, label in people],
        "calibration_chosen": [(user, on_day[user.pk]) for user in chosen],
        "calibration_warning": any(not status.calibrated for status in on_day.values()),
        "calibration_day": day,
    }


def warn_uncalibrated(request: HttpRequest, audit: Audit) -> None:
    """After a plan is saved: a warning for each auditor not calibrated on the day of the conversation."""
    held_on = Audit.objects.values_list("held_on", flat=True).get(pk=audit.pk)  # as saved, whatever the caller holds
    day = max(timezone.localdate(), held_on)
    auditors = list(Auditor.objects.filter(audit_id=audit.pk).select_related("user"))
    statuses = calibration.calibration_statuses([a.user_id for a in auditors], day)
    for auditor in auditors:
        status = statuses[auditor.user_id]
        if not status.calibrated:
            messages.warning(
                request,
                _(
                    "On the date of the conversation, %(name)s is %(status)s. The plan has been saved all the same. "
                    "%(name)s can score a reference case on the page Calibration."
                )
                % {"name": auditor.user.get_full_name() or auditor.user.get_username(), "status": status.text()},
            )
