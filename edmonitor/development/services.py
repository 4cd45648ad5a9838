"""Every change to a development space goes through one function here; the only way in is :func:`space_of`.

A space is read and changed only by its owner: views take the space from ``request.user``
and filter every query by it, so another person's evidence is "not found" whatever their role.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from edmonitor.core.types import Account
from edmonitor.knowledge.models import Entry

from .models import (
    MAX_NOTE,
    MAX_TEXT,
    Assessment,
    Consent,
    ConsentUse,
    Evidence,
    EvidenceItem,
    EvidenceKind,
    EvidenceVersion,
    Level,
    Space,
    Story,
)
from .reflection import ABOUT_KINDS, QUESTION_KEYS

# The items of the competence map, in this order: the 2022 core tasks, the 2014 ones beside them,
# the task areas and the competences of the basic curriculum.
MAP_KINDS = ("core_task", "task_area", "competence")
EXPORT_FORMAT = "edmonitor-development"
EXPORT_VERSION = 1
MAX_LOOKUP = 254  # a user name or an e-mail address
MAX_VERSIONS = 50  # earlier states kept per piece of evidence; the oldest go first


class Refused(Exception):
    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def link_items(links: Any, items: Iterable[str], make: Callable[[str], models.Model]) -> None:
    """Make the links of an object (``links``: its related manager of item rows) exactly ``items``."""
    wanted = set(items)
    links.exclude(item__in=wanted).delete()
    have = set(links.values_list("item", flat=True))
    links.model.objects.bulk_create([make(item) for item in sorted(wanted - have)])


def map_items() -> list[Entry]:
    entries = Entry.objects.of_kind(*MAP_KINDS).select_related("parent")
    rank = {kind: n for n, kind in enumerate(MAP_KINDS)}
    # 2022 before 2014: the current profile first, the earlier one alongside
    return sorted(entries, key=lambda e: (rank[e.kind], "2014" in e.edition, e.order, e.slug))


def kind_groups(entries: Iterable[Entry]) -> list[tuple[str, list[str]]]:
    """Entries grouped by kind and edition, in their order: ("Kerntaken (BCP-E 2022)", [slugs]), …"""
    names = {"core_task": _("Core tasks"), "task_area": _("Task areas"), "competence": _("Competences")}
    groups: dict[str, list[str]] = {}
    for e in entries:
        label = names.get(e.kind, e.kind_label) + (f" ({e.edition})" if e.edition else "")
        groups.setdefault(label, []).append(e.slug)
    return list(groups.items())


def find_account(name_or_email: str) -> Account | None:
    """The one active account with this user name or e-mail address (case does not matter), else None.

    Two accounts with one e-mail address give None: then the person is asked for the user name.
    """
    value = name_or_email.strip()
    if not value or len(value) > MAX_LOOKUP:
        return None
    found = list(
        get_user_model().objects.filter(Q(username__iexact=value) | Q(email__iexact=value), is_active=True)[:2]
    )
    return found[0] if len(found) == 1 else None


def space_of(user: Account) -> Space:
    """The person's space, made when they first agree to keep records here (see :func:`existing_space`)."""
    space, _created = Space.objects.get_or_create(user=user)
    return space


def existing_space(user: Account) -> Space | None:
    """The person's space if they have started one; looking never makes one."""
    return Space.objects.filter(user=user).first()


def give_consent(space: Space) -> None:
    if space.consent_given_at is None:
        space.consent_given_at = timezone.now()
        space.save(update_fields=["consent_given_at"])


def has_consent(space: Space | None, use: str) -> bool:
    """Whether the person has agreed to this use (a ``ConsentUse``) and not withdrawn it."""
    if space is None or space.consent_given_at is None:
        return False
    return space.consents.filter(use=use, withdrawn_at__isnull=True).exists()


@transaction.atomic
def give_use_consent(space: Space, use: str) -> None:
    if use not in ConsentUse.values:
        raise Refused([_("This is not a use you can agree to.")])
    require_consent(space)
    if not has_consent(space, use):
        Consent.objects.create(space=space, use=use)


def _check_items(items: Iterable[str]) -> list[str]:
    wanted = set(items)
    known = set(Entry.objects.of_kind(*MAP_KINDS).filter(slug__in=wanted).values_list("slug", flat=True))
    return sorted(wanted - known)


def require_consent(space: Space) -> None:
    if space.consent_given_at is None:
        raise Refused([_("First say that edmonitor may keep your development records.")])


