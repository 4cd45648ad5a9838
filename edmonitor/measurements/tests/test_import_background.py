"""The confirm step of an import runs in the background (issue part 12, section 4).

From the issue: the user sees a page "Bezig met importeren" with progress (rows done of the
total) that updates itself, and without JavaScript a refresh link; when ready the result (what
was imported, the list of imports, undo), or why nothing was imported; a failure leaves nothing
imported and says so; the task checks again that the user may import; another user cannot see
the job (404); a second click on the button shows the job already queued, and a person can
queue only a few jobs at once.

Here tasks run at once inside the request (``edmonitor/conftest.py``), or, where a test must
see a job waiting, are only queued (django-tasks' ``DummyBackend``) and then run as the worker
would run them: the queued task with its queued (JSON) arguments. The real queue with a real
worker: ``edmonitor/core/tests/test_background.py`` and ``e2e/test_imports.py``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import default_task_backend

from edmonitor.core import background
from edmonitor.core.models import BackgroundJob
from edmonitor.measurements import imports, tasks
from edmonitor.measurements.models import ImportBatch, Measurement
from edmonitor.organisations.models import Membership

from .test_import_batches import FILE, ImportTestCase

pytestmark = pytest.mark.both_databases  # progress inside the import's transaction is written per database

QUEUE_ONLY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
ROWS_IN_FILE = FILE.count("\n") - 1  # the header is no measurement


def many_rows(n: int) -> str:
    """A file of ``n`` measurements of GGZ Alfa, each on a day of its own (none looks like another)."""
    start = dt.date(2000, 1, 1)
    rows = [f"GGZ Alfa;{start + dt.timedelta(days=i)};rij {i};3;2\n" for i in range(n)]
    return "organisation;measured_on;label;item_1a;item_2a\n" + "".join(rows)


class ImportInTheBackgroundTests(ImportTestCase):
    def progress_url(self, batch: ImportBatch, job: BackgroundJob) -> str:
        return reverse("measurement_import_progress", args=[self.org_a.pk, batch.pk, job.pk])

    def run_queued(self) -> None:
        """Run every task waiting in the queue, as the worker would: the task with its queued arguments."""
        for queued in default_task_backend.results:  # type: ignore[attr-defined]  # DummyBackend's list
            queued.task.call(*queued.args, **queued.kwargs)

    def test_the_confirm_shows_the_progress_page_with_the_result_and_the_progress_reached_the_total(self):
        response = self.confirm(self.upload(FILE))
        batch, job = ImportBatch.objects.get(), BackgroundJob.objects.get()
        self.assertRedirects(response, self.progress_url(batch, job))
        page = self.client.get(response["Location"])
        self.assertContains(page, '<h1 id="job-heading">De import is klaar</h1>', html=True)
        self.assertContains(page, "3 metingen zijn geïmporteerd.")
        self.assertContains(page, reverse("measurement_imports", args=[self.org_a.pk]))
        self.assertContains(page, reverse("measurement_import_undo", args=[self.org_a.pk, batch.pk]))
        self.assertEqual(Measurement.objects.count(), ROWS_IN_FILE)
        self.assertEqual((job.status, job.step), (BackgroundJob.Status.DONE, tasks.SAVING))
        self.assertEqual((job.done, job.total), (ROWS_IN_FILE, ROWS_IN_FILE))

    def test_progress_is_told_batch_by_batch_up_to_the_total(self) -> None:
        response = self.upload(many_rows(1201))
        batch = ImportBatch.objects.get()
        signature = self.preview_of(response).context["preview"].signature
        reports: list[tuple[int, int]] = []
        done = imports.confirm_import(
            batch,
            rows=imports.read_pending(batch),
            include=(),
            signature=signature,
            user=self.mia,
            progress=lambda done, total: reports.append((done, total)),
        )
        self.assertEqual(done.imported, 1201)
        self.assertEqual(reports[0], (0, 1201))
        self.assertEqual(reports[-1], (1201, 1201))
        self.assertGreater(len(reports), 2)  # told along the way, not only at the start and the end
        counts = [n for n, _total in reports]
        self.assertEqual(counts, sorted(set(counts)))  # always further
        self.assertEqual({total for _n, total in reports}, {1201})

    def test_a_task_that_fails_halfway_imports_nothing_and_the_page_says_so(self):
        # A real failure inside the import's transaction: the database refuses the 501st
        # measurement, after the first 500 were written (as a full disk would).
        table = Measurement._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "CREATE FUNCTION refuse_after_500() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    f"IF (SELECT count(*) FROM {table}) >= 500 THEN RAISE EXCEPTION 'refused by the test'; END IF; "
                    "RETURN NEW; END $$"
                )
                cursor.execute(
                    f"CREATE TRIGGER refuse_after_500 BEFORE INSERT ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION refuse_after_500()"
                )
            else:
                cursor.execute(
                    f"CREATE TRIGGER refuse_after_500 BEFORE INSERT ON {table} "
                    f"WHEN (SELECT count(*) FROM {table}) >= 500 "
                    "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
                )
        upload = self.upload(many_rows(1000))
        with self.assertLogs("django_tasks", level="ERROR"):  # the worker's log names the failed task
            response = self.confirm(upload)
        page = self.client.get(response["Location"])
        job = BackgroundJob.objects.get()
        self.assertEqual((job.status, job.problems), (BackgroundJob.Status.FAILED, []))
        self.assertContains(page, '<h1 id="job-heading">De import is niet gelukt</h1>', html=True)
        self.assertContains(page, "Er is niets geïmporteerd.")
        self.assertContains(page, "Er ging iets mis op de server.")
        self.assertContains(page, f'href="{upload["Location"]}"')  # back to the check: the upload is still there
        self.assertFalse(Measurement.objects.exists())
        self.assertEqual(ImportBatch.objects.get().status, ImportBatch.Status.PENDING)

    @override_settings(TASKS=QUEUE_ONLY)
    def test_the_progress_page_works_without_javascript(self):
        response = self.confirm(self.upload(FILE))
        job = BackgroundJob.objects.get()
        url = response["Location"]
        page = self.client.get(url)
        self.assertContains(page, '<h1 id="job-heading">Bezig met importeren</h1>', html=True)
        self.assertContains(page, 'role="status" aria-live="polite"')
        self.assertContains(page, "Wacht tot het kan beginnen…")
        self.assertContains(page, f'<a href="{url}">Vernieuwen</a>', html=True)
        self.assertContains(page, "<noscript>")
        self.assertContains(page, f'data-job-status="{reverse("background_job_status", args=[job.pk])}"')
        self.assertFalse(Measurement.objects.exists())
        self.run_queued()
        refreshed = self.client.get(url)  # the refresh link
        self.assertContains(refreshed, "3 metingen zijn geïmporteerd.")
        self.assertNotContains(refreshed, "data-job-status")  # nothing left to wait for
        self.assertNotContains(refreshed, "background.js")
        self.assertEqual(Measurement.objects.count(), ROWS_IN_FILE)

    @override_settings(TASKS=QUEUE_ONLY)
    def test_the_status_url_and_the_progress_page_answer_only_the_jobs_owner(self):
        response = self.confirm(self.upload(FILE))
        job = BackgroundJob.objects.get()
        status_url = reverse("background_job_status", args=[job.pk])
        status = self.client.get(status_url)
        self.assertEqual(status["Cache-Control"], "no-store")
        self.assertEqual(
            (status.json()["status"], status.json()["finished"], status.json()["text"]),
            ("queued", False, "Wacht tot het kan beginnen…"),
        )
        for user in (self.alice, self.carol, self.bob):  # an admin of the organisation, staff, an outsider
            self.client.force_login(user)
            self.assertEqual(self.client.get(status_url).status_code, 404, user)
            self.assertEqual(self.client.get(response["Location"]).status_code, 404, user)
        self.client.force_login(self.mia)
        other = reverse("measurement_import_progress", args=[self.org_a.pk, ImportBatch.objects.get().pk + 1, job.pk])
        self.assertEqual(self.client.get(other).status_code, 404)  # the job is not that upload's
        self.run_queued()
        finished = self.client.get(status_url).json()
        self.assertEqual((finished["status"], finished["finished"]), ("done", True))
        self.assertEqual((finished["done"], finished["total"]), (ROWS_IN_FILE, ROWS_IN_FILE))

    @override_settings(TASKS=QUEUE_ONLY)
    def test_a_second_click_shows_the_import_already_queued(self):
        upload = self.upload(FILE)
        first = self.confirm(upload)
        again = self.client.post(upload["Location"], {"action": "confirm", "signature": ""})
        self.assertEqual(again["Location"], first["Location"])
        self.assertRedirects(self.client.get(upload["Location"]), first["Location"])  # the check, too
        self.assertEqual(BackgroundJob.objects.count(), 1)
        self.assertEqual(len(default_task_backend.results), 1)
        self.run_queued()
        self.assertEqual(Measurement.objects.count(), ROWS_IN_FILE)

    @override_settings(TASKS=QUEUE_ONLY)
    def test_a_person_may_have_three_imports_waiting_and_no_more(self):
        uploads = [self.upload(FILE) for _ in range(4)]
        for upload in uploads[:3]:
            self.confirm(upload)
        refused = self.confirm(uploads[3], follow=True)
        self.assertContains(refused, "U hebt al 3 taken die bezig zijn.")
        self.assertEqual(refused.redirect_chain[-1][0], uploads[3]["Location"])  # still at the check
        self.assertEqual(BackgroundJob.objects.count(), background.MAX_UNFINISHED_PER_OWNER)
        self.assertEqual(ImportBatch.objects.filter(status=ImportBatch.Status.PENDING).count(), 4)

    @override_settings(TASKS=QUEUE_ONLY)
    def test_the_task_checks_again_that_the_user_may_import(self):
        response = self.confirm(self.upload(FILE))
        Membership.objects.filter(user=self.mia, organisation=self.org_a).delete()  # while it waited
        self.run_queued()
        job = BackgroundJob.objects.get()
        self.assertEqual(job.status, BackgroundJob.Status.FAILED)
        self.assertEqual(job.problems, ["U mag geen metingen meer importeren voor deze organisatie."])
        self.assertFalse(Measurement.objects.exists())
        self.assertEqual(ImportBatch.objects.get().status, ImportBatch.Status.PENDING)
        self.client.force_login(self.mia)  # ending a membership ends the person's sessions
        self.assertEqual(self.client.get(response["Location"]).status_code, 404)  # the organisation is gone for her

    @override_settings(TASKS=QUEUE_ONLY)
    def test_an_upload_cancelled_elsewhere_is_not_imported(self):
        upload = self.upload(FILE)
        response = self.confirm(upload)
        ImportBatch.objects.all().delete()  # e.g. deleted by the next day's purge
        self.run_queued()
        page = self.client.get(response["Location"])
        self.assertContains(page, "Dit bestand is niet meer op de server.")
        self.assertContains(page, "Er is niets geïmporteerd.")
        self.assertFalse(Measurement.objects.exists())

    @override_settings(TASKS=QUEUE_ONLY)
    def test_an_import_whose_worker_died_counts_as_failed_and_can_be_confirmed_again(self):
        upload = self.upload(FILE)
        response = self.confirm(upload)
        # What a worker killed in the middle leaves: the job running, its last sign of life long ago,
        # the import's transaction rolled back (the upload still waiting).
        long_ago = timezone.now() - background.STALLED_AFTER - dt.timedelta(minutes=1)
        BackgroundJob.objects.update(status=BackgroundJob.Status.RUNNING, updated_at=long_ago)
        page = self.client.get(response["Location"])
        self.assertContains(page, "Er is niets geïmporteerd.")
        self.assertEqual(BackgroundJob.objects.get().status, BackgroundJob.Status.FAILED)
        self.run_queued()  # the dead job's task, should it still come: it does nothing
        self.assertFalse(Measurement.objects.exists())
        second = self.confirm(upload)
        self.assertNotEqual(second["Location"], response["Location"])
        self.run_queued()  # the dead job's task again (nothing), and the new one
        self.assertEqual(Measurement.objects.count(), ROWS_IN_FILE)


class ImportJobServicesTests(ImportTestCase):
    def test_two_unfinished_jobs_of_one_upload_cannot_exist(self):
        key = tasks.job_key(self.org_a.pk, 1)
        BackgroundJob.objects.create(owner=self.mia, key=key)
        with self.assertRaises(IntegrityError), transaction.atomic():
            BackgroundJob.objects.create(owner=self.mia, key=key, status=BackgroundJob.Status.RUNNING)
        # a finished one beside the unfinished one is fine: the key is free for the next confirm
        done = BackgroundJob.Status.DONE
        BackgroundJob.objects.create(owner=self.mia, key=key, status=done, finished_at=timezone.now())
