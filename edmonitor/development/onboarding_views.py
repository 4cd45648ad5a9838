"""Pages of onboarding plans: the organisation's (RECORD) and the new colleague's own, read-only.

Organisation pages go through :func:`edmonitor.organisations.permissions.organisation_for`; a plan
of another organisation is 404. The new colleague sees only plans that name their account.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edmonitor.core.forms import AccessibleFormMixin, date_input
from edmonitor.core.types import signed_in
from edmonitor.organisations.models import Organisation
from edmonitor.organisations.permissions import Access, organisation_for

from . import onboarding
from .forms import saved
from .models import MAX_NOTE, OnboardingPlan, OnboardingStep

#: The help text of every free-text field of a plan: nothing about health or recovery goes here.
NO_HEALTH = gettext_lazy(
    "Do not write anything about health, diagnoses or the person's recovery here. "
    "That is for the new colleague to tell, if they want to. It is not for the employer to record."
)


def _tied(form: forms.Form) -> None:
    """Tie each help text (the warning above all) to its field now, also on a form not yet posted."""
    if not form.is_bound:
        form.describe_errors()  # type: ignore[attr-defined]


class PlanStartForm(AccessibleFormMixin, forms.Form):
    newcomer_name = forms.CharField(
        label=gettext_lazy("Name of the new colleague"), max_length=onboarding.MAX_NAME, help_text=NO_HEALTH
    )
    newcomer_account = forms.CharField(
        label=gettext_lazy("Their user name or e-mail address in edmonitor (optional)"),
        required=False,
        max_length=254,
        help_text=gettext_lazy("Then the new colleague can read the plan on their own development pages."),
    )
    starts_on = forms.DateField(label=gettext_lazy("First working day"), widget=date_input())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _tied(self)


class PlanForm(PlanStartForm):
    buddy_name = forms.CharField(
        label=gettext_lazy("Buddy (optional)"), required=False, max_length=onboarding.MAX_NAME, help_text=NO_HEALTH
    )
    expectations = forms.CharField(
        label=gettext_lazy("What we expect, and what the new colleague may expect"),
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=NO_HEALTH,
    )


class StepForm(AccessibleFormMixin, forms.Form):
    from_week = forms.IntegerField(label=gettext_lazy("From week"), min_value=1, max_value=onboarding.MAX_WEEK)
    hours_per_week = forms.DecimalField(
        label=gettext_lazy("Hours a week"),
        min_value=0,
        max_value=onboarding.MAX_HOURS_PER_WEEK,
        max_digits=4,
        decimal_places=1,
    )
    tasks = forms.CharField(
        label=gettext_lazy("Tasks"), max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 3}), help_text=NO_HEALTH
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _tied(self)


def _plan(request: HttpRequest, pk: int, plan_pk: int) -> tuple[Organisation, OnboardingPlan]:
    organisation = organisation_for(request.user, pk, Access.RECORD)
    return organisation, get_object_or_404(OnboardingPlan, pk=plan_pk, organisation=organisation)


def _list_page(
    request: HttpRequest, organisation: Organisation, form: PlanStartForm | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "organisation": organisation,
        "plans": onboarding.plans_of(organisation),
        "form": form or PlanStartForm(initial={"starts_on": timezone.localdate()}),
        "advice": onboarding.ADVICE,
    }
    return render(request, "development/onboarding_plans.html", context, status=status)


def plan_list(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_for(request.user, pk, Access.RECORD)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    return _list_page(request, organisation)


def plan_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The list's form posts here (RECORD); the new plan starts from 001's advice."""
    organisation = organisation_for(request.user, pk, Access.RECORD)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = PlanStartForm(request.POST)
    by = signed_in(request.user)
    plan = saved(form, lambda data: onboarding.create_plan(organisation, by, **data))
    if plan is not None:
        messages.success(request, _("The plan has been made from the advice below. Now make it fit the person."))
        return redirect("onboarding_plan", pk=organisation.pk, plan_pk=plan.pk)
    return _list_page(request, organisation, form, status=400)


def _plan_page(
    request: HttpRequest,
    organisation: Organisation,
    plan: OnboardingPlan,
    *,
    form: PlanForm | None = None,
    step_form: StepForm | None = None,
) -> HttpResponse:
    initial = {
        "newcomer_name": plan.newcomer_name,
        "newcomer_account": plan.newcomer.get_username() if plan.newcomer else "",
        "starts_on": plan.starts_on,
        "buddy_name": plan.buddy_name,
        "expectations": plan.expectations,
    }
    context = {
        "organisation": organisation,
        "plan": plan,
        "steps": plan.steps.all(),
        "form": form or PlanForm(initial=initial),
        "step_form": step_form or StepForm(),
        "advice": onboarding.ADVICE,
    }
    status = 400 if (form or step_form) else 200
    return render(request, "development/onboarding_plan.html", context, status=status)


def plan(request: HttpRequest, pk: int, plan_pk: int) -> HttpResponse:
    """The plan, its steps and 001's advice; its own form changes the plan (RECORD)."""
    organisation, this = _plan(request, pk, plan_pk)
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if request.method == "POST":
        form = PlanForm(request.POST)
        if saved(form, lambda data: onboarding.save_plan(this, **data)) is not None:
            messages.success(request, _("The plan has been saved."))
            return redirect("onboarding_plan", pk=organisation.pk, plan_pk=this.pk)
        return _plan_page(request, organisation, this, form=form)
    return _plan_page(request, organisation, this)


def step_create(request: HttpRequest, pk: int, plan_pk: int) -> HttpResponse:
    organisation, this = _plan(request, pk, plan_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = StepForm(request.POST)
    if saved(form, lambda data: onboarding.add_step(this, **data)) is not None:
        messages.success(request, _("The step has been added."))
        return redirect("onboarding_plan", pk=organisation.pk, plan_pk=this.pk)
    return _plan_page(request, organisation, this, step_form=form)


def step_delete(request: HttpRequest, pk: int, plan_pk: int, step_pk: int) -> HttpResponse:
    organisation, this = _plan(request, pk, plan_pk)
    step = get_object_or_404(OnboardingStep, pk=step_pk, plan=this)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    onboarding.delete_step(this, step)
    messages.success(request, _("The step has been deleted."))
    return redirect("onboarding_plan", pk=organisation.pk, plan_pk=this.pk)


def plan_delete(request: HttpRequest, pk: int, plan_pk: int) -> HttpResponse:
    """Asks first; a POST deletes the plan and its steps."""
    organisation, this = _plan(request, pk, plan_pk)
    if request.method == "POST":
        onboarding.delete_plan(organisation, this)
        messages.success(request, _("The plan has been deleted."))
        return redirect("onboarding_plans", pk=organisation.pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(request, "development/onboarding_plan_delete.html", {"organisation": organisation, "plan": this})


def my_plans(request: HttpRequest) -> HttpResponse:
    """The new colleague's own plans, read-only: only plans that name their account."""
    user = signed_in(request.user)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    return render(request, "development/onboarding_mine.html", {"plans": onboarding.plans_for_newcomer(user)})
