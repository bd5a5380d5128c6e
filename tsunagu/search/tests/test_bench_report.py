"""A smoke test of the benchmark's result table (the benchmark itself is not run here)."""

from __future__ import annotations

from bench.report import parse_locust_stats, table, write

STATS_CSV = (
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,"
    "Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,"
    "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%\n"
    "GET,dashboard,100,0,40,45,10,300,5000,20.5,0,40,50,60,70,90,120,150,200,290,300,300\n"
    "GET,full-text search,50,1,200,210,80,900,8000,10.0,0.1,200,220,250,260,300,350,400,"
    "500,900,900,900\n"
    ",Aggregated,150,1,50,90,10,900,6000,30.5,0.1,50,60,70,80,200,300,350,450,900,900,900\n"
)


def test_locust_stats_are_parsed():
    stats, total = parse_locust_stats(STATS_CSV)
    assert total == 30.5
    assert stats["dashboard"] == {
        "count": 100, "failures": 0, "p50": 40.0, "p95": 120.0, "p99": 200.0, "rps": 20.5
    }  # fmt: skip
    assert stats["full-text search"]["failures"] == 1


def test_table_marks_each_target_met_or_missed(tmp_path):
    small, total = parse_locust_stats(STATS_CSV)
    large = {k: {**v, "p95": v["p95"] * 2} for k, v in small.items()}
    run = {"persons": 1000, "notes": 10000, "reused": True, "worker_peak_mb": [120.0, 130.0]}
    results = {
        "machine": {"cpu": "test", "cores": 2},
        "runs": [
            {**run, "database": "sqlite", "size": "small", "requests": small, "total_rps": total},
            {**run, "database": "sqlite", "size": "large", "requests": large, "total_rps": 200.0},
        ],
        "notes": ["measured under load"],
    }
    text = write(results, tmp_path / "r.json", tmp_path / "r.md")
    assert text == table(results)
    assert (tmp_path / "r.md").read_text(encoding="utf-8") == text
    dashboard = next(line for line in text.splitlines() if line.startswith("| dashboard"))
    # 120 ms then 240 ms against 150 ms; 240 > 1.5 x 120.
    assert "met / **missed** | **missed** |" in dashboard
    search = next(line for line in text.splitlines() if line.startswith("| full-text search"))
    assert "**missed** / **missed**" in search  # 350 ms against 300 ms
    assert "| sign-in | not measured | not measured |" in text
    assert "throughput 30.5 requests/s (target ≥ 150: **missed**)" in text
    assert "throughput 200.0 requests/s (target ≥ 150: met)" in text
    assert "peak memory per worker 120, 130 MB (target ≤ 300: met)" in text
