"""Feedback a person asks for: from a supervisor, colleagues or clients, also without an account (issue 21).

The person (with the FEEDBACK consent, :class:`~.models.ConsentUse`) names whom they ask and
the question. A random secret makes a one-time link; only its SHA-256 is stored, so the link is
shown once, when it is made. Whoever opens it sees the question and the asker's first name, and
nothing else of the space; the answer lands in the asker's space as evidence of kind
"feedback". After one answer, after its days have passed, or once withdrawn, the link answers
like an unknown one. A request to someone with an account also shows on their own list, where
they answer while signed in — through the same :func:`answer`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from edmonitor.core.types import Account

from .models import MAX_NOTE, MAX_TEXT, ConsentUse, Evidence, EvidenceKind, FeedbackRequest, Space
from .services import Refused, find_account, has_consent

MAX_OPEN = 20  # open requests per person
MIN_DAYS, MAX_DAYS, DEFAULT_DAYS = 1, 30, 14
MAX_NAME = 200
MAX_ANSWER = MAX_TEXT
MAX_TOKEN = 100  # token_urlsafe(32) is 43 characters; anything much longer is not one of ours


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link(token: str, base_url: str) -> str:
    """The whole address of the one-time link, as the invitations build theirs."""
    return base_url.rstrip("/") + reverse("feedback_answer", args=[token])


def open_requests() -> QuerySet[FeedbackRequest]:
    """Requests that can still be answered: not answered, not withdrawn, not expired."""
    return FeedbackRequest.objects.filter(
        answered_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=timezone.now()
    )


def may_ask(space: Space | None) -> bool:
    return space is not None and has_consent(space, ConsentUse.FEEDBACK)


@transaction.atomic
def ask(
    space: Space, *, asked_name: str, question: str, days: int = DEFAULT_DAYS, account: str = ""
) -> tuple[FeedbackRequest, str]:
    """Make a request and its one-time link's secret (returned once, never stored)."""
    if not may_ask(space):
        raise Refused([_("First agree that you ask others for feedback here.")])
    Space.objects.select_for_update().filter(pk=space.pk).first()  # one request at a time: the bound holds
    problems = []
    asked_name, question = asked_name.strip(), question.strip()
    if not asked_name:
        problems.append(_("Say whom you ask."))
    elif len(asked_name) > MAX_NAME:
        problems.append(_("The name is too long (at most %(count)s characters).") % {"count": MAX_NAME})
    if not question:
        problems.append(_("Write your question."))
    elif len(question) > MAX_NOTE:
        problems.append(_("The question is too long (at most %(count)s characters).") % {"count": MAX_NOTE})
    if not MIN_DAYS <= days <= MAX_DAYS:
        problems.append(_("The link works from %(least)s to %(most)s days.") % {"least": MIN_DAYS, "most": MAX_DAYS})
    person = None
    if account.strip():
        person = find_account(account)
        if person is None:
            problems.append(_("There is no account with this user name or e-mail address."))
        elif person.pk == space.user_id:
            problems.append(_("Ask someone else than yourself."))
    if open_requests().filter(space=space).count() >= MAX_OPEN:
        problems.append(
            _("You have %(count)s open requests. Wait for answers or withdraw one first.") % {"count": MAX_OPEN}
        )
    if problems:
        raise Refused(problems)
    token = secrets.token_urlsafe(32)
    request = FeedbackRequest.objects.create(
        space=space,
        asked_name=asked_name,
        person=person,
        question=question,
        token_hash=hash_token(token),
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    return request, token


def by_token(token: str) -> FeedbackRequest | None:
    """The open request behind a link, or None: unknown, used, expired, withdrawn or no longer allowed look alike."""
    if not token or len(token) > MAX_TOKEN:
        return None
    request = open_requests().select_related("space__user").filter(token_hash=hash_token(token)).first()
    return request if request is not None and may_ask(request.space) else None


def inbox(user: Account) -> QuerySet[FeedbackRequest]:
    """Open requests asked of this account, for its own list."""
    return open_requests().filter(person=user).select_related("space__user").order_by("expires_at", "pk")


def for_me(user: Account, pk: int) -> FeedbackRequest | None:
    request = inbox(user).filter(pk=pk).first()
    return request if request is not None and may_ask(request.space) else None


def asker_first_name(request: FeedbackRequest) -> str:
    """All the answer page tells of the asker."""
    return request.space.user.first_name.strip()


@transaction.atomic
def answer(request: FeedbackRequest, *, text: str, name: str = "", by: Account | None = None) -> Evidence:
    """Save the answer as evidence in the asker's space, and close the link for good."""
    locked = open_requests().select_for_update().filter(pk=request.pk).first()
    if locked is None or not may_ask(request.space):
        raise Refused([_("This link no longer works.")])
    text, name = text.strip(), name.strip()
    problems = []
    if not text:
        problems.append(_("Write your feedback."))
    elif len(text) > MAX_ANSWER:
        problems.append(_("The text is too long (at most %(count)s characters).") % {"count": MAX_ANSWER})
    if len(name) > MAX_NAME:
        problems.append(_("The name is too long (at most %(count)s characters).") % {"count": MAX_NAME})
    if problems:
        raise Refused(problems)
    if not name and by is not None:
        name = by.get_full_name() or by.get_username()
    # Stored in the sector's language, like the rest of what people write here.
    title = f"Feedback van {name or locked.asked_name}"[:200]
    evidence = Evidence.objects.create(
        space_id=locked.space_id,
        kind=EvidenceKind.FEEDBACK,
        title=title,
        text=text,
        occurred_on=timezone.localdate(),
    )
    locked.answered_at = timezone.now()
    locked.evidence = evidence
    locked.save(update_fields=["answered_at", "evidence"])
    return evidence


@transaction.atomic
def withdraw(space: Space, request: FeedbackRequest) -> None:
    if request.space_id != space.pk:
        raise Refused([_("This request is not yours.")])
    if request.withdrawn_at is None and request.answered_at is None:
        request.withdrawn_at = timezone.now()
        request.save(update_fields=["withdrawn_at"])
