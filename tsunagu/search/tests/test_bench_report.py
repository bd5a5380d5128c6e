"""A smoke test of the benchmark's table and its in-process driver (the benchmark itself is not
run here): every ratio and verdict is computed from the run's own figures."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from bench import run
from bench.floor_urls import FLOOR_PATH, FRAME_PATH
from bench.inprocess import FLOOR, FRAME, SCREENS, Browser, Response
from bench.report import parse_locust_stats, rows, table, write

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
    assert stats["dashboard"] == {
        "count": 100, "failures": 0, "p50": 40.0, "p95": 120.0, "p99": 200.0, "rps": 20.5
    }  # fmt: skip
    assert stats["full-text search"]["failures"] == 1
    assert (total["rps"], total["p95"], total["failures"]) == (30.5, 300.0, 1)


def _screens(floor: float, cpu: dict[str, float]) -> dict[str, Any]:
    found = {name: {"cpu_ms": value, "queries": 9} for name, value in cpu.items()}
    return {"screens": {FLOOR: {"cpu_ms": floor, "queries": 2}, **found}}


def _results() -> dict[str, Any]:
    return {
        "date": "2026-12-03",
        "host": "bench-host",
        "started_at": "2026-12-03T01:00:00+00:00",
        "machine": {"cpu": "test", "cores": 2, "load_at_start": [0.5, 0.75, 1.0]},
        "databases": ["sqlite", "postgresql"],
        "inprocess": {
            "sqlite": {
                "small": _screens(4.0, {"dashboard": 7.0, "person search": 6.0}),
                "large": _screens(5.0, {"dashboard": 9.0, "person search": 12.0}),
            },
        },
        "load": {
            "sqlite": {
                "total_rps": 160.0,
                "p95_ms": 120.0,
                "failures": 0,
                "worker_rss_after_warmup_mb": [120.0, 130.0],
            },
            "postgresql": {
                "total_rps": 100.0,
                "p95_ms": 180.0,
                "failures": 2,
                "worker_rss_after_warmup_mb": [151.0],
            },
        },
        "notes": ["measured under load"],
    }


def _line(text: str, start: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(start))


def test_the_table_sets_each_screen_against_the_floor_and_the_small_dataset(tmp_path):
    results = _results()
    text = write(results, tmp_path / "r.json", tmp_path / "r.md")
    assert text == table(results)
    assert (tmp_path / "r.md").read_text(encoding="utf-8") == text
    assert "2 cores" in text
    assert "load average at start 0.50 / 0.75 / 1.00" in text
    assert text.startswith("# Tsunagu benchmark, 2026-12-03 on bench-host")
    floor = _line(text, f"| sqlite | {FLOOR}, city scale |")
    # 150 requests/s on 2 cores leaves 13.3 ms of CPU per request; the floor takes 0.38 of it.
    assert "| 5.0 ms (2 queries) | 13.3 ms (CPU per request at 150/s on 2 cores) | 0.38 |" in floor
    dashboard = _line(text, "| sqlite | dashboard, city scale, against the floor |")
    assert dashboard.endswith("| 9.0 ms (9 queries) | 5.0 ms | 1.80 | ≤ 2.0 × floor | met |")
    grown = _line(text, "| sqlite | dashboard, 1/100 → city scale |")
    assert grown.endswith("| 9.0 ms (9 queries) | 7.0 ms at 1/100 | 1.29 | ≤ 1.5 × 1/100 | met |")
    search = _line(text, "| sqlite | person search, city scale, against the floor |")
    assert search.endswith("| 2.40 | ≤ 2.0 × floor | **missed** |")
    assert _line(text, "| sqlite | person search, 1/100 → city scale |").endswith(
        "| 2.00 | ≤ 1.5 × 1/100 | **missed** |"
    )
    # A screen the run did not reach is not measured, neither met nor missed.
    timeline = _line(text, "| sqlite | case timeline, city scale, against the floor |")
    assert timeline.endswith("| not measured |")
    assert "> measured under load" in text


def test_the_verdicts_follow_the_figures_not_constants():
    results = _results()
    slower_floor = copy.deepcopy(results)
    slower_floor["inprocess"]["sqlite"]["large"]["screens"][FLOOR]["cpu_ms"] = 4.0
    text = table(slower_floor)
    dashboard = _line(text, "| sqlite | dashboard, city scale, against the floor |")
    assert dashboard.endswith("| 4.0 ms | 2.25 | ≤ 2.0 × floor | **missed** |")
    four_cores = copy.deepcopy(results)
    four_cores["machine"]["cores"] = 4
    assert "26.7 ms (CPU per request at 150/s on 4 cores)" in table(four_cores)


def test_the_load_rows_give_requests_per_core_and_each_target():
    text = table(_results())
    assert _line(text, "| sqlite | mixed read load, city scale: requests/s |").endswith(
        "| 160.0/s (80.0/s per core) | — | 1.07 of the target | ≥ 150/s (75.0/s per core) | met |"
    )
    assert _line(text, "| postgresql | mixed read load, city scale: requests/s |").endswith(
        "| 0.83 of the target | ≥ 120/s (60.0/s per core) | **missed** |"
    )
    assert _line(text, "| sqlite | mixed read load: p95").endswith("| < 150 ms | met |")
    assert _line(text, "| postgresql | mixed read load: p95").endswith("| < 150 ms | **missed** |")
    assert _line(text, "| postgresql | mixed read load: failed requests").endswith(
        "| 2 | — | — | 0 | **missed** |"
    )
    assert _line(text, "| sqlite | memory per worker after warm-up").endswith(
        "| 120 MB, 130 MB | — | — | ≤ 150 MB each | met |"
    )
    assert _line(text, "| postgresql | memory per worker after warm-up").endswith("| **missed** |")
    assert _line(text, "| sqlite | soak").endswith("| not measured |")


def test_the_memory_rows_come_from_bench_memory():
    results = _results()
    results["memory"] = {
        "sqlite": {
            "import": {"rss_mb": 108.0, "modules": 1197, "libraries": []},
            "pages": 880,
            "worker_served_mb": [109.6, 127.6],
            "worker_served_pss_mb": [74.6, 92.6],
        },
        "postgresql": {
            "import": {"rss_mb": 124.1, "modules": 1547, "libraries": ["openpyxl"]},
            "pages": 880,
            "worker_served_mb": [151.0, 120.0],
        },
    }
    text = table(results)
    assert _line(text, "| sqlite | memory: the app loaded").endswith(
        "| 108 MB (1197 modules) | document libraries loaded: none | — | — | — |"
    )
    assert _line(text, "| postgresql | memory: the app loaded").endswith(
        "| document libraries loaded: openpyxl | — | — | — |"
    )
    assert _line(text, "| sqlite | memory per worker after 880 home and case pages").endswith(
        "| 110 MB, 128 MB | PSS 75 MB, 93 MB | — | ≤ 150 MB each | met |"
    )
    assert _line(text, "| postgresql | memory per worker after 880").endswith("| **missed** |")
    assert "memory: the app loaded" not in table(_results())


def test_the_page_frame_is_set_against_the_floor_and_each_screen_against_it():
    results = _results()
    results["inprocess"]["sqlite"]["large"]["screens"][FRAME] = {"cpu_ms": 7.5, "queries": 3}
    text = table(results)
    frame = _line(text, f"| sqlite | {FRAME}, city scale |")
    assert frame.endswith("| 7.5 ms (3 queries) | 5.0 ms (the floor) | 1.50 | — | — |")
    dashboard = _line(text, "| sqlite | dashboard, city scale, against the page frame |")
    assert dashboard.endswith(
        "| 9.0 ms (9 queries) | 7.5 ms | 1.20 (the frame is 83% of it) | — | — |"
    )
    # The target stays against the floor.
    assert _line(text, "| sqlite | dashboard, city scale, against the floor |").endswith(
        "| 5.0 ms | 1.80 | ≤ 2.0 × floor | met |"
    )
    # A run without the frame (or a database not reached) says so rather than a ratio.
    assert _line(text, f"| postgresql | {FRAME}, city scale |").startswith(
        f"| postgresql | {FRAME}, city scale | not measured |"
    )
    without = _line(table(_results()), "| sqlite | dashboard, city scale, against the page frame |")
    assert without.endswith("| 9.0 ms (9 queries) | not measured | — | — | — |")


def test_every_screen_has_its_rows_on_every_database():
    results = _results()
    names = {row.measure for row in rows(results) if row.database == "postgresql"}
    for screen in SCREENS:
        assert f"{screen}, city scale, against the floor" in names
        assert f"{screen}, 1/100 → city scale" in names
        assert f"{screen}, city scale, against the page frame" in names


def test_the_header_says_when_there_was_no_load_test():
    results = _results()
    assert "- Load: gunicorn.conf.py with" in table(results)
    results["load"] = {}
    assert "- Load: not run (see the notes below)." in table(results)


def test_a_smaller_large_dataset_is_named_as_it_is():
    results = _results()
    results["large_label"] = "2,000 persons"
    assert "| sqlite | dashboard, 2,000 persons, against the floor |" in table(results)


def test_one_results_file_per_run(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "RESULTS", tmp_path)
    first = run.results_path("2026-12-03", "bench host/1")
    assert first.name == "2026-12-03-bench-host-1.md"
    first.write_text("x")
    assert run.results_path("2026-12-03", "bench host/1").name == "2026-12-03-bench-host-1-2.md"


def test_the_driver_keeps_and_drops_cookies():
    browser = Browser(app=lambda environ, start: [])
    browser.keep_cookies(
        Response(200, [("Set-Cookie", "sessionid=abc; HttpOnly; Path=/; Max-Age=1800")], b"")
    )
    assert browser.cookies == {"sessionid": "abc"}
    environ = browser.environ("GET", "/people/", {"q": "サトウ"})
    assert environ["HTTP_COOKIE"] == "sessionid=abc"
    assert environ["HTTP_HOST"] == "127.0.0.1"
    browser.keep_cookies(Response(302, [("Set-Cookie", 'sessionid=""; Max-Age=0; Path=/')], b""))
    assert browser.cookies == {}


@pytest.mark.urls("bench.floor_urls")
def test_the_floor_is_a_signed_in_view_with_no_query_of_its_own(personas, client_as, client):
    assert client.get(FLOOR_PATH).status_code == 302  # anonymous: to sign-in
    signed_in = client_as(personas.counselor_a)
    response = signed_in.get(FLOOR_PATH)
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.urls("bench.floor_urls")
def test_the_frame_is_the_base_layout_with_nothing_in_it(personas, client_as, client):
    assert client.get(FRAME_PATH).status_code == 302  # anonymous: to sign-in
    signed_in = client_as(personas.counselor_a)
    response = signed_in.get(FRAME_PATH)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="acting-organization"' in html  # the header
    assert 'class="site-nav"' in html  # the main menu
    assert 'data-testid="bell"' in html
    assert 'class="site-footer"' in html
    main = html.split('<main id="main" tabindex="-1" class="main">', 1)[1].split("</main>", 1)[0]
    assert main.strip() == ""  # no content block, no messages
