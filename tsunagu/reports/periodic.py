"""The periodic jobs, run by the background worker (django-tasks has no scheduler of its own).

Each job is a management command that cron used to run once a day.  `run_periodic` is a task
that runs the jobs that are due and enqueues itself again `PERIODIC_TICK_SECONDS` later
(`run_after`); `make run` starts the chain (`manage.py periodic_start`) before the worker.

A job is due once a day (Asia/Tokyo) from its time of day on (an hourly one, once an hour); a
worker that was down at that time runs it when it comes back, the same day.  Each run is
claimed by inserting a `PeriodicRun` row keyed on (job, day or hour): the unique key is the
lock, so two workers (or two chains) never run a job twice for one period.  A run that fails
is recorded as failed and not retried until the next period (the commands are idempotent;
`manage.py <command>` reruns one by hand).  Every run leaves an audit row as the system (no
user), besides the rows the commands write themselves.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from tsunagu.audit import services as audit
from tsunagu.audit.actions import register_action
from tsunagu.core.actor import Origin
from tsunagu.reports import jobs
from tsunagu.reports.models import PeriodicOutcome, PeriodicRun

logger = logging.getLogger(__name__)

ACTION_PERIODIC_RUN = register_action("jobs.periodic_run", _("定期処理の実行"))


@dataclass(frozen=True)
class PeriodicJob:
    command: str
    at: dt.time  # local time of day from which it is due
    label: str
    # Due every hour rather than once a day: for deadlines counted in hours (the abuse
    # fact-finding's 48 hours would otherwise be told up to a day late).
    hourly: bool = False


# In the order they run when several are due at once: monitorings are notified before the
# digest mail counts the unread notifications.
JOBS: tuple[PeriodicJob, ...] = (
    PeriodicJob("end_expired_emergencies", dt.time(0, 15), "緊急の根拠の終了"),
    PeriodicJob("audit_verify", dt.time(2, 0), "監査ログの検証"),
    # django-tasks-db keeps a row per task run (a tick a minute): finished ones older than
    # 14 days go.
    PeriodicJob("prune_db_task_results", dt.time(3, 0), "終わったタスクの記録の削除"),
    PeriodicJob("notify_monitorings_due", dt.time(6, 30), "モニタリング期限の通知"),
    PeriodicJob("referrals_escalate", dt.time(7, 0), "受付期限を過ぎた依頼の通知"),
    PeriodicJob(
        "notify_grouphome_reports_overdue", dt.time(7, 10), "期限を過ぎたGH評価報告書の通知"
    ),
    PeriodicJob("surveys_remind", dt.time(7, 15), "調査の回答期限の督促"),
    PeriodicJob("send_digests", dt.time(7, 30), "未読通知のまとめメール"),
    PeriodicJob(
        "notify_abuse_fact_findings_overdue",
        dt.time(0, 0),
        "期限を過ぎた虐待の事実確認の通知",
        hourly=True,
    ),
)


def period_of(moment: dt.datetime, job: PeriodicJob | None = None) -> str:
    """The day (Asia/Tokyo) a job runs for; for an hourly job, the day and the hour."""
    local = timezone.localtime(moment)
    if job is not None and job.hourly:
        return f"{local:%Y-%m-%dT%H}"
    return local.date().isoformat()


def due_jobs(now: dt.datetime) -> list[PeriodicJob]:
    local = timezone.localtime(now).time()
    return [job for job in JOBS if local >= job.at]


def _claim(job: PeriodicJob, period: str, now: dt.datetime) -> PeriodicRun | None:
    """The row that makes this worker the one that runs `job` for `period`, or None when
    another worker (or an earlier tick) already has it."""
    try:
        with transaction.atomic():
            return PeriodicRun.objects.create(job=job.command, period=period, started_at=now)
    except IntegrityError:
        return None


def _run(job: PeriodicJob, run: PeriodicRun) -> PeriodicRun:
    out = io.StringIO()
    try:
        call_command(job.command, stdout=out, stderr=out)
    except Exception as exc:  # one failing job must not stop the others
        logger.exception("periodic job %s failed", job.command)
        run.outcome = PeriodicOutcome.FAILED
        run.summary = f"{type(exc).__name__}: {exc}"[:300]
    else:
        lines = [line for line in out.getvalue().splitlines() if line.strip()]
        run.outcome = PeriodicOutcome.DONE
        run.summary = (lines[-1] if lines else "")[:300]
    run.finished_at = timezone.now()
    run.save(update_fields=["outcome", "summary", "finished_at"])
    audit.record(
        action=ACTION_PERIODIC_RUN,
        origin=Origin.command(f"run_periodic {job.command}"),
        target_type="reports.periodicrun",
        target_id=run.pk,
        outcome="success" if run.outcome == PeriodicOutcome.DONE else "failed",
        detail={"job": job.command, "period": run.period, "outcome": run.outcome},
    )
    return run


def run_due(now: dt.datetime | None = None) -> list[PeriodicRun]:
    """Run every job due at `now` that nobody has run for this period yet."""
    now = now or timezone.now()
    ran = []
    for job in due_jobs(now):
        claimed = _claim(job, period_of(now, job), now)
        if claimed is not None:
            ran.append(_run(job, claimed))
    return ran


def _waiting_ticks() -> int:
    return DBTaskResult.objects.filter(
        task_path=run_periodic.module_path, status=TaskResultStatus.READY
    ).count()


def schedule_next(now: dt.datetime | None = None) -> bool:
    """Enqueue the next tick, unless one is already waiting (a second chain, started by a
    second worker, dies out this way)."""
    if _waiting_ticks():
        return False
    now = now or timezone.now()
    run_after = now + dt.timedelta(seconds=settings.PERIODIC_TICK_SECONDS)
    run_periodic.using(run_after=run_after).enqueue()
    return True


def ensure_scheduled() -> bool:
    """Start the chain when no tick is waiting or running (`manage.py periodic_start`)."""
    busy = DBTaskResult.objects.filter(
        task_path=run_periodic.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    ).exists()
    if busy:
        return False
    run_periodic.enqueue()
    return True


@task()
def run_periodic() -> list[str]:
    """One tick: run what is due, let go of report jobs whose worker was lost, then come back
    after the tick interval."""
    try:
        jobs.fail_stale()
        return [f"{run.job}:{run.outcome}" for run in run_due()]
    finally:
        schedule_next()
