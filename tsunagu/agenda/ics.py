"""The calendar feed as iCalendar (RFC 5545), written by the `icalendar` package (escaping and
line folding are its job).  Only what a lost phone may show: each entry's `feed_title` (a kind
and a case number, never a name), its time and a link into the app, where signing in decides
what may be seen.  No description, and a venue only for a network meeting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from tsunagu.agenda.selectors import Entry

if TYPE_CHECKING:
    from icalendar import Event

# icalendar is imported where a feed is written, not when the URLconf loads (ADR 0007).

PRODID = "-//Tsunagu//agenda//JA"


def _host() -> str:
    host = settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else ""
    host = host.lstrip(".").strip("[]")
    return host if host and "*" not in host else "tsunagu"


def _event(entry: Entry, *, site: str, stamp: dt.datetime) -> Event:
    from icalendar import Event

    event = Event()
    event.add("uid", f"{entry.uid}@{_host()}")
    event.add("dtstamp", entry.updated_at or stamp)
    if entry.starts_at is None:
        event.add("dtstart", entry.day)  # a VALUE=DATE: a due date, all day
        event.add("dtend", entry.day + dt.timedelta(days=1))
    else:
        event.add("dtstart", entry.starts_at)
        if entry.ends_at is not None and entry.ends_at > entry.starts_at:
            event.add("dtend", entry.ends_at)
    event.add("summary", entry.feed_title)
    if entry.place:
        event.add("location", entry.place)
    event.add("url", site + entry.path)
    event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if entry.starts_at is None else "OPAQUE")
    return event


def feed_calendar(entries: Iterable[Entry], *, name: str, site: str) -> bytes:
    """`site`: scheme and host the links start with."""
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    for entry in entries:
        cal.add_component(_event(entry, site=site, stamp=stamp))
    return bytes(cal.to_ical())
