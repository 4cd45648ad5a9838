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


class TokenScope(models.TextChoices):
    READ = "read", _("read only")
    WRITE = "write", _("read and write")


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        """Not revoked and not past its expiry date (a token works through the whole of that day)."""
        return self.filter(revoked_at__isnull=True, expires_on__gte=timezone.localdate())


class ApiToken(models.Model):
    """A personal access token for the API (:mod:`edmonitor.accounts.tokens`).

    Only a hash of the token is kept (``digest``, SHA-256 of a random 256-bit secret: a slow
    password hash adds nothing at that entropy); the person sees the token once, when it is
    made. ``prefix`` is its first characters, shown in the list so a person can tell which
    token a program uses. A token never does more than its person may in the browser.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("rights"), max_length=8, choices=TokenScope.choices, default=TokenScope.READ)
    prefix = models.CharField(max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_on = models.DateField(_("valid until"))
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_on >= timezone.localdate()

    @property
    def may_write(self) -> bool:
        return self.scope == TokenScope.WRITE
