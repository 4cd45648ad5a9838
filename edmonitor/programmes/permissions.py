"""Who may see and manage programmes: the programmes' rules, built on the organisation's roles.

The one decision point stays :mod:`edmonitor.organisations.permissions`; a comparison names an
organisation only where :func:`~edmonitor.organisations.permissions.may_name` allows it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from edmonitor.organisations.permissions import User, is_coordinator, visible_organisations

from .models import Programme

# --- programmes (cohorts) and peer comparisons ---------------------------------------
#
# Coordinators see and manage every programme. Anyone else sees a programme in which
# an organisation they may view takes part; in it, every other organisation is shown
# anonymously ("participant 3"), so a programme report never reveals the name of an
# organisation the user may not see.


def visible_programmes(user: User) -> QuerySet[Programme]:
    if is_coordinator(user):
        return Programme.objects.all()
    if not user.is_authenticated:
        return Programme.objects.none()
    return Programme.objects.filter(participations__organisation__in=visible_organisations(user)).distinct()


def programme_for(user: User, pk: int, *, manage: bool = False) -> Programme:
    """The programme if visible (else 404); ``manage`` (change it) is for coordinators only (else 403)."""
    programme = visible_programmes(user).filter(pk=pk).first()
    if programme is None:
        raise Http404("No such programme")
    if manage and not is_coordinator(user):
        raise PermissionDenied
    return programme


def can_manage_programmes(user: User) -> bool:
    return is_coordinator(user)
