"""iCalendar (RFC 5545) export of meetings: one meeting, or a body's fiscal year."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings

from tsunagu.meetings.models import Meeting, MeetingStatus

if TYPE_CHECKING:
    from icalendar import Event

# icalendar is imported where a calendar is made, not when the URLconf loads (ADR 0007).

PRODID = "-//Tsunagu//meetings//JA"


def _event(meeting: Meeting) -> Event:
    from icalendar import Event

    event = Event()
    host = settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "tsunagu"
    event.add("uid", f"meeting-{meeting.pk}@{host.lstrip('.') or 'tsunagu'}")
    event.add("dtstamp", meeting.updated_at)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", f"{meeting.body.name}: {meeting.title}")
    if meeting.place:
        event.add("location", meeting.place)
    description = "\n".join(
        [meeting.get_format_display(), *(f"・{item}" for item in meeting.agenda_items)]
    )
    event.add("description", description)
    event.add("status", "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED")
    event.add("sequence", meeting.version)
    return event


def calendar_of(meetings: Iterable[Meeting], *, name: str) -> bytes:
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for meeting in meetings:
        cal.add_component(_event(meeting))
    return bytes(cal.to_ical())