@transaction.atomic
def assess(space: Space, *, item: str, level: str, on: dt.date, note: str = "") -> Assessment:
    require_consent(space)
    problems = []
    if _check_items([item]):
        problems.append(_("This is not an item of the competence map."))
    if level not in Level.values:
        problems.append(_("Choose how far you show it."))
    if len(note) > MAX_NOTE:
        problems.append(_("The note is too long (at most %(count)s characters).") % {"count": MAX_NOTE})
    if problems:
        raise Refused(problems)
    return Assessment.objects.create(space=space, item=item, level=level, assessed_on=on, note=note.strip())


@transaction.atomic
def save_evidence(
    space: Space,
    *,
    kind: str,
    title: str,
    text: str,
    occurred_on: dt.date,
    items: list[str],
    evidence: Evidence | None = None,
    about: str = "",
    answers: dict[str, str] | None = None,
) -> Evidence:
    """Make or change one piece of evidence and the items it shows (at least one).

    ``about`` names a critical professional situation or pillar (a reflection on it), ``answers``
    the before/after questions of 002 answered (see :mod:`.reflection`). Changing evidence first
    keeps its previous state as an :class:`EvidenceVersion` (at most ``MAX_VERSIONS``).
    """
    require_consent(space)
    problems = []
    if kind not in EvidenceKind.values:
        problems.append(_("Choose what kind of evidence this is."))
    if not title.strip():
        problems.append(_("Give the evidence a title."))
    if len(text) > MAX_TEXT:
        problems.append(_("The text is too long (at most %(count)s characters).") % {"count": MAX_TEXT})
    if not items:
        problems.append(_("Choose at least one item of the map that this evidence shows."))
    elif _check_items(items):
        problems.append(_("Choose items of the competence map only."))
    if evidence is not None and evidence.space_id != space.pk:
        problems.append(_("This evidence is not yours."))
    answers = {key: value.strip() for key, value in (answers or {}).items() if isinstance(value, str) and value.strip()}
    problems.extend(_check_reflection(about, answers))
    if problems:
        raise Refused(problems)
    if evidence is not None:
        _keep_version(evidence, kind, title.strip(), text.strip(), occurred_on, sorted(set(items)), about, answers)
    evidence = evidence or Evidence(space=space)
    evidence.kind, evidence.title, evidence.text, evidence.occurred_on = kind, title.strip(), text.strip(), occurred_on
    evidence.about, evidence.answers = about, answers
    evidence.save()
    link_items(evidence.items, items, lambda item: EvidenceItem(evidence=evidence, item=item))
    return evidence


def _check_reflection(about: str, answers: dict[str, Any]) -> list[str]:
    problems = []
    if about and not Entry.objects.of_kind(*ABOUT_KINDS).filter(slug=about).exists():
        problems.append(_("Choose one of the critical professional situations or pillars, or none."))
    if not set(answers) <= QUESTION_KEYS:
        problems.append(_("Answer the reflection questions of this page only."))
    if any(len(answer) > MAX_NOTE for answer in answers.values()):
        problems.append(_("An answer is too long (at most %(count)s characters).") % {"count": MAX_NOTE})
    return problems


def _keep_version(evidence: Evidence, *new: Any) -> None:
    """Keep the stored state of ``evidence`` as a version if ``new`` differs from it; drop all but the newest ones."""
    old = Evidence.objects.select_for_update().get(pk=evidence.pk)
    items = sorted(old.items.values_list("item", flat=True))
    state = (old.kind, old.title, old.text, old.occurred_on, items, old.about, old.answers)
    if state == tuple(new):
        return
    EvidenceVersion.objects.create(
        evidence=old, kind=old.kind, title=old.title, text=old.text, occurred_on=old.occurred_on, items=items,
        about=old.about, answers=old.answers,
    )  # fmt: skip
    keep = old.versions.order_by("-saved_at", "-pk").values_list("pk", flat=True)[:MAX_VERSIONS]
    old.versions.exclude(pk__in=list(keep)).delete()


@transaction.atomic
def delete_evidence(space: Space, evidence: Evidence) -> None:
    if evidence.space_id != space.pk:
        raise Refused([_("This evidence is not yours.")])
    evidence.delete()


@transaction.atomic
def delete_space(user: Account) -> int:
    """Delete the person's whole space, for real: every assessment, piece of evidence and link. Returns rows removed."""
    removed, _per_model = Space.objects.filter(user=user).delete()
    return removed


