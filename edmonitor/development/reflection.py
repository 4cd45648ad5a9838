"""The reflection log: questions to ask yourself before and after using your own story or expertise.

The questions come from the basic curriculum (002, intermezzo "Het eigen verhaal", section
"Inzetten van ervaringsdeskundigheid", the assignment for pairs or groups): before, how you
want to use it, whether you feel strong enough, what you tell and what not, and how to make it
come across; afterwards, whether you are satisfied, which feedback you want to explore, what
went well and what did not, what you would do differently, and how (with what support). They
are written here in our own words. A reflection may be about one of the six critical
professional situations or the two pillars (004 §1.6–1.7): its ``Evidence.about``.

This module holds data and read-only helpers; saving a reflection is
:func:`edmonitor.development.services.save_evidence` (kind ``reflection``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from edmonitor.knowledge.models import Entry, cite

from .models import Evidence, EvidenceKind, Space

# Knowledge entries a reflection may be about: the pillars (004 §1.6) and the critical situations (004 §1.7).
ABOUT_KINDS = ("critical_situation", "pillar")
SOURCE, SECTION = "002", "Intermezzo: Het eigen verhaal – Inzetten van ervaringsdeskundigheid"


@dataclass(frozen=True)
class Question:
    key: str
    moment: str  # "before" or "after"
    text: Any  # a lazy translation


QUESTIONS: tuple[Question, ...] = (
    Question("before_how", "before", _("How do you want to use your story or your experience here?")),
    Question("before_strength", "before", _("Do you feel strong enough to do this?")),
    Question("before_tell", "before", _("What will you tell, and what will you keep to yourself?")),
    Question("before_impact", "before", _("How can you make your story come across with strength?")),
    Question("after_satisfied", "after", _("Looking back, are you satisfied with how it went?")),
    Question("after_feedback", "after", _("Did you get feedback that you want to look into more deeply?")),
    Question("after_went", "after", _("What went well, and what did not?")),
    Question("after_differently", "after", _("What do you want to do differently next time?")),
    Question("after_support", "after", _("How will you go about that, and do you need support with it?")),
)
QUESTION_KEYS = frozenset(q.key for q in QUESTIONS)
MOMENTS = (("before", _("Before")), ("after", _("Afterwards")))


def citation() -> str:
    """Where the questions come from, as the knowledge base cites a seed."""
    return cite(SOURCE, SECTION)


def about_entries() -> list[Entry]:
    """The six critical professional situations, then the two pillars, in their order."""
    entries = Entry.objects.of_kind(*ABOUT_KINDS)
    return sorted(entries, key=lambda e: (e.kind != "critical_situation", e.order, e.slug))


def log(space: Space) -> dict[str, Any]:
    """The person's reflections grouped by situation or pillar (every one listed, empty or not), then the rest."""
    reflections = list(space.evidence.filter(kind=EvidenceKind.REFLECTION).order_by("-occurred_on", "-pk"))
    entries = about_entries()
    known = {e.slug for e in entries}
    groups = [
        {"entry": e, "title": e.text("title"), "items": [r for r in reflections if r.about == e.slug]} for e in entries
    ]
    other: list[Evidence] = [r for r in reflections if r.about not in known]
    return {"groups": groups, "other": other, "count": len(reflections)}
