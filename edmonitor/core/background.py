"""Work that runs in the background, with its progress shown to the person who started it.

What can take longer than a page should (the confirm step of a large import: 4–8 s for a file
at the upload limit, bench/README.md "Web import") is a django-tasks task run by a worker
process (``manage.py db_worker``, settings "background tasks"), not by the web request.
Each run is one :class:`~edmonitor.core.models.BackgroundJob`, which the page of the app that
started it shows: its progress while it runs (the page asks :func:`job_status` once a second,
``edmonitor/background.js``; without JavaScript a refresh link), its result when it is ready.

A view starts the work with :func:`start`; the task's function runs it with :func:`run`:

- **Bounded.** One unfinished job per ``key`` (what the work is about, e.g. one upload): a
  second click finds the first job instead of queueing another (a database constraint holds
  this also for two clicks at the same moment). A person has at most
  :data:`MAX_UNFINISHED_PER_OWNER` unfinished jobs; another is refused (:class:`Busy`).
- **Task arguments are JSON**: the job's id and ids of what to work on, never objects; the
  task loads them and checks again that the job's owner still may do the work.
- **Failure**: the work raises :class:`Failed` with the reasons to show (in the owner's
  language, active while the work runs), or any other exception, which the page reports as
  an unexpected error and the worker logs with its traceback (also in the admin, "Tasks
  Database Backend"). What the work changes in one transaction is then not changed at all.
- **Progress**: :class:`Progress` writes the step and how far it is. Inside a transaction a
  write would be seen only at its commit; on PostgreSQL it goes through a second connection
  of its own, so the page sees it at once. SQLite lets one writer at a time: there it is
  seen when the transaction commits.
- **Stalled**: a running job that has shown no sign of life for :data:`STALLED_AFTER` (its
  worker was killed, its transaction rolled back) counts as failed, so its key is free again.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django_tasks.base import Task

from .models import BackgroundJob
from .types import Account, User

#: Unfinished jobs one person may have at once; the next one is refused until one is ready.
MAX_UNFINISHED_PER_OWNER = 3
#: A running job without a sign of life this long is taken to have died with its worker.
STALLED_AFTER = dt.timedelta(minutes=15)
#: A job still waiting this long makes its page say that the worker may not be running.
WAITING_LONG_AFTER = dt.timedelta(minutes=1)
#: Finished jobs are deleted this long after they finished (at the next start of any job).
KEEP_FINISHED = dt.timedelta(days=30)
#: Progress is written at most this often (seconds), and always when a step is complete.
PROGRESS_INTERVAL = 0.25

Work = Callable[[BackgroundJob, "Progress"], dict[str, Any]]


class Busy(Exception):
    """The person already has :data:`MAX_UNFINISHED_PER_OWNER` unfinished jobs: nothing was queued."""


class Failed(Exception):
    """The work cannot be done, for the reasons given (shown to the owner); what it changed is rolled back."""

    def __init__(self, *problems: str) -> None:
        super().__init__("; ".join(problems))
        self.problems = [str(p) for p in problems]


def _fail_stalled(jobs: QuerySet[BackgroundJob]) -> None:
    """Those of ``jobs`` running without a sign of life for :data:`STALLED_AFTER` fail."""
    now = timezone.now()
    cutoff = now - STALLED_AFTER
    jobs.filter(status=BackgroundJob.Status.RUNNING, updated_at__lt=cutoff).update(
        status=BackgroundJob.Status.FAILED, finished_at=now, updated_at=now
    )


def start(task: Task[..., Any], *, owner: Account, key: str, **arguments: Any) -> BackgroundJob:
    """Queue ``task`` for ``owner``'s work on ``key``: the new job, or the unfinished job of ``key``.

    The task is called as ``task(job_id, **arguments)``; ``arguments`` must be JSON (ids, not
    objects). Raises :class:`Busy` when the owner already has too many unfinished jobs.
    """
    now = timezone.now()
    BackgroundJob.objects.filter(finished_at__lt=now - KEEP_FINISHED).delete()
    _fail_stalled(BackgroundJob.objects.filter(key=key))
    existing = BackgroundJob.objects.unfinished().filter(key=key).first()
    if existing is not None:
        return existing
    mine = BackgroundJob.objects.unfinished().filter(owner=owner)
    _fail_stalled(mine)
    if mine.count() >= MAX_UNFINISHED_PER_OWNER:
        raise Busy
    try:
        with transaction.atomic():
            job = BackgroundJob.objects.create(owner=owner, key=key, language=translation.get_language() or "")
    except IntegrityError:  # a second click at the same moment created it first
        return BackgroundJob.objects.unfinished().get(key=key)
    try:
        queued = task.enqueue(str(job.pk), **arguments)
    except BaseException:
        now = timezone.now()
        BackgroundJob.objects.filter(pk=job.pk).update(status=BackgroundJob.Status.FAILED, finished_at=now)
        raise
    BackgroundJob.objects.filter(pk=job.pk).update(task_id=str(queued.id))
    job.refresh_from_db()  # a backend that runs tasks at once (the tests') has run it already
    return job


def run(job_id: str, work: Work) -> dict[str, Any]:
    """Run ``work`` for the job (the body of a task): mark it running, then done with its result, or failed.

    A job that is no longer waiting (it ran already, or counted as stalled) is left alone.
    Returns what the job's page reads: its status.
    """
    claimed = BackgroundJob.objects.filter(pk=job_id, status=BackgroundJob.Status.QUEUED).update(
        status=BackgroundJob.Status.RUNNING, updated_at=timezone.now()
    )
    if not claimed:
        return {"status": "skipped"}
    job = BackgroundJob.objects.select_related("owner").get(pk=job_id)
    progress = Progress(job)
    try:
        with translation.override(job.language or None):
            result = work(job, progress)
    except Failed as failed:
        _finish(job, BackgroundJob.Status.FAILED, problems=failed.problems)
        return {"status": BackgroundJob.Status.FAILED}
    except BaseException:
        _finish(job, BackgroundJob.Status.FAILED)
        raise  # the worker logs it with its traceback and records the task as failed
    finally:
        progress.close()
    _finish(job, BackgroundJob.Status.DONE, result=result)
    return {"status": BackgroundJob.Status.DONE}


def _finish(job: BackgroundJob, status: str, *, result: dict[str, Any] | None = None, problems: Any = ()) -> None:
    # By id and whatever the status: a job counted as stalled that finishes after all says how it ended.
    now = timezone.now()
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=status, result=result or {}, problems=list(problems), finished_at=now, updated_at=now
    )


class Progress:
    """How far a running job is: its step (an English message id, ``gettext_noop``) and ``done`` of ``total``."""

    def __init__(self, job: BackgroundJob) -> None:
        self.job_id = job.pk
        self.using = job._state.db or DEFAULT_DB_ALIAS
        self._written = 0.0
        self._side: BaseDatabaseWrapper | None = None

    def step(self, step: str, total: int | None = None) -> None:
        """A new step begins; ``total``: how many things it counts (None: not counted)."""
        self._write(step=step, done=0, total=total)

    def __call__(self, done: int, total: int) -> None:
        """``done`` of ``total`` of the current step are done."""
        if done < total and time.monotonic() - self._written < PROGRESS_INTERVAL:
            return
        self._write(done=done, total=total)

    def _write(self, **fields: Any) -> None:
        self._written = time.monotonic()
        fields["updated_at"] = timezone.now()
        connection = connections[self.using]
        if connection.in_atomic_block and connection.vendor == "postgresql" and self._write_beside(fields):
            return
        # Outside a transaction this is seen at once; inside one (SQLite) when it commits.
        BackgroundJob.objects.using(self.using).filter(pk=self.job_id).update(**fields)

    def _write_beside(self, fields: dict[str, Any]) -> bool:
        """Write through a second connection, seen at once; False when the job is not visible there.

        A job created in the same transaction as the work (a test case, or a caller's
        transaction with a backend that runs tasks at once) is invisible to other connections
        and not locked by them: it is then written through the work's own connection. The
        work's connection never writes the job otherwise, so the second one never waits for it.
        """
        meta = BackgroundJob._meta
        try:
            if self._side is None:
                self._side = connections.create_connection(self.using)
                with self._side.cursor() as cursor:
                    # Never wait for a lock: should the work's connection hold the row after all, write there.
                    cursor.execute("SET lock_timeout = '1s'")
            quote = self._side.ops.quote_name
            # step, done, total, updated_at: plain columns named as their fields
            assignments = ", ".join(f"{quote(name)} = %s" for name in fields)
            with self._side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.attname)} = %s",
                    [*fields.values(), self.job_id],
                )
                return cursor.rowcount == 1
        except DatabaseError:
            return False

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


# --- what the pages show ------------------------------------------------------------------------


def job_of(user: User, pk: uuid.UUID | str) -> BackgroundJob:
    """The job ``pk`` of ``user``; for anyone else it does not exist (404)."""
    job = BackgroundJob.objects.filter(owner_id=user.pk, pk=pk).first() if user.is_authenticated else None
    if job is None:
        raise Http404
    if job.status == BackgroundJob.Status.RUNNING and job.updated_at < timezone.now() - STALLED_AFTER:
        _fail_stalled(BackgroundJob.objects.filter(pk=job.pk))  # a write only then: the page asks every second
        job.refresh_from_db()
    return job


def _number(n: int) -> str:
    return formats.number_format(n, force_grouping=True)


def describe(job: BackgroundJob) -> dict[str, Any]:
    """The job's state as its page and :func:`job_status` show it, in the active language."""
    Status = BackgroundJob.Status
    step = _(job.step) if job.step else ""
    if job.status == Status.QUEUED:
        if job.created_at < timezone.now() - WAITING_LONG_AFTER:
            text = _(
                "This has not started yet. If it stays like this, "
                "ask your administrator whether the background worker is running."
            )
        else:
            text = _("Waiting to start…")
    elif job.status == Status.RUNNING:
        if job.total is not None and step:
            text = _("%(step)s: %(done)s of %(total)s") % {
                "step": step,
                "done": _number(job.done),
                "total": _number(job.total),
            }
        else:
            text = (step or _("Busy")) + "…"
    elif job.status == Status.DONE:
        text = _("Ready.")
    else:
        text = _("Stopped.")
    return {
        "status": job.status,
        "finished": job.finished,
        "step": step,
        "done": job.done,
        "total": job.total,
        "text": text,
    }


def page_context(job: BackgroundJob) -> dict[str, Any]:
    """What the template ``core/background_job.html`` needs: the job, its state, the address of its status."""
    return {"job": job, "progress": describe(job), "status_url": reverse("background_job_status", args=[job.pk])}


def job_status(request: HttpRequest, job_pk: uuid.UUID) -> HttpResponse:
    """The state of one of the user's own jobs, as JSON, for its page to show while it waits."""
    job = job_of(request.user, job_pk)  # first: for anyone else the job does not exist, whatever the method
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    response = JsonResponse(describe(job))
    response["Cache-Control"] = "no-store"
    return response
