"""Test-wide set-up: the Hypothesis profiles (``dev`` unless ``--hypothesis-profile=ci``), and an empty
cache for every test.

The database is rolled back after each test, the cache is not: a figure cached by one test
(edmonitor.core.figures) or a rate-limit count (edmonitor.core.throttle) must not reach the next.
"""

from collections.abc import Iterator

import pytest
from django.core.cache import caches
from hypothesis import settings

import edmonitor.testing_hypothesis  # noqa: F401 - registers the profiles

settings.load_profile("dev")


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    for cache in caches.all(initialized_only=True):
        cache.clear()
    yield
