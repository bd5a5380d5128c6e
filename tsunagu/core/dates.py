"""Dates as Japanese local government writes them.

- Era dates on documents (令和7年4月1日; the first year of an era is 元年).
- ISO dates (2025-04-01) in inputs and the API.
- The fiscal year (年度) runs April to March and is named after the year it starts in:
  2025-04-01 .. 2026-03-31 is FY2025, shown as 令和7年度.
- Business days skip weekends, national holidays (jpholiday) and the year-end closure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import jpholiday


@dataclass(frozen=True)
class Era:
    name: str
    abbreviation: str
    start: dt.date


# Start dates of each era (the day the new era began).
ERAS: tuple[Era, ...] = (
    Era("令和", "R", dt.date(2019, 5, 1)),
    Era("平成", "H", dt.date(1989, 1, 8)),
    Era("昭和", "S", dt.date(1926, 12, 25)),
    Era("大正", "T", dt.date(1912, 7, 30)),
    Era("明治", "M", dt.date(1868, 1, 25)),
)


def era_of(day: dt.date) -> tuple[Era, int]:
    """The era and the year within it (1 for 元年)."""
    for era in ERAS:
        if day >= era.start:
            return era, day.year - era.start.year + 1
    raise ValueError(f"{day.isoformat()} is before the Meiji era")


def era_year_label(era: Era, year: int) -> str:
    return f"{era.name}{'元' if year == 1 else year}年"


def wareki(day: dt.date | dt.datetime | None) -> str:
    """令和7年4月1日.  A datetime is shown as its local (Asia/Tokyo) date."""
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = to_local_date(day)
    if day < ERAS[-1].start:
        return _before_meiji(day)
    era, year = era_of(day)
    return f"{era_year_label(era, year)}{day.month}月{day.day}日"


def wareki_short(day: dt.date | None) -> str:
    """R7.4.1 — for dense tables."""
    if day is None:
        return ""
    if day < ERAS[-1].start:
        return _before_meiji(day)
    era, year = era_of(day)
    return f"{era.abbreviation}{year}.{day.month}.{day.day}"


def _before_meiji(day: dt.date) -> str:
    """A date no era covers (entry refuses them since; an old row must still show): ISO."""
    return day.isoformat()


def to_local_date(moment: dt.datetime) -> dt.date:
    from django.utils import timezone

    if timezone.is_naive(moment):
        return moment.date()
    return timezone.localtime(moment).date()


def fiscal_year(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_range(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def fiscal_year_label(year: int) -> str:
    """令和7年度.  FY2019 began in 平成 (2019-04-01) but is by custom called 令和元年度.

    A year no era covers is shown as the Western year (2500年度): a label never fails."""
    if not ERAS[-1].start.year <= year <= dt.MAXYEAR - 1:
        return f"{year}年度"
    era, era_year = era_of(dt.date(year, 4, 1))
    if year == 2019:
        era, era_year = ERAS[0], 1
    return f"{era_year_label(era, era_year)}度"


def is_holiday(day: dt.date) -> bool:
    return bool(jpholiday.is_holiday(day))


def is_year_end_closure(day: dt.date) -> bool:
    """Local governments close from 12/29 to 1/3 (行政機関の休日に関する法律)."""
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def is_business_day(day: dt.date) -> bool:
    return day.weekday() < 5 and not is_holiday(day) and not is_year_end_closure(day)


def add_business_days(start: dt.date, days: int) -> dt.date:
    """The business day `days` business days after `start` (start itself is not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += dt.timedelta(days=1)
        if is_business_day(current):
            remaining -= 1
    return current


def business_days_between(start: dt.date, end: dt.date) -> int:
    """Business days after `start` up to and including `end` (0 when end <= start)."""
    count = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        if is_business_day(current):
            count += 1
    return count
