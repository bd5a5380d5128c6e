"""The one table of `make bench`: each measure, its floor (or reference), the ratio, and whether
the target of issue 15 is met, all computed from the figures of the run itself.

The page frame (bench/floor_urls.py: the base layout with an empty content block) is a second
reference with no target of its own: its row gives its ratio to the floor (what being a page
costs), and each screen has a row against it (how much of the screen is the frame).  The
targets stay against the floor.

Targets (issue 15), reported here and never asserted by tests:
- each key screen and API list at city scale: CPU per request at most 2 x the floor (a minimal
  signed-in view) measured in the same run, on each database;
- each of them at city scale at most 1.5 x its CPU on the 1/100 dataset;
- the mixed read load at city scale: at least 150 requests/s on SQLite and 120 on PostgreSQL,
  p95 under 150 ms, no error; requests per second per core are printed so that the figure
  carries to other machines, and the floor is set against the CPU one request may take at
  that rate (cores / rate);
- worker memory after warm-up at most 150 MB each;
- the soak (bench/soak.py: 10 minutes, 50 users, reads and writes through the API): no failed
  request, no lost write, worker memory grown by less than 10 %.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.inprocess import FLOOR, FRAME, SCREENS

SCREEN_RATIO = 2.0
GROWTH_RATIO = 1.5
MIN_RPS = {"sqlite": 150.0, "postgresql": 120.0}
MAX_P95_MS = 150.0
MAX_ERRORS = 0
MAX_WORKER_MB = 150.0
MAX_SOAK_GROWTH = 0.10

MET, MISSED, NOT_MEASURED = "met", "**missed**", "not measured"
HEADER = "| database | measure | value | floor / reference | ratio | target | result |"


@dataclass(frozen=True)
class Row:
    database: str
    measure: str
    value: str
    reference: str = "—"
    ratio: str = "—"
    target: str = "—"
    result: str = "—"

    def line(self) -> str:
        cells = [self.database, self.measure, self.value, self.reference, self.ratio]
        return "| " + " | ".join([*cells, self.target, self.result]) + " |"


def _mark(ok: bool | None) -> str:
    return NOT_MEASURED if ok is None else (MET if ok else MISSED)


def _ms(value: float) -> str:
    return f"{value:.1f} ms"


def _screen(results: dict[str, Any], database: str, size: str, name: str) -> dict[str, Any]:
    screens = results.get("inprocess", {}).get(database, {}).get(size, {}).get("screens", {})
    found: dict[str, Any] = screens.get(name) or {}
    return found


def _cpu(stats: dict[str, Any]) -> float | None:
    value = stats.get("cpu_ms")
    return None if value is None else float(value)


def _with_queries(cpu: float, stats: dict[str, Any]) -> str:
    queries = stats.get("queries")
    return _ms(cpu) + (f" ({queries} queries)" if queries is not None else "")


def budget_ms(cores: int, database: str) -> float:
    """The CPU one request may take for the cores to serve the target rate."""
    return cores * 1000.0 / MIN_RPS[database]


def cpu_rows(results: dict[str, Any], database: str) -> list[Row]:
    cores = int(results.get("machine", {}).get("cores") or 1)
    city = results.get("large_label", "city scale")
    rows: list[Row] = []
    floor_stats = _screen(results, database, "large", FLOOR)
    floor = _cpu(floor_stats)
    budget = budget_ms(cores, database)
    if floor is None:
        rows.append(Row(database, f"{FLOOR}, {city}", NOT_MEASURED, result=NOT_MEASURED))
    else:
        rows.append(
            Row(
                database,
                f"{FLOOR}, {city}",
                _with_queries(floor, floor_stats),
                f"{_ms(budget)} (CPU per request at {MIN_RPS[database]:.0f}/s on {cores} cores)",
                f"{floor / budget:.2f}",
            )
        )
    frame_stats = _screen(results, database, "large", FRAME)
    frame = _cpu(frame_stats)
    rows.append(
        Row(
            database,
            f"{FRAME}, {city}",
            NOT_MEASURED if frame is None else _with_queries(frame, frame_stats),
            _ms(floor) + " (the floor)" if floor is not None else NOT_MEASURED,
            f"{frame / floor:.2f}" if frame is not None and floor else "—",
        )
    )
    for name in SCREENS:
        large_stats = _screen(results, database, "large", name)
        small_stats = _screen(results, database, "small", name)
        large, small = _cpu(large_stats), _cpu(small_stats)
        value = NOT_MEASURED if large is None else _with_queries(large, large_stats)
        ok = None if large is None or floor is None else large <= SCREEN_RATIO * floor
        rows.append(
            Row(
                database,
                f"{name}, {city}, against the floor",
                value,
                _ms(floor) if floor is not None else NOT_MEASURED,
                f"{large / floor:.2f}" if large is not None and floor else "—",
                f"≤ {SCREEN_RATIO:.1f} × floor",
                _mark(ok),
            )
        )
        rows.append(
            Row(
                database,
                f"{name}, {city}, against the page frame",
                value,
                _ms(frame) if frame is not None else NOT_MEASURED,
                (
                    f"{large / frame:.2f} (the frame is {frame / large:.0%} of it)"
                    if large is not None and frame
                    else "—"
                ),
            )
        )
        grown = None if large is None or small is None else large <= GROWTH_RATIO * small
        rows.append(
            Row(
                database,
                f"{name}, 1/100 → {city}",
                value,
                f"{_ms(small)} at 1/100" if small is not None else NOT_MEASURED,
                f"{large / small:.2f}" if large is not None and small else "—",
                f"≤ {GROWTH_RATIO:.1f} × 1/100",
                _mark(grown),
            )
        )
    return rows


def load_rows(results: dict[str, Any], database: str) -> list[Row]:
    cores = int(results.get("machine", {}).get("cores") or 1)
    city = results.get("large_label", "city scale")
    load: dict[str, Any] = results.get("load", {}).get(database) or {}
    rps = load.get("total_rps")
    p95 = load.get("p95_ms")
    failures = load.get("failures")
    memory = load.get("worker_rss_after_warmup_mb") or []
    target_rps = MIN_RPS[database]
    return [
        Row(
            database,
            f"mixed read load, {city}: requests/s",
            NOT_MEASURED if rps is None else f"{rps:.1f}/s ({rps / cores:.1f}/s per core)",
            target=f"≥ {target_rps:.0f}/s ({target_rps / cores:.1f}/s per core)",
            ratio="—" if rps is None else f"{rps / target_rps:.2f} of the target",
            result=_mark(None if rps is None else rps >= target_rps),
        ),
        Row(
            database,
            "mixed read load: p95 of every request",
            NOT_MEASURED if p95 is None else _ms(p95),
            target=f"< {MAX_P95_MS:.0f} ms",
            result=_mark(None if p95 is None else p95 < MAX_P95_MS),
        ),
        Row(
            database,
            "mixed read load: failed requests",
            NOT_MEASURED if failures is None else str(failures),
            target=str(MAX_ERRORS),
            result=_mark(None if failures is None else failures <= MAX_ERRORS),
        ),
        Row(
            database,
            "memory per worker after warm-up",
            ", ".join(f"{m:.0f} MB" for m in memory) if memory else NOT_MEASURED,
            target=f"≤ {MAX_WORKER_MB:.0f} MB each",
            result=_mark(max(memory) <= MAX_WORKER_MB if memory else None),
        ),
        *memory_rows(results, database),
        *soak_rows(results, database),
    ]


def soak_rows(results: dict[str, Any], database: str) -> list[Row]:
    """bench/soak.py: failures, writes read back, and the workers' memory from start to end."""
    soak: dict[str, Any] = results.get("soak", {}).get(database) or {}
    if not soak:
        return [
            Row(
                database,
                "soak: 10 min, 50 users, reads and writes",
                NOT_MEASURED,
                target="no error, no lost write, memory +10% at most",
                result=NOT_MEASURED,
            )
        ]
    minutes = soak["seconds"] / 60
    what = f"soak ({minutes:g} min, {soak['users']} users, {soak.get('writers', '?')} writing)"
    requests, failures = soak.get("requests"), soak.get("failures")
    rps = soak.get("rps")
    writes = soak.get("writes") or {}
    made = writes.get("notes", 0) + writes.get("tasks", 0) + writes.get("status_changes", 0)
    lost = writes.get("lost_count")
    start, end = soak.get("rss_start_mb") or [], soak.get("rss_end_mb") or []
    growth = soak.get("rss_growth") or []
    replaced = soak.get("workers_replaced") or []
    memory_ok = bool(growth) and max(growth) < MAX_SOAK_GROWTH and not replaced
    return [
        Row(
            database,
            f"{what}: failed requests",
            NOT_MEASURED if failures is None else f"{failures} of {requests}",
            reference="—" if rps is None else f"{rps:.1f} requests/s",
            target=str(MAX_ERRORS),
            result=_mark(None if failures is None else failures <= MAX_ERRORS and bool(requests)),
        ),
        Row(
            database,
            f"{what}: acknowledged writes read back afterwards",
            f"{made - (lost or 0)} of {made}",
            reference=(
                f"{writes.get('notes', 0)} notes, {writes.get('tasks', 0)} tasks, "
                f"{writes.get('status_changes', 0)} status changes"
            ),
            target="no lost write",
            result=_mark(None if lost is None else lost == 0 and made > 0),
        ),
        Row(
            database,
            f"{what}: worker memory, start → end",
            ", ".join(f"{a:.0f} → {b:.0f} MB" for a, b in zip(start, end, strict=False))
            or NOT_MEASURED,
            reference=f"start after {soak.get('warmup_seconds', '?')} s of the same load",
            ratio=", ".join(f"{g:+.1%}" for g in growth) or "—",
            target=f"< +{MAX_SOAK_GROWTH:.0%} each"
            + (f"; {len(replaced)} worker(s) replaced" if replaced else ""),
            result=_mark(memory_ok if growth else None),
        ),
    ]


