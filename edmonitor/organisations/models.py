"""Organisations, their facilities (voorzieningen) and who may work on them.

Access to an organisation's data is decided in one place, :mod:`permissions`,
from the :class:`Membership` role; the querysets here only offer the filters.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
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
    require_second_factor = models.BooleanField(
        _("members must use two-step verification"),
        default=False,
        help_text=_(
            "Everyone with a role in this organisation then logs in with a password and a code from an app on "
            "their phone. Whoever has not set it up yet does that at their next login."
        ),
    )
    second_factor_by_sso = models.BooleanField(
        _("our identity provider asks for a second factor"),
        default=False,
        help_text=_(
            "Tick this only if your organisation's own login (single sign-on) always asks for a second "
            "factor. People who log in that way then do not type a code from edmonitor's app as well."
        ),
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


class EmailDomain(models.Model):
    """An e-mail domain an organisation has linked, so its people log in with their own organisation account.

    Someone who logs in by single sign-on with a verified address at this domain, and has no
    account yet, gets one, with the viewer role in this organisation (edmonitor/accounts/sso.py).
    Only coordinators link domains: a domain decides who may join an organisation.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="email_domains")
    domain = models.CharField(_("e-mail domain"), max_length=253, unique=True)

    class Meta:
        ordering = ["domain"]
        verbose_name = _("e-mail domain")
        verbose_name_plural = _("e-mail domains")
        constraints = [models.CheckConstraint(condition=models.Q(domain=Lower("domain")), name="domain_lowercase")]

    def __str__(self) -> str:
        return self.domain


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


# --- the access log (NEN 7513) ----------------------------------------------------------
#
# Who reached which of an organisation's data, when, how and from where: every page view of
# an organisation's data, every export and every change (recorded by
# :mod:`edmonitor.organisations.access_log`), and every login, logout and failed login.
# Nothing in the application changes or removes a row; on PostgreSQL a trigger refuses it
# too. Only the purge command removes rows older than the retention period (settings.py,
# EDMONITOR_ACCESS_LOG_RETENTION_DAYS), and it records its own run.


class DownloadKind(models.TextChoices):
    """The file format of an export."""

    JSON = "json", "JSON"
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel"
    PDF = "pdf", "PDF"


class AccessAction(models.TextChoices):
    VIEW = "view", _("viewed")
    EXPORT = "export", _("exported")
    CHANGE = "change", _("changed")
    LOGIN = "login", _("signed in")
    LOGOUT = "logout", _("signed out")
    LOGIN_FAILED = "login_failed", _("sign-in failed")
    PURGE = "purge", _("old entries removed")


class AccessCategory(models.TextChoices):
    """What kind of data an entry is about, for reading and filtering the log."""

    ORGANISATION = "organisation", _("Organisation, facilities and members")
    MEASUREMENT = "measurement", _("Measurements (VIE)")
    AUDIT = "audit", _("Audits (MIE)")
    REPORT = "report", _("Reports and comparisons")
    IMPROVEMENT = "improvement", _("Improvement plan")
    PROGRAMME = "programme", _("Programmes")
    SHARED = "shared", _("Development records shared by a person")
    ACCESS_LOG = "access_log", _("This access log")
    SIGN_IN = "sign_in", _("Signing in and out")
    OTHER = "other", _("Other")


class AppendOnly(Exception):
    """Raised when code tries to change or remove an entry of the access log."""


class AccessEventQuerySet(models.QuerySet["AccessEvent"]):
    def of(self, organisation: Organisation) -> AccessEventQuerySet:
        """What the organisation's admins read: events on its data, and the logins and logouts of its members."""
        members = Membership.objects.filter(organisation=organisation).values("user_id")
        own = models.Q(organisation=organisation)
        sign_ins = models.Q(organisation__isnull=True, user_id__in=members) & models.Q(
            action__in=[AccessAction.LOGIN, AccessAction.LOGOUT]
        )
        return self.filter(own | sign_ins)

    def exports(self) -> AccessEventQuerySet:
        return self.filter(action=AccessAction.EXPORT)

    def update(self, **kwargs: object) -> int:
        raise AppendOnly("the access log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnly("the access log is append-only: old entries go with the purge_access_log command")


class AccessEvent(models.Model):
    """One access: who, when, what (kind and id), of which organisation, the action, the client address.

    ``user`` and ``organisation`` are references without a database constraint, so the
    entry outlives a deleted account or organisation; ``username`` keeps who it was.
    ``organisation`` is empty for a login or logout and for pages that span organisations
    (a programme, the agreement statistics), which staff read in the admin.
    """

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    username = models.CharField(_("user name"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    action = models.CharField(_("action"), max_length=16, choices=AccessAction.choices)
    category = models.CharField(_("kind"), max_length=16, choices=AccessCategory.choices)
    kind = models.CharField(_("page"), max_length=64, help_text=_("What was reached: the name of the page."))
    object_id = models.PositiveBigIntegerField(_("object"), null=True, blank=True)
    path = models.CharField(_("address"), max_length=300, blank=True)
    client = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    file_format = models.CharField(_("file format"), max_length=8, choices=DownloadKind.choices, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [
            models.Index(fields=["organisation", "-at"], name="accessevent_organisation_at"),
            models.Index(fields=["user", "-at"], name="accessevent_user_at"),
            models.Index(fields=["action", "-at"], name="accessevent_action_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username or '-'} {self.action} {self.kind} {self.object_id or ''}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise AppendOnly("the access log is append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnly("the access log is append-only: old entries go with the purge_access_log command")
