"""The soak of issue 15: SOAK_USERS simulated staff (50) for SOAK_SECONDS (600) against
gunicorn as production runs it (gunicorn.conf.py, 2 workers), reading the key screens and
writing through the API (bench/soak_locustfile.py: progress notes, tasks, task status).

It passes when
- no request failed (locust counts any answer but the expected one, and any connection error);
- no acknowledged write is lost: every note, task and status change the server answered with
  its row is read back from the database after the load, with the text, title or status it
  was given;
- no worker's memory (RSS) grew by 10 % or more from the start of the measured period to its
  end, and no worker was replaced on the way.  The period begins after SOAK_WARMUP seconds of
  the same load (default 60): a fresh worker's first requests load templates, translations
  and caches that are not a leak.  RSS is read every 10 s under load; the start and the end
  are the lowest reading of the period's first and last 30 s (`_memory`).

The soak writes, so it runs on a copy of the dataset (a SQLite backup, or a PostgreSQL
`CREATE DATABASE ... TEMPLATE`) that is removed afterwards: the benchmark's datasets, reused
from run to run by their note count, stay as they were built.

`make bench` runs it on each database's city-scale dataset after the load test (bench/run.py;
SOAK_SECONDS=0 leaves it out) and puts its three results in the table.  `make soak` runs it
alone: on SOAK_DATABASE_URL if given (for instance the demo, `sqlite:///var/tsunagu.sqlite3`,
with SOAK_SECONDS=60 to try it), else on the city-scale dataset of the first of
BENCH_DATABASES that `make bench` builds or reuses.  Run it alone on the machine.

Environment: SOAK_SECONDS (600), SOAK_USERS (50), SOAK_WARMUP (60), SOAK_THINK ("1-3"
seconds between a user's requests), SOAK_SPAWN_RATE (10 users/s), BENCH_WORKERS (2).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import sqlite3
import subprocess  # runs our own tools with fixed arguments
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.report import parse_locust_stats, soak_rows  # noqa: E402
from bench.run import (  # noqa: E402
    BIN,
    HERE,
    PYTHON,
    VAR,
    base_env,
    children,
    env_int,
    free_port,
    log,
    memory_mb,
    serve,
    stop,
)

MAX_GROWTH = 0.10
SAMPLE_EVERY = 10  # seconds between two readings of the workers' memory
WINDOW = 30  # seconds at the start and at the end of the period whose readings count

# The accounts: the city's staff of `seed_scale` (as bench/run.py), else the demo's staff who
# sign in with the demo password; each with the open cases its organization leads, which it
# may write to, and their persons to read.
TARGETS_CODE = """
import json, sys, django
django.setup()
from tsunagu.cases.models import Case, CaseStatus
from tsunagu.demo import DEMO_PASSWORD
from tsunagu.organizations.models import Membership, OrganizationKind
from tsunagu.referrals.models import Referral
current = (Membership.objects.current().select_related("user", "organization")
           .order_by("organization_id", "user__username"))
members = list(current.filter(user__username__startswith="scale-"))
if not members:
    # Administrators must enrol a second factor before they get a token: not them.
    members = [m for m in current.filter(user__is_active=True, user__is_superuser=False,
                                         is_primary=True)
               if m.user.check_password(DEMO_PASSWORD)]
by_org = {}
for m in members:
    by_org.setdefault(m.organization_id, []).append(m)
orgs = sorted(by_org)
accounts = []
for m in [m for o in orgs for m in by_org[o][:2]]:
    led = Case.objects.filter(lead_organization_id=m.organization_id, person__isnull=False)
    cases = list(led.order_by("-pk").values_list("pk", "person_id")[:50])
    if not cases or len(accounts) == 12:
        continue  # the reads open the organization's own cases and persons
    writable = list(led.exclude(status=CaseStatus.CLOSED).order_by("-pk")
                    .values_list("pk", flat=True)[:50]) if m.can_write else []
    accounts.append({
        "username": m.user.username,
        "core_center": m.organization.kind == OrganizationKind.CORE_CENTER,
        "cases": [c for c, _ in cases],
        "persons": [p for _, p in cases],
        "writable_cases": writable,
    })
json.dump({"password": DEMO_PASSWORD, "accounts": accounts,
           "referrals": Referral.objects.exists(), "statistics": True}, sys.stdout)
"""

# Reads every acknowledged write back (the ledger on standard input).
VERIFY_CODE = """
import json, sys, django
django.setup()
from tsunagu.plans.models import Task
from tsunagu.records.models import ProgressNote
notes, tasks, statuses = {}, {}, {}
for line in sys.stdin:
    entry = json.loads(line)
    if entry["write"] == "note":
        notes[entry["id"]] = entry["marker"]
    elif entry["write"] == "task":
        tasks[entry["id"]] = entry["marker"]
    else:
        statuses[entry["id"]] = entry["status"]  # the last acknowledged one counts
