"""The calendar over JSON: the same selector and read row as the screen.  The .ics feed is its
own URL (a calendar app cannot send a bearer token); making or stopping one is screen-only."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.utils import timezone
from ninja import Field, Router

from tsunagu.agenda import selectors
from tsunagu.agenda.models import Scope
from tsunagu.agenda.periods import period_of
from tsunagu.audit.services import record_read
from tsunagu.core.api import ErrorOut
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.schemas import Out
from tsunagu.core.validators import SaneDate

router = Router(tags=["agenda"])


class EntryOut(Out):
    kind: Literal["task", "monitoring", "meeting", "conference"]
    id: int = Field(alias="pk")
    day: dt.date
    title: str
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    case_id: int | None
    cancelled: bool
    overdue: bool
    url: str = Field(alias="path")


class AgendaOut(Out):
    view: Literal["week", "month"]
    scope: Literal["mine", "organization"]
    first: dt.date
    last: dt.date
    previous: dt.date | None
    next: dt.date | None
    entries: list[EntryOut]


@router.get(
    "/agenda",
    response={200: AgendaOut, 422: ErrorOut},
    summary="カレンダー（週・月）: タスクの期限、モニタリングの期限、会議、ケース会議",
    url_name="agenda",
)
def agenda(
    request: TsunaguRequest,
    view: Literal["week", "month"] = "week",
    date: SaneDate | None = None,
    scope: Literal["mine", "organization"] = "mine",
) -> dict[str, object]:
    actor = request.actor
    day = date or timezone.localdate()
    period = period_of(view, day)
    entries = selectors.agenda_entries(
        actor, first=period.first, last=period.last, scope=Scope(scope)
    )
    record_read(
        actor,
        view="agenda.calendar",
        person_ids=selectors.persons_of(actor, entries),
        filters={"view": view, "date": day.isoformat(), "scope": scope},
    )
    return {
        "view": view,
        "scope": scope,
        "first": period.first,
        "last": period.last,
        "previous": period.previous,
        "next": period.next,
        "entries": entries,
    }
