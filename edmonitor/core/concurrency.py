"""Optimistic concurrency for forms that two people may save at the same time.

A form remembers a fingerprint of every value it showed. On saving, a value the
user did not change is left alone (so the other person's change survives), and
a value the user changed is written only if nobody else changed it in the
meantime; otherwise the whole save is refused with a :class:`Conflict` naming
the fields, and nothing is written.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any


class Conflict(Exception):
    """Someone else changed these fields since the form was opened."""

    def __init__(self, fields: list[str], current: Mapping[str, Any]) -> None:
        super().__init__(", ".join(fields))
        self.fields = fields
        self.current = dict(current)


def fingerprint(value: Any) -> str:
    data = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:20]


def fingerprints(values: Mapping[str, Any]) -> str:
    """The hidden form value: a JSON object of field name → fingerprint."""
    return json.dumps({k: fingerprint(v) for k, v in values.items()}, sort_keys=True)


def parse_fingerprints(raw: str | None) -> dict[str, str]:
    try:
        parsed = json.loads(raw or "{}")
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in parsed.items()} if isinstance(parsed, dict) else {}


def merge(original: Mapping[str, str], current: Mapping[str, Any], submitted: Mapping[str, Any]) -> dict[str, Any]:
    """The changes to write; raises :class:`Conflict` when both sides changed the same field differently."""
    changes: dict[str, Any] = {}
    conflicts: list[str] = []
    for key, new in submitted.items():
        now = current[key]
        seen = original.get(key)
        if seen is not None and fingerprint(new) == seen:
            continue  # the user left this field as it was shown
        if new == now:
            continue  # nothing to write (perhaps both made the same change)
        if seen is None or fingerprint(now) != seen:
            conflicts.append(key)
        else:
            changes[key] = new
    if conflicts:
        raise Conflict(conflicts, {k: current[k] for k in conflicts})
    return changes
