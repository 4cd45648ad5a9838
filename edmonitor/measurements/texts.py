"""Messages shared by the pages of measurements and of audits (the audits app imports them from here)."""

from __future__ import annotations

from django.utils.translation import ngettext


def judge_again_message(count: int) -> str:
    """What a user is told after a correction opened ``count`` judged goals again."""
    return ngettext(
        "The changes have been saved. The corrected score changes what is proposed for a goal judged "
        "at this follow-up: judge it again.",
        "The changes have been saved. The corrected scores change what is proposed for %(count)s goals "
        "judged at this follow-up: judge them again.",
        count,
    ) % {"count": count}
