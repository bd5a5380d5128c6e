"""The week or month a calendar page shows, and its neighbours: pure date arithmetic."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils.translation import pgettext_lazy

from tsunagu.core.validators import MAX_DATE, MIN_DATE

WEEK = "week"
MONTH = "month"

# Monday first, as Japanese business calendars are laid out.
WEEKDAYS = (
    pgettext_lazy("weekday", "月"),
    pgettext_lazy("weekday", "火"),
    pgettext_lazy("weekday", "水"),
    pgettext_lazy("weekday", "木"),
    pgettext_lazy("weekday", "金"),
    pgettext_lazy("weekday", "土"),
    pgettext_lazy("weekday", "日"),
)


@dataclass(frozen=True)
class Period:
    view: str
    anchor: dt.date  # the day asked for
    first: dt.date  # the first and last day whose entries are shown
    last: dt.date
    grid_first: dt.date  # the Monday and Sunday the page's grid runs between
    grid_last: dt.date
    previous: dt.date | None  # a day in the period before, None past the bounds
    next: dt.date | None

    def days(self) -> list[dt.date]:
        count = (self.grid_last - self.grid_first).days + 1
        return [self.grid_first + dt.timedelta(days=n) for n in range(count)]

    def weeks(self) -> list[list[dt.date]]:
        days = self.days()
        return [days[i : i + 7] for i in range(0, len(days), 7)]


def _in_bounds(day: dt.date) -> dt.date | None:
    return day if MIN_DATE <= day <= MAX_DATE else None


def period_of(view: str, anchor: dt.date) -> Period:
    if view == MONTH:
        first = anchor.replace(day=1)
        last = anchor.replace(day=calendar.monthrange(anchor.year, anchor.month)[1])
        previous = first - dt.timedelta(days=1)
        following = last + dt.timedelta(days=1) if last < dt.date.max else None
        return Period(
            view=MONTH,
            anchor=anchor,
            first=first,
            last=last,
            grid_first=first - dt.timedelta(days=first.weekday()),
            grid_last=last + dt.timedelta(days=6 - last.weekday()),
            previous=_in_bounds(previous.replace(day=1)),
            next=_in_bounds(following) if following else None,
        )
    monday = anchor - dt.timedelta(days=anchor.weekday())
    sunday = monday + dt.timedelta(days=6)
    return Period(
        view=WEEK,
        anchor=anchor,
        first=monday,
        last=sunday,
        grid_first=monday,
        grid_last=sunday,
        previous=_in_bounds(monday - dt.timedelta(days=7)),
        next=_in_bounds(monday + dt.timedelta(days=7)),
    )
