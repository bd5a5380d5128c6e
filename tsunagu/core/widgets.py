"""The date entry of every form: a text box that reads era and Western dates, a calendar button
and the date read back.

A native <input type=date> cannot take 令和7年4月1日, and its segments follow the browser's
language, not the page's.  So the control is a text input (parsed by `dates.parse_date` in the
form field), and app.js adds, when it runs, a calendar button that reveals a native date picker
(its choice is written into the text box) and shows the date it reads (＝ 2025年4月1日（令和7年）)
as the user types, asking the server (`core:date_echo`) so that one parser decides.  Without
JavaScript the text box alone works; the echo is rendered when a bound form comes back.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from tsunagu.core import dates


class DateEntryInput(forms.TextInput):
    template_name = "core/widgets/date_entry.html"

    def __init__(
        self,
        attrs: dict[str, Any] | None = None,
        *,
        bounds: tuple[dt.date, dt.date] | None = None,
    ) -> None:
        super().__init__(attrs={"autocomplete": "off", "size": 18, **(attrs or {})})
        self.bounds = bounds

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.date):
            return dates.display_date(value)
        return super().format_value(value)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        day = _read(value)
        context["widget"]["iso"] = day.isoformat() if day else ""
        context["widget"]["echo"] = dates.parsed_date_echo(day) if day else ""
        if self.bounds:
            first, last = self.bounds
            context["widget"].update(min=first.isoformat(), max=last.isoformat())
        return context


def _read(value: Any) -> dt.date | None:
    """The day a value shows, if it is one (a bound form's text is read as the field reads it)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return dates.parse_date(value)
        except dates.DateParseError:
            return None
    return None
