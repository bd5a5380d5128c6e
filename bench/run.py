"""`make bench` (issue 15): build (or reuse) a city-scale and a 1/100 dataset per database,
measure the CPU of every key screen in process against the framework's floor, then serve the
city with gunicorn as production does (gunicorn.conf.py) and drive it with locust.  Prints one
table (bench/report.py) and writes it to bench/results/<date>-<host>.md, with the machine's
core count, the load average at start and the date; the figures behind it go to
bench/results.json (not committed).

Loopback only and bounded in time: every subprocess has a timeout, each load run lasts
BENCH_SECONDS, and the whole run stops starting new work after BENCH_BUDGET seconds.  Run it
alone on the machine: a test suite beside it makes every figure meaningless.

Environment (all optional):
  BENCH_DATABASES   sqlite,postgresql
  BENCH_PERSONS     persons of the large dataset (default 100000, the city); the small one
                    has 1/100
  BENCH_NOTES       notes of the large dataset (default 1000000)
  BENCH_ROUNDS      in-process rounds of every screen (default 30; bench/inprocess.py)
  BENCH_LOAD        0 to skip the load test (the in-process table only)
  BENCH_WORKERS     gunicorn workers for the load test (default 2, the issue's)
  BENCH_SECONDS     seconds of load (default 40)
  BENCH_WARMUP      seconds of unmeasured load first, against the same server (default 10):
                    a fresh worker's first requests (imports, templates, cold caches) are
                    not what a server that has been up all morning does
  BENCH_USERS       concurrent users (default 10)
  BENCH_PG          PostgreSQL server URL without database (postgres://postgres@127.0.0.1:5432)
  BENCH_BUDGET      seconds for the whole run before it stops early (default 1080, plus the
                    soaks' time)
  SOAK_SECONDS      the soak of each database's city-scale dataset after its load test
                    (bench/soak.py: default 600 s after SOAK_WARMUP 60 s; 0 leaves it out)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import re
import signal
import socket
import subprocess  # runs our own tools with fixed arguments
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
PYTHON = str(BIN / "python")
VAR = ROOT / "var" / "bench"
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from bench.report import parse_locust_stats, write  # noqa: E402

RESULTS = HERE / "results"

SEED = 2026
YEARS = 10


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def fingerprint(persons: int, notes: int, end: dt.date) -> str:
    """Changes when the data would: the size, seed, end date, the seeder and the schema."""
    digest = hashlib.sha256(f"{persons}:{notes}:{YEARS}:{SEED}:{end}".encode())
    digest.update((ROOT / "tsunagu" / "demo" / "scale.py").read_bytes())
    for migration in sorted(ROOT.glob("tsunagu/*/migrations/0*.py")):
        digest.update(migration.as_posix().encode())
    return digest.hexdigest()[:12]


def base_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        TSUNAGU_DEMO="1",
        DJANGO_DEBUG="0",
        TSUNAGU_REQUIRE_2FA="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="tsunagu.settings",
    )
    env.pop("PYTEST_VERSION", None)
    return env


def manage(env: dict[str, str], *args: str, timeout: int = 1200) -> str:
    done = subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def note_count(env: dict[str, str]) -> int:
    code = (
        "import django; django.setup()\n"
        "from tsunagu.records.models import ProgressNote\n"
        "print(ProgressNote.objects.count())"
    )
    done = subprocess.run(  # noqa: S603
        [PYTHON, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    return int(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip() else -1


def database_url(database: str, fp: str) -> str:
    if database == "sqlite":
        return f"sqlite:///{VAR / f'bench-{fp}.sqlite3'}"
    server = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    return f"{server}/tsunagu_bench_{fp}"


def prepare(database: str, persons: int, notes: int, end: dt.date) -> dict[str, Any]:
    """The dataset for one run: reused when its fingerprint and note count match."""
    fp = fingerprint(persons, notes, end)
    url = database_url(database, fp)
    env = base_env(url)
    if note_count(env) == notes:
        log(f"{database}: reusing dataset {fp} ({persons} persons, {notes} notes)")
        return {"url": url, "env": env, "reused": True, "build_seconds": 0.0}
    log(f"{database}: building dataset {fp} ({persons} persons, {notes} notes)")
    began = time.monotonic()
    if database == "sqlite":
        VAR.mkdir(parents=True, exist_ok=True)
        for path in VAR.glob(f"bench-{fp}.sqlite3*"):
            path.unlink()
    else:
        import psycopg

        server = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "tsunagu_bench_{fp}"')
            conn.execute(f'CREATE DATABASE "tsunagu_bench_{fp}"')
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(
        env,
        "seed_scale",
        "--persons",
        str(persons),
        "--notes",
        str(notes),
        "--years",
        str(YEARS),
        "--seed",
        str(SEED),
        "--end",
        end.isoformat(),
    )
    seconds = round(time.monotonic() - began, 1)
    log(f"{database}: built in {seconds} s")
    return {"url": url, "env": env, "reused": False, "build_seconds": seconds}


TARGETS_CODE = """
import json, sys, django
django.setup()
from tsunagu.cases.models import Case
from tsunagu.demo import DEMO_PASSWORD
from tsunagu.organizations.models import Membership, OrganizationKind
from tsunagu.people.models import Person
from tsunagu.referrals.models import Referral
accounts = []
members = Membership.objects.filter(user__username__startswith="scale-").select_related(
    "user", "organization").order_by("organization_id", "user__username")
