"""An employer's onboarding plan for a new colleague who is an expert by experience (issue 21).

The plan is the organisation's record, kept by those who RECORD; the new colleague, when the
plan names their account, reads it on their own development pages. A new plan starts from the
advice of 001 ("Begeleiding bij weer werken", tips for employers): a tailored, gradual build-up
of hours and tasks, a (senior) expert by experience to turn to, and openness about expectations,
roles and tasks. The texts below say that advice in our own words, each with its citation.

There is no field for health information, and every free-text field warns not to write any: how
someone is doing is theirs to tell, not the employer's to record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edmonitor.core.types import Account
from edmonitor.organisations.models import Organisation

from .models import MAX_NOTE, OnboardingPlan, OnboardingStep
from .services import Refused, find_account

MAX_PLANS = 500  # per organisation
MAX_STEPS = 26  # per plan: a step every two weeks for a year
MAX_WEEK = 104
MAX_HOURS_PER_WEEK = Decimal("40")
MAX_NAME = 200

SOURCE_001 = "001"
SECTION_001 = "Begeleiding bij weer werken, tips voor werkgevers"


@dataclass(frozen=True)
class Advice:
    """One piece of 001's advice as the plan uses it, with where it comes from."""

    topic: str | Promise  # lazily translated
    text: str | Promise
    source: str = SOURCE_001
    section: str = SECTION_001

    @property
    def citation(self) -> str:
        return f"{self.source}, {self.section}"


# Shown on every plan page beside the plan; the expectations text below draws on the same advice.
ADVICE = (
    Advice(
        gettext_lazy("A tailored start"),
        gettext_lazy(
            "Someone who has not worked for a long time, or never, has a lot to get used to. "
            "Fit the induction period to the person and build up hours and tasks step by step."
        ),
    ),
    Advice(
        gettext_lazy("Someone to turn to"),
        gettext_lazy(
            "Let a (senior) expert by experience guide the new colleague with questions about using "
            "their own experiential knowledge. A job coach can help with returning to work."
        ),
    ),
    Advice(
        gettext_lazy("Clear expectations"),
        gettext_lazy(
            "Be open and clear about expectations, roles and tasks. Keep checking with the new "
            "colleague, and watch for too much pressure, also pressure they put on themselves."
        ),
    ),
)


def prefill_expectations() -> str:
    """The expectations a new plan starts with, in our own words after 001 (tips for employers)."""
    return _(
        "We build up your hours and tasks step by step, in the order below. We talk about how it goes "
        "regularly and change the plan together when needed. Your buddy is your first person to ask "
        "about using your own experience in your work. Tell us when your role or tasks are not clear, "
        "or when the pace is too high."
    )


def prefill_steps() -> list[tuple[int, Decimal, str]]:
    """A gradual build-up from week 1 (001 names no numbers: the hours are an example to agree on together)."""
    return [
        (1, Decimal("8"), _("Get to know the team, the organisation and your role. Meet your buddy.")),
        (3, Decimal("12"), _("Join team meetings and work alongside a colleague.")),
        (6, Decimal("16"), _("Take on your first own tasks, and discuss them with your buddy.")),
    ]


def plans_of(organisation: Organisation) -> QuerySet[OnboardingPlan]:
    return organisation.onboarding_plans.select_related("newcomer", "supervisor")


def plans_for_newcomer(user: Account) -> QuerySet[OnboardingPlan]:
    return OnboardingPlan.objects.filter(newcomer=user).select_related("organisation").prefetch_related("steps")


def _check_text(problems: list[str], value: str, label: str, most: int, *, required: bool = False) -> None:
    if required and not value:
        problems.append(_("Fill in: %(field)s.") % {"field": label})
    elif len(value) > most:
        problems.append(_("%(field)s is too long (at most %(count)s characters).") % {"field": label, "count": most})


def _newcomer(account: str, problems: list[str]) -> Account | None:
    if not account.strip():
        return None
    person = find_account(account)
    if person is None:
        problems.append(_("There is no account with this user name or e-mail address."))
    return person


@transaction.atomic
def create_plan(
    organisation: Organisation, by: Account, *, newcomer_name: str, starts_on: dt.date, newcomer_account: str = ""
) -> OnboardingPlan:
    """A new plan, prefilled from 001's advice: expectations and a gradual build-up of hours and tasks."""
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()  # the bound holds
    problems: list[str] = []
    newcomer_name = newcomer_name.strip()
    _check_text(problems, newcomer_name, _("new colleague"), MAX_NAME, required=True)
    person = _newcomer(newcomer_account, problems)
    if organisation.onboarding_plans.count() >= MAX_PLANS:
        problems.append(_("This organisation has the most plans it can have."))
    if problems:
        raise Refused(problems)
    plan = OnboardingPlan.objects.create(
        organisation=organisation,
        newcomer_name=newcomer_name,
        newcomer=person,
        supervisor=by,
        starts_on=starts_on,
        expectations=prefill_expectations(),
    )
    OnboardingStep.objects.bulk_create(
        OnboardingStep(plan=plan, from_week=week, hours_per_week=hours, tasks=tasks)
        for week, hours, tasks in prefill_steps()
    )
    return plan


@transaction.atomic
def save_plan(
    plan: OnboardingPlan,
    *,
    newcomer_name: str,
    starts_on: dt.date,
    buddy_name: str = "",
    expectations: str = "",
    newcomer_account: str = "",
) -> OnboardingPlan:
    problems: list[str] = []
    newcomer_name, buddy_name, expectations = newcomer_name.strip(), buddy_name.strip(), expectations.strip()
    _check_text(problems, newcomer_name, _("new colleague"), MAX_NAME, required=True)
    _check_text(problems, buddy_name, _("buddy"), MAX_NAME)
    _check_text(problems, expectations, _("expectations"), MAX_NOTE, required=True)
    person = _newcomer(newcomer_account, problems)
    if problems:
        raise Refused(problems)
    plan.newcomer_name, plan.buddy_name, plan.expectations = newcomer_name, buddy_name, expectations
    plan.starts_on, plan.newcomer = starts_on, person
    plan.save()
    return plan


@transaction.atomic
def add_step(plan: OnboardingPlan, *, from_week: int, hours_per_week: Decimal, tasks: str) -> OnboardingStep:
    problems: list[str] = []
    tasks = tasks.strip()
    if not 1 <= from_week <= MAX_WEEK:
        problems.append(_("The week is a number from 1 to %(count)s.") % {"count": MAX_WEEK})
    if not Decimal(0) < hours_per_week <= MAX_HOURS_PER_WEEK:
        problems.append(_("Hours a week: more than 0 and at most %(count)s.") % {"count": MAX_HOURS_PER_WEEK})
    _check_text(problems, tasks, _("tasks"), MAX_NOTE, required=True)
    if plan.steps.count() >= MAX_STEPS:
        problems.append(_("A plan has at most %(count)s steps.") % {"count": MAX_STEPS})
    if problems:
        raise Refused(problems)
    return OnboardingStep.objects.create(plan=plan, from_week=from_week, hours_per_week=hours_per_week, tasks=tasks)


@transaction.atomic
def delete_plan(organisation: Organisation, plan: OnboardingPlan) -> None:
    """Delete a plan and its steps for good (the page asks first)."""
    if plan.organisation_id != organisation.pk:
        raise Refused([_("This plan is not one of this organisation.")])
    plan.delete()


@transaction.atomic
def delete_step(plan: OnboardingPlan, step: OnboardingStep) -> None:
    if step.plan_id != plan.pk:
        raise Refused([_("This step is not part of the plan.")])
    step.delete()
