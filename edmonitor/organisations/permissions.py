"""Who may do what with an organisation's data: the one place that decides.

Every view that touches organisation data goes through :func:`organisation_for`
or :func:`visible_organisations`; nothing else checks roles. Staff users
(coordinators at a knowledge centre) and superusers may do everything.

An organisation a user may not see answers 404, not 403, so guessing URLs does
not even reveal that it exists.
"""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from .models import Membership, Organisation, OrganisationQuerySet, Role


class Action(StrEnum):
    VIEW = "view"  # read everything of the organisation
    RECORD = "record"  # enter and correct measurements
    MANAGE = "manage"  # edit the organisation, its facilities and members; delete measurements


ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.ADMIN: frozenset({Action.VIEW, Action.RECORD, Action.MANAGE}),
    Role.MEMBER: frozenset({Action.VIEW, Action.RECORD}),
    Role.VIEWER: frozenset({Action.VIEW}),
}

User = AbstractBaseUser | AnonymousUser


def is_coordinator(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_staff or user.is_superuser))


def role_of(user: User, organisation: Organisation) -> str | None:
    if not user.is_authenticated:
        return None
    cache = getattr(user, "_edmonitor_roles", None)
    if cache is None:
        cache = dict(Membership.objects.filter(user=user).values_list("organisation_id", "role"))
        user._edmonitor_roles = cache  # type: ignore[union-attr]
    return cache.get(organisation.pk)


def can(user: User, action: Action, organisation: Organisation) -> bool:
    if not user.is_authenticated:
        return False
    if is_coordinator(user):
        return True
    role = role_of(user, organisation)
    return role is not None and action in ROLE_ACTIONS[role]


def can_undo_import(user: User, batch) -> bool:  # noqa: ANN001 - measurements.ImportBatch, a higher app
    """Whether the user may undo a measurement import as a whole: whoever imported it (while they may still
    record for the organisation) and whoever may manage the organisation. Other project members may not."""
    organisation = batch.organisation
    if can(user, Action.MANAGE, organisation):
        return True
    return batch.created_by_id == user.pk and can(user, Action.RECORD, organisation)


def can_create_organisations(user: User) -> bool:
    return is_coordinator(user)


def can_change_peer_group(user: User) -> bool:
    """Whether the user may change what chooses an organisation's benchmark peers (its sector).

    Programme membership, the other peer group, is managed by coordinators only as well
    (:func:`programme_for` with ``manage``).
    """
    return is_coordinator(user)


def visible_organisations(user: User) -> OrganisationQuerySet:
    if is_coordinator(user):
        return Organisation.objects.all()
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.with_member(user)


def own_people(organisation: Organisation):  # noqa: ANN201 - QuerySet[AUTH_USER_MODEL]
    """The organisation's own people: its members and the auditors of its audits (active accounts)."""
    users = get_user_model().objects.filter(is_active=True)
    linked = Q(memberships__organisation=organisation) | Q(audit_roles__audit__organisation=organisation)
    return users.filter(pk__in=users.filter(linked).values("pk"))


def people_to_choose(user: User, organisation: Organisation):  # noqa: ANN201 - QuerySet[AUTH_USER_MODEL]
    """The accounts ``user`` may name on this organisation's forms (new members, auditors).

    Coordinators may name any active account. Anyone else only the organisation's own
    people: its members and the auditors of its audits. Forms answer "not one of the
    people you can choose" alike for an unknown name and for an account elsewhere, so
    they never tell whether an account exists outside the organisation.
    """
    if is_coordinator(user):
        return get_user_model().objects.filter(is_active=True)
    if not can(user, Action.MANAGE, organisation):
        return get_user_model().objects.none()
    return own_people(organisation)


def organisation_for(user: User, pk: int, action: Action) -> Organisation:
    """The organisation if the user may do ``action``; 404 if they may not see it, else 403."""
    organisation = visible_organisations(user).filter(pk=pk).first()
    if organisation is None:
        raise Http404("No such organisation")
    if not can(user, action, organisation):
        raise PermissionDenied
    return organisation


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


def _audit_models():  # imported late: the audits app builds on this module's app
    from edmonitor.audits import models

    return models


def auditor_of(user: User, audit) -> object | None:  # noqa: ANN001 - Audit, imported late
    """The user's Auditor row for this audit, or None."""
    if not user.is_authenticated:
        return None
    for auditor in audit.auditors.all():
        if auditor.user_id == user.pk:
            return auditor
    return None


def can_audit(user: User, action: AuditAction, audit) -> bool:  # noqa: ANN001
    if not user.is_authenticated:
        return False
    is_auditor = auditor_of(user, audit) is not None
    manages = can(user, Action.MANAGE, audit.organisation)
    if action == AuditAction.VIEW:
        return is_auditor or can(user, Action.VIEW, audit.organisation)
    if action == AuditAction.PLAN:
        return manages and not audit.is_finalised and not audit.anyone_submitted
    if action == AuditAction.SCORE:
        return is_auditor and not audit.is_finalised
    if action == AuditAction.AMEND:
        return (is_auditor or manages) and audit.is_finalised
    if action == AuditAction.TRAIL:
        return is_auditor or manages
    return False


def visible_audits(user: User):  # noqa: ANN201 - AuditQuerySet, imported late
    models = _audit_models()
    if is_coordinator(user):
        return models.Audit.objects.all()
    if not user.is_authenticated:
        return models.Audit.objects.none()
    return models.Audit.objects.filter(
        Q(organisation__in=visible_organisations(user)) | Q(auditors__user=user)
    ).distinct()


def audit_for(user: User, organisation_pk: int, audit_pk: int, action: AuditAction):  # noqa: ANN201
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


def visible_ratings(user: User, audit):  # noqa: ANN001, ANN201 - QuerySet[Rating]
    """The individual ratings of this audit the user may see (the blind-scoring rule)."""
    models = _audit_models()
    ratings = models.Rating.objects.filter(auditor__audit=audit).select_related("auditor__user")
    if not can_audit(user, AuditAction.VIEW, audit):
        return ratings.none()
    if audit.both_submitted:
        return ratings
    return ratings.filter(auditor__user_id=user.pk)


# --- programmes (cohorts) and peer comparisons ---------------------------------------
#
# Coordinators see and manage every programme. Anyone else sees a programme in which
# an organisation they may view takes part; in it, every other organisation is shown
# anonymously ("participant 3"), so a programme report never reveals the name of an
# organisation the user may not see.


def visible_programmes(user: User):  # noqa: ANN201 - QuerySet[Programme], imported late
    from edmonitor.programmes.models import Programme

    if is_coordinator(user):
        return Programme.objects.all()
    if not user.is_authenticated:
        return Programme.objects.none()
    return Programme.objects.filter(participations__organisation__in=visible_organisations(user)).distinct()


def programme_for(user: User, pk: int, *, manage: bool = False):  # noqa: ANN201
    """The programme if visible (else 404); ``manage`` (change it) is for coordinators only (else 403)."""
    programme = visible_programmes(user).filter(pk=pk).first()
    if programme is None:
        raise Http404("No such programme")
    if manage and not is_coordinator(user):
        raise PermissionDenied
    return programme


def can_manage_programmes(user: User) -> bool:
    return is_coordinator(user)


def may_name(user: User, organisation: Organisation) -> bool:
    """Whether a comparison may show this organisation's name to the user (else it is anonymous)."""
    return can(user, Action.VIEW, organisation)