by_org = {}
for m in members:
    by_org.setdefault(m.organization_id, []).append(m)
orgs = sorted(by_org)
# Ten accounts of different offices (two of the core center, who may see the statistics).
chosen = by_org[orgs[0]][:2] + [by_org[o][0] for o in orgs[1:]][:8]
for m in chosen:
    cases = list(Case.objects.filter(lead_organization_id=m.organization_id, person__isnull=False)
                 .order_by("-pk").values_list("pk", "person_id")[:50])
    accounts.append({
        "username": m.user.username,
        "core_center": m.organization.kind == OrganizationKind.CORE_CENTER,
        "cases": [c for c, _ in cases],
        "persons": [p for _, p in cases],
    })
json.dump({"password": DEMO_PASSWORD, "accounts": accounts,
           "referrals": Referral.objects.exists(), "statistics": True}, sys.stdout)
"""


def targets(env: dict[str, str], path: Path) -> None:
    done = subprocess.run(  # noqa: S603
        [PYTHON, "-c", TARGETS_CODE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    path.write_text(done.stdout, encoding="utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def memory_mb(pid: int, field: str) -> float | None:
    """VmRSS (now) or VmHWM (peak) of a process, in MB."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(rf"{field}:\s+(\d+) kB", status)
    return int(match.group(1)) / 1024 if match else None


