"""The soak's verdicts (bench/soak.py, issue 15), from made-up figures: the soak itself runs only
under `make soak` / `make bench`, never in the test suite."""

from __future__ import annotations

from typing import Any

from bench import soak
from bench.report import soak_rows, table


def _result(**changes: Any) -> dict[str, Any]:
    result: dict[str, Any] = {
        "seconds": 600,
        "warmup_seconds": 60,
        "users": 50,
        "writers": 10,
        "requests": 12_000,
        "failures": 0,
        "rps": 20.0,
        "writes": {"notes": 900, "tasks": 450, "status_changes": 300, "lost_count": 0},
        "rss_start_mb": [120.0, 125.0],
        "rss_end_mb": [126.0, 130.0],
        "rss_growth": [0.05, 0.04],
        "workers_replaced": [],
    }
    result.update(changes)
    return result


def _verdicts(result: dict[str, Any]) -> list[str]:
    rows = soak_rows({"soak": {"sqlite": result}}, "sqlite")
    return [row.result for row in rows]


def test_a_clean_soak_passes():
    assert soak.passed(_result())
    assert _verdicts(_result()) == ["met", "met", "met"]
    rows = soak_rows({"soak": {"sqlite": _result()}}, "sqlite")
    assert rows[0].value == "0 of 12000"
    assert rows[1].value == "1650 of 1650"
    assert rows[2].value == "120 → 126 MB, 125 → 130 MB"
    assert rows[2].ratio == "+5.0%, +4.0%"


def test_one_failed_request_fails_it():
    result = _result(failures=1)
    assert not soak.passed(result)
    assert _verdicts(result)[0] == "**missed**"


def test_one_lost_write_fails_it():
    result = _result(writes={"notes": 10, "tasks": 0, "status_changes": 0, "lost_count": 1})
    assert not soak.passed(result)
    assert _verdicts(result)[1] == "**missed**"
    assert soak_rows({"soak": {"sqlite": result}}, "sqlite")[1].value == "9 of 10"


def test_a_soak_that_wrote_nothing_proves_nothing():
    result = _result(writes={"notes": 0, "tasks": 0, "status_changes": 0, "lost_count": 0})
    assert not soak.passed(result)
    assert _verdicts(result)[1] == "**missed**"


def test_memory_grown_by_ten_percent_or_a_replaced_worker_fails_it():
    assert not soak.passed(_result(rss_growth=[0.02, 0.10]))
    assert _verdicts(_result(rss_growth=[0.02, 0.10]))[2] == "**missed**"
    assert not soak.passed(_result(workers_replaced=[4242]))
    assert _verdicts(_result(workers_replaced=[4242]))[2] == "**missed**"


def test_not_run_is_said_so():
    text = table({"databases": ["sqlite"]})
    line = next(row for row in text.splitlines() if row.startswith("| sqlite | soak"))
    assert line.endswith("| not measured |")


def test_a_sign_in_in_the_middle_of_a_reading_is_not_the_start():
    """The lowest reading of each window: a 19 MiB password hash held at the first reading
    would make a leak look like a shrink."""
    samples = [
        {"at": 60, "rss_mb": {1: 150.0, 2: 120.0}},  # worker 1 is hashing a password
        {"at": 70, "rss_mb": {1: 121.0, 2: 121.0}},
        {"at": 640, "rss_mb": {1: 140.0, 2: 122.0}},
        {"at": 650, "rss_mb": {1: 134.0, 2: 140.0}},  # worker 2 is hashing one
    ]
    start, end, growth = soak._memory(samples, 60, 660)
    assert start == [121.0, 120.0]
    assert end == [134.0, 122.0]
    assert growth == [round(134 / 121 - 1, 4), round(122 / 120 - 1, 4)]
    assert soak._memory([], 60, 660) == ([], [], [])
