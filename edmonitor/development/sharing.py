"""Sharing from a personal space: the only way anything in it reaches another person.

Nothing is visible to anyone else until its owner shares it (issue 21 part 2). A share names
one thing (a piece of evidence, one decision record of the story) or one collection (all
evidence of one kind, or the shared parts of the development record), one person or one
intervision group the owner belongs to, and a period; the owner can revoke it at any time.
Every view of shared material is kept for the owner (:class:`~.models.ShareView`) and, by
the access-log middleware, in the access log. The story text and the private notes of the
development record are never part of a share: no function here reads them.

Sharing needs the owner's consent for that use (``ConsentUse.SHARING``); nothing in the
application asks for sharing as a condition of anything else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edmonitor.core.types import Account

from .models import (
    Activity,
    ConsentUse,
    Evidence,
    EvidenceKind,
    IntervisionGroup,
    Share,
    ShareView,
    Space,
    StoryDecision,
)
from .services import Refused, has_consent

MAX_DAYS = 365  # a share lasts at most a year; the owner can share again
MAX_OPEN_SHARES = 100  # shares not yet ended or revoked, per person
RECORD = "record"  # the collection of the development record's shared parts


def collections() -> list[tuple[str, Any]]:
    """The collections one can share: all evidence of one kind, or the development record."""
    kinds = [(kind, gettext_lazy("all my evidence of the kind: %(kind)s") % {"kind": label})
             for kind, label in EvidenceKind.choices]  # fmt: skip
    return [*kinds, (RECORD, gettext_lazy("my development record (without my private notes)"))]


def active(shares: QuerySet[Share], today: dt.date) -> QuerySet[Share]:
    return shares.filter(revoked_at__isnull=True, starts_on__lte=today, ends_on__gte=today)


@transaction.atomic
def share(
    space: Space,
    *,
    what: str,
    person: Account | None = None,
    group: IntervisionGroup | None = None,
    ends_on: dt.date,
    today: dt.date | None = None,
) -> Share:
    """Share ``what`` ("evidence:<id>", "decision:<id>" or "collection:<name>") until ``ends_on`` (inclusive)."""
    today = today or timezone.localdate()
    if not has_consent(space, ConsentUse.SHARING):
        raise Refused([_("First agree that you may share things from your space. You decide; nothing depends on it.")])
    problems = []
    target = _target(space, what)
    if target is None:
        problems.append(_("Choose something of your own to share."))
    if (person is None) == (group is None):
        problems.append(_("Choose one person or one of your intervision groups."))
    elif person is not None and person.pk == space.user_id:
        problems.append(_("You see your own space already; choose someone else."))
    elif group is not None and not group.members.filter(user_id=space.user_id).exists():
        problems.append(_("You can share only with a group you belong to."))
    if ends_on < today:
        problems.append(_("Choose an end date from today on."))
    elif (ends_on - today).days > MAX_DAYS:
        problems.append(_("A share lasts at most %(days)s days. You can share again later.") % {"days": MAX_DAYS})
    if open_shares(space, today).count() >= MAX_OPEN_SHARES:
        problems.append(_("You have %(count)s open shares. Revoke some first.") % {"count": MAX_OPEN_SHARES})
    if problems or target is None:
        raise Refused(problems)
    return Share.objects.create(space=space, person=person, group=group, starts_on=today, ends_on=ends_on, **target)


def _target(space: Space, what: str) -> dict[str, Any] | None:
    kind, _sep, value = what.partition(":")
    if kind == "collection":
        return {"collection": value} if value in dict(collections()) else None
    if not value.isdigit() or len(value) > 12:
        return None
    if kind == "evidence":
        evidence = Evidence.objects.filter(space=space, pk=int(value)).first()
        return {"evidence": evidence} if evidence else None
    if kind == "decision":
        decision = StoryDecision.objects.filter(space=space, pk=int(value)).first()
        return {"decision": decision} if decision else None
    return None


def open_shares(space: Space, today: dt.date) -> QuerySet[Share]:
    return space.shares.filter(revoked_at__isnull=True, ends_on__gte=today)


@transaction.atomic
def revoke(space: Space, share: Share) -> None:
    if share.space_id != space.pk:
        raise Refused([_("This share is not yours.")])
    if share.revoked_at is None:
        share.revoked_at = timezone.now()
        share.save(update_fields=["revoked_at"])


def shared_with(user: Account, today: dt.date | None = None) -> QuerySet[Share]:
    """The shares that ``user`` may open today: to them by name, or to a group they belong to."""
    today = today or timezone.localdate()
    mine = Q(person=user) | Q(group__members__user=user)
    shares = active(Share.objects.filter(mine), today).exclude(space__user=user).distinct()
    return shares.select_related("space__user", "evidence", "decision", "group")


@dataclass(frozen=True)
class Shared:
    """What a recipient sees of one share: never the story, never a private note."""

    share: Share
    evidence: list[Evidence]
    decisions: list[StoryDecision]
    activities: list[Activity]


def open_share(user: Account, share_pk: int) -> Shared:
    """The shared material of an active share to ``user``, recorded for the owner; else "not found"."""
    found = get_object_or_404(shared_with(user), pk=share_pk)
    ShareView.objects.create(share=found, viewer=user, viewer_name=user.get_full_name() or user.get_username())
    evidence: QuerySet[Evidence] = Evidence.objects.none()
    if found.evidence_id is not None:
        evidence = Evidence.objects.filter(pk=found.evidence_id)
    elif found.collection in EvidenceKind.values:
        evidence = found.space.evidence.filter(kind=found.collection)
    activities = Activity.objects.none()
    if found.collection == RECORD:
        activities = found.space.activities.defer("private_note")
    decisions = StoryDecision.objects.none()
    if found.decision_id is not None:
        decisions = StoryDecision.objects.filter(pk=found.decision_id)
    return Shared(
        share=found,
        evidence=list(evidence.prefetch_related("items")),
        decisions=list(decisions),
        activities=list(activities),
    )


def label(share: Share) -> str:
    """What a share is of, in a few words."""
    if share.evidence_id is not None and share.evidence is not None:
        return share.evidence.title
    if share.decision_id is not None and share.decision is not None:
        return _("decision about my story: %(audience)s") % {"audience": share.decision.audience}
    return str(dict(collections()).get(share.collection, share.collection))


def choices(space: Space) -> list[tuple[str, list[tuple[str, str]]]]:
    """What the owner can share, grouped for a select box."""
    evidence = [(f"evidence:{e.pk}", f"{e.title} ({e.occurred_on:%d-%m-%Y})") for e in space.evidence.all()[:500]]
    decisions = [(f"decision:{d.pk}", f"{d.audience} ({d.decided_on:%d-%m-%Y})") for d in space.story_decisions.all()]
    groups = [
        (_("One piece of evidence"), evidence),
        (_("One decision about using my story"), decisions),
        (_("A collection"), [(f"collection:{key}", str(name)) for key, name in collections()]),
    ]
    return [(name, options) for name, options in groups if options]
