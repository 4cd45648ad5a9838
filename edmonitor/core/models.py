"""Records shared by every app: the log of exports and downloads.

Every file that leaves edmonitor (JSON, CSV, Excel, PDF) is written through
:func:`edmonitor.core.downloads.download_response`, which adds a row here, so an
organisation's admins can see who took which data and when.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from edmonitor.organisations.models import Organisation


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
        ordering = ["-at", "-id"]
        verbose_name = _("download")
        verbose_name_plural = _("download log")
        indexes = [models.Index(fields=["organisation", "-at"], name="downloadlog_organisation_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username}: {self.description}"
