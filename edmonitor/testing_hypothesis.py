"""Hypothesis profiles for the property tests (issue 16 part 6).

``ci`` (what ``make test`` and CI run: ``--hypothesis-profile=ci``) gives every property test as
many examples as it asks for; ``dev``, the default for a quick local ``pytest``, a quarter of
them. A test asks for its number through :func:`examples`::

    @settings(max_examples=examples(300), deadline=None)
"""

from __future__ import annotations

from hypothesis import settings

# A profile's max_examples is the share of what each test asks for, out of this.
FULL = 100
settings.register_profile("ci", max_examples=FULL, deadline=None)
settings.register_profile("dev", max_examples=FULL // 4, deadline=None)


def examples(wanted: int) -> int:
    """``wanted`` under the ci profile; under another profile its share of it (at least 10)."""
    current = settings.default
    share = current.max_examples if current is not None else FULL
    return max(10, wanted * share // FULL)
