"""The periodic jobs the worker runs: each at most once a day, whoever asks, in order, and
audited as the system; the tick re-enqueues itself and a second chain dies out."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tsunagu.audit.models import AuditEvent
from tsunagu.reports import periodic
from tsunagu.reports.models import PeriodicOutcome, PeriodicRun

pytestmark = pytest.mark.django_db

TOKYO = dt.timezone(dt.timedelta(hours=9))


def tokyo(hour: int, minute: int = 0, day: int = 4) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=TOKYO)


@pytest.fixture
def commands(monkeypatch):
    """The commands the jobs call, recorded instead of run (each has its own tests)."""
    called: list[str] = []

    def fake_call(name: str, **kwargs):
        called.append(name)
        if name == "audit_verify":
            from django.core.management.base import CommandError

            raise CommandError("監査ログのチェーンが壊れています: 行 3")
        kwargs["stdout"].write(f"{name} ok\n")

    monkeypatch.setattr(periodic, "call_command", fake_call)
    return called


DAILY = [job for job in periodic.JOBS if not job.hourly]
HOURLY = ["notify_abuse_fact_findings_overdue"]


def test_jobs_run_from_their_time_of_day_once_a_day(commands):
    assert [r.job for r in periodic.run_due(tokyo(0, 5))] == HOURLY
    ran = periodic.run_due(tokyo(6, 45))
    assert [r.job for r in ran] == [
        "end_expired_emergencies",
        "audit_verify",
        "prune_db_task_results",
        "notify_monitorings_due",
        *HOURLY,
    ]
    # Later ticks the same day run only what has become due since.
    assert [r.job for r in periodic.run_due(tokyo(7, 40))] == [
        "referrals_escalate",
        "notify_grouphome_reports_overdue",
        "surveys_remind",
        "send_digests",
        *HOURLY,
    ]
    assert [r.job for r in periodic.run_due(tokyo(7, 59))] == []  # the same hour
    assert [r.job for r in periodic.run_due(tokyo(23, 59))] == HOURLY
    assert [c for c in commands if c not in HOURLY] == [job.command for job in DAILY]
    # The next day, all of them again.
    assert len(periodic.run_due(tokyo(8, 0, day=5))) == len(periodic.JOBS)
    assert PeriodicRun.objects.filter(period="2026-12-04").count() == len(DAILY)
    assert PeriodicRun.objects.filter(period__startswith="2026-12-04T").count() == 4


def test_monitorings_are_notified_before_the_digest_when_both_are_late(commands):
    periodic.run_due(tokyo(12, 0))
    assert commands.index("notify_monitorings_due") < commands.index("send_digests")


def test_a_failing_job_is_recorded_and_the_others_still_run(commands):
    ran = {r.job: r for r in periodic.run_due(tokyo(12, 0))}
    assert ran["audit_verify"].outcome == PeriodicOutcome.FAILED
    assert "チェーンが壊れています" in ran["audit_verify"].summary
    assert ran["send_digests"].outcome == PeriodicOutcome.DONE
    assert ran["send_digests"].summary == "send_digests ok"
    events = AuditEvent.objects.filter(action=periodic.ACTION_PERIODIC_RUN)
    assert events.count() == len(periodic.JOBS)
    assert all(e.actor_id is None for e in events)  # the system, not a user
    assert events.get(detail__job="audit_verify").outcome == "failed"


def test_a_job_claimed_by_another_worker_is_not_run_again(commands):
    PeriodicRun.objects.create(
        job="referrals_escalate", period="2026-12-04", started_at=timezone.now()
    )
    ran = periodic.run_due(tokyo(12, 0))
    assert "referrals_escalate" not in [r.job for r in ran]
    assert "referrals_escalate" not in commands


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_run_each_job_once(commands):
    if connection.vendor == "sqlite":
        pytest.skip("one SQLite file in memory per connection: the race needs a shared database")
    results: list[list[PeriodicRun]] = []

    def worker() -> None:
        try:
            results.append(periodic.run_due(tokyo(12, 0)))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.job for batch in results for r in batch) == sorted(
        j.command for j in periodic.JOBS
    )
    assert sorted(commands) == sorted(j.command for j in periodic.JOBS)


def test_the_tick_runs_due_jobs_and_queues_the_next_one(commands, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: tokyo(12, 0))
    result = periodic.run_periodic.call()
    assert len(result) == len(periodic.JOBS)
    [waiting] = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert waiting.task_path == periodic.run_periodic.module_path
    assert waiting.run_after == tokyo(12, 1)
    # The next tick finds one waiting and adds none (a second chain dies out).
    periodic.run_periodic.call()
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1


def test_periodic_start_queues_one_tick_only(capsys):
    call_command("periodic_start")
    call_command("periodic_start")
    assert DBTaskResult.objects.filter(task_path=periodic.run_periodic.module_path).count() == 1
    assert "already queued" in capsys.readouterr().out


def test_the_real_commands_run_through_the_scheduler():
    """No fakes: every job's command exists and runs on an empty database."""
    ran = periodic.run_due(tokyo(12, 0))
    assert {r.job: r.outcome for r in ran} == {j.command: "done" for j in periodic.JOBS}