def memory_rows(results: dict[str, Any], database: str) -> list[Row]:
    """bench/memory.py: the app as gunicorn preloads it, and a worker after the home and case
    pages (without the load test's concurrent sign-ins)."""
    measured: dict[str, Any] = results.get("memory", {}).get(database) or {}
    if not measured:
        return []
    loaded = measured.get("import") or {}
    served = measured.get("worker_served_mb") or []
    pss = measured.get("worker_served_pss_mb") or []
    libraries = loaded.get("libraries") or []
    return [
        Row(
            database,
            "memory: the app loaded (django.setup + URLconf)",
            f"{loaded.get('rss_mb', 0):.0f} MB ({loaded.get('modules', 0)} modules)",
            reference="document libraries loaded: " + (", ".join(libraries) or "none"),
        ),
        Row(
            database,
            f"memory per worker after {measured.get('pages', 0)} home and case pages",
            ", ".join(f"{m:.0f} MB" for m in served) or NOT_MEASURED,
            reference="PSS " + ", ".join(f"{m:.0f} MB" for m in pss) if pss else "—",
            target=f"≤ {MAX_WORKER_MB:.0f} MB each",
            result=_mark(max(served) <= MAX_WORKER_MB if served else None),
        ),
    ]


def rows(results: dict[str, Any]) -> list[Row]:
    found: list[Row] = []
    for database in results.get("databases", []):
        found += cpu_rows(results, database)
        found += load_rows(results, database)
    return found


