"""MIE audit pages: plan, notes, own scores, consensus, report, finalise, amend, trail.

Access is decided by :func:`edmonitor.audits.permissions.audit_for` and the
blind-scoring rule by :func:`~edmonitor.audits.permissions.visible_ratings`;
nothing here reads individual ratings any other way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from edmonitor.core.concurrency import Conflict, fingerprints, parse_fingerprints
from edmonitor.core.dates import long_date
from edmonitor.instruments.audit import compare_theme
from edmonitor.instruments.definition import newest_version_number
from edmonitor.knowledge.suggestions import suggestions
from edmonitor.measurements.texts import judge_again_message
from edmonitor.organisations.downloads import download_response
from edmonitor.organisations.forms import people_list
from edmonitor.organisations.models import DownloadKind
from edmonitor.organisations.permissions import Access, can, organisation_for

from . import services
from .calibration_views import plan_calibration, warn_uncalibrated
from .crosswalk import vie_beside_themes
from .export import export_audit
from .forms import (
    AmendmentForm,
    ConsensusForm,
    NotesForm,
    PlanForm,
    RatingForm,
    ReportForm,
    field_name,
    initial_plan,
)
from .models import Audit
from .permissions import AuditAction, audit_for, auditor_of, can_audit, visible_ratings
from .services import AuditRefused, field_label
from .signals import answers, audit_page_sections
from .trail import trail_entries


def _audit_context(request: HttpRequest, audit: Audit, **extra: Any) -> dict[str, Any]:
    return {
        "audit": audit,
        "organisation": audit.organisation,
        "instrument": audit.instrument,
        "can_view_organisation": can(request.user, Access.VIEW, audit.organisation),
        **extra,
    }


def _refusal_on_form(form: Any, refused: AuditRefused) -> None:
    """Show each refusal next to its field when it names one the form has, else above the form."""
    for message in refused.messages:
        key = getattr(message, "key", None)
        name = field_name(key) if key else None
        form.add_error(name if name in form.fields else None, message)
    form.describe_errors()


def _save_merge_form(
    request: HttpRequest,
    audit: Audit,
    form: Any,
    save: Callable[..., Any],
    read: Callable[[Audit], Mapping[str, Any]],
    success: str,
) -> HttpResponse | None:
    """For a valid POST, call the service ``save(audit, values=, original=, user=)``; on a refusal or a
    conflict put the messages on the form (showing what ``read`` finds stored now) and return None."""
    if request.method != "POST":
        return None
    if not form.is_valid():
        messages.error(request, _("Nothing has been saved: please correct the marked fields."))
        return None
    try:
        save(audit, values=form.values(), original=form.original_fingerprints(), user=request.user)
    except AuditRefused as refused:
        _refusal_on_form(form, refused)
        messages.error(request, _("Nothing has been saved."))
        return None
    except Conflict as conflict:
        stored = Audit.objects.get(pk=audit.pk)
        form.rebase(current_values := read(stored))
        for key in conflict.fields:
            value = current_values.get(key)
            shown = services._display(value) or "–"
            form.add_error(
                None,
                _("%(field)s was changed by someone else while you were editing. Now stored: “%(value)s”.")
                % {"field": field_label(stored.instrument, key), "value": shown},
            )
        messages.error(
            request,
            _(
                "Nothing has been saved, because someone else saved this audit in the meantime. "
                "Check the differences below and save again."
            ),
        )
        return None
    messages.success(request, success)
    return redirect("audit", pk=audit.organisation_id, audit_pk=audit.pk)


@require_http_methods(["GET", "POST"])
def audit_create(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_for(request.user, pk, Access.MANAGE)
    form = PlanForm(request.POST or None, organisation=organisation, chooser=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            audit = services.plan_audit(
                organisation=organisation,
                held_on=form.cleaned_data["held_on"],
                facility=form.cleaned_data["facility"],
                auditors=form.auditors(),
                participants=form.cleaned_data["participants"],
                user=request.user,
            )
        except AuditRefused as refused:
            for message in refused.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The audit has been planned."))
            warn_uncalibrated(request, audit)
            return redirect("audit", pk=organisation.pk, audit_pk=audit.pk)
    if request.method == "POST":
        messages.error(request, _("Nothing has been saved: please correct the marked fields."))
    people = people_list(request.user, organisation)
    return render(
        request,
        "audits/plan_form.html",
        {"form": form, "organisation": organisation, "people": people, **plan_calibration(people, form)},
    )


@require_http_methods(["GET", "POST"])
def audit_plan(request: HttpRequest, pk: int, audit_pk: int) -> HttpResponse:
    audit = audit_for(request.user, pk, audit_pk, AuditAction.PLAN)
    form = PlanForm(
        request.POST or None,
        organisation=audit.organisation,
        chooser=request.user,
        editing=True,
        initial=initial_plan(audit),
    )
    if request.method == "GET":
        form.fields["original"].initial = fingerprints(services.plan_values(audit))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_plan(
                audit,
                held_on=form.cleaned_data["held_on"],
                facility=form.cleaned_data["facility"],
                participants=form.cleaned_data["participants"],
                auditors=form.auditors(),
                original=parse_fingerprints(form.cleaned_data["original"]),
                user=request.user,
                reason=form.cleaned_data["reason"],
            )
        except AuditRefused as refused:
            _refusal_on_form(form, refused)
        except Conflict:
            form.add_error(None, _("Someone else changed the plan while you were editing. Reload the page."))
        else:
            messages.success(request, _("The changes have been saved."))
            warn_uncalibrated(request, audit)
            return redirect("audit", pk=audit.organisation_id, audit_pk=audit.pk)
        messages.error(request, _("Nothing has been saved."))
    people = people_list(request.user, audit.organisation)
    return render(
        request,
        "audits/plan_form.html",
        _audit_context(request, audit, form=form, people=people, **plan_calibration(people, form, audit)),
    )


def audit_detail(request: HttpRequest, pk: int, audit_pk: int) -> HttpResponse:
    audit = audit_for(request.user, pk, audit_pk, AuditAction.VIEW)
    instrument = audit.instrument
    auditors = list(audit.auditors.all())
    me = auditor_of(request.user, audit)
    ratings: dict[tuple[int, str], Any] = {(r.auditor_id, r.theme_id): r for r in visible_ratings(request.user, audit)}
    records = {r.theme_id: r for r in audit.themes.all()}
    unblinded = audit.both_submitted
    recommendations = list(audit.recommendations.all())
    crosswalk = vie_beside_themes(audit) if can(request.user, Access.VIEW, audit.organisation) else None
    themes: list[dict[str, Any]] = []
    for theme in instrument.themes:
        record = records.get(theme.id)
        own = [(a, ratings.get((a.pk, theme.id))) for a in auditors]
        comparison = None
        if unblinded:
            scores = [r.score for _a, r in own if r is not None and r.score is not None]
            if len(scores) == 2:
                comparison = compare_theme(
                    scores[0], scores[1], record.consensus if record else None, instrument.discuss_difference
                )
        themes.append(
            {
                "theme": theme,
                "record": record,
                "ratings": [(a, r) for a, r in own if r is not None],
                "comparison": comparison,
                "consensus_text": theme.scale.get(record.consensus) if record and record.consensus else None,
                "recommendations": [r for r in recommendations if r.theme_id == theme.id],
                "vie": crosswalk.get(theme.id) if crosswalk else None,
            }
        )
    scoring = can_audit(request.user, AuditAction.SCORE, audit)
    return render(
        request,
        "audits/audit_detail.html",
        _audit_context(
            request,
            audit,
            auditors=auditors,
            me=me,
            unblinded=unblinded,
            themes=themes,
            newest_version=newest_version_number(audit.instrument_version.code),
            crosswalk=crosswalk,
            crosswalk_measurement=crosswalk.measurement if crosswalk else None,
            amendments=audit.amendments.select_related("author"),
            can_plan=can_audit(request.user, AuditAction.PLAN, audit),
            can_score=scoring,
            can_amend=can_audit(request.user, AuditAction.AMEND, audit),
            can_trail=can_audit(request.user, AuditAction.TRAIL, audit),
            finalise_problems=_with_links(audit, me, services.finalise_problems(audit))
            if scoring and unblinded
            else None,
            suggestions=(
                suggestions(
                    "mie", [(t["theme"].id, t["theme"].title, t["record"] and t["record"].consensus) for t in themes]
                )
                if unblinded
                else None
            ),
            # what the apps above add (the improvement plan: goals and actions for this audit)
            **dict(answers(audit_page_sections.send(sender=Audit, audit=audit, user=request.user))),
        ),
    )


def _consensus_scores(themes: list[dict[str, Any]]) -> list[tuple[str, Any, int | None]]:
    return [(t["theme"].id, t["theme"].title, t["record"].consensus if t["record"] else None) for t in themes]


@require_http_methods(["GET", "POST"])
def audit_notes(request: HttpRequest, pk: int, audit_pk: int) -> HttpResponse:
    audit = audit_for(request.user, pk, audit_pk, AuditAction.SCORE)
    form = NotesForm(request.POST or None, instrument=audit.instrument, shown=services.note_values(audit))
    done = _save_merge_form(
        request, audit, form, services.save_notes, services.note_values, _("The notes have been saved.")
    )
    if done:
        return done
    rows = [(t, form[f"notes_{t.id}"], form[f"explanation_{t.id}"]) for t in audit.instrument.themes]
    return render(request, "audits/notes_form.html", _audit_context(request, audit, form=form, rows=rows))


def _own_scores(request: HttpRequest, pk: int, audit_pk: int) -> tuple[Audit, Any, HttpResponse | None]:
    """The audit and the user's own auditor row; a redirect instead once their scores are submitted."""
    audit = audit_for(request.user, pk, audit_pk, AuditAction.SCORE)
    me = auditor_of(request.user, audit)
    assert me is not None  # SCORE is granted to the auditors only
    if me.submitted_at:
        messages.info(request, _("You have submitted your scores; they can no longer change."))
        return audit, me, redirect("audit", pk=audit.organisation_id, audit_pk=audit.pk)
    return audit, me, None


