"""Who may do what with an MIE audit: the audits' rules, built on the organisation's roles.

The one decision point stays :mod:`edmonitor.organisations.permissions` (roles, coordinators,
what a user may see of an organisation); the rules here add what belongs to audits: the two
auditors, the audit's phase, and blind scoring.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from edmonitor.core.types import signed_in
from edmonitor.organisations.permissions import Access, User, can, is_coordinator, visible_organisations

from . import models

# --- MIE audits ------------------------------------------------------------------
#
# An audit is visible to everyone who may view its organisation and to its two
# auditors (who may come from another organisation). What each may do depends on
# the audit's phase. Individual scores are blind: until both auditors have
# submitted, a user sees only their own ratings — whatever their role, staff
# included. Every page, export and command reads ratings through
# :func:`visible_ratings`.


class AuditAction(StrEnum):
    VIEW = "view"  # the audit page: plan, shared notes, consensus and report once they exist
    PLAN = "plan"  # change date, facility, auditors, participants (before any auditor has submitted)
    SCORE = "score"  # notes, own scores, consensus, report text, finalise: the two auditors, until finalised
    AMEND = "amend"  # correct a finalised audit, with a reason: the auditors and the organisation's admins
    TRAIL = "trail"  # read the audit trail: the auditors and the organisation's admins


def auditor_of(user: User, audit: models.Audit) -> models.Auditor | None:
    """The user's Auditor row for this audit, or None."""
    if not user.is_authenticated:
        return None
    for auditor in audit.auditors.all():
        if auditor.user_id == user.pk:
            return auditor
    return None


def can_audit(user: User, action: AuditAction, audit: models.Audit) -> bool:
    if not user.is_authenticated:
        return False
    is_auditor = auditor_of(user, audit) is not None
    manages = can(user, Access.MANAGE, audit.organisation)
    if action == AuditAction.VIEW:
        return is_auditor or can(user, Access.VIEW, audit.organisation)
    if action == AuditAction.PLAN:
        return manages and not audit.is_finalised and not audit.anyone_submitted
    if action == AuditAction.SCORE:
        return is_auditor and not audit.is_finalised
    if action == AuditAction.AMEND:
        return (is_auditor or manages) and audit.is_finalised
    if action == AuditAction.TRAIL:
        return is_auditor or manages
    return False


def visible_audits(user: User) -> models.AuditQuerySet:
    if is_coordinator(user):
        return models.Audit.objects.all()
    if not user.is_authenticated:
        return models.Audit.objects.none()
    return models.Audit.objects.filter(
        Q(organisation__in=visible_organisations(user)) | Q(auditors__user=user)
    ).distinct()


def audit_for(user: User, organisation_pk: int, audit_pk: int, action: AuditAction) -> models.Audit:
    """The audit if the user may do ``action``; 404 if they may not see it, else 403."""
    audit = (
        visible_audits(user)
        .filter(pk=audit_pk, organisation_id=organisation_pk)
        .select_related("organisation", "facility", "instrument_version")
        .prefetch_related("auditors__user")
        .first()
    )
    if audit is None:
        raise Http404("No such audit")
    if not can_audit(user, action, audit):
        raise PermissionDenied
    return audit


def visible_ratings(user: User, audit: models.Audit) -> QuerySet[models.Rating]:
    """The individual ratings of this audit the user may see (the blind-scoring rule)."""
    ratings = models.Rating.objects.filter(auditor__audit=audit).select_related("auditor__user")
    if not can_audit(user, AuditAction.VIEW, audit):
        return ratings.none()
    if audit.both_submitted:
        return ratings
    return ratings.filter(auditor__user=signed_in(user))
