"""Test-wide set-up: the Hypothesis profiles (``dev`` unless ``--hypothesis-profile=ci``), an empty
cache for every test, and background tasks run at once.

The database is rolled back after each test, the cache is not: a figure cached by one test
(edmonitor.core.figures) or a rate-limit count (edmonitor.core.throttle) must not reach the next.

Background tasks (:mod:`edmonitor.core.background`) run inside the request that queues them
(django-tasks' ``ImmediateBackend``), so a test sees their result as soon as the request
returns, with no worker. The tests that need the real queue and worker say so
(``edmonitor/core/tests/test_background.py``, and the browser tests in ``e2e/``).
"""

from collections.abc import Iterator

import pytest
from django.core.cache import caches
from django.test import override_settings
from hypothesis import settings

import edmonitor.testing_hypothesis  # noqa: F401 - registers the profiles

settings.load_profile("dev")

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True, scope="session")
def _background_tasks_run_at_once() -> Iterator[None]:
    with override_settings(TASKS=IMMEDIATE_TASKS):
        yield


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    for cache in caches.all(initialized_only=True):
        cache.clear()
    yield
