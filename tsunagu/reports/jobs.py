"""Report jobs: a document built in the background by the django-tasks worker, with its
progress on the page (queued → running, step n of m → done or failed) and its files for
download.

Generic on purpose: a kind of report registers a builder (`register(kind, steps, builder)`);
the builder receives the job and a `progress(label)` callback, and returns the files.  The
annual activity report is the first kind (reports/annual.py); the council's report pack can
run through the same runner by registering its own.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks import task

from tsunagu.reports.models import JobStatus, ReportFile, ReportJob

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuiltFile:
    format: str
    filename: str
    content: bytes


Progress = Callable[[str], None]
Builder = Callable[[ReportJob, Progress], list[BuiltFile]]


@dataclass(frozen=True)
class Registered:
    steps: int
    builder: Builder


BUILDERS: dict[str, Registered] = {}

# A job still running this long after it started lost its worker (a restart, a crash): it is
# marked failed by the periodic tick, so that its page stops waiting and says so.
STALE_AFTER = dt.timedelta(minutes=30)


def register(kind: str, *, steps: int, builder: Builder) -> None:
    """`steps`: how many times the builder calls `progress` (the page shows n of m)."""
    BUILDERS[kind] = Registered(steps=steps, builder=builder)


def enqueue(job: ReportJob) -> ReportJob:
    """Queue a saved job for the worker; the task row is written in the caller's transaction,
    so a job whose request rolls back is never run."""
    result = run_report_job.enqueue(job.pk)
    job.task_id = str(result.id)[:64]
    job.save(update_fields=["task_id"])
    return job


def _start(job_id: int) -> ReportJob | None:
    """Mark the job running, once: a job that is not queued any more (a second delivery of
    the task) is left alone."""
    with transaction.atomic():
        claimed = ReportJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=timezone.now()
        )
    if not claimed:
        return None
    return ReportJob.objects.get(pk=job_id)


def run(job_id: int) -> str:
    """Build the job's files (what the worker runs; tests call it directly)."""
    job = _start(job_id)
    if job is None:
        return "skipped"
    registered = BUILDERS.get(job.kind)
    steps = registered.steps if registered else 0
    ReportJob.objects.filter(pk=job.pk).update(steps=steps + 1, step=0)

    def progress(label: str) -> None:
        ReportJob.objects.filter(pk=job.pk).update(step=F("step") + 1, step_label=label[:100])

    try:
        if registered is None:
            raise LookupError(f"no builder for {job.kind!r}")
        with override("ja"):  # the documents are Japanese documents, whoever asked
            files = registered.builder(job, progress)
            with transaction.atomic():
                for built in files:
                    ReportFile.objects.create(
                        job=job,
                        format=built.format,
                        filename=built.filename,
                        content=built.content,
                        size=len(built.content),
                    )
                ReportJob.objects.filter(pk=job.pk).update(
                    status=JobStatus.DONE,
                    step=steps + 1,
                    step_label=_("保存しました"),
                    finished_at=timezone.now(),
                )
    except Exception as exc:  # the page says it failed, the log says why
        logger.exception("report job %s failed", job.pk)
        ReportJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            error=f"{type(exc).__name__}"[:300],
            finished_at=timezone.now(),
        )
        return "failed"
    return "done"


def fail_stale(now: dt.datetime | None = None) -> int:
    """Mark failed the jobs whose worker went away while they ran; the count."""
    now = now or timezone.now()
    return ReportJob.objects.filter(
        status=JobStatus.RUNNING, started_at__lt=now - STALE_AFTER
    ).update(status=JobStatus.FAILED, error="worker lost", finished_at=now)


@task()
def run_report_job(job_id: int) -> str:
    return run(job_id)