@require_http_methods(["GET", "POST"])
def audit_scores(request: HttpRequest, pk: int, audit_pk: int) -> HttpResponse:
    audit, me, done = _own_scores(request, pk, audit_pk)
    if done is not None:
        return done
    form = RatingForm(request.POST or None, instrument=audit.instrument, shown=services.rating_values(me))
    # "Check and submit" first saves the draft (nothing typed is lost), then asks for confirmation.
    submit = request.POST.get("action") == "submit"
    done = _save_merge_form(
        request,
        audit,
        form,
        lambda audit, **kw: services.save_ratings(audit, me, submit=False, **kw),
        lambda stored: services.rating_values(stored.auditors.get(pk=me.pk)),
        _("Your draft scores have been saved."),
    )
    if done and submit:
        stored = audit.auditors.get(pk=me.pk)
        problems = services.submit_problems(audit, stored)
        if not problems:
            return redirect("audit_scores_submit", pk=audit.organisation_id, audit_pk=audit.pk)
        form.rebase(services.rating_values(stored))
        _refusal_on_form(form, services.AuditRefused(problems))
        messages.error(request, _("Your draft has been saved. It cannot be submitted yet: complete the marked fields."))
    elif done:
        return done
    notes = {r.theme_id: r for r in audit.themes.all()}
    rows = [(t, form[f"score_{t.id}"], form[f"rationale_{t.id}"], notes.get(t.id)) for t in audit.instrument.themes]
    return render(request, "audits/scores_form.html", _audit_context(request, audit, form=form, rows=rows))


