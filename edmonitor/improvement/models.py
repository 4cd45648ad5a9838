"""The improvement loop: goals per item or theme, improvement actions, and dialogue sessions.

After a VIE measurement or an MIE audit an organisation decides what to improve. It sets
**goals** for items (VIE) or themes (MIE) before the next measurement; at that measurement
edmonitor proposes the goal-attainment code (A–D, seed 003 appendix 1; the rules are in
:mod:`edmonitor.instruments.goals`) and a user confirms or overrides it with a reason. Audit
recommendations and the outcomes of **dialogue sessions** (004 §2) become **actions** with an
owner and a due date. Every change to goals and actions is kept (django-simple-history):
they are what an organisation is accountable for.

Scope works as for measurements and audits: the whole organisation (no facility) or one
facility. Access goes through :mod:`edmonitor.organisations.permissions` only; every
change goes through :mod:`.services`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, When
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from edmonitor.audits.models import Audit, Recommendation
from edmonitor.instruments import goals as core
from edmonitor.knowledge.content import ROLES
from edmonitor.knowledge.models import DialogueMethod
from edmonitor.measurements.models import Measurement
from edmonitor.organisations.models import Facility, Organisation

from .items import InstrumentCode, item_label


class GoalType(models.TextChoices):
    """The kinds of goal; the values are those of :class:`edmonitor.instruments.goals.GoalType`."""

    AT_LEAST = core.GoalType.AT_LEAST.value, _("reach at least a score")
    IMPROVE = core.GoalType.IMPROVE.value, _("improve by a number of points")
    MAINTAIN = core.GoalType.MAINTAIN.value, _("keep at least the baseline score")
    DESCRIPTIVE = core.GoalType.DESCRIPTIVE.value, _("a goal in words")


class Attainment(models.TextChoices):
    """The codes a goal that was set can get (A, 'no goal set', is for items without a goal)."""

    NOT_REACHED = core.NOT_REACHED, _("B – not reached")
    PARTLY_REACHED = core.PARTLY_REACHED, _("C – partly reached")
    REACHED = core.REACHED, _("D – reached")


def _scope_exists(queryset: models.QuerySet, date_field: str) -> Case:
    """Whether ``queryset`` has a row of the goal's organisation and scope dated after the goal was set."""
    later = queryset.filter(organisation=OuterRef("organisation"), **{f"{date_field}__gt": OuterRef("set_on")})
    return Case(
        When(facility__isnull=True, then=Exists(later.filter(facility__isnull=True))),
        default=Exists(later.filter(facility=OuterRef("facility"))),
    )


class GoalQuerySet(models.QuerySet["Goal"]):
    def open(self) -> GoalQuerySet:
        """Not yet judged against a follow-up measurement or audit."""
        return self.filter(evaluated_at__isnull=True)

    def with_follow_up_available(self) -> GoalQuerySet:
        """Annotate ``follow_up_available``: a later measurement (VIE) or finalised audit (MIE) of the same scope."""
        return self.annotate(
            follow_up_available=Case(
                When(
                    instrument=InstrumentCode.VIE,
                    then=_scope_exists(Measurement.objects.filter(instrument_version__code="vie"), "measured_on"),
                ),
                default=_scope_exists(Audit.objects.finalised(), "held_on"),
                output_field=models.BooleanField(),
            )
        )