def export(user: Account, space: Space | None) -> dict[str, Any]:
    """Everything in the space, as a document another tool can read (format ``edmonitor-development``, version 1)."""
    document: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "person": {"user_name": user.get_username(), "name": user.get_full_name()},
        "consent_given_at": None,
        "assessments": [],
        "evidence": [],
        "activities": [],
        "own_goals": [],
        "shares": [],
        "feedback_requests": [],
        # the person's own attendance in intervision groups (kept by the groups, so here with or without a space)
        "intervision": [
            {
                "group": m.group.name,
                "facilitator": m.facilitator,
                "meetings_present": [
                    {"date": meeting.held_on.isoformat(), "hours": str(meeting.hours)}
                    for meeting in m.group.meetings.filter(present=user).order_by("held_on")
                ],
            }
            for m in user.intervision_groups.select_related("group").order_by("group__name")
        ],
    }
    document |= {"consents": [], "story": None, "story_decisions": []}
    if space is None:
        return document
    story = Story.objects.filter(space=space).first()
    return document | {
        "consents": [
            {"use": c.use, "given_at": _moment(c.given_at), "withdrawn_at": _moment(c.withdrawn_at)}
            for c in space.consents.order_by("given_at", "pk")
        ],
        "story": {"text": story.text, "updated_at": _moment(story.updated_at)} if story else None,
        "story_decisions": [
            {
                "date": d.decided_on.isoformat(),
                "what": d.what,
                "for_whom": d.audience,
                "why": d.purpose,
                "afterwards": d.afterwards,
            }
            for d in space.story_decisions.order_by("decided_on", "pk")
        ],  # fmt: skip
        "consent_given_at": space.consent_given_at.isoformat(timespec="seconds") if space.consent_given_at else None,
        "assessments": [
            {"item": a.item, "level": a.level, "date": a.assessed_on.isoformat(), "note": a.note}
            for a in space.assessments.order_by("assessed_on", "created_at")
        ],
        "evidence": [
            {
                "kind": e.kind,
                "title": e.title,
                "text": e.text,
                "date": e.occurred_on.isoformat(),
                "items": sorted(i.item for i in e.items.all()),
                "about": e.about,
                "answers": e.answers,
                "earlier_versions": [
                    {
                        "saved_at": _moment(v.saved_at),
                        "title": v.title,
                        "text": v.text,
                        "items": v.items,
                        "answers": v.answers,
                    }  # fmt: skip
                    for v in e.versions.all()
                ],
            }
            for e in space.evidence.order_by("occurred_on", "pk").prefetch_related("items", "versions")
        ],
        "activities": [
            {
                "kind": a.kind,
                "title": a.title,
                "date": a.occurred_on.isoformat(),
                "from": a.starts_at.isoformat(timespec="minutes") if a.starts_at else None,
                "until": a.ends_at.isoformat(timespec="minutes") if a.ends_at else None,
                "hours": str(a.hours),
                "participants": a.participants,
                "private_note": a.private_note,
                "confirmed_at": a.confirmed_at.isoformat(timespec="seconds") if a.confirmed_at else None,
                "confirmed_by": a.confirmed_by_name,
            }
            for a in space.activities.order_by("occurred_on", "pk")
        ],
        "own_goals": [{"name": g.name, "rules": g.rules} for g in space.own_goals.order_by("pk")],
        "feedback_requests": [
            {
                "asked_of": r.asked_name,
                "question": r.question,
                "asked_at": _moment(r.created_at),
                "expires_at": _moment(r.expires_at),
                "answered_at": _moment(r.answered_at),
                "withdrawn_at": _moment(r.withdrawn_at),
            }
            for r in space.feedback_requests.order_by("created_at", "pk")
        ],
        "shares": [
            {
                "with": s.person.get_username() if s.person else (s.group.name if s.group else ""),
                "from": s.starts_on.isoformat(),
                "until": s.ends_on.isoformat(),
                "revoked_at": s.revoked_at.isoformat(timespec="seconds") if s.revoked_at else None,
                "views": [{"by": v.viewer_name, "at": v.at.isoformat(timespec="seconds")} for v in s.views.all()],
            }
            for s in space.shares.select_related("person", "group").prefetch_related("views").order_by("pk")
        ],
    }


def _moment(at: dt.datetime | None) -> str | None:
    return at.isoformat(timespec="seconds") if at else None


def overview(space: Space) -> list[dict[str, Any]]:
    """Per map item: the entry, the newest assessment and how many pieces of evidence show it."""
    newest: dict[str, Assessment] = {}
    for a in space.assessments.all():  # newest first (Meta.ordering)
        newest.setdefault(a.item, a)
    counts: dict[str, int] = {}
    for item in EvidenceItem.objects.filter(evidence__space=space).values_list("item", flat=True):
        counts[item] = counts.get(item, 0) + 1
    return [
        {"entry": e, "title": e.text("title"), "assessment": newest.get(e.slug), "evidence": counts.get(e.slug, 0)}
        for e in map_items()
    ]