@require_http_methods(["GET", "POST"])
def audit_consensus(request: HttpRequest, pk: int, audit_pk: int) -> HttpResponse:
    audit = audit_for(request.user, pk, audit_pk, AuditAction.SCORE)
    auditors = list(audit.auditors.all())
    if not audit.both_submitted:
        messages.error(request, _("The consensus can be entered only after both auditors have submitted their scores."))
        return redirect("audit", pk=audit.organisation_id, audit_pk=audit.pk)
    form = ConsensusForm(request.POST or None, instrument=audit.instrument, shown=services.consensus_values(audit))
    done = _save_merge_form(
        request, audit, form, services.save_consensus, services.consensus_values, _("The consensus has been saved.")
    )
    if done:
        return done
    ratings: dict[tuple[int, str], Any] = {(r.auditor_id, r.theme_id): r for r in visible_ratings(request.user, audit)}
    rows = []
    for theme in audit.instrument.themes:
        pair = [(a, ratings.get((a.pk, theme.id))) for a in auditors]
        scores = [r.score for _a, r in pair if r is not None and r.score is not None]
        comparison = compare_theme(scores[0], scores[1], None, audit.instrument.discuss_difference)
        rows.append(
            (
                theme,
                pair,
                comparison,
                form[f"consensus_{theme.id}"],
                form[f"consensus_reason_{theme.id}"],
                form[f"explanation_{theme.id}"],
            )
        )
    return render(
        request,
        "audits/consensus_form.html",
        _audit_context(request, audit, form=form, rows=rows, auditors=auditors),
    )


