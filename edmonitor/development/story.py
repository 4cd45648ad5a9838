"""'Het eigen verhaal': the person's own story, their decisions about using it, and their consent per use.

The basic curriculum (002, intermezzo "Het eigen verhaal") says the story is the person's own and
need not be shared; its expertise lies in how experience is used, not in what the story says.
So the story text is kept for its owner only: it is shown on the story page and put in the
owner's export, nowhere else, and no share can point at it (``Share`` names evidence, a single
decision record or a collection, never the story). Keeping it needs the person's consent for that
use (``ConsentUse.STORY``), asked separately; withdrawing it deletes the story and every decision
record for real. Withdrawing the consent to share revokes every share, withdrawing the consent to
ask for feedback withdraws every open request.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import MAX_NOTE, MAX_STORY, Consent, ConsentUse, Space, Story, StoryDecision
from .services import Refused, has_consent

MAX_DECISIONS = 1_000  # decision records per person: many years of them, not an unbounded pile
MAX_AUDIENCE = 200
# Where the four steps of forming one's story come from (shown, in our own words, on the story page).
STEPS_SOURCE = ("002", "Intermezzo: Het eigen verhaal – Het vormen van het eigen verhaal")


def _require_story_consent(space: Space) -> None:
    if not has_consent(space, ConsentUse.STORY):
        raise Refused([_("First agree that edmonitor may keep your own story.")])


@transaction.atomic
def withdraw_use_consent(space: Space, use: str) -> int:
    """Withdraw the consent for ``use`` and undo what it allowed; returns how many things were deleted or ended."""
    if use not in ConsentUse.values:
        raise Refused([_("This is not a use you can agree to.")])
    now = timezone.now()
    ended = 0
    if use == ConsentUse.STORY:
        # For real: the story and every decision record (their shares go with them, by cascade).
        ended = Story.objects.filter(space=space).delete()[1].get("development.Story", 0)
        ended += space.story_decisions.all().delete()[1].get("development.StoryDecision", 0)
    elif use == ConsentUse.SHARING:
        ended = space.shares.filter(revoked_at__isnull=True).update(revoked_at=now)
    elif use == ConsentUse.FEEDBACK:
        ended = space.feedback_requests.filter(answered_at__isnull=True, withdrawn_at__isnull=True).update(
            withdrawn_at=now
        )
    Consent.objects.filter(space=space, use=use, withdrawn_at__isnull=True).update(withdrawn_at=now)
    return ended


@transaction.atomic
def save_story(space: Space, text: str) -> Story:
    _require_story_consent(space)
    if len(text) > MAX_STORY:
        raise Refused([_("Your story is too long (at most %(count)s characters).") % {"count": MAX_STORY}])
    story, _created = Story.objects.get_or_create(space=space)
    story.text = text.strip()
    story.save()
    return story


@transaction.atomic
def save_decision(
    space: Space,
    *,
    decided_on: dt.date,
    what: str,
    audience: str,
    purpose: str,
    afterwards: str = "",
    decision: StoryDecision | None = None,
) -> StoryDecision:
    """Make or change one decision record: what of the story, for whom, why, and how it went afterwards."""
    _require_story_consent(space)
    problems = []
    if not what.strip():
        problems.append(_("Write what you tell, or keep to yourself."))
    if not audience.strip():
        problems.append(_("Write for whom it is."))
    if not purpose.strip():
        problems.append(_("Write why you do it."))
    if len(audience) > MAX_AUDIENCE:
        problems.append(_("“For whom” is too long (at most %(count)s characters).") % {"count": MAX_AUDIENCE})
    if any(len(value) > MAX_NOTE for value in (what, purpose, afterwards)):
        problems.append(_("A text is too long (at most %(count)s characters).") % {"count": MAX_NOTE})
    if decision is not None and decision.space_id != space.pk:
        problems.append(_("This decision record is not yours."))
    if decision is None and space.story_decisions.count() >= MAX_DECISIONS:
        problems.append(_("You have reached the maximum of %(count)s decision records.") % {"count": MAX_DECISIONS})
    if problems:
        raise Refused(problems)
    decision = decision or StoryDecision(space=space)
    decision.decided_on, decision.what, decision.audience = decided_on, what.strip(), audience.strip()
    decision.purpose, decision.afterwards = purpose.strip(), afterwards.strip()
    decision.save()
    return decision


@transaction.atomic
def delete_decision(space: Space, decision: StoryDecision) -> None:
    """Delete one decision record for real (and any share of it)."""
    if decision.space_id != space.pk:
        raise Refused([_("This decision record is not yours.")])
    decision.delete()
