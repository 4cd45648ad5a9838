"""A person's own development space: their self-assessment on the framework's competence map and their evidence.

It belongs to the person (``Space.user``), not to an employer: nothing here points to an
organisation, so it stays when the person changes jobs, and no organisation role, staff power,
admin page, search index, organisation export or report reads it. Only the views of this app
show it, and only to its owner (:mod:`edmonitor.development.services`). Deleting the space
deletes every row of it (issue 21; README "Professional development").

Items of the map are knowledge-base entries, named by their stable slug (core tasks of 2022 and
2014, task areas, competences): a slug is stored, not a foreign key, so a later content load
that renames an entry never deletes a person's record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_TEXT = 20_000  # characters of one piece of evidence: a long reflection, not a book
MAX_NOTE = 2_000


class Space(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="development_space")
    created_at = models.DateTimeField(auto_now_add=True)
    # Explicit consent (AVG art. 9: this can be health data) to keep reflections and evidence here.
    consent_given_at = models.DateTimeField(null=True, blank=True)
    # The register requirements or development goal the person measures their record against, if any.
    rule_set = models.ForeignKey("RuleSet", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"space {self.pk}"


class Level(models.TextChoices):
    BEGUN = "begun", _("begun")
    PARTLY = "partly", _("partly shown")
    FULLY = "fully", _("fully shown")


class Assessment(models.Model):
    """How far the person thinks they show one item, on one day; the newest per item counts, the older stay."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="assessments")
    item = models.SlugField(max_length=80)
    level = models.CharField(_("how far"), max_length=8, choices=Level.choices)
    assessed_on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True, max_length=MAX_NOTE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-created_at"]
        indexes = [models.Index(fields=["space", "item"], name="assessment_space_item")]

    def __str__(self) -> str:
        return f"{self.item}: {self.level}"


class EvidenceKind(models.TextChoices):
    REFLECTION = "reflection", _("reflection")
    FEEDBACK = "feedback", _("feedback received")
    COURSE = "course", _("course or certificate")
    ASSIGNMENT = "assignment", _("curriculum assignment done")
    PRACTICE = "practice", _("practice experience")


class Evidence(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=16, choices=EvidenceKind.choices)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True, max_length=MAX_TEXT)
    occurred_on = models.DateField(_("date"))
    # A reflection may be about one critical professional situation or pillar (slug of its knowledge entry)
    # and answer the before/after questions of 002 (question key -> answer; see reflection.py).
    about = models.SlugField(_("about"), max_length=80, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class EvidenceVersion(models.Model):
    """What a piece of evidence said before a change: kept so the person can see how it grew; deleted with it."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="versions")
    saved_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=16)
    title = models.CharField(max_length=200)
    text = models.TextField(blank=True)
    occurred_on = models.DateField()
    items = models.JSONField(default=list)
    about = models.SlugField(max_length=80, blank=True)
    answers = models.JSONField(default=dict)

    class Meta:
        ordering = ["-saved_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.saved_at:%Y-%m-%d %H:%M})"


class EvidenceItem(models.Model):
    """One item of the map that a piece of evidence shows."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="items")
    item = models.SlugField(max_length=80)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["evidence", "item"], name="evidence_item_once")]

    def __str__(self) -> str:
        return self.item


# --- a training provider's course, mapped to the basic curriculum (issue 21 part 3) ---------------


class Course(models.Model):
    """A course of an organisation that trains experts by experience, for one cohort (group of learners)."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="courses")
    name = models.CharField(_("name"), max_length=200)
    cohort = models.CharField(_("cohort"), max_length=60, help_text=_("For example 2026–2027 or spring 2027."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name", "cohort"], name="course_once_per_cohort")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.cohort})"


class CourseUnit(models.Model):
    """One unit of a course (a lesson, a day, a module of the provider's own) and the curriculum items it covers."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="units")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=MAX_NOTE)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class UnitItem(models.Model):
    unit = models.ForeignKey(CourseUnit, on_delete=models.CASCADE, related_name="items")
    item = models.SlugField(max_length=80)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "item"], name="unit_item_once")]

    def __str__(self) -> str:
        return self.item


# --- consent per kind of use (issue 21 part 4) -----------------------------------------------------


class ConsentUse(models.TextChoices):
    """Each use asked for on its own; keeping records at all is ``Space.consent_given_at``."""

    STORY = "story", _("keep my own story and my decisions about using it")
    SHARING = "sharing", _("share things I choose with people I name")
    FEEDBACK = "feedback", _("ask others for feedback, also people without an account")


class Consent(models.Model):
    """One consent given for one use; withdrawing it sets ``withdrawn_at`` (the row stays as the record)."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="consents")
    use = models.CharField(max_length=16, choices=ConsentUse.choices)
    given_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return self.use


# --- "Het eigen verhaal": the person's own story, never shared as a whole (002 intermezzo) ----------

MAX_STORY = 50_000


class Story(models.Model):
    space = models.OneToOneField(Space, on_delete=models.CASCADE, related_name="story")
    text = models.TextField(_("my story"), blank=True, max_length=MAX_STORY)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"story {self.pk}"


class StoryDecision(models.Model):
    """A decision about using part of the story: what, for whom, why, and afterwards how it went."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="story_decisions")
    decided_on = models.DateField(_("date"))
    what = models.TextField(_("what I tell (or keep to myself)"), max_length=MAX_NOTE)
    audience = models.CharField(_("for whom"), max_length=200)
    purpose = models.TextField(_("why"), max_length=MAX_NOTE)
    afterwards = models.TextField(_("how it went afterwards"), blank=True, max_length=MAX_NOTE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.decided_on}: {self.audience}"