@require_http_methods(["GET", "POST"])
def audit_report(request: HttpRequest, pk: int, audit_pk: int) -> HttpResponse:
    audit = audit_for(request.user, pk, audit_pk, AuditAction.SCORE)
    form = ReportForm(request.POST or None, instrument=audit.instrument, shown=services.report_values(audit))
    done = _save_merge_form(
        request, audit, form, services.save_report, services.report_values, _("The report text has been saved.")
    )
    return done or render(request, "audits/report_form.html", _audit_context(request, audit, form=form))


@require_http_methods(["GET", "POST"])
def audit_scores_submit(request: HttpRequest, pk: int, audit_pk: int) -> HttpResponse:
    """The last step before one's own scores become final: what is submitted, and what that means."""
    audit, me, done = _own_scores(request, pk, audit_pk)
    if done is not None:
        return done
    if services.submit_problems(audit, me):
        messages.error(request, _("Your scores are not complete yet: every theme needs a score and a rationale."))
        return redirect("audit_scores", pk=audit.organisation_id, audit_pk=audit.pk)
    if request.method == "POST":
        try:
            services.submit_ratings(audit, me, user=request.user)
        except AuditRefused as refused:
            messages.error(request, " ".join(refused.messages))
            return redirect("audit_scores", pk=audit.organisation_id, audit_pk=audit.pk)
        messages.success(request, _("Your scores have been submitted."))
        return redirect("audit", pk=audit.organisation_id, audit_pk=audit.pk)
    ratings = {r.theme_id: r for r in me.ratings.all()}
    rows = [(t, ratings.get(t.id)) for t in audit.instrument.themes]
    other = next((a for a in audit.auditors.all() if a.pk != me.pk), None)
    return render(request, "audits/scores_submit.html", _audit_context(request, audit, rows=rows, other=other))


def _with_links(audit: Audit, me: Any, problems: list[str]) -> list[tuple[str, str]]:
    """Each problem in the way of finalising, with the page (and field) where it is fixed."""
    org, pk = audit.organisation_id, audit.pk
    links = []
    for problem in problems:
        key = getattr(problem, "key", None) or ""
        if key == "scores":
            own = me is not None and not me.submitted_at
            url = reverse("audit_scores" if own else "audit", args=[org, pk])
        elif key in ("strengths", "improvements"):
            url = reverse("audit_report", args=[org, pk]) + f"#id_{key}"
        elif key == "recommendations":
            url = reverse("audit_report", args=[org, pk]) + "#id_rec_text_0"
        elif key:
            url = reverse("audit_consensus", args=[org, pk]) + f"#id_{field_name(key)}"
        else:
            url = reverse("audit", args=[org, pk])
        links.append((str(problem), url))
    return links


