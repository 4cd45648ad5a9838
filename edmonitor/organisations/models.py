"""Organisations, their facilities (voorzieningen) and who may work on them.

Access to an organisation's data is decided in one place, :mod:`permissions`,
from the :class:`Membership` role; the querysets here only offer the filters.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from edmonitor.core.types import Account


class Sector(models.TextChoices):
    MENTAL_HEALTH = "mental_health", _("Mental-health care")
    ADDICTION = "addiction", _("Addiction care")
    SHELTERED_HOUSING = "sheltered_housing", _("Sheltered housing")
    SOCIAL_SHELTER = "social_shelter", _("Social shelter")
    SOCIAL_DOMAIN = "social_domain", _("Social domain")
    OTHER = "other", _("Other")


class Role(models.TextChoices):
    """A user's role in one organisation, from most to least rights."""

    ADMIN = "admin", _("Organisation admin")
    MEMBER = "member", _("Project member")
    VIEWER = "viewer", _("Viewer (read only)")


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def with_member(self, user: Account) -> OrganisationQuerySet:
        return self.filter(memberships__user=user).distinct()


class Organisation(models.Model):
    """A care organisation (instelling) whose implementation of lived-experience expertise is followed."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices, default=Sector.MENTAL_HEALTH)
    clients = models.PositiveIntegerField(
        _("number of clients"), null=True, blank=True, help_text=_("Determines the size class for items 4a and 5a.")
    )
    staff_fte = models.DecimalField(
        _("total staff (fte)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("All staff in fte (1 fte = 36 hours a week); used for item 1a."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(staff_fte__gte=0) | models.Q(staff_fte__isnull=True),
                name="organisation_staff_fte_not_negative",
                violation_error_message=_("The staff fte cannot be negative."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisation", kwargs={"pk": self.pk})


class Facility(models.Model):
    """A facility (voorziening) of an organisation; measurements may be taken per facility."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="facilities")
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="facility_unique_name_per_organisation",
                violation_error_message=_("This organisation already has a facility with this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role in one organisation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.VIEWER)

    class Meta:
        ordering = ["organisation__name", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                name="membership_one_role_per_user_and_organisation",
                violation_error_message=_("This user already has a role in this organisation."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"


# --- the download log ---------------------------------------------------------------
#
# Every file that leaves edmonitor (JSON, CSV, Excel, PDF) is written through
# :func:`edmonitor.organisations.downloads.download_response`, which adds a row here, so an
# organisation's admins can see who took which data and when.


class DownloadKind(models.TextChoices):
    JSON = "json", "JSON"
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel"
    PDF = "pdf", "PDF"


class DownloadLogQuerySet(models.QuerySet["DownloadLog"]):
    def of(self, organisation: Organisation) -> DownloadLogQuerySet:
        return self.filter(organisation=organisation)


class DownloadLog(models.Model):
    """One export or download: who, what, of which organisation, when.

    ``username`` is kept beside ``user`` so the row still says who it was after the
    account is deleted. ``organisation`` is empty for an export spanning organisations
    (for instance a programme report), which only staff read, in the admin.
    """

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    username = models.CharField(_("user name"), max_length=150)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="downloads",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=DownloadKind.choices)
    description = models.CharField(_("description"), max_length=300)
    filename = models.CharField(_("file name"), max_length=200)

    objects = DownloadLogQuerySet.as_manager()

    class Meta:
        db_table = "core_downloadlog"  # made by core's first migration, before the model moved here
        ordering = ["-at", "-id"]
        verbose_name = _("download")
        verbose_name_plural = _("download log")
        indexes = [models.Index(fields=["organisation", "-at"], name="downloadlog_organisation_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username}: {self.description}"
