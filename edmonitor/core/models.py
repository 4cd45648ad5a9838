"""The foundation's one model: a piece of work a person started that runs in the background.

The rules and the functions that use it are in :mod:`edmonitor.core.background`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BackgroundJobQuerySet(models.QuerySet["BackgroundJob"]):
    def unfinished(self) -> BackgroundJobQuerySet:
        """Jobs waiting for the worker or running now."""
        return self.filter(status__in=BackgroundJob.UNFINISHED)


class BackgroundJob(models.Model):
    """Work a person started that runs in the background (a django-tasks task), with its progress and result.

    The page that started it shows its progress to its owner, and its result once it is
    finished: ``result`` (what the work returned, as JSON) when it is done; ``problems`` (why,
    in the owner's language) when it failed, empty when it failed unexpectedly. ``key`` names
    what the work is about (an import: its upload): at most one unfinished job per key, so a
    second click finds the first job instead of queueing another. ``step`` is an English
    message id (``gettext_noop``), translated when shown; ``done`` of ``total`` how far that
    step is (``total`` None: not counted).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting to start")
        RUNNING = "running", _("running")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    UNFINISHED = (Status.QUEUED, Status.RUNNING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)  # in URLs: not guessable
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    language = models.CharField(max_length=16, blank=True)  # the owner's interface language when started
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    step = models.CharField(max_length=200, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    task_id = models.CharField(max_length=64, blank=True)  # the django-tasks result (admin: its traceback)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(default=timezone.now)  # the last sign of life: progress or a new status
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = BackgroundJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("background task")
        verbose_name_plural = _("background tasks")
        indexes = [models.Index(fields=["owner", "status"], name="background_job_owner_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(status__in=["queued", "running"]),
                name="background_job_one_unfinished_per_key",
                violation_error_message=_("This work has already been started."),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "running"], finished_at__isnull=True)
                | models.Q(status__in=["done", "failed"], finished_at__isnull=False),
                name="background_job_finished_at_matches_status",
                violation_error_message=_("A background task's finishing time must match its status."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status}, {self.created_at:%Y-%m-%d %H:%M})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
