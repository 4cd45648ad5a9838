"""Cached figures: computed once while the data stay the same, never shown after the data changed.

Every test runs twice: on the local-memory cache (one server, ``make demo``) and on a real Redis
server (started by ``scripts/ensure-redis.sh``, installed from Debian when missing), as with several
application servers. Each Redis test has a key prefix of its own, so parallel test processes share
the server without sharing keys.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache, caches
from django.db import transaction
from django.test import TestCase, override_settings

from edmonitor.core import figures

ROOT = Path(__file__).resolve().parents[3]


def redis_url() -> str:
    """The test Redis server: EDMONITOR_TEST_REDIS_URL (make test starts it), or started here."""
    url = os.environ.get("EDMONITOR_TEST_REDIS_URL")
    if url:
        return url
    result = subprocess.run(
        [str(ROOT / "scripts" / "ensure-redis.sh")], capture_output=True, text=True, timeout=600, check=True
    )
    return result.stdout.strip()


def locmem() -> dict[str, Any]:
    return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}}


def redis() -> dict[str, Any]:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url(),
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }


@pytest.fixture(params=[locmem, redis], ids=["local-memory", "redis"])
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    with override_settings(CACHES=request.param()):
        yield caches["default"].__class__.__name__
        cache.clear()


class Counter:
    """A figure's computation that counts how often it ran and returns what it is told."""

    def __init__(self, value: Any) -> None:
        self.value = value
        self.calls = 0

    def __call__(self) -> Any:
        self.calls += 1
        return self.value


def test_the_backend_is_what_the_test_says(backend: str) -> None:
    assert backend in ("LocMemCache", "RedisCache")
    cache.set("probe", 1)
    assert cache.get("probe") == 1


def test_a_figure_is_computed_once_while_nothing_changes(backend: str) -> None:
    compute = Counter({"median": 3})
    assert figures.cached("figure", ("org", 1), compute) == {"median": 3}
    assert figures.cached("figure", ("org", 1), compute) == {"median": 3}
    assert compute.calls == 1


def test_other_parts_are_another_figure(backend: str) -> None:
    assert figures.cached("figure", ("org", 1), Counter("one")) == "one"
    assert figures.cached("figure", ("org", 2), Counter("two")) == "two"
    assert figures.cached("other", ("org", 1), Counter("three")) == "three"


def test_a_change_retires_every_figure(backend: str) -> None:
    figures.cached("figure", 1, Counter("old"))
    figures.cached("another", 2, Counter("old too"))
    figures.changed()
    assert figures.cached("figure", 1, Counter("new")) == "new"
    assert figures.cached("another", 2, Counter("new too")) == "new too"


def test_a_figure_that_is_none_or_empty_is_cached_too(backend: str) -> None:
    compute = Counter(None)
    figures.cached("nothing", 1, compute)
    assert figures.cached("nothing", 1, compute) is None
    assert compute.calls == 1


def test_a_lost_version_never_brings_back_an_older_figure(backend: str) -> None:
    # Evicted from a full cache, a scope's version is made again: as a new random token, so the
    # figures stored under the old one are unreachable rather than current again.
    figures.cached("figure", 1, Counter("before"))
    cache.delete("figures:version:data")
    assert figures.cached("figure", 1, Counter("after")) == "after"


def test_another_server_sees_the_change_at_once() -> None:
    # Two servers: two cache clients on one Redis (own connection pools), one key prefix.
    settings_ = redis()["default"]
    from django.core.cache.backends.redis import RedisCache

    first = RedisCache(settings_["LOCATION"], {"KEY_PREFIX": settings_["KEY_PREFIX"]})
    second = RedisCache(settings_["LOCATION"], {"KEY_PREFIX": settings_["KEY_PREFIX"]})
    with override_settings(CACHES={"default": settings_}):
        figures.cached("figure", 1, Counter("old"))  # computed on "the first server"
        version = caches["default"].get("figures:version:data")
        assert first.get("figures:version:data") == second.get("figures:version:data") == version
        figures.changed()  # a write on one server ...
        assert second.get("figures:version:data") != version  # ... is seen by the other at once
        assert figures.cached("figure", 1, Counter("new")) == "new"
        caches["default"].clear()


class InATransaction(TestCase):
    """A write retires the figures when it happens and again when its transaction commits."""

    def test_a_figure_computed_before_the_commit_is_retired_by_the_commit(self) -> None:
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            with transaction.atomic():
                figures.changed()
                # another reader, who cannot see the uncommitted write yet, computes and stores the old figure
                self.assertEqual(figures.cached("figure", 1, Counter("old")), "old")
                figures.changed()  # a second row of the same transaction
                figures.changed()
        self.assertEqual(len(callbacks), 1)  # one retirement per transaction, however many rows
        self.assertEqual(figures.cached("figure", 1, Counter("new")), "new")

    def test_a_rolled_back_transaction_leaves_the_next_one_its_own_retirement(self) -> None:
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            try:
                with transaction.atomic():
                    figures.changed()
                    raise RuntimeError("rolled back")
            except RuntimeError:
                pass
            with transaction.atomic():
                figures.changed()
        self.assertEqual(len(callbacks), 1)

    def test_a_save_of_a_tracked_model_is_a_change(self) -> None:
        from edmonitor.organisations.models import Organisation

        figures.cached("figure", 1, Counter("before"))
        Organisation.objects.create(name="Nieuwe instelling")
        self.assertEqual(figures.cached("figure", 1, Counter("after")), "after")

    def test_a_page_view_is_not_a_change(self) -> None:
        # The access log writes a row on every organisation page: that must not retire the figures, or nothing
        # would stay cached.
        from edmonitor.organisations.models import AccessEvent, Organisation
        from edmonitor.testing import make_user

        organisation = Organisation.objects.create(name="Instelling")
        self.client.force_login(make_user("kees", staff=True))
        compute = Counter("figure")
        figures.cached("figure", 1, compute)
        logged = AccessEvent.objects.count()
        self.assertEqual(self.client.get(f"/organisaties/{organisation.pk}/").status_code, 200)
        self.assertEqual(AccessEvent.objects.count(), logged + 1)  # the page did write
        figures.cached("figure", 1, compute)
        self.assertEqual(compute.calls, 1)


