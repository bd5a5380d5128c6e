"""Era dates, fiscal years and business days as Japanese local government uses them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template

from tsunagu.core import dates


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2019, 4, 30), "平成31年4月30日"),
        (dt.date(2019, 5, 1), "令和元年5月1日"),
        (dt.date(2025, 4, 1), "令和7年4月1日"),
        (dt.date(1989, 1, 7), "昭和64年1月7日"),
        (dt.date(1989, 1, 8), "平成元年1月8日"),
    ],
)
def test_wareki_across_era_changes(day, expected):
    assert dates.wareki(day) == expected


def test_wareki_of_an_aware_datetime_is_its_tokyo_date():
    # 2019-04-30 15:30 UTC is already 2019-05-01 00:30 in Tokyo: the first day of 令和.
    moment = dt.datetime(2019, 4, 30, 15, 30, tzinfo=dt.UTC)
    assert dates.wareki(moment) == "令和元年5月1日"


def test_wareki_of_nothing_is_empty():
    assert dates.wareki(None) == ""


def test_wareki_short():
    assert dates.wareki_short(dt.date(2025, 4, 1)) == "R7.4.1"
    assert dates.wareki_short(dt.date(2019, 4, 30)) == "H31.4.30"


def test_fiscal_year_turns_on_april_first():
    assert dates.fiscal_year(dt.date(2026, 3, 31)) == 2025
    assert dates.fiscal_year(dt.date(2026, 4, 1)) == 2026
    assert dates.fiscal_year(dt.date(2025, 12, 31)) == 2025
    assert dates.fiscal_year(dt.date(2026, 1, 1)) == 2025


@pytest.mark.parametrize(
    ("year", "label"),
    [(2019, "令和元年度"), (2025, "令和7年度"), (2018, "平成30年度"), (2020, "令和2年度")],
)
def test_fiscal_year_label(year, label):
    assert dates.fiscal_year_label(year) == label


def test_fiscal_year_range_runs_april_to_march():
    assert dates.fiscal_year_range(2025) == (dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    # A leap year's February does not matter: the year always ends on 31 March.
    assert dates.fiscal_year_range(2023) == (dt.date(2023, 4, 1), dt.date(2024, 3, 31))


def test_coming_of_age_day_is_a_holiday():
    coming_of_age_day = dt.date(2026, 1, 12)  # second Monday of January
    assert dates.is_holiday(coming_of_age_day)
    assert not dates.is_business_day(coming_of_age_day)
    assert dates.is_business_day(dt.date(2026, 1, 13))


@pytest.mark.parametrize(
    "day",
    [dt.date(2025, 12, 29), dt.date(2025, 12, 30), dt.date(2025, 12, 31), dt.date(2026, 1, 2)],
)
def test_year_end_closure_is_not_a_business_day(day):
    # Weekdays that are no national holiday: only the closure makes them days off.
    assert day.weekday() < 5
    assert not dates.is_holiday(day)
    assert dates.is_year_end_closure(day)
    assert not dates.is_business_day(day)


def test_days_around_the_closure_are_business_days():
    assert dates.is_business_day(dt.date(2025, 12, 26))  # Friday before the closure
    assert dates.is_business_day(dt.date(2026, 1, 5))  # Monday after it


def test_add_business_days_across_golden_week():
    # 2025: 4/29 (Tue) 昭和の日; 5/3-5/5 holidays over the weekend; 5/6 (Tue) 振替休日.
    friday = dt.date(2025, 4, 25)
    assert dates.add_business_days(friday, 1) == dt.date(2025, 4, 28)
    assert dates.add_business_days(friday, 2) == dt.date(2025, 4, 30)
    assert dates.add_business_days(friday, 4) == dt.date(2025, 5, 2)
    assert dates.add_business_days(friday, 5) == dt.date(2025, 5, 7)
    assert dates.add_business_days(friday, 0) == friday


def test_add_business_days_across_year_end():
    assert dates.add_business_days(dt.date(2025, 12, 26), 1) == dt.date(2026, 1, 5)
    assert dates.add_business_days(dt.date(2025, 12, 25), 2) == dt.date(2026, 1, 5)


def test_add_business_days_refuses_a_negative_count():
    with pytest.raises(ValueError, match="negative"):
        dates.add_business_days(dt.date(2025, 4, 1), -1)


def test_business_days_between():
    assert dates.business_days_between(dt.date(2025, 4, 25), dt.date(2025, 5, 7)) == 5
    assert dates.business_days_between(dt.date(2025, 12, 26), dt.date(2026, 1, 5)) == 1
    assert dates.business_days_between(dt.date(2025, 12, 26), dt.date(2026, 1, 4)) == 0
    assert dates.business_days_between(dt.date(2025, 5, 7), dt.date(2025, 4, 25)) == 0


def _render(source: str, **context: object) -> str:
    # Template() uses the project's engine, whose builtins (settings.TEMPLATES) include the
    # filters: no {% load %} is needed.
    return Template(source).render(Context(context))


def test_template_filters_render_era_dates_and_fiscal_years():
    assert _render("{{ d|wareki }}", d=dt.date(2019, 5, 1)) == "令和元年5月1日"
    assert _render("{{ d|wareki_short }}", d=dt.date(2025, 4, 1)) == "R7.4.1"
    assert _render("{{ y|nendo }}", y=2019) == "令和元年度"
    # A date is shown as the fiscal year it falls in: March 2026 belongs to FY2025.
    assert _render("{{ d|nendo }}", d=dt.date(2026, 3, 31)) == "令和7年度"
    assert _render("{{ d|wareki }}{{ y|nendo }}", d=None, y=None) == ""
