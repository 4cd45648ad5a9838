"""Programmes (cohorts): a named group of organisations over a period, each with a baseline
and a follow-up measurement, compared the way the LIVE evaluation compared its 18 institutions.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from edmonitor.measurements.models import Measurement
from edmonitor.organisations.models import Organisation


class Programme(models.Model):
    """A group of organisations measured at a baseline and a follow-up, compared in one report (as LIVE was).

    Which measurement counts as each organisation's baseline and follow-up is chosen per
    :class:`Participation`; the programme report recomputes the study's figures from them.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programme", kwargs={"pk": self.pk})

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end lies before the start.")})


class Participation(models.Model):
    """One organisation in a programme, with the measurements that count as its baseline and follow-up."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="participations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="participations", verbose_name=_("organisation")
    )
    baseline = models.ForeignKey(
        Measurement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("baseline measurement"),
    )
    followup = models.ForeignKey(
        Measurement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("follow-up measurement"),
    )

    class Meta:
        ordering = ["programme", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "organisation"],
                name="participation_once",
                violation_error_message=_("This organisation already takes part in the programme."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme}: {self.organisation}"

    def clean(self) -> None:
        errors = {}
        for name in ("baseline", "followup"):
            measurement = getattr(self, name)
            if measurement is not None and measurement.organisation_id != self.organisation_id:
                errors[name] = _("This measurement belongs to another organisation.")
        if self.baseline and self.followup:
            if self.baseline.pk == self.followup.pk:
                errors["followup"] = _("The follow-up must be another measurement than the baseline.")
            elif self.followup.measured_on < self.baseline.measured_on:
                errors["followup"] = _("The follow-up lies before the baseline.")
            elif self.baseline.instrument_version.code != self.followup.instrument_version.code:
                errors["followup"] = _("Baseline and follow-up must use the same instrument.")
        if errors:
            raise ValidationError(errors)