class Goal(models.Model):
    """A goal for one VIE item or MIE theme, set before the next measurement, and how it turned out.

    The baseline score is captured when the goal is set: the item's score in the latest
    measurement (the theme's consensus in the latest finalised audit) of the same scope on or
    before ``set_on``. A measurement or finalised audit of the same scope dated after ``set_on``
    is a follow-up; at the first one the user judges the goal (``code``), starting from
    edmonitor's proposal (``proposed_code``). Once judged, a goal no longer changes except by
    judging it again at the same follow-up.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="goals", verbose_name=_("organisation")
    )
    facility = models.ForeignKey(
        Facility,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="goals",
        verbose_name=_("facility"),
        help_text=_("Leave empty for a goal of the whole organisation."),
    )
    instrument = models.CharField(_("instrument"), max_length=8, choices=InstrumentCode.choices)
    item = models.CharField(_("item or theme"), max_length=8)
    goal_type = models.CharField(_("kind of goal"), max_length=16, choices=GoalType.choices)
    target = models.PositiveSmallIntegerField(
        _("target"),
        null=True,
        blank=True,
        help_text=_("The score to reach, or the number of points to improve by."),
    )
    description = models.TextField(_("the goal in words"), blank=True)
    baseline_score = models.PositiveSmallIntegerField(_("baseline score"), null=True, blank=True)
    baseline_measurement = models.ForeignKey(
        Measurement, on_delete=models.SET_NULL, null=True, blank=True, related_name="baseline_for_goals"
    )
    baseline_audit = models.ForeignKey(
        Audit, on_delete=models.SET_NULL, null=True, blank=True, related_name="baseline_for_goals"
    )
    set_on = models.DateField(_("set on"))
    due_by = models.DateField(
        _("follow-up measured by"),
        null=True,
        blank=True,
        help_text=_("When the next measurement (or audit) should show whether the goal was reached."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The judgement at the follow-up.
    follow_up = models.ForeignKey(
        Measurement, on_delete=models.SET_NULL, null=True, blank=True, related_name="evaluated_goals"
    )
    follow_up_audit = models.ForeignKey(
        Audit, on_delete=models.SET_NULL, null=True, blank=True, related_name="evaluated_goals"
    )
    new_score = models.PositiveSmallIntegerField(_("new score"), null=True, blank=True)
    proposed_code = models.CharField(_("proposed code"), max_length=1, choices=Attainment.choices, blank=True)
    code = models.CharField(_("goal attainment"), max_length=1, choices=Attainment.choices, blank=True)
    override_reason = models.TextField(_("reason for a code other than the proposal"), blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    evaluated_at = models.DateTimeField(_("judged at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = GoalQuerySet.as_manager()

    class Meta:
        ordering = ["set_on", "id"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        indexes = [models.Index(fields=["organisation", "instrument", "set_on"], name="goal_org_instrument_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(goal_type__in=[GoalType.AT_LEAST, GoalType.IMPROVE], target__isnull=False)
                | Q(goal_type__in=[GoalType.MAINTAIN, GoalType.DESCRIPTIVE], target__isnull=True),
                name="goal_target_for_its_type",
                violation_error_message=_("A target goes with 'reach at least' and 'improve', and only with those."),
            ),
            models.CheckConstraint(
                condition=Q(target__isnull=True) | Q(target__gte=1, target__lte=5),
                name="goal_target_on_scale",
                violation_error_message=_("The target lies between 1 and 5."),
            ),
            models.CheckConstraint(
                condition=~Q(goal_type=GoalType.DESCRIPTIVE) | ~Q(description=""),
                name="goal_in_words_has_text",
                violation_error_message=_("Describe the goal in words."),
            ),
            models.CheckConstraint(
                condition=Q(baseline_score__isnull=True) | Q(baseline_score__gte=1, baseline_score__lte=5),
                name="goal_baseline_on_scale",
                violation_error_message=_("The baseline score lies between 1 and 5."),
            ),
            models.CheckConstraint(
                condition=Q(new_score__isnull=True) | Q(new_score__gte=1, new_score__lte=5),
                name="goal_new_score_on_scale",
                violation_error_message=_("The new score lies between 1 and 5."),
            ),
            models.CheckConstraint(
                condition=Q(follow_up__isnull=True) | Q(follow_up_audit__isnull=True),
                name="goal_one_follow_up",
                violation_error_message=_("A goal is judged at one measurement or one audit."),
            ),
            models.CheckConstraint(
                condition=Q(evaluated_at__isnull=True, code="") | (Q(evaluated_at__isnull=False) & ~Q(code="")),
                name="goal_code_when_judged",
                violation_error_message=_("A judged goal has a code, and only a judged goal."),
            ),
            models.CheckConstraint(
                condition=Q(proposed_code="") | Q(code="") | Q(code=models.F("proposed_code")) | ~Q(override_reason=""),
                name="goal_override_has_reason",
                violation_error_message=_("Give the reason for a code other than the proposed one."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.item_label}"

    def get_absolute_url(self) -> str:
        return reverse("goal", kwargs={"pk": self.organisation_id, "goal_pk": self.pk})

    @property
    def item_label(self) -> str:
        return item_label(self.instrument, self.item)

    @property
    def is_evaluated(self) -> bool:
        return self.evaluated_at is not None

    def as_core(self) -> core.Goal:
        return core.Goal(core.GoalType(self.goal_type), self.target, self.baseline_score)

    def summary(self) -> str:
        """The goal in one line: 'at least 3', 'improve by 1 point', 'keep at least 2', or its words."""
        if self.goal_type == GoalType.AT_LEAST:
            return gettext("reach at least %(target)s") % {"target": self.target}
        if self.goal_type == GoalType.IMPROVE:
            return ngettext("improve by %(n)s point", "improve by %(n)s points", self.target or 0) % {"n": self.target}
        if self.goal_type == GoalType.MAINTAIN:
            if self.baseline_score is None:
                return gettext("keep at least the baseline score")
            return gettext("keep at least %(baseline)s") % {"baseline": self.baseline_score}
        return self.description

    def is_past_due(self, today: dt.date) -> bool:
        return not self.is_evaluated and self.due_by is not None and self.due_by < today


class ActionStatus(models.TextChoices):
    OPEN = "open", _("open")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    DROPPED = "dropped", _("dropped")


UNFINISHED = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class ActionQuerySet(models.QuerySet["Action"]):
    def unfinished(self) -> ActionQuerySet:
        return self.filter(status__in=UNFINISHED)

    def overdue(self, today: dt.date) -> ActionQuerySet:
        """Open or in progress, with a due date before today."""
        return self.unfinished().filter(due_on__lt=today)


class DialogueSession(models.Model):
    """A dialogue session (004 §2): planned and then recorded, with participants per role and outcomes.

    Participants are counted per role of :data:`edmonitor.knowledge.content.ROLES`; when the
    counts do not fit the method (group size, a role it needs or does not intend), the pages warn
    but never refuse (see :func:`.services.session_warnings`).
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="dialogue_sessions", verbose_name=_("organisation")
    )
    facility = models.ForeignKey(
        Facility,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dialogue_sessions",
        verbose_name=_("facility"),
        help_text=_("Leave empty for a session of the whole organisation."),
    )
    method = models.ForeignKey(
        DialogueMethod, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("dialogue method")
    )
    held_on = models.DateField(_("date"))
    question = models.TextField(_("question or theme"))
    # One count per role of knowledge.content.ROLES (a test keeps them in step).
    clients = models.PositiveSmallIntegerField(_("clients"), default=0)
    relatives = models.PositiveSmallIntegerField(_("relatives"), default=0)
    experts = models.PositiveSmallIntegerField(_("experts by experience"), default=0)
    professionals = models.PositiveSmallIntegerField(_("other professionals"), default=0)
    managers = models.PositiveSmallIntegerField(_("managers"), default=0)
    board = models.PositiveSmallIntegerField(_("board"), default=0)
    steps_done = models.JSONField(_("steps done"), default=list, blank=True)  # numbers of the method's steps
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = _("dialogue session")
        verbose_name_plural = _("dialogue sessions")
        indexes = [models.Index(fields=["organisation", "held_on"], name="dialogue_session_org_date")]

    def __str__(self) -> str:
        return f"{self.method} {self.held_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("session", kwargs={"pk": self.organisation_id, "session_pk": self.pk})

    def counts(self) -> dict[str, int]:
        return {role: getattr(self, role) for role in ROLES}

    @property
    def participant_total(self) -> int:
        return sum(self.counts().values())


