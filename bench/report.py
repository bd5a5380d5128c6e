"""Turn the measurements of bench/run.py into bench/results.json and a Markdown table.

Targets (issue 7), reported, never asserted by tests: p95 <= 150 ms for every screen except
statistics (<= 1 s) and full-text search (<= 300 ms); p95 at city scale <= 1.5 x p95 at the
small scale; >= 150 requests/s on the mixed workload; peak memory per worker <= 300 MB.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

P95_MS = {"fiscal-year statistics": 1000.0, "full-text search": 300.0}
DEFAULT_P95_MS = 150.0
SCALE_RATIO = 1.5
MIN_RPS = 150.0
MAX_WORKER_MB = 300.0
SCREENS = [
    "sign-in",
    "dashboard",
    "person search (kana)",
    "person page",
    "case page",
    "case timeline",
    "referral inbox",
    "monitoring due list",
    "fiscal-year statistics",
    "full-text search",
]


def p95_target(screen: str) -> float:
    return P95_MS.get(screen, DEFAULT_P95_MS)


def _mark(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "**missed**")


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


def _run(runs: list[dict[str, Any]], database: str, size: str) -> dict[str, Any] | None:
    return next((r for r in runs if r["database"] == database and r["size"] == size), None)


def table(results: dict[str, Any]) -> str:
    runs: list[dict[str, Any]] = results["runs"]
    machine = results.get("machine", {})
    lines = [
        "# Tsunagu benchmark",
        "",
        f"Machine: {machine.get('cpu', '?')}, {machine.get('cores', '?')} cores, "
        f"{machine.get('memory_gb', '?')} GB RAM, load average at start "
        f"{machine.get('load_at_start', '?')}; Python {machine.get('python', '?')}; "
        f"run {results.get('started_at', '?')}.",
        f"Workload: {results.get('users', '?')} concurrent signed-in users for "
        f"{results.get('seconds', '?')} s per run after {results.get('warmup_seconds', 0)} s "
        "of unmeasured warm-up, gunicorn 2 workers, DEBUG off.",
        "",
    ]
    for database in sorted({r["database"] for r in runs}):
        small, large = _run(runs, database, "small"), _run(runs, database, "large")
        lines.append(f"## {database}")
        lines.append("")
        for label, run in (("small", small), ("large", large)):
            if run:
                built = "reused" if run.get("reused") else f"built in {run.get('build_seconds')} s"
                lines.append(
                    f"- {label}: {run['persons']:,} persons, {run['notes']:,} notes ({built})"
                )
        lines += [
            "",
            "| screen | small p50 / p95 / p99 (ms) | large p50 / p95 / p99 (ms) | p95 target | "
            "p95 met (small / large) | large ≤ 1.5 × small |",
            "|---|---|---|---|---|---|",
        ]
        for screen in SCREENS:
            cells = []
            p95s: list[float | None] = []
            for run in (small, large):
                stats = (run or {}).get("requests", {}).get(screen)
                if stats and stats.get("count"):
                    cells.append(f"{_ms(stats['p50'])} / {_ms(stats['p95'])} / {_ms(stats['p99'])}")
                    p95s.append(stats["p95"])
                else:
                    cells.append("not measured")
                    p95s.append(None)
            target = p95_target(screen)
            met = [None if p is None else p <= target for p in p95s]
            ratio: bool | None = None
            if p95s[0] and p95s[1] is not None:
                ratio = p95s[1] <= SCALE_RATIO * p95s[0]
            lines.append(
                f"| {screen} | {cells[0]} | {cells[1]} | ≤ {target:.0f} ms | "
                f"{_mark(met[0])} / {_mark(met[1])} | {_mark(ratio)} |"
            )
        lines.append("")
        for label, run in (("small", small), ("large", large)):
            if not run:
                continue
            rps = run.get("total_rps")
            memory = run.get("worker_peak_mb") or []
            peak = max(memory) if memory else None
            peak_met = _mark(peak <= MAX_WORKER_MB if peak is not None else None)
            failures = sum(s.get("failures", 0) for s in run.get("requests", {}).values())
            lines.append(
                f"- {label}: throughput {rps:.1f} requests/s (target ≥ {MIN_RPS:.0f}: "
                f"{_mark(rps >= MIN_RPS if rps is not None else None)}); peak memory per worker "
                f"{', '.join(f'{m:.0f}' for m in memory) or '?'} MB (target ≤ "
                f"{MAX_WORKER_MB:.0f}: {peak_met})"
                f"; failed requests {failures}"
            )
        lines.append("")
    for note in results.get("notes", []):
        lines.append(f"> {note}")
    return "\n".join(lines).rstrip() + "\n"


def write(results: dict[str, Any], json_path: Path, md_path: Path) -> str:
    json_path.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    text = table(results)
    md_path.write_text(text, encoding="utf-8")
    return text


def parse_locust_stats(csv_text: str) -> tuple[dict[str, dict[str, Any]], float | None]:
    """Per-request statistics from locust's `<prefix>_stats.csv` (and the total req/s)."""
    import csv
    import io

    def number(value: str) -> float | None:
        try:
            return float(value)
        except ValueError:  # "N/A"
            return None

    stats: dict[str, dict[str, Any]] = {}
    total: float | None = None
    for row in csv.DictReader(io.StringIO(csv_text)):
        name = row["Name"]
        if name == "Aggregated":
            total = number(row["Requests/s"])
            continue
        stats[name] = {
            "count": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "p50": number(row["50%"]),
            "p95": number(row["95%"]),
            "p99": number(row["99%"]),
            "rps": number(row["Requests/s"]),
        }
    return stats, total