def serve(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    """gunicorn with the repository's gunicorn.conf.py, as `make run` and production."""
    server_env = dict(
        env,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS=str(workers),
        GUNICORN_LOG_LEVEL="warning",
    )
    server_env.pop("GUNICORN_ACCESS_LOG", None)
    server = subprocess.Popen(  # noqa: S603
        [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py")],
        cwd=ROOT,
        env=server_env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5):
                return server
        except OSError:
            time.sleep(0.5)
    stop(server)
    raise RuntimeError("gunicorn did not answer within 60 s")


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def locust(
    env: dict[str, str], port: int, targets_path: Path, seconds: int, users: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        prefix = Path(tmp) / "stats"
        run_env = dict(env, BENCH_TARGETS=str(targets_path))
        subprocess.run(  # noqa: S603
            [
                str(BIN / "locust"),
                "-f",
                str(HERE / "locustfile.py"),
                "--headless",
                "--users",
                str(users),
                "--spawn-rate",
                str(users),
                "--run-time",
                f"{seconds}s",
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
            timeout=seconds + 120,
            check=False,
            capture_output=True,
        )
        return parse_locust_stats(Path(f"{prefix}_stats.csv").read_text(encoding="utf-8"))


def inprocess(env: dict[str, str], targets_path: Path) -> dict[str, Any]:
    """bench/inprocess.py in its own process: CPU per request of the floor and each screen."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "inprocess.json"
        subprocess.run(  # noqa: S603
            [PYTHON, str(HERE / "inprocess.py"), str(targets_path), str(out)],
            cwd=ROOT,
            env=env,
            timeout=1200,
            check=True,
        )
        measured: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return measured


def load_test(
    env: dict[str, str], targets_path: Path, workers: int, warmup: int, seconds: int, users: int
) -> dict[str, Any]:
    port = free_port()
    server = serve(env, port, workers)
    try:
        if warmup:
            log(f"warming up for {warmup} s")
            locust(env, port, targets_path, warmup, users)
        pids = children(server.pid)
        after_warmup = [m for m in (memory_mb(pid, "VmRSS") for pid in pids) if m is not None]
        log(f"{users} users for {seconds} s")
        stats, total = locust(env, port, targets_path, seconds, users)
        peak = [m for m in (memory_mb(pid, "VmHWM") for pid in pids) if m is not None]
    finally:
        stop(server)
    return {
        "requests": stats,
        "total_rps": total.get("rps"),
        "p95_ms": total.get("p95"),
        "failures": total.get("failures"),
        "worker_rss_after_warmup_mb": [round(m, 1) for m in after_warmup],
        "worker_peak_mb": [round(m, 1) for m in peak],
    }


def postgresql_settings(url: str) -> dict[str, str]:
    """What the measured PostgreSQL server runs with (README: recommended settings)."""
    import psycopg

    names = ["shared_buffers", "effective_cache_size", "work_mem", "random_page_cost"]
    found: dict[str, str] = {}
    with psycopg.connect(url) as conn:
        found["version"] = str(conn.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
        for name in names:
            found[name] = str(conn.execute(f"SHOW {name}").fetchone()[0])  # type: ignore[index]
    return found


def machine() -> dict[str, Any]:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(int(mem.group(1)) / 1024 / 1024, 1) if mem else None,
        "load_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def results_path(date: str, host: str) -> Path:
    """bench/results/<date>-<host>.md, one file per run (-2, -3 for later runs that day)."""
    stem = f"{date}-{re.sub(r'[^A-Za-z0-9.-]+', '-', host) or 'host'}"
    path = RESULTS / f"{stem}.md"
    n = 2
    while path.exists():
        path = RESULTS / f"{stem}-{n}.md"
        n += 1
    return path


def main() -> int:
    began = time.monotonic()
    databases = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
    soak_seconds = env_int("SOAK_SECONDS", 600)
    soak_time = soak_seconds + env_int("SOAK_WARMUP", 60) + 120 if soak_seconds else 0
    budget = env_int("BENCH_BUDGET", 1080 + soak_time * len(databases))
    persons, notes = env_int("BENCH_PERSONS", 100_000), env_int("BENCH_NOTES", 1_000_000)
    sizes = {"small": (max(10, persons // 100), notes // 100), "large": (persons, notes)}
    seconds, users = env_int("BENCH_SECONDS", 40), env_int("BENCH_USERS", 10)
    warmup = env_int("BENCH_WARMUP", 10)
    workers = env_int("BENCH_WORKERS", 2)
    with_load = os.environ.get("BENCH_LOAD", "1") != "0"
    end = dt.date.today()  # noqa: DTZ011  # the data's "today"; only dates, no clock times
    host = socket.gethostname()
    started = dt.datetime.now(dt.UTC)
    results: dict[str, Any] = {
        "started_at": started.isoformat(timespec="seconds"),
        "date": started.date().isoformat(),
        "host": host,
        "machine": machine(),
        "databases": databases,
        "large_label": "city scale" if persons >= 100_000 else f"{persons:,} persons",
        "rounds": env_int("BENCH_ROUNDS", 30),
        "warmup_rounds": env_int("BENCH_WARMUP_ROUNDS", 3),
        "workers": workers,
        "threads": env_int("GUNICORN_THREADS", 4),
        "users": users,
        "seconds": seconds,
        "warmup_seconds": warmup,
        "datasets": [],
        "inprocess": {},
        "load": {},
        "notes": [],
    }
    cores = os.cpu_count() or 1
    if results["machine"]["load_at_start"][0] > cores / 2:
        results["notes"].append(
            f"Other work was running when the benchmark started (load average "
            f"{results['machine']['load_at_start'][0]:.1f} on {cores} cores); it slows every "
            "figure here."
        )
    if persons < 100_000:
        results["notes"].append(
            f"The large dataset is {persons:,} persons and {notes:,} notes, not the city's "
            "100,000 and 1,000,000 (BENCH_PERSONS/BENCH_NOTES were set)."
        )
    if with_load and not (BIN / "locust").exists():
        with_load = False
        results["notes"].append(
            "No load test: locust is not installed (`make bench` installs requirements/bench.txt)."
        )
    elif not with_load:
        results["notes"].append("No load test: BENCH_LOAD=0.")
    else:
        results["notes"].append(
            "The load generator (locust) runs on the same machine as the server and takes part "
            "of the same cores."
        )
    out_md = results_path(results["date"], host)
    static_env = base_env("sqlite:///" + str(VAR / "static-only.sqlite3"))
    VAR.mkdir(parents=True, exist_ok=True)
    manage(static_env, "collectstatic", "--no-input", "-v", "0")
    for database in databases:
        for size, (n_persons, n_notes) in sizes.items():
            if time.monotonic() - began > budget:
                results["notes"].append(f"Stopped early (budget {budget} s): {database} {size}.")
                log(f"budget spent; skipping {database} {size}")
                continue
            data = prepare(database, n_persons, n_notes, end)
            results["datasets"].append(
                {
                    "database": database,
                    "label": "1/100" if size == "small" else results["large_label"],
                    "persons": n_persons,
                    "notes": n_notes,
                    "reused": data["reused"],
                    "build_seconds": data["build_seconds"],
                }
            )
            if database == "postgresql" and "postgresql" not in results:
                results["postgresql"] = postgresql_settings(data["url"])
            targets_path = VAR / f"targets-{database}-{size}.json"
            targets(data["env"], targets_path)
            log(f"{database} {size}: CPU per request in process")
            measured = inprocess(data["env"], targets_path)
            results["inprocess"].setdefault(database, {})[size] = measured
            results["accounts"] = measured["accounts"]
            if size == "large":
                from bench import memory  # imports this module: loaded once it is complete

                log(f"{database} {size}: memory of the app and of a worker")
                results.setdefault("memory", {})[database] = memory.measure(
                    data["env"], json.loads(targets_path.read_text(encoding="utf-8"))
                )
            if size == "large" and with_load:
                log(f"{database} {size}: load test")
                results["load"][database] = load_test(
                    data["env"], targets_path, workers, warmup, seconds, users
                )
            if size == "large" and with_load and soak_seconds:
                from bench import soak  # imports this module: loaded once it is complete

                log(f"{database} {size}: soak")
                results.setdefault("soak", {})[database] = soak.soak(data["url"], **soak.settings())
            write(results, HERE / "results.json", out_md)
    results["elapsed_seconds"] = round(time.monotonic() - began, 1)
    print(write(results, HERE / "results.json", out_md))
    log(f"written to {out_md.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
