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
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from edmonitor.core.types import Account, User

from .models import Membership, Organisation, OrganisationQuerySet, Role


class Access(StrEnum):
    VIEW = "view"  # read everything of the organisation
    RECORD = "record"  # enter and correct measurements
    MANAGE = "manage"  # edit the organisation, its facilities and members; delete measurements


ROLE_ACTIONS: dict[str, frozenset[Access]] = {
    Role.ADMIN: frozenset({Access.VIEW, Access.RECORD, Access.MANAGE}),
    Role.MEMBER: frozenset({Access.VIEW, Access.RECORD}),
    Role.VIEWER: frozenset({Access.VIEW}),
}


def is_coordinator(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_staff or user.is_superuser))


def role_of(user: User, organisation: Organisation) -> str | None:
    if not user.is_authenticated:
        return None
    cache = getattr(user, "_edmonitor_roles", None)
    if cache is None:
        cache = dict(Membership.objects.filter(user=user).values_list("organisation_id", "role"))
        user._edmonitor_roles = cache  # type: ignore[attr-defined]  # a cache on the user object, for one request
    return cache.get(organisation.pk)


def can(user: User, action: Access, organisation: Organisation) -> bool:
    if not user.is_authenticated:
        return False
    if is_coordinator(user):
        return True
    role = role_of(user, organisation)
    return role is not None and action in ROLE_ACTIONS[role]


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


def own_people(organisation: Organisation) -> QuerySet[Account]:
    """The organisation's own people: its members and the auditors of its audits (active accounts)."""
    users = get_user_model().objects.filter(is_active=True)
    linked = Q(memberships__organisation=organisation) | Q(audit_roles__audit__organisation=organisation)
    return users.filter(pk__in=users.filter(linked).values("pk"))


def people_to_choose(user: User, organisation: Organisation) -> QuerySet[Account]:
    """The accounts ``user`` may name on this organisation's forms (new members, auditors).

    Coordinators may name any active account. Anyone else only the organisation's own
    people: its members and the auditors of its audits. Forms answer "not one of the
    people you can choose" alike for an unknown name and for an account elsewhere, so
    they never tell whether an account exists outside the organisation.
    """
    if is_coordinator(user):
        return get_user_model().objects.filter(is_active=True)
    if not can(user, Access.MANAGE, organisation):
        return get_user_model().objects.none()
    return own_people(organisation)


def organisation_for(user: User, pk: int, action: Access) -> Organisation:
    """The organisation if the user may do ``action``; 404 if they may not see it, else 403."""
    organisation = visible_organisations(user).filter(pk=pk).first()
    if organisation is None:
        raise Http404("No such organisation")
    if not can(user, action, organisation):
        raise PermissionDenied
    return organisation


def may_name(user: User, organisation: Organisation) -> bool:
    """Whether a comparison may show this organisation's name to the user (else it is anonymous)."""
    return can(user, Access.VIEW, organisation)