class SessionOutcome(models.Model):
    """Something a dialogue session yielded, optionally linked to the VIE item or MIE theme it concerns."""

    session = models.ForeignKey(DialogueSession, on_delete=models.CASCADE, related_name="outcomes")
    text = models.TextField(_("outcome"))
    instrument = models.CharField(_("instrument"), max_length=8, choices=InstrumentCode.choices, blank=True)
    item = models.CharField(_("item or theme"), max_length=8, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "id"]
        verbose_name = _("session outcome")
        verbose_name_plural = _("session outcomes")
        constraints = [
            models.CheckConstraint(
                condition=Q(instrument="", item="") | (~Q(instrument="") & ~Q(item="")),
                name="session_outcome_item_with_instrument",
                violation_error_message=_("An item is linked together with its instrument."),
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def item_label(self) -> str:
        return item_label(self.instrument, self.item)


class Action(models.Model):
    """An improvement action (verbeteractie): what, who, by when, its status, and where it came from."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="improvement_actions", verbose_name=_("organisation")
    )
    facility = models.ForeignKey(
        Facility,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="improvement_actions",
        verbose_name=_("facility"),
        help_text=_("Leave empty for an action of the whole organisation."),
    )
    title = models.CharField(_("what"), max_length=300)
    owner = models.CharField(
        _("owner"), max_length=200, help_text=_("The person or team responsible, for example 'teamleider FACT Noord'.")
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    instrument = models.CharField(_("instrument"), max_length=8, choices=InstrumentCode.choices, blank=True)
    item = models.CharField(_("item or theme"), max_length=8, blank=True)
    source_recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="improvement_actions",
        verbose_name=_("from the audit recommendation"),
    )
    source_outcome = models.ForeignKey(
        SessionOutcome,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("from the session outcome"),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("improvement action")
        verbose_name_plural = _("improvement actions")
        indexes = [models.Index(fields=["organisation", "status", "due_on"], name="action_org_status_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(instrument="", item="") | (~Q(instrument="") & ~Q(item="")),
                name="action_item_with_instrument",
                violation_error_message=_("An item is linked together with its instrument."),
            ),
            models.CheckConstraint(
                condition=~Q(title=""),
                name="action_has_title",
                violation_error_message=_("Say what is to be done."),
            ),
        ]

    def __str__(self) -> str:
        return self.title[:60]

    @property
    def item_label(self) -> str:
        return item_label(self.instrument, self.item)

    def is_overdue(self, today: dt.date) -> bool:
        return self.status in UNFINISHED and self.due_on is not None and self.due_on < today
