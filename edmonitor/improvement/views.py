"""Improvement plan pages: goals, actions, dialogue sessions, and judging goals at a follow-up.

Access only through :func:`edmonitor.organisations.permissions.organisation_for`: every role of
the organisation reads (VIEW); project members and admins set goals, keep actions, record
sessions and judge goals (RECORD). Deleting a goal set by mistake is RECORD as well (it is
possible only until the goal is judged; after that it is a record), and so is deleting a dialogue
session (its outcomes go with it; actions made from them stay). The rules live in
:mod:`.services`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from edmonitor.audits.models import Audit, Recommendation
from edmonitor.core.forms import plain_number
from edmonitor.knowledge.content import ROLES
from edmonitor.knowledge.models import DialogueMethod, RoleUse
from edmonitor.knowledge.models import label as role_label
from edmonitor.measurements.models import Measurement
from edmonitor.organisations.models import Organisation
from edmonitor.organisations.permissions import Access, can, organisation_for

from . import services
from .forms import (
    ActionForm,
    GoalCodesForm,
    GoalForm,
    OutcomeForm,
    SessionForm,
    StepsForm,
    join_link,
    show_refusal,
    split_link,
)
from .items import item_label
from .models import Action, DialogueSession, Goal, SessionOutcome
from .overview import next_follow_up, plan_for


def _context(request: HttpRequest, organisation: Organisation, **extra: Any) -> dict[str, Any]:
    return {
        "organisation": organisation,
        "can_record": can(request.user, Access.RECORD, organisation),
        "today": timezone.localdate(),
        **extra,
    }


def plan(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_for(request.user, pk, Access.VIEW)
    today = timezone.localdate()
    return render(request, "improvement/plan.html", _context(request, organisation, **plan_for(organisation, today)))


# --- goals -----------------------------------------------------------------------------------------


def _goal(request: HttpRequest, pk: int, goal_pk: int, permission: Access) -> tuple[Organisation, Goal]:
    organisation = organisation_for(request.user, pk, permission)
    goal = get_object_or_404(
        Goal.objects.select_related(
            "facility", "baseline_measurement", "baseline_audit", "follow_up", "follow_up_audit"
        ),
        pk=goal_pk,
        organisation=organisation,
    )
    return organisation, goal


def _goal_form_page(request: HttpRequest, organisation: Organisation, goal: Goal | None) -> HttpResponse:
    initial = None
    if goal is not None:
        initial = {
            "item": join_link(goal.instrument, goal.item),
            "facility": goal.facility_id,
            "goal_type": goal.goal_type,
            "target": goal.target,
            "description": goal.description,
            "set_on": goal.set_on,
            "due_by": goal.due_by,
        }
    elif request.GET.get("item"):  # from the measurement or audit page: "set a goal for this item"
        initial = {"item": request.GET["item"]}
    form = GoalForm(request.POST or None, organisation=organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if goal is None:
                goal = services.set_goal(organisation=organisation, user=request.user, **form.service_values())
                messages.success(request, _("The goal has been set."))
            else:
                services.update_goal(goal, user=request.user, **form.service_values())
                messages.success(request, _("The changes have been saved."))
            return redirect("goal", pk=organisation.pk, goal_pk=goal.pk)
        except services.ImprovementRefused as refused:
            show_refusal(form, refused)
    if request.method == "POST":
        messages.error(request, _("The goal has not been saved: please correct the marked fields."))
    return render(request, "improvement/goal_form.html", _context(request, organisation, form=form, goal=goal))


@require_http_methods(["GET", "POST"])
def goal_create(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_for(request.user, pk, Access.RECORD)
    return _goal_form_page(request, organisation, None)


def goal_detail(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    organisation, goal = _goal(request, pk, goal_pk, Access.VIEW)
    follow_up = None if goal.is_evaluated else next_follow_up(goal)
    history = goal.history.select_related("history_user").order_by("-history_date", "-history_id")
    return render(
        request,
        "improvement/goal_detail.html",
        _context(
            request,
            organisation,
            goal=goal,
            follow_up=follow_up,
            history=history,
            past_due=follow_up is None and goal.is_past_due(timezone.localdate()),
        ),
    )


@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    organisation, goal = _goal(request, pk, goal_pk, Access.RECORD)
    if goal.is_evaluated:
        messages.info(request, _("This goal has been judged; it can no longer be changed."))
        return redirect("goal", pk=organisation.pk, goal_pk=goal.pk)
    return _goal_form_page(request, organisation, goal)


@require_http_methods(["GET", "POST"])
def goal_delete(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    organisation, goal = _goal(request, pk, goal_pk, Access.RECORD)
    if goal.is_evaluated:
        messages.info(request, _("This goal has been judged; it can no longer be changed."))
        return redirect("goal", pk=organisation.pk, goal_pk=goal.pk)
    if request.method == "POST":
        services.delete_goal(goal, user=request.user)
        messages.success(request, _("The goal has been deleted."))
        return redirect("improvement_plan", pk=organisation.pk)
    return render(request, "improvement/goal_confirm_delete.html", _context(request, organisation, goal=goal))


# --- judging goals at a follow-up ------------------------------------------------------------------


def _goal_codes_page(
    request: HttpRequest, organisation: Organisation, follow_up: Measurement | Audit, back: str
) -> HttpResponse:
    proposals = services.proposals_for(follow_up)
    form = GoalCodesForm(request.POST or None, proposals=proposals)
    is_measurement = isinstance(follow_up, Measurement)
    if request.method == "POST" and proposals and form.is_valid():
        try:
            changed = services.confirm_goal_codes(follow_up, form.decisions(), user=request.user)
        except services.ImprovementRefused as refused:
            show_refusal(form, refused)
        else:
            messages.success(
                request,
                ngettext("%(n)s goal has been judged.", "%(n)s goals have been judged.", len(changed))
                % {"n": len(changed)},
            )
            return redirect(back)
    if request.method == "POST" and form.errors:
        messages.error(request, _("Nothing has been saved: please correct the marked fields."))
    goals = [p.goal for p in proposals]
    return render(
        request,
        "improvement/goal_codes.html",
        _context(
            request,
            organisation,
            form=form,
            follow_up=follow_up,
            is_measurement=is_measurement,
            back=back,
            items_getting_a=[item_label("vie", item) for item in services.items_getting_a(follow_up, goals)]
            if isinstance(follow_up, Measurement) and proposals
            else [],
        ),
    )


@require_http_methods(["GET", "POST"])
def measurement_goals(request: HttpRequest, pk: int, measurement_pk: int) -> HttpResponse:
    organisation = organisation_for(request.user, pk, Access.RECORD)
    measurement = get_object_or_404(Measurement.objects.with_responses(), pk=measurement_pk, organisation=organisation)
    back = reverse("measurement", kwargs={"pk": organisation.pk, "measurement_pk": measurement.pk})
    return _goal_codes_page(request, organisation, measurement, back)


@require_http_methods(["GET", "POST"])
def audit_goals(request: HttpRequest, pk: int, audit_pk: int) -> HttpResponse:
    organisation = organisation_for(request.user, pk, Access.RECORD)
    audit = get_object_or_404(
        Audit.objects.select_related("facility", "instrument_version").prefetch_related("themes"),
        pk=audit_pk,
        organisation=organisation,
    )
    back = reverse("audit", kwargs={"pk": organisation.pk, "audit_pk": audit.pk})
    if not audit.is_finalised:
        messages.info(request, _("Goals are judged once the audit has been finalised."))
        return redirect(back)
    return _goal_codes_page(request, organisation, audit, back)


# --- actions ---------------------------------------------------------------------------------------


def _source(request: HttpRequest, organisation: Organisation, data: Any) -> tuple[Any, Any]:
    """The recommendation or session outcome a new action comes from (404 if not this organisation's)."""
    recommendation = outcome = None
    rec_pk = data.get("recommendation") or request.GET.get("aanbeveling")
    out_pk = data.get("outcome") or request.GET.get("uitkomst")
    if rec_pk:
        recommendation = get_object_or_404(
            Recommendation.objects.select_related("audit__facility"),
            pk=_int_or_404(rec_pk),
            audit__organisation=organisation,
            audit__finalised_at__isnull=False,
        )
    elif out_pk:
        outcome = get_object_or_404(
            SessionOutcome.objects.select_related("session__facility"),
            pk=_int_or_404(out_pk),
            session__organisation=organisation,
        )
    return recommendation, outcome


def _int_or_404(value: Any) -> int:
    number = plain_number(value)
    if number is None:
        raise Http404("No such source")
    return number


@require_http_methods(["GET", "POST"])
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_for(request.user, pk, Access.RECORD)
    recommendation, outcome = _source(request, organisation, request.POST)
    initial: dict[str, Any] = {}
    if recommendation is not None:
        initial = {
            "title": recommendation.text,
            "link": join_link("mie", recommendation.theme_id),
            "facility": recommendation.audit.facility_id,
            "recommendation": recommendation.pk,
        }
    elif outcome is not None:
        initial = {
            "title": outcome.text,
            "link": join_link(outcome.instrument, outcome.item),
            "facility": outcome.session.facility_id,
            "outcome": outcome.pk,
        }
    goal_pk = request.GET.get("doel")
    if not initial and goal_pk:  # "add an action for this goal": the goal's item and scope
        goal = get_object_or_404(Goal, pk=_int_or_404(goal_pk), organisation=organisation)
        initial = {"link": join_link(goal.instrument, goal.item), "facility": goal.facility_id}
    form = ActionForm(request.POST or None, organisation=organisation, initial=initial)
    return _action_form_page(
        request,
        organisation,
        form,
        lambda values: services.create_action(
            organisation=organisation,
            user=request.user,
            source_recommendation=recommendation,
            source_outcome=outcome,
            **values,
        ),
        _("The action has been added to the improvement plan."),
        action=None,
        recommendation=recommendation,
        outcome=outcome,
    )


def _action_form_page(
    request: HttpRequest,
    organisation: Organisation,
    form: ActionForm,
    save: Callable[[dict[str, Any]], Any],
    success: str,
    **context: Any,
) -> HttpResponse:
    """A valid POST is handed to ``save`` (the form's service values) and goes back to the plan; else the form."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.service_values())
        except services.ImprovementRefused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, success)
            return redirect("improvement_plan", pk=organisation.pk)
    if request.method == "POST":
        messages.error(request, _("The action has not been saved: please correct the marked fields."))
    return render(request, "improvement/action_form.html", _context(request, organisation, form=form, **context))


@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    organisation = organisation_for(request.user, pk, Access.RECORD)
    action = get_object_or_404(
        Action.objects.select_related("source_recommendation__audit", "source_outcome__session"),
        pk=action_pk,
        organisation=organisation,
    )
    initial = {
        "title": action.title,
        "owner": action.owner,
        "due_on": action.due_on,
        "status": action.status,
        "link": join_link(action.instrument, action.item),
        "facility": action.facility_id,
        "notes": action.notes,
    }
    form = ActionForm(request.POST or None, organisation=organisation, initial=initial)
    del form.fields["recommendation"], form.fields["outcome"]  # the sources of an action stay as they were
    return _action_form_page(
        request,
        organisation,
        form,
        lambda values: services.update_action(action, user=request.user, **values),
        _("The changes have been saved."),
        action=action,
        recommendation=action.source_recommendation,
        outcome=action.source_outcome,
        history=action.history.select_related("history_user").order_by("-history_date", "-history_id"),
    )


# --- dialogue sessions -----------------------------------------------------------------------------


def _session(
    request: HttpRequest, pk: int, session_pk: int, permission: Access
) -> tuple[Organisation, DialogueSession]:
    organisation = organisation_for(request.user, pk, permission)
    session = get_object_or_404(
        DialogueSession.objects.select_related("method", "facility").prefetch_related("method__steps"),
        pk=session_pk,
        organisation=organisation,
    )
    return organisation, session


def _warn(request: HttpRequest, warnings: list[str]) -> None:
    for warning in warnings:
        messages.warning(request, warning)


@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_for(request.user, pk, Access.RECORD)
    initial: dict[str, Any] = {"held_on": timezone.localdate()}
    if request.GET.get("methode"):  # from a method's page or the method filter: "plan a session with this method"
        initial["method"] = DialogueMethod.objects.filter(slug=request.GET["methode"]).first()
    form = SessionForm(request.POST or None, organisation=organisation, initial=initial)

    def save(data: dict[str, Any]) -> tuple[DialogueSession, list[str]]:
        return services.plan_session(
            organisation=organisation,
            method=data["method"],
            held_on=data["held_on"],
            question=data["question"],
            counts=form.counts(),
            facility=data.get("facility"),
            user=request.user,
        )

    return _session_form(
        request, organisation, form, save, _("The dialogue session has been saved."),
        session=None, has_methods=DialogueMethod.objects.exists(),
    )  # fmt: skip


def _session_form(
    request: HttpRequest,
    organisation: Organisation,
    form: SessionForm,
    save: Callable[[dict[str, Any]], tuple[DialogueSession, list[str]]],
    done: str,
    **context: Any,
) -> HttpResponse:
    """Planning and recording a session alike: save a valid form (warnings shown, never blocking), else show it."""
    if request.method == "POST" and form.is_valid():
        try:
            session, warnings = save(form.cleaned_data)
        except services.ImprovementRefused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, done)
            _warn(request, warnings)
            return redirect("session", pk=organisation.pk, session_pk=session.pk)
    if request.method == "POST":
        messages.error(request, _("The session has not been saved: please correct the marked fields."))
    return render(
        request,
        "improvement/session_form.html",
        _context(request, organisation, form=form, methods=form.methods(), chosen=form.chosen_method_pk(), **context),
    )


def _role_rows(session: DialogueSession) -> list[dict[str, Any]]:
    uses = session.method.role_uses()
    counts = session.counts()
    return [
        {
            "label": role_label(ROLES, role),
            "count": counts[role],
            "use": RoleUse(uses[role]).label if uses.get(role) in RoleUse.values else "",
        }
        for role in ROLES
    ]


def session_detail(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    organisation, session = _session(request, pk, session_pk, Access.VIEW)
    outcomes = list(session.outcomes.prefetch_related("actions"))
    done = set(session.steps_done)
    steps = [{"step": s, "done": s.number in done} for s in session.method.steps.all()]
    context = _context(
        request,
        organisation,
        session=session,
        method=session.method,
        roles=_role_rows(session),
        steps=steps,
        done_count=sum(1 for s in steps if s["done"]),
        warnings=services.session_warnings(session.method, session.counts()),
        outcomes=outcomes,
    )
    if context["can_record"] and steps:  # the others read the steps as a list
        context["steps_form"] = StepsForm(method=session.method, initial={"steps_done": session.steps_done})
    return render(request, "improvement/session_detail.html", context)


def session_steps(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    """The steps form of the session's page (POST only): which steps of the method have been done."""
    organisation, session = _session(request, pk, session_pk, Access.RECORD)
    if request.method != "POST":  # checked after access, so a foreign URL answers 404 either way
        return HttpResponseNotAllowed(["POST"])
    form = StepsForm(request.POST, method=session.method)
    if form.is_valid():
        try:
            services.tick_steps(session, form.cleaned_data["steps_done"])
        except services.ImprovementRefused as refused:
            messages.error(request, " ".join(refused.messages))
        else:
            messages.success(request, _("The steps have been saved."))
    else:
        messages.error(request, _("The steps have not been saved: tick only steps of this method."))
    return redirect(reverse("session", kwargs={"pk": organisation.pk, "session_pk": session.pk}) + "#steps")


@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    organisation, session = _session(request, pk, session_pk, Access.RECORD)
    initial = {
        "method": session.method,
        "held_on": session.held_on,
        "question": session.question,
        "facility": session.facility_id,
        "notes": session.notes,
        **session.counts(),
    }
    form = SessionForm(request.POST or None, organisation=organisation, recording=True, initial=initial)
    old_method, ticked = session.method, services.steps_lost_by_changing_method(session)

    def save(data: dict[str, Any]) -> tuple[DialogueSession, list[str]]:
        saved, warnings = services.record_session(
            session,
            method=data["method"],
            held_on=data["held_on"],
            question=data["question"],
            counts=form.counts(),
            notes=data.get("notes", ""),
            facility=data.get("facility"),
        )
        if saved.method_id != old_method.pk and ticked:
            messages.info(
                request,
                ngettext(
                    "The method is now %(new)s. The %(n)s ticked step of %(old)s has been dropped.",
                    "The method is now %(new)s. The %(n)s ticked steps of %(old)s have been dropped.",
                    ticked,
                )
                % {"new": saved.method.text("name"), "old": old_method.text("name"), "n": ticked},
            )
        return saved, warnings

    return _session_form(
        request, organisation, form, save, _("The changes have been saved."),
        session=session, has_methods=True, ticked=ticked,
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def session_delete(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    organisation, session = _session(request, pk, session_pk, Access.RECORD)
    if request.method == "POST":
        deleted = services.delete_session(session, user=request.user)
        done = _("The dialogue session has been deleted.")
        if deleted.actions:
            done = ngettext(
                "The dialogue session has been deleted. %(n)s action made from its outcomes stays in the plan.",
                "The dialogue session has been deleted. %(n)s actions made from its outcomes stay in the plan.",
                len(deleted.actions),
            ) % {"n": len(deleted.actions)}
        messages.success(request, done)
        return redirect("improvement_plan", pk=organisation.pk)
    return render(
        request,
        "improvement/session_confirm_delete.html",
        _context(request, organisation, session=session, deletion=services.deleting_session(session)),
    )


@require_http_methods(["GET", "POST"])
def outcome_create(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    organisation, session = _session(request, pk, session_pk, Access.RECORD)
    form = OutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        instrument, item = split_link(form.cleaned_data.get("link", ""))
        try:
            services.add_outcome(session, text=form.cleaned_data["text"], instrument=instrument, item=item)
        except services.ImprovementRefused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("The outcome has been added."))
            return redirect("session", pk=organisation.pk, session_pk=session.pk)
    if request.method == "POST":
        messages.error(request, _("The outcome has not been saved: please correct the marked fields."))
    return render(request, "improvement/outcome_form.html", _context(request, organisation, form=form, session=session))