# --- intervision groups: may span organisations (003 §2.5); their record holds attendance only ----


class IntervisionGroup(models.Model):
    name = models.CharField(_("name"), max_length=200)
    # The organisation that facilitates the group, if any; members may come from anywhere.
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="groups"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GroupMember(models.Model):
    group = models.ForeignKey(IntervisionGroup, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="intervision_groups")
    facilitator = models.BooleanField(_("facilitator"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="group_member_once")]

    def __str__(self) -> str:
        return f"{self.group_id}: {self.user_id}"


class GroupMeeting(models.Model):
    group = models.ForeignKey(IntervisionGroup, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=2)
    present = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.group_id} {self.held_on}"


# --- the development record: intervision, supervision, training, other, with hours ------------------


class ActivityKind(models.TextChoices):
    INTERVISION = "intervision", _("intervision")
    SUPERVISION = "supervision", _("supervision")
    TRAINING = "training", _("training or course")
    OTHER = "other", _("other activity")


class Activity(models.Model):
    """One activity. Shared part: kind, title, date, times, hours, participants, confirmation. Private: the note."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    occurred_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("from"), null=True, blank=True)
    ends_at = models.TimeField(_("until"), null=True, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)
    participants = models.CharField(_("participants"), max_length=500, blank=True)
    private_note = models.TextField(_("private note"), blank=True, max_length=MAX_TEXT)
    group = models.ForeignKey(IntervisionGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Who the person asked to confirm it (a supervisor, or a group's facilitator), and who did.
    confirm_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="activities_to_confirm"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class RuleSet(models.Model):
    """Requirements of a register or a development goal, as versioned data (see register.py); never official here."""

    key = models.SlugField(max_length=60)
    version = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    official = models.BooleanField(default=False)
    # A person's own development goal belongs to their space and is seen by them alone; an installation's
    # register rules belong to nobody (empty).
    space = models.ForeignKey(Space, null=True, blank=True, on_delete=models.CASCADE, related_name="own_goals")
    rules = models.JSONField(default=dict)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key", "version"]
        constraints = [models.UniqueConstraint(fields=["key", "version"], name="rule_set_version_once")]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"


# --- sharing: nothing is seen by anyone else until the owner shares it (issue 21 part 2) ------------


class Share(models.Model):
    """The owner lets one person or one intervision group see one thing, or one collection, for a period.

    What: a piece of ``evidence``, one ``decision`` record of the story, or a ``collection``
    (every piece of evidence of one kind, or ``record``: the shared parts of the development
    record). Never the story itself, never the private notes.
    """

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="shares")
    evidence = models.ForeignKey(Evidence, null=True, blank=True, on_delete=models.CASCADE, related_name="shares")
    decision = models.ForeignKey(StoryDecision, null=True, blank=True, on_delete=models.CASCADE, related_name="shares")
    collection = models.CharField(max_length=16, blank=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="shared_with_me"
    )
    group = models.ForeignKey(IntervisionGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="shares")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(evidence__isnull=False, decision__isnull=True, collection="")
                    | models.Q(evidence__isnull=True, decision__isnull=False, collection="")
                    | (models.Q(evidence__isnull=True, decision__isnull=True) & ~models.Q(collection=""))
                ),
                name="share_one_what",
            ),
            models.CheckConstraint(
                condition=models.Q(person__isnull=False, group__isnull=True)
                | models.Q(person__isnull=True, group__isnull=False),
                name="share_one_whom",
            ),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="share_period"),
        ]

    def __str__(self) -> str:
        return f"share {self.pk}"


class ShareView(models.Model):
    """One view of shared material, listed for the owner (the access log records it too)."""

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="views")
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    viewer_name = models.CharField(max_length=200)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.viewer_name} {self.at:%Y-%m-%d %H:%M}"


# --- feedback asked for, also from people without an account (a one-time link) ---------------------


class FeedbackRequest(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="feedback_requests")
    asked_name = models.CharField(_("asked of"), max_length=200)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback_asked_of_me"
    )
    question = models.TextField(_("question"), max_length=MAX_NOTE)
    # The one-time link carries a secret; only its SHA-256 is kept.
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    evidence = models.ForeignKey(Evidence, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"feedback {self.pk}"


# --- a practice supervisor's onboarding plan for a new colleague (001's advice) ---------------------
# An employer's record, not part of anyone's personal space. It has no fields for health information;
# its free text carries a warning not to record any.


class OnboardingPlan(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="onboarding_plans"
    )
    newcomer_name = models.CharField(_("new colleague"), max_length=200)
    newcomer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="onboarding_plans"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    buddy_name = models.CharField(_("buddy"), max_length=200, blank=True)
    starts_on = models.DateField(_("first working day"))
    expectations = models.TextField(_("what we expect, and what the new colleague may expect"), max_length=MAX_NOTE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]

    def __str__(self) -> str:
        return self.newcomer_name


class OnboardingStep(models.Model):
    """One stage of the gradual build-up: from which week, how many hours a week, which tasks."""

    plan = models.ForeignKey(OnboardingPlan, on_delete=models.CASCADE, related_name="steps")
    from_week = models.PositiveSmallIntegerField(_("from week"))
    hours_per_week = models.DecimalField(_("hours a week"), max_digits=4, decimal_places=1)
    tasks = models.TextField(_("tasks"), max_length=MAX_NOTE)

    class Meta:
        ordering = ["from_week", "pk"]

    def __str__(self) -> str:
        return f"week {self.from_week}"
