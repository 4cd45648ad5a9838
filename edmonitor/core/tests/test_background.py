"""Background jobs (edmonitor/core/background.py): the rules of the module's docstring, and the real queue.

One test runs an import through the real database queue (django-tasks-db) and the real worker's
loop, in this process (``RealQueueTests``); the browser test ``e2e/test_imports.py`` does the same
with ``manage.py db_worker`` as a process of its own beside gunicorn. Everything else runs tasks
at once (``edmonitor/conftest.py``) or only queues them (``DummyBackend``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.test import TestCase, TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import default_task_backend, task
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from edmonitor.core import background
from edmonitor.core.models import BackgroundJob
from edmonitor.measurements.models import ImportBatch, Measurement
from edmonitor.testing import BaseTestCase, make_user

pytestmark = pytest.mark.both_databases  # progress inside a transaction is written per database

QUEUE_ONLY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _count_to(job: BackgroundJob, progress: background.Progress) -> dict[str, Any]:
    progress.step("Saving the measurements", 3)
    for n in (1, 2, 3):
        progress(n, 3)
    return {"counted": 3}


def _refuse(job: BackgroundJob, progress: background.Progress) -> dict[str, Any]:
    raise background.Failed(_("Nothing has been imported."))


@task()
def count_to_three(job_id: str) -> dict[str, Any]:
    return background.run(job_id, _count_to)


@task()
def refuse(job_id: str) -> dict[str, Any]:
    return background.run(job_id, _refuse)


@task()
def broken(job_id: str) -> dict[str, Any]:
    return background.run(job_id, lambda job, progress: {"half": 1 // 0})


class BackgroundJobTests(TestCase):
    mia: User
    lex: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.mia = make_user("mia")
        cls.lex = make_user("lex")

    def test_a_job_runs_its_work_and_keeps_its_result_and_progress(self):
        job = background.start(count_to_three, owner=self.mia, key="count")
        self.assertEqual((job.status, job.result, job.done, job.total), ("done", {"counted": 3}, 3, 3))
        self.assertIsNotNone(job.finished_at)
        self.assertTrue(job.task_id)

    @override_settings(TASKS=QUEUE_ONLY)
    def test_a_second_start_of_the_same_work_finds_the_first_job(self):
        first = background.start(count_to_three, owner=self.mia, key="count")
        second = background.start(count_to_three, owner=self.mia, key="count")
        self.assertEqual(second.pk, first.pk)
        self.assertEqual(len(default_task_backend.results), 1)
        other = background.start(count_to_three, owner=self.mia, key="count another")
        self.assertNotEqual(other.pk, first.pk)

    @override_settings(TASKS=QUEUE_ONLY)
    def test_a_person_has_at_most_three_unfinished_jobs(self):
        for n in range(background.MAX_UNFINISHED_PER_OWNER):
            background.start(count_to_three, owner=self.mia, key=f"count {n}")
        with self.assertRaises(background.Busy):
            background.start(count_to_three, owner=self.mia, key="one too many")
        self.assertEqual(BackgroundJob.objects.count(), 3)
        background.start(count_to_three, owner=self.lex, key="lex's own")  # others are not held up
        for queued in default_task_backend.results:
            queued.task.call(*queued.args, **queued.kwargs)
        background.start(count_to_three, owner=self.mia, key="after the others finished")

    @override_settings(TASKS=QUEUE_ONLY)
    def test_a_job_runs_once(self):
        background.start(count_to_three, owner=self.mia, key="count")
        (queued,) = default_task_backend.results
        self.assertEqual(queued.task.call(*queued.args, **queued.kwargs), {"status": "done"})
        self.assertEqual(queued.task.call(*queued.args, **queued.kwargs), {"status": "skipped"})

    def test_a_refusal_is_told_in_the_language_of_the_person_who_started_it(self):
        with translation.override("en"):
            english = background.start(refuse, owner=self.mia, key="refuse en")
        with translation.override("nl"):
            dutch = background.start(refuse, owner=self.mia, key="refuse nl")
        self.assertEqual((english.status, english.problems), ("failed", ["Nothing has been imported."]))
        self.assertEqual(dutch.problems, ["Er is niets geïmporteerd."])

    def test_an_unexpected_error_fails_the_job_without_reasons_and_is_logged(self):
        with self.assertLogs("django_tasks", level="ERROR") as logged:
            job = background.start(broken, owner=self.mia, key="broken")
        self.assertEqual((job.status, job.problems), ("failed", []))
        self.assertIn("ZeroDivisionError", "\n".join(logged.output))

    @override_settings(TASKS=QUEUE_ONLY)
    def test_the_status_says_how_far_it_is_and_that_the_worker_may_be_down(self):
        job = background.start(count_to_three, owner=self.mia, key="count")
        self.client.force_login(self.mia)
        url = reverse("background_job_status", args=[job.pk])
        self.assertEqual(self.client.get(url).json()["text"], "Wacht tot het kan beginnen…")
        BackgroundJob.objects.update(created_at=timezone.now() - background.WAITING_LONG_AFTER - dt.timedelta(1))
        self.assertIn("of het achtergrondproces draait", self.client.get(url).json()["text"])
        BackgroundJob.objects.update(
            status="running", step="Saving the measurements", done=12000, total=28337, updated_at=timezone.now()
        )
        status = self.client.get(url).json()
        self.assertEqual(status["text"], "Metingen opslaan: 12.000 van 28.337")
        self.assertEqual((status["done"], status["total"], status["finished"]), (12000, 28337, False))

    @override_settings(TASKS=QUEUE_ONLY)
    def test_a_job_is_its_owners_alone(self):
        job = background.start(count_to_three, owner=self.mia, key="count")
        url = reverse("background_job_status", args=[job.pk])
        self.client.force_login(self.lex)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get(url).status_code, 302)  # to the login page
        self.client.force_login(self.mia)
        self.assertEqual(self.client.get(url).status_code, 200)
        self.assertEqual(self.client.post(url).status_code, 405)  # it only tells

    @override_settings(TASKS=QUEUE_ONLY)
    def test_a_running_job_without_a_sign_of_life_counts_as_failed_and_its_work_may_start_again(self):
        job = background.start(count_to_three, owner=self.mia, key="count")
        BackgroundJob.objects.update(status="running", updated_at=timezone.now() - background.STALLED_AFTER)
        again = background.start(count_to_three, owner=self.mia, key="count")
        self.assertNotEqual(again.pk, job.pk)
        job.refresh_from_db()
        self.assertEqual((job.status, job.problems), ("failed", []))

    def test_finished_jobs_are_deleted_a_month_after_they_finished(self):
        old = background.start(count_to_three, owner=self.mia, key="old")
        recent = background.start(count_to_three, owner=self.mia, key="recent")
        BackgroundJob.objects.filter(pk=old.pk).update(finished_at=timezone.now() - background.KEEP_FINISHED)
        background.start(count_to_three, owner=self.lex, key="next")
        self.assertFalse(BackgroundJob.objects.filter(pk=old.pk).exists())
        self.assertTrue(BackgroundJob.objects.filter(pk=recent.pk).exists())


class ProgressInATransactionTests(TransactionTestCase):
    """A real commit is needed to see what another connection sees, hence no TestCase."""

    def seen_elsewhere(self, job: BackgroundJob) -> tuple[int, int | None]:
        """The job's progress as another connection (the progress page's request) reads it."""
        other = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            with other.cursor() as cursor:
                table = other.ops.quote_name(BackgroundJob._meta.db_table)
                cursor.execute(f"SELECT done, total FROM {table} WHERE id = %s", [job.pk.hex])
                row = cursor.fetchone()
        finally:
            other.close()
        return row[0], row[1]

    def test_progress_is_seen_at_once_on_postgresql_and_at_the_commit_on_sqlite(self):
        job = BackgroundJob.objects.create(owner=make_user("mia"), key="count", status="running")
        progress = background.Progress(job)
        try:
            with transaction.atomic():
                progress.step("Saving the measurements", 10)
                progress(10, 10)
                if connection.vendor == "postgresql":
                    self.assertEqual(self.seen_elsewhere(job), (10, 10))  # while the transaction is open
            self.assertEqual(self.seen_elsewhere(job), (10, 10))
        finally:
            progress.close()


@override_settings(TASKS=DATABASE_QUEUE)
class RealQueueTests(TransactionTestCase):
    """The database queue and the worker's loop, as `manage.py db_worker` runs it, for one import."""

    org_a: Any
    mia: User

    def setUp(self) -> None:
        BaseTestCase.setUpTestData.__func__(self)  # type: ignore[attr-defined]  # the named users, on this test

    def test_an_import_waits_in_the_queue_until_the_worker_has_run_it(self):
        self.client.force_login(self.mia)
        csv = "organisation;measured_on;label;item_1a\nGGZ Alfa;2025-03-01;Begin;2\nGGZ Alfa;2026-03-01;Vervolg;4\n"
        upload = self.client.post(
            reverse("measurement_import", args=[self.org_a.pk]), {"file": SimpleUploadedFile("m.csv", csv.encode())}
        )
        signature = self.client.get(upload["Location"]).context["preview"].signature
        response = self.client.post(upload["Location"], {"action": "confirm", "signature": signature})
        batch, job = ImportBatch.objects.get(), BackgroundJob.objects.get()
        self.assertRedirects(response, reverse("measurement_import_progress", args=[self.org_a.pk, batch.pk, job.pk]))

        # queued: the task's arguments are JSON (ids), nothing is imported yet
        queued = DBTaskResult.objects.get()
        self.assertEqual(str(queued.id), job.task_id)
        self.assertEqual(queued.status, "READY")
        self.assertEqual(
            queued.args_kwargs,
            {"args": [str(job.pk)], "kwargs": {"batch_id": batch.pk, "include": [], "signature": signature}},
        )
        page = self.client.get(response["Location"])
        self.assertContains(page, "Bezig met importeren")
        status_url = reverse("background_job_status", args=[job.pk])
        self.assertEqual(self.client.get(status_url).json()["status"], "queued")
        self.assertFalse(Measurement.objects.exists())

        Worker(
            queue_names=["default"],
            interval=0,
            batch=True,  # run what is queued, then stop
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        ).run()

        queued.refresh_from_db()
        self.assertEqual(queued.status, "SUCCESSFUL")
        self.assertEqual(Measurement.objects.count(), 2)
        finished = self.client.get(status_url).json()
        self.assertEqual((finished["status"], finished["done"], finished["total"]), ("done", 2, 2))
        self.assertContains(self.client.get(response["Location"]), "2 metingen zijn geïmporteerd.")
