"""Template filters for Japanese dates; loaded as builtins, so no {% load %} is needed."""

from __future__ import annotations

import datetime as dt

from django import template

from tsunagu.core import dates

register = template.Library()


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
