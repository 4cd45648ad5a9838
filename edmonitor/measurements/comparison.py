"""The change between two measurements of the same instrument, per item and in total."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from edmonitor.instruments.definition import Item

from .models import Measurement


@dataclass(frozen=True)
class ItemChange:
    item: Item
    first: int | None
    second: int | None

    @property
    def change(self) -> int | None:
        if self.first is None or self.second is None:
            return None
        return self.second - self.first


@dataclass(frozen=True)
class Comparison:
    first: Measurement
    second: Measurement
    items: list[ItemChange]

    @property
    def total_change(self) -> Decimal | None:
        if self.first.total is None or self.second.total is None:
            return None
        return self.second.total - self.first.total


def compare_measurements(first: Measurement, second: Measurement) -> Comparison:
    """Compare item by item; items follow the newer measurement's instrument version."""
    first_scores = {r.item_id: r.score for r in first.responses.all()}
    second_scores = {r.item_id: r.score for r in second.responses.all()}
    items = [
        ItemChange(item=item, first=first_scores.get(item.id), second=second_scores.get(item.id))
        for item in second.instrument.items
    ]
    return Comparison(first=first, second=second, items=items)