@require_http_methods(["GET", "POST"])
def audit_finalise(request: HttpRequest, pk: int, audit_pk: int) -> HttpResponse:
    """Each auditor confirms the final report here; the audit is final once both have."""
    audit = audit_for(request.user, pk, audit_pk, AuditAction.SCORE)
    me = auditor_of(request.user, audit)
    if request.method == "POST":
        try:
            audit = services.confirm_report(audit, user=request.user)
        except AuditRefused as refused:
            messages.error(
                request, _("The audit has not been finalised: %(reasons)s") % {"reasons": " ".join(refused.messages)}
            )
            return redirect("audit_finalise", pk=audit.organisation_id, audit_pk=audit.pk)
        if audit.is_finalised:
            messages.success(request, _("The audit has been finalised. Later corrections are recorded as amendments."))
        else:
            messages.success(
                request,
                _("You have confirmed the report. The audit becomes final when the other auditor confirms too."),
            )
        return redirect("audit", pk=audit.organisation_id, audit_pk=audit.pk)
    problems = _with_links(audit, me, services.finalise_problems(audit))
    records = {r.theme_id: r for r in audit.themes.all()}
    rows = [(t, records.get(t.id)) for t in audit.instrument.themes]
    return render(
        request,
        "audits/finalise_confirm.html",
        _audit_context(
            request,
            audit,
            me=me,
            rows=rows,
            problems=problems,
            auditors=list(audit.auditors.all()),
            recommendations=list(audit.recommendations.all()),
        ),
    )


@require_http_methods(["GET", "POST"])
def audit_amend(request: HttpRequest, pk: int, audit_pk: int) -> HttpResponse:
    audit = audit_for(request.user, pk, audit_pk, AuditAction.AMEND)
    form = AmendmentForm(request.POST or None, instrument=audit.instrument, shown=services.amendable_values(audit))
    again: list[Any] = []

    def amend(audit: Audit, **kw: Any) -> None:
        # An amended consensus may change the scores goals were judged on: the service says which.
        amendment = services.amend(audit, reason=form.cleaned_data["reason"], **kw)
        again.extend(getattr(amendment, "judge_again", []))

    done = _save_merge_form(
        request, audit, form, amend, services.amendable_values, _("The amendment has been recorded.")
    )
    if done and again:
        messages.warning(request, judge_again_message(len(again)))
        return redirect("audit_goals", pk=audit.organisation_id, audit_pk=audit.pk)
    if done:
        return done
    rows = [
        (t, form[f"consensus_{t.id}"], form[f"consensus_reason_{t.id}"], form[f"explanation_{t.id}"])
        for t in audit.instrument.themes
    ]
    return render(request, "audits/amend_form.html", _audit_context(request, audit, form=form, rows=rows))


def audit_trail(request: HttpRequest, pk: int, audit_pk: int) -> HttpResponse:
    audit = audit_for(request.user, pk, audit_pk, AuditAction.TRAIL)
    return render(
        request,
        "audits/audit_trail.html",
        _audit_context(request, audit, entries=trail_entries(audit, request.user)),
    )


@require_http_methods(["GET", "POST"])
def audit_delete(request: HttpRequest, pk: int, audit_pk: int) -> HttpResponse:
    """Remove an audit planned by mistake: only while no auditor has submitted scores."""
    audit = audit_for(request.user, pk, audit_pk, AuditAction.PLAN)
    if request.method == "POST":
        services.delete_audit(audit, user=request.user)
        messages.success(request, _("The audit has been deleted."))
        return redirect("organisation", pk=audit.organisation_id)
    return render(request, "audits/audit_confirm_delete.html", _audit_context(request, audit))


def audit_export(request: HttpRequest, pk: int, audit_pk: int) -> HttpResponse:
    """The audit as a JSON file: what the user may see of it, individual scores only once they are unblinded."""
    audit = audit_for(request.user, pk, audit_pk, AuditAction.VIEW)
    data = export_audit(audit, visible_ratings(request.user, audit))
    name = slugify(f"mie-{audit.organisation.name}-{audit.held_on:%Y-%m-%d}")
    return download_response(
        request,
        organisation=audit.organisation,
        kind=DownloadKind.JSON,
        filename=f"{name}.json",
        content=json.dumps(data, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
        description=_("MIE audit of %(date)s%(facility)s")
        % {"date": long_date(audit.held_on), "facility": f" ({audit.facility.name})" if audit.facility else ""},
    )
