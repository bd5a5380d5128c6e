"""`{{ text|furigana }}` and `{{ text|furigana:names }}`: text as escaped HTML with ruby
(tsunagu/plainplans/furigana.py); `names` maps a name to its recorded reading."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django import template
from django.utils.safestring import SafeString, mark_safe

from tsunagu.plainplans import furigana as reader

register = template.Library()


@register.filter(name="furigana")
def furigana(text: object, names: Mapping[str, str] | None = None) -> SafeString:
    # ruby() escapes every character of the text itself: what it returns is safe.
    return mark_safe(reader.ruby(str(text or ""), names=names or {}))  # noqa: S308


@register.filter(name="lines")
def lines(text: object) -> list[str]:
    """The text's non-empty lines: one paragraph or list item each."""
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


WEEKDAYS = ("月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日", "日曜日")


@register.filter(name="plain_day")
def plain_day(value: object) -> str:
    """A day as the person reads it: 2026年12月10日（木曜日）."""
    if not isinstance(value, dt.date):
        return ""
    return f"{value.year}年{value.month}月{value.day}日（{WEEKDAYS[value.weekday()]}）"
