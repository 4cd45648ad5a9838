"""The MIE audit: two auditors, blind independent scores, consensus and a report.

An audit moves through phases that follow from its data (see :attr:`Audit.phase`):
scoring (until both auditors have submitted their own scores), consensus (both
submitted: scores are compared and agreed) and finalised (read-only; later
corrections are amendments with a reason). Every change to these models is kept
by django-simple-history, which is the audit trail; individual ratings are
never deleted after consensus because they are research data.

Who may see what, including the blind-scoring rule, is decided in
:mod:`edmonitor.organisations.permissions` and nowhere else.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from edmonitor.instruments.definition import AuditInstrument
from edmonitor.measurements.models import InstrumentVersion
from edmonitor.organisations.models import Facility, Organisation


class Phase(models.TextChoices):
    SCORING = "scoring", _("independent scoring")
    CONSENSUS = "consensus", _("consensus and report")
    FINALISED = "finalised", _("finalised")


class AuditQuerySet(models.QuerySet["Audit"]):
    def finalised(self) -> AuditQuerySet:
        return self.filter(finalised_at__isnull=False)


class Audit(models.Model):
    """One MIE audit of an organisation (or one of its facilities), by two auditors.

    It keeps the instrument version it was planned with. Its phase follows from its
    auditors (:attr:`phase`): each scores the themes blind until both have submitted, then
    they agree a consensus per theme and write the report; it is final once both have
    confirmed the report (``finalised_at``), after which it changes only by amendments.
    The MIE's result is the five theme scores: the instrument defines no total (004 §2.13).
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="audits", verbose_name=_("organisation")
    )
    facility = models.ForeignKey(
        Facility,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audits",
        verbose_name=_("facility"),
        help_text=_("Leave empty for an audit of the whole organisation."),
    )
    instrument_version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="audits")
    held_on = models.DateField(_("date of the conversation"))
    participants = models.TextField(
        _("project team participants"),
        blank=True,
        help_text=_("Names and roles of the people from the organisation taking part, one per line."),
    )
    strengths = models.TextField(_("conclusion: what goes well"), blank=True)
    improvements = models.TextField(_("conclusion: what can improve"), blank=True)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = _("audit")
        verbose_name_plural = _("audits")
        indexes = [models.Index(fields=["organisation", "held_on"])]

    def __str__(self) -> str:
        return f"MIE {self.organisation} {self.held_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return self.url_of(self.organisation_id, self.pk)

    @staticmethod
    def url_of(organisation_id: int, pk: int) -> str:
        """The page of the audit ``pk`` of that organisation (also for lists read as plain values)."""
        return reverse("audit", kwargs={"pk": organisation_id, "audit_pk": pk})

    @property
    def instrument(self) -> AuditInstrument:
        return self.instrument_version.audit_instrument

    @property
    def is_finalised(self) -> bool:
        return self.finalised_at is not None

    @property
    def both_submitted(self) -> bool:
        """Both auditors have submitted their own scores: no longer blind, and the consensus may start.

        The one home of this rule: the phase, the blind-scoring rule of every page and export
        (``permissions.visible_ratings``), the consensus and the audit trail all ask here.
        """
        return self.both_of([a.submitted_at is not None for a in self.auditors.all()])

    @staticmethod
    def both_of(submitted: Sequence[bool]) -> bool:
        """Both auditors submitted, given per auditor whether they did (:attr:`both_submitted` for lists that read
        the auditors without their rows)."""
        return len(submitted) == 2 and all(submitted)

    @property
    def anyone_submitted(self) -> bool:
        """An auditor has submitted scores: the plan is fixed, and the audit is research data."""
        return any(a.submitted_at for a in self.auditors.all())

    @property
    def phase(self) -> str:
        return self.phase_of(self.finalised_at is not None, [a.submitted_at is not None for a in self.auditors.all()])

    @staticmethod
    def phase_of(finalised: bool, submitted: Sequence[bool]) -> str:
        """The phase from whether the audit is final and which of its auditors submitted."""
        if finalised:
            return Phase.FINALISED
        if Audit.both_of(submitted):
            return Phase.CONSENSUS
        return Phase.SCORING

    def get_phase_display(self) -> str:
        return str(Phase(self.phase).label)


class Position(models.TextChoices):
    INTERNAL = "internal", _("internal auditor")
    EXTERNAL = "external", _("external auditor")


