"""When monitoring falls due: pure date arithmetic, kept apart so it can be tested on its own.

Every date is counted from the plan's start (the anchor), never from the previous date, so a
plan starting on 1/31 with monthly monitoring falls due on 2/28 (2/29 in a leap year), 3/31,
4/30 and so on: a short month moves one date to its last day without dragging the rest.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable

from tsunagu.plans.models import MONTHS_BETWEEN_MONITORINGS, MonitoringFrequency


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole months; a day past the end of the target month becomes its last."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def monitoring_due_dates(
    *,
    start: dt.date,
    end: dt.date,
    frequency: str,
    custom_dates: Iterable[dt.date] = (),
) -> list[dt.date]:
    """The due dates of a plan running from `start` to `end` (both inclusive).

    Periodic monitoring starts one interval after the start; custom dates are the ones inside
    the period, each once, in order.
    """
    if end < start:
        return []
    if frequency == MonitoringFrequency.CUSTOM:
        return sorted({day for day in custom_dates if start <= day <= end})
    step = MONTHS_BETWEEN_MONITORINGS[MonitoringFrequency(frequency)]
    dates = []
    n = 1
    while (due := add_months(start, step * n)) <= end:
        dates.append(due)
        n += 1
    return dates
