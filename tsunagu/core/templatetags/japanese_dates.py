"""Template filters for Japanese dates; loaded as builtins, so no {% load %} is needed.

`day` is the one date format of the screens (令和7年4月1日 in Japanese, 2025-04-01 in English).
`wareki` is for printed forms, which are Japanese whatever the screen's language."""

from __future__ import annotations

import datetime as dt

from django import template

from tsunagu.core import dates

register = template.Library()


@register.filter
def day(value: dt.date | dt.datetime | None) -> str:
    return dates.display_date(value)


@register.filter
def wareki(value: dt.date | dt.datetime | None) -> str:
    return dates.wareki(value)


@register.filter
def wareki_short(value: dt.date | None) -> str:
    return dates.wareki_short(value)


@register.filter
def nendo(value: int | dt.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        value = dates.fiscal_year(value)
    return dates.fiscal_year_label(value)