class PerOrganisation:
    """A per-organisation figure's computation: records which organisations it was asked for."""

    def __init__(self, values: dict[int, str]) -> None:
        self.values = values
        self.asked: list[list[int]] = []

    def __call__(self, missing: list[int]) -> dict[int, str]:
        self.asked.append(missing)
        return {pk: self.values[pk] for pk in missing if pk in self.values}


def test_per_organisation_only_the_missing_ones_are_computed(backend: str) -> None:
    compute = PerOrganisation({1: "one", 2: "two", 3: "three"})
    assert figures.cached_per_organisation("values", "w", [1, 2], compute, "none") == {1: "one", 2: "two"}
    assert figures.cached_per_organisation("values", "w", [1, 2, 3, 4], compute, "none") == {
        1: "one",
        2: "two",
        3: "three",
        4: "none",  # left out by the computation: nothing there, and that is cached too
    }
    assert figures.cached_per_organisation("values", "w", [4, 3, 2, 1], compute, "none")[4] == "none"
    assert compute.asked == [[1, 2], [3, 4]]
    figures.cached_per_organisation("values", "other parts", [1], compute, "none")
    assert compute.asked[-1] == [1]


def test_a_change_in_one_organisation_recomputes_that_one_alone(backend: str) -> None:
    compute = PerOrganisation({1: "one", 2: "two", 3: "three"})
    figures.cached_per_organisation("values", "w", [1, 2, 3], compute, "none")
    figures.changed(organisation=2)
    compute.values[2] = "two, changed"
    assert figures.cached_per_organisation("values", "w", [1, 2, 3], compute, "none")[2] == "two, changed"
    assert compute.asked[-1] == [2]
    # the figures of the whole database are retired by it too
    whole = Counter("before")
    figures.cached("whole", 1, whole)
    figures.changed(organisation=3)
    assert figures.cached("whole", 1, Counter("after")) == "after"


def test_a_change_of_no_known_organisation_recomputes_every_one(backend: str) -> None:
    compute = PerOrganisation({1: "one", 2: "two"})
    figures.cached_per_organisation("values", "w", [1, 2], compute, "none")
    figures.changed()  # a bulk write, an instrument version, a programme
    figures.cached_per_organisation("values", "w", [1, 2], compute, "none")
    assert compute.asked == [[1, 2], [1, 2]]


def test_a_lost_organisation_version_never_brings_back_an_older_figure(backend: str) -> None:
    compute = PerOrganisation({1: "before"})
    figures.cached_per_organisation("values", "w", [1], compute, "none")
    cache.delete("figures:version:organisation:1")
    compute.values[1] = "after"
    assert figures.cached_per_organisation("values", "w", [1], compute, "none") == {1: "after"}


class TrackedWrites(TestCase):
    """Each tracked model's save and deletion retires its own organisation's figures, and only those."""

    def setUp(self) -> None:
        from edmonitor.organisations.models import Organisation

        self.mine = Organisation.objects.create(name="Mijn instelling")
        self.other = Organisation.objects.create(name="Andere instelling")
        self.compute = PerOrganisation({self.mine.pk: "mine", self.other.pk: "other"})
        self.pks = [self.mine.pk, self.other.pk]

    def recomputed(self) -> list[int]:
        before = len(self.compute.asked)
        figures.cached_per_organisation("values", "w", self.pks, self.compute, "none")
        return [pk for asked in self.compute.asked[before:] for pk in asked]

    def test_a_measurement_its_answers_and_its_deletion(self) -> None:
        from edmonitor.measurements.models import ItemResponse
        from edmonitor.testing import make_measurement

        self.recomputed()
        measurement = make_measurement(self.mine, {"1a": 3})
        self.assertEqual(self.recomputed(), [self.mine.pk])
        response = ItemResponse.objects.get(measurement=measurement, item_id="1a")  # its measurement not loaded
        response.score = 4
        with self.assertNumQueries(2):  # the update, and one query for the way to its organisation
            response.save(update_fields=["score"])
        self.assertEqual(self.recomputed(), [self.mine.pk])
        measurement.delete()
        self.assertEqual(self.recomputed(), [self.mine.pk])

    def test_a_rating_two_steps_from_its_organisation(self) -> None:
        from edmonitor.audits.tests.factories import plan, rate
        from edmonitor.testing import make_user

        first, second = make_user("auditor1"), make_user("auditor2")
        audit = plan(self.other, first, second)
        self.recomputed()
        rate(audit, first, {"1": 3}, submit=False)  # the ratings (and their theme records), as the page saves them
        self.assertEqual(self.recomputed(), [self.other.pk])

    def test_the_organisation_itself_and_a_programme(self) -> None:
        from edmonitor.programmes.models import Programme

        self.recomputed()
        self.mine.name = "Mijn instelling, nieuwe naam"
        self.mine.save()
        self.assertEqual(self.recomputed(), [self.mine.pk])
        Programme.objects.create(name="Programma")  # of no one organisation: every one
        self.assertEqual(sorted(self.recomputed()), sorted(self.pks))