class Auditor(models.Model):
    """One of the audit's two auditors; ``submitted_at`` is set when their own scores are final."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="auditors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audit_roles")
    position = models.CharField(_("internal or external"), max_length=16, choices=Position.choices)
    order = models.PositiveSmallIntegerField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    # When this auditor confirmed the final report; the audit is finalised once both have.
    report_confirmed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "user"], name="auditor_once_per_audit"),
            models.UniqueConstraint(fields=["audit", "order"], name="auditor_order_unique"),
        ]

    def __str__(self) -> str:
        return self.user.get_username()


class ThemeRecord(models.Model):
    """Shared notes, the written explanation and the consensus for one theme of one audit."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="themes")
    theme_id = models.CharField(max_length=8)
    notes = models.TextField(_("notes"), blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    consensus = models.PositiveSmallIntegerField(_("consensus score"), null=True, blank=True)
    consensus_reason = models.TextField(_("reason for a consensus outside both scores"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["audit", "theme_id"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "theme_id"], name="theme_once_per_audit"),
            models.CheckConstraint(
                condition=models.Q(consensus__isnull=True) | models.Q(consensus__gte=1, consensus__lte=5),
                name="consensus_on_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.audit} theme {self.theme_id}"


class Rating(models.Model):
    """One auditor's own score and rationale for one theme (kept after consensus: research data)."""

    auditor = models.ForeignKey(Auditor, on_delete=models.CASCADE, related_name="ratings")
    theme_id = models.CharField(max_length=8)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    rationale = models.TextField(_("rationale"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["auditor", "theme_id"]
        constraints = [
            models.UniqueConstraint(fields=["auditor", "theme_id"], name="rating_once_per_theme"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=1, score__lte=5),
                name="rating_on_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.auditor} theme {self.theme_id}"


class Recommendation(models.Model):
    """A concrete recommendation of the report, linked to the theme it addresses."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="recommendations")
    theme_id = models.CharField(_("theme"), max_length=8)
    text = models.TextField(_("recommendation"))
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["audit", "order", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class Amendment(models.Model):
    """A correction of a finalised audit: who, when, why, and what changed (old and new values)."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="amendments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(_("reason"))
    changes = models.JSONField(default=list)  # [{"field": label, "old": str, "new": str}, ...]

    class Meta:
        ordering = ["made_at", "id"]

    def __str__(self) -> str:
        return f"{self.audit} amendment {self.made_at:%Y-%m-%d}"


# --- calibration (issue 20 part 5) -----------------------------------------------------------
#
# Coordinators publish reference cases: per MIE theme a description of what the conversation
# showed (optionally a transcript of a recording), with the score experienced auditors agreed on
# and why. An auditor scores a case blind, then sees their scores beside the reference. The
# rules, the services and the calibration status live in :mod:`edmonitor.audits.calibration`.

#: Bounds of the texts of a reference case and of an attempt (the forms and the services check them).
CASE_TITLE_MAX = 200
CASE_INTRODUCTION_MAX = 5_000
CASE_DESCRIPTION_MAX = 10_000
CASE_TRANSCRIPT_MAX = 50_000
CASE_EXPLANATION_MAX = 5_000
ATTEMPT_RATIONALE_MAX = 5_000


class ReferenceCaseQuerySet(models.QuerySet["ReferenceCase"]):
    def published(self) -> ReferenceCaseQuerySet:
        return self.filter(published_at__isnull=False)


class ReferenceCase(models.Model):
    """A reference case for calibration: an MIE conversation described per theme, with reference scores.

    It is a draft until a coordinator publishes it (``published_at``); from then on auditors
    may score it and nothing of it changes, because their attempts were scored against it.
    It keeps the MIE version it was written for, whose themes and scale it uses.
    """

    title = models.CharField(_("title"), max_length=CASE_TITLE_MAX)
    introduction = models.TextField(
        _("introduction"),
        blank=True,
        max_length=CASE_INTRODUCTION_MAX,
        help_text=_("The organisation and the conversation in a few sentences. Leave out the names of real people."),
    )
    instrument_version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="reference_cases")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ReferenceCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "title", "id"]
        verbose_name = _("reference case")
        verbose_name_plural = _("reference cases")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("calibration_case", kwargs={"case_pk": self.pk})

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def instrument(self) -> AuditInstrument:
        return self.instrument_version.audit_instrument


class ReferenceTheme(models.Model):
    """One theme of a reference case: what the conversation showed, the reference score and its explanation."""

    case = models.ForeignKey(ReferenceCase, on_delete=models.CASCADE, related_name="themes")
    theme_id = models.CharField(max_length=8)
    description = models.TextField(_("what the conversation showed"), blank=True, max_length=CASE_DESCRIPTION_MAX)
    transcript = models.TextField(_("transcript"), blank=True, max_length=CASE_TRANSCRIPT_MAX)
    reference_score = models.PositiveSmallIntegerField(_("reference score"), null=True, blank=True)
    explanation = models.TextField(_("explanation of the reference score"), blank=True, max_length=CASE_EXPLANATION_MAX)

    class Meta:
        ordering = ["case", "theme_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "theme_id"],
                name="reference_theme_once_per_case",
                violation_error_message=_("A reference case describes each theme once."),
            ),
            models.CheckConstraint(
                condition=models.Q(reference_score__isnull=True)
                | models.Q(reference_score__gte=1, reference_score__lte=5),
                name="reference_score_on_scale",
                violation_error_message=_("A reference score lies on the scale from 1 to 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} theme {self.theme_id}"


class CalibrationAttemptQuerySet(models.QuerySet["CalibrationAttempt"]):
    def submitted(self) -> CalibrationAttemptQuerySet:
        return self.filter(submitted_at__isnull=False)


class CalibrationAttempt(models.Model):
    """One person's blind scoring of a reference case; final (and compared) once ``submitted_at`` is set.

    One attempt per person per case: after submitting, the reference is known, so a second
    attempt would not be blind.
    """

    case = models.ForeignKey(ReferenceCase, on_delete=models.PROTECT, related_name="attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calibration_attempts")
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    objects = CalibrationAttemptQuerySet.as_manager()

    class Meta:
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user"],
                name="calibration_attempt_once_per_case",
                violation_error_message=_("Each person scores a reference case once."),
            )
        ]
        indexes = [models.Index(fields=["user", "submitted_at"], name="calibration_attempt_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} – {self.case}"


class CalibrationScore(models.Model):
    """One theme's score and rationale in a calibration attempt."""

    attempt = models.ForeignKey(CalibrationAttempt, on_delete=models.CASCADE, related_name="scores")
    theme_id = models.CharField(max_length=8)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    rationale = models.TextField(_("rationale"), blank=True, max_length=ATTEMPT_RATIONALE_MAX)

    class Meta:
        ordering = ["attempt", "theme_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "theme_id"],
                name="calibration_score_once_per_theme",
                violation_error_message=_("An attempt scores each theme once."),
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=1, score__lte=5),
                name="calibration_score_on_scale",
                violation_error_message=_("A score lies on the scale from 1 to 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt} theme {self.theme_id}"
