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
from django.utils.translation import gettext_lazy as _

MAX_TEXT = 20_000  # characters of one piece of evidence: a long reflection, not a book
MAX_NOTE = 2_000


class Space(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="development_space")
    created_at = models.DateTimeField(auto_now_add=True)
    # Explicit consent (AVG art. 9: this can be health data) to keep reflections and evidence here.
    consent_given_at = models.DateTimeField(null=True, blank=True)

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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_on", "-pk"]

    def __str__(self) -> str:
        return self.title


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
