"""What edmonitor keeps about accounts beside Django's user: the profile and invitations."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edmonitor.audits.models import Audit, Position
from edmonitor.organisations.models import Organisation, Role

# An invitation's link works this long after it was (last) sent.
INVITATION_DAYS = 7


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    language = models.CharField(_("interface language"), max_length=8, choices=settings.LANGUAGES, blank=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.user)


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("waiting for an answer")
    EXPIRED = "expired", _("expired")
    ACCEPTED = "accepted", _("accepted")
    WITHDRAWN = "withdrawn", _("withdrawn")


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def open(self) -> InvitationQuerySet:
        """Not accepted and not withdrawn (pending or expired): what the members page lists."""
        return self.filter(accepted_at__isnull=True, withdrawn_at__isnull=True)


class Invitation(models.Model):
    """An invitation by e-mail: a role in an organisation, or one place as auditor of one audit.

    The link in the mail is signed, holds ``nonce`` and works for :data:`INVITATION_DAYS` days
    after ``sent_at``; sending again makes a new nonce, so an older link stops working. It
    works once: accepting sets ``accepted_at``. See :mod:`edmonitor.accounts.invitations`.
    """

    email = models.EmailField(_("e-mail address"), max_length=254)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    # The role in the organisation; empty for an auditor who is invited for one audit only.
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, blank=True)
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations")
    audit_place = models.PositiveSmallIntegerField(_("auditor place"), null=True, blank=True)
    audit_position = models.CharField(_("internal or external"), max_length=16, choices=Position.choices, blank=True)
    # Needed when the place's current auditor has saved scores: the audit trail keeps it.
    reason = models.TextField(_("reason for replacing an auditor"), blank=True, max_length=2000)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField()
    times_sent = models.PositiveSmallIntegerField(default=1)
    nonce = models.CharField(max_length=32)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(audit__isnull=True) & ~models.Q(role=""))
                | (models.Q(audit__isnull=False, audit_place__in=[1, 2]) & ~models.Q(audit_position="")),
                name="invitation_is_for_a_role_or_an_audit_place",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} – {self.organisation}"

    @property
    def expires_at(self) -> dt.datetime:
        return self.sent_at + dt.timedelta(days=INVITATION_DAYS)

    @property
    def status(self) -> InvitationStatus:
        if self.accepted_at:
            return InvitationStatus.ACCEPTED
        if self.withdrawn_at:
            return InvitationStatus.WITHDRAWN
        if timezone.now() >= self.expires_at:
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING

    def get_status_display(self) -> str:
        return str(self.status.label)