def rows(model, ids, *fields):
    found, ids = {}, sorted(ids)
    for i in range(0, len(ids), 500):
        for row in model.objects.filter(pk__in=ids[i:i + 500]).values_list("pk", *fields):
            found[row[0]] = row[1:]
    return found
note_rows = rows(ProgressNote, notes, "text")
task_rows = rows(Task, set(tasks) | set(statuses), "title", "status")
lost = [f"note {i}" for i, m in notes.items() if m not in note_rows.get(i, ("",))[0]]
lost += [f"task {i}" for i, m in tasks.items() if m not in task_rows.get(i, ("",))[0]]
lost += [f"task {i} status {s}" for i, s in statuses.items()
         if task_rows.get(i, ("", ""))[1] != s]
json.dump({"notes": len(notes), "tasks": len(tasks), "status_changes": len(statuses),
           "lost": lost[:20], "lost_count": len(lost)}, sys.stdout)
"""


def python(env: dict[str, str], code: str, stdin: str = "", timeout: int = 600) -> str:
    done = subprocess.run(  # noqa: S603
        [PYTHON, "-c", code],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"soak helper failed:\n{done.stderr[-3000:]}")
    return done.stdout


def copy_dataset(url: str) -> str:
    """A copy of the dataset at `url` for the soak to write to; `drop_copy` removes it."""
    if url.startswith("sqlite:///"):
        source = url.removeprefix("sqlite:///")
        VAR.mkdir(parents=True, exist_ok=True)
        target = VAR / f"soak-{uuid.uuid4().hex[:8]}.sqlite3"
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)  # consistent, with what is still in the WAL
        return f"sqlite:///{target}"
    import psycopg

    server, name = url.rsplit("/", 1)
    copy = f"{name}_soak"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{copy}"')
        conn.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
    return f"{server}/{copy}"


def drop_copy(url: str) -> None:
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for leftover in path.parent.glob(path.name + "*"):
            leftover.unlink()
        return
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _memory(
    samples: list[dict[str, Any]], start: int, end: int
) -> tuple[list[float], list[float], list[float]]:
    """Each worker's RSS at the start and at the end of the measured period, and its growth.

    Each is the smallest of the samples of the first and of the last WINDOW seconds: a sample
    can fall in the middle of a sign-in, whose 19 MiB password hash is given back as soon as
    it is done (gunicorn.conf.py), while what a leak keeps is in every later sample."""
    first = [s["rss_mb"] for s in samples if s["at"] <= start + WINDOW]
    last = [s["rss_mb"] for s in samples if s["at"] >= end - WINDOW]
    if not first or not last:
        return [], [], []
    pids = sorted(set(first[0]) & set(last[-1]))
    low = [min(s[pid] for s in first if pid in s) for pid in pids]
    high = [min(s[pid] for s in last if pid in s) for pid in pids]
    return low, high, [round(b / a - 1, 4) for a, b in zip(low, high, strict=True) if a]


def _rss(pids: list[int]) -> dict[int, float]:
    found = {pid: memory_mb(pid, "VmRSS") for pid in pids}
    return {pid: round(mb, 1) for pid, mb in found.items() if mb is not None}


def soak(
    database_url: str,
    *,
    seconds: int,
    users: int,
    warmup: int,
    workers: int,
) -> dict[str, Any]:
    """One soak on a copy of the dataset at `database_url`; the figures of bench/report.py's
    soak rows."""
    copy = copy_dataset(database_url)
    try:
        return _soak(base_env(copy), seconds=seconds, users=users, warmup=warmup, workers=workers)
    finally:
        drop_copy(copy)


def _soak(
    env: dict[str, str], *, seconds: int, users: int, warmup: int, workers: int
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        targets_path = Path(tmp) / "targets.json"
        targets_path.write_text(python(env, TARGETS_CODE), encoding="utf-8")
        writers = sum(
            1
            for a in json.loads(targets_path.read_text(encoding="utf-8"))["accounts"]
            if a["writable_cases"]
        )
        ledger = Path(tmp) / "ledger.jsonl"
        ledger.touch()
        prefix = Path(tmp) / "stats"
        log_path = Path(tmp) / "locust.log"
        port = free_port()
        server = serve(env, port, workers)
        samples: list[dict[str, Any]] = []
        try:
            pids = sorted(children(server.pid))
            run_env = dict(
                env,
                BENCH_TARGETS=str(targets_path),
                SOAK_LEDGER=str(ledger),
                PYTHONPATH=str(ROOT),
            )
            log(f"soak: {users} users for {warmup} + {seconds} s, {workers} workers")
            began = time.monotonic()
            with log_path.open("wb") as log_file:
                load = subprocess.Popen(  # noqa: S603
                    [
                        str(BIN / "locust"),
                        "-f",
                        str(HERE / "soak_locustfile.py"),
                        "SoakStaff",
                        "--headless",
                        "--users",
                        str(users),
                        "--spawn-rate",
                        os.environ.get("SOAK_SPAWN_RATE", "10"),
                        "--run-time",
                        f"{warmup + seconds}s",
                        "--host",
                        f"http://127.0.0.1:{port}",
                        "--csv",
                        str(prefix),
                        "--only-summary",
                        "--loglevel",
                        "WARNING",
                    ],
                    cwd=ROOT,
                    env=run_env,
                    stdout=subprocess.DEVNULL,
                    stderr=log_file,
                )
                # RSS every 10 s under load, from the end of the warm-up to a few seconds before
                # the load ends (`_memory`).
                next_sample = began + warmup
                last_sample = began + warmup + max(seconds - 3, 0)
                while load.poll() is None:
                    now = time.monotonic()
                    if next_sample <= now <= last_sample:
                        samples.append({"at": round(now - began), "rss_mb": _rss(pids)})
                        next_sample = now + SAMPLE_EVERY
                    if now - began > warmup + seconds + 180:
                        load.kill()
                        raise RuntimeError("locust did not end")
                    time.sleep(0.5)
            after_load = _rss(pids)
            replaced = sorted(set(children(server.pid)) ^ set(pids))
        finally:
            stop(server)
        stderr = log_path.read_text(errors="replace") if log_path.exists() else ""
        stats_csv = Path(f"{prefix}_stats.csv")
        if not stats_csv.exists():
            raise RuntimeError(f"locust wrote no statistics:\n{stderr[-3000:]}")
        stats, total = parse_locust_stats(stats_csv.read_text(encoding="utf-8"))
        failures_csv = Path(f"{prefix}_failures.csv")
        failure_lines = (
            failures_csv.read_text(encoding="utf-8").splitlines()[1:6]
            if failures_csv.exists()
            else []
        )
        verified = json.loads(python(env, VERIFY_CODE, ledger.read_text(encoding="utf-8")))
    start, end, growth = _memory(samples, warmup, warmup + seconds)
    return {
        "seconds": seconds,
        "warmup_seconds": warmup,
        "users": users,
        "writers": writers,
        "workers": workers,
        "requests": total.get("count"),
        "failures": total.get("failures"),
        "rps": total.get("rps"),
        "p95_ms": total.get("p95"),
        "per_request": stats,
        "failure_examples": failure_lines,
        "writes": verified,
        "rss_start_mb": start,
        "rss_end_mb": end,
        "rss_growth": growth,
        "rss_samples": samples,
        "rss_after_load_mb": list(after_load.values()),
        "workers_replaced": replaced,
    }


def passed(result: dict[str, Any]) -> bool:
    """The three conditions of the issue, and that the soak wrote at all."""
    writes = result.get("writes") or {}
    growth = result.get("rss_growth") or []
    return bool(
        result.get("requests")
        and result.get("failures") == 0
        and writes.get("notes", 0) + writes.get("tasks", 0) > 0
        and writes.get("lost_count") == 0
        and growth
        and max(growth) < MAX_GROWTH
        and not result.get("workers_replaced")
    )


def settings() -> dict[str, int]:
    return {
        "seconds": env_int("SOAK_SECONDS", 600),
        "users": env_int("SOAK_USERS", 50),
        "warmup": env_int("SOAK_WARMUP", 60),
        "workers": env_int("BENCH_WORKERS", 2),
    }


def main() -> int:
    """`make soak`: one soak, printed as the rows of the results table."""
    url = os.environ.get("SOAK_DATABASE_URL", "")
    database = "sqlite" if url.startswith("sqlite") else "postgresql"
    if not url:
        from bench.run import prepare

        database = os.environ.get("BENCH_DATABASES", "sqlite").split(",")[0]
        persons = env_int("BENCH_PERSONS", 100_000)
        notes = env_int("BENCH_NOTES", 1_000_000)
        end = dt.date.today()  # noqa: DTZ011  # the data's "today", as bench/run.py
        url = prepare(database, persons, notes, end)["url"]
    elif url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        raise SystemExit(f"no database at {url}")
    load_at_start = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    result = soak(url, **settings())
    results = {"databases": [database], "soak": {database: result}}
    out = HERE / "soak.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"# Tsunagu soak, {dt.date.today()} on {socket.gethostname()}")  # noqa: DTZ011
    print(f"- {database}; load average at start {load_at_start} (1 / 5 / 15 min).")
    for row in soak_rows(results, database):
        print(row.line())
    log(f"figures in {out.relative_to(ROOT)}")
    return 0 if passed(result) else 1


if __name__ == "__main__":
    raise SystemExit(main())
