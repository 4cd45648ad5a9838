"""Where to start: the weakest VIE items or MIE themes, each with the advice and dialogue methods linked to it.

The rule is deliberately simple and shown to the user: the (at most
:data:`LIMIT`) items or themes with the lowest score below :data:`BELOW`, ties
in the order of the instrument. What is suggested for each comes from the
suggestion links of the content files: every link carries its reason and the
source it rests on, so nothing is scored behind the user's back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import F

from edmonitor.knowledge.models import SuggestionLink

LIMIT = 3
BELOW = 4  # a 4 or 5 is a good score on every VIE item and MIE theme; no suggestions for those


@dataclass
class Suggestion:
    item: str
    label: Any  # the item's or theme's multilingual title
    score: int
    links: list[SuggestionLink] = field(default_factory=list)


def weakest(scored: list[tuple[str, Any, int | None]], limit: int = LIMIT) -> list[tuple[str, Any, int]]:
    """The lowest-scoring entries of (id, label, score), in instrument order on ties; unscored ones are skipped."""
    ranked = sorted(
        (score, i, item, label) for i, (item, label, score) in enumerate(scored) if score is not None and score < BELOW
    )
    return [(item, label, score) for score, _i, item, label in ranked[:limit]]


def suggestions(instrument: str, scored: list[tuple[str, Any, int | None]]) -> list[Suggestion]:
    """Suggestions for the weakest items of a VIE measurement ("vie") or themes of an MIE audit ("mie")."""
    chosen = weakest(scored)
    if not chosen:
        return []
    links = SuggestionLink.objects.filter(instrument=instrument, item__in=[item for item, _l, _s in chosen])
    links = links.select_related("entry", "method", "source").order_by(F("method").asc(nulls_last=True), "id")
    found = [Suggestion(item=item, label=label, score=score) for item, label, score in chosen]
    by_item = {s.item: s for s in found}
    for link in links:
        by_item[link.item].links.append(link)
    return found
