"""Monitoring due dates across month ends, leap days and the fiscal-year boundary."""

from __future__ import annotations

import datetime as dt

import pytest

from tsunagu.core.dates import fiscal_year
from tsunagu.plans.schedule import add_months, monitoring_due_dates

D = dt.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # leap year
        (D(2026, 1, 31), 2, D(2026, 3, 31)),  # from the anchor, not from 2/28
        (D(2026, 3, 31), 1, D(2026, 4, 30)),
        (D(2026, 12, 15), 1, D(2027, 1, 15)),  # calendar year
        (D(2028, 2, 29), 12, D(2029, 2, 28)),
        (D(2028, 2, 29), 48, D(2032, 2, 29)),
        (D(2026, 5, 10), 0, D(2026, 5, 10)),
    ],
)
def test_add_months_clamps_to_the_end_of_a_short_month(day, months, expected):
    assert add_months(day, months) == expected


def test_monthly_from_the_31st_of_january():
    dates = monitoring_due_dates(start=D(2026, 1, 31), end=D(2026, 7, 31), frequency="monthly")
    assert dates == [
        D(2026, 2, 28),
        D(2026, 3, 31),
        D(2026, 4, 30),
        D(2026, 5, 31),
        D(2026, 6, 30),
        D(2026, 7, 31),
    ]


def test_monthly_in_a_leap_year_falls_on_the_29th_of_february():
    dates = monitoring_due_dates(start=D(2028, 1, 31), end=D(2028, 4, 30), frequency="monthly")
    assert dates == [D(2028, 2, 29), D(2028, 3, 31), D(2028, 4, 30)]


def test_every_six_months_from_a_leap_day():
    dates = monitoring_due_dates(
        start=D(2028, 2, 29), end=D(2030, 2, 28), frequency="every_6_months"
    )
    assert dates == [D(2028, 8, 29), D(2029, 2, 28), D(2029, 8, 29), D(2030, 2, 28)]


def test_across_the_fiscal_year_boundary():
    dates = monitoring_due_dates(
        start=D(2026, 12, 31), end=D(2027, 6, 30), frequency="every_3_months"
    )
    assert dates == [D(2027, 3, 31), D(2027, 6, 30)]
    assert [fiscal_year(d) for d in dates] == [2026, 2027]  # 令和8年度, then 令和9年度


def test_monthly_across_march_and_april():
    dates = monitoring_due_dates(start=D(2027, 2, 28), end=D(2027, 5, 31), frequency="monthly")
    assert dates == [D(2027, 3, 28), D(2027, 4, 28), D(2027, 5, 28)]


def test_the_plan_end_is_included_and_nothing_after_it():
    dates = monitoring_due_dates(
        start=D(2026, 4, 1), end=D(2027, 3, 31), frequency="every_3_months"
    )
    assert dates == [D(2026, 7, 1), D(2026, 10, 1), D(2027, 1, 1)]
    dates = monitoring_due_dates(start=D(2026, 4, 1), end=D(2026, 7, 1), frequency="monthly")
    assert dates[-1] == D(2026, 7, 1)


def test_custom_dates_inside_the_period_once_each_in_order():
    dates = monitoring_due_dates(
        start=D(2026, 4, 1),
        end=D(2026, 9, 30),
        frequency="custom",
        custom_dates=[D(2026, 9, 1), D(2026, 5, 15), D(2026, 5, 15), D(2026, 10, 1)],
    )
    assert dates == [D(2026, 5, 15), D(2026, 9, 1)]


def test_a_period_that_ends_before_it_starts_has_no_dates():
    assert monitoring_due_dates(start=D(2026, 4, 1), end=D(2026, 3, 1), frequency="monthly") == []