def table(results: dict[str, Any]) -> str:
    machine = results.get("machine", {})
    load = machine.get("load_at_start") or []
    lines = [
        f"# Tsunagu benchmark, {results.get('date', '?')} on {results.get('host', '?')}",
        "",
        f"- Machine: {machine.get('cpu', '?')}, {machine.get('cores', '?')} cores, "
        f"{machine.get('memory_gb', '?')} GB RAM; load average at start "
        f"{' / '.join(f'{x:.2f}' for x in load) or '?'} (1 / 5 / 15 min); "
        f"Python {machine.get('python', '?')}.",
    ]
    postgresql = results.get("postgresql") or {}
    if postgresql:
        settings = ", ".join(f"{k} {v}" for k, v in postgresql.items() if k != "version")
        lines.append(f"- PostgreSQL {postgresql.get('version', '?')}: {settings}.")
    for dataset in results.get("datasets", []):
        built = "reused" if dataset.get("reused") else f"built in {dataset.get('build_seconds')} s"
        lines.append(
            f"- {dataset['database']} {dataset['label']}: {dataset['persons']:,} persons, "
            f"{dataset['notes']:,} notes ({built})."
        )
    lines += [
        f"- In process: {results.get('rounds', '?')} rounds of every screen after "
        f"{results.get('warmup_rounds', '?')} unmeasured, as {results.get('accounts', '?')} "
        "signed-in accounts in turn; the value is the process's mean CPU per request "
        "(bench/inprocess.py).",
        (
            f"- Load: gunicorn.conf.py with {results.get('workers', '?')} workers × "
            f"{results.get('threads', '?')} threads, locust with {results.get('users', '?')} "
            f"users for {results.get('seconds', '?')} s after "
            f"{results.get('warmup_seconds', '?')} s unmeasured, on the same cores as the server."
            if results.get("load")
            else "- Load: not run (see the notes below)."
        ),
        f"- Started {results.get('started_at', '?')}; "
        f"took {results.get('elapsed_seconds', '?')} s.",
        "",
        HEADER,
        "|---|---|---|---|---|---|---|",
        *(row.line() for row in rows(results)),
        "",
    ]
    lines += [f"> {note}" for note in results.get("notes", [])]
    return "\n".join(lines).rstrip() + "\n"


def write(results: dict[str, Any], json_path: Path, md_path: Path) -> str:
    json_path.parent.mkdir(parents=True, exist_ok=True)
    md_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    text = table(results)
    md_path.write_text(text, encoding="utf-8")
    return text


def parse_locust_stats(csv_text: str) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Per-request statistics from locust's `<prefix>_stats.csv`, and the aggregated row
    (requests/s, p95, failures)."""

    def number(value: str) -> float | None:
        try:
            return float(value)
        except ValueError:  # "N/A"
            return None

    stats: dict[str, dict[str, Any]] = {}
    total: dict[str, Any] = {}
    for row in csv.DictReader(io.StringIO(csv_text)):
        entry = {
            "count": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "p50": number(row["50%"]),
            "p95": number(row["95%"]),
            "p99": number(row["99%"]),
            "rps": number(row["Requests/s"]),
        }
        if row["Name"] == "Aggregated":
            total = entry
        else:
            stats[row["Name"]] = entry
    return stats, total
