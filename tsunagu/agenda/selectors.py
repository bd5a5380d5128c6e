"""What a worker's calendar shows: their tasks, the monitorings of their cases, the meetings of
their network bodies and the conferences about their cases, each read through the selectors of
the app that owns it (so the calendar never shows what the actor may not see).

Each kind is a *source*: a function from the actor and a window to entries.  `SOURCES` lists
them; trainings (issue 18) are one of them, with no change to the screens or the feed.  An
entry carries two titles: `title` for the screen (which may name the case) and `feed_title`
for the .ics feed, which never carries a person's name or a case's details, only its number
(a calendar app on a phone is not a safe place).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.agenda.models import Scope
from tsunagu.cases.access import active_team_members, cases_visible_to
from tsunagu.cases.models import CaseStatus
from tsunagu.cases.selectors import persons_shown
from tsunagu.core.actor import Actor
from tsunagu.meetings.models import MeetingBody, MeetingStatus
from tsunagu.meetings.selectors import conferences_visible_to, meetings_visible_to
from tsunagu.plans.access import monitorings_visible_to, tasks_visible_to
from tsunagu.plans.models import OPEN_TASK_STATUSES, MonitoringStatus, PlanStatus
from tsunagu.trainings.models import EventStatus
from tsunagu.trainings.selectors import calendar_events

TASK = "task"
MONITORING = "monitoring"
MEETING = "meeting"
CONFERENCE = "conference"
TRAINING = "training"


@dataclass(frozen=True)
class Window:
    first: dt.date
    last: dt.date
    scope: str  # Scope.MINE or Scope.ORGANIZATION

    def moments(self) -> tuple[dt.datetime, dt.datetime]:
        """The window as aware datetimes: local midnight of `first` to that after `last`."""
        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(self.first, dt.time.min, tzinfo=tz)
        end = dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        return start, end


@dataclass(frozen=True)
class Entry:
    kind: str
    pk: int
    day: dt.date  # the local day it falls on
    title: str  # for the screen
    feed_title: str  # for the .ics feed: no names, no case details
    path: str  # the object's page
    starts_at: dt.datetime | None = None  # None: an all-day entry (a due date)
    ends_at: dt.datetime | None = None
    case_id: int | None = None
    case_label: str = ""  # the case as the screen names it
    case_path: str = ""
    place: str = ""  # a meeting's venue (never a conference's: it may be someone's home)
    cancelled: bool = False
    overdue: bool = False
    updated_at: dt.datetime | None = None

    @property
    def uid(self) -> str:
        return f"{self.kind}-{self.pk}"


Source = Callable[[Actor, Window], Iterable[Entry]]


def _case_number(case_id: int | None) -> str:
    return f"#{case_id}" if case_id else ""


def _my_cases(actor: Actor, scope: str, prefix: str) -> Q:
    """Cases the user leads or is teamed on as a worker (`mine`), or that the organization
    leads or is teamed on (`organization`); `prefix` is the path to the case."""
    team = active_team_members().filter(organization=actor.organization)
    if scope == Scope.MINE:
        return Q(**{f"{prefix}__lead_worker": actor.user}) | Q(
            **{f"{prefix}_id__in": team.filter(worker=actor.user).values("case_id")}
        )
    return Q(**{f"{prefix}__lead_organization_id": actor.organization_id}) | Q(
        **{f"{prefix}_id__in": team.values("case_id")}
    )


def task_entries(actor: Actor, window: Window) -> Iterable[Entry]:
    """Open tasks falling due in the window: the user's own, or the organization's."""
    tasks = tasks_visible_to(actor).filter(
        status__in=OPEN_TASK_STATUSES,
        due_on__gte=window.first,
        due_on__lte=window.last,
        owner_organization_id=actor.organization_id,
    )
    if window.scope == Scope.MINE:
        tasks = tasks.filter(owner_worker=actor.user)
    tasks = tasks.select_related("case", "plan_item", "contingency_action__trigger")
    task_list = reverse("plans:task_list")
    for task in tasks.order_by("due_on", "pk"):
        assert task.due_on is not None  # noqa: S101  # filtered above
        case = task.case
        yield Entry(
            kind=TASK,
            pk=task.pk,
            day=task.due_on,
            title=task.display_title,
            feed_title=(
                _("タスク期限（ケース %(case)s）") % {"case": _case_number(task.case_id)}
                if task.case_id
                else _("タスク期限")
            ),
            path=task_list,
            case_id=task.case_id,
            case_label=str(case) if case else "",
            case_path=reverse("cases:case_detail", args=[task.case_id]) if task.case_id else "",
            overdue=task.is_overdue,
            updated_at=task.updated_at,
        )


def monitoring_entries(actor: Actor, window: Window) -> Iterable[Entry]:
    """Monitoring due in the window, of agreed plans of open cases the user (or organization)
    leads or is teamed on."""
    monitorings = (
        monitorings_visible_to(actor)
        .filter(
            status=MonitoringStatus.SCHEDULED,
            plan__status=PlanStatus.AGREED,
            due_on__gte=window.first,
            due_on__lte=window.last,
        )
        .exclude(plan__case__status=CaseStatus.CLOSED)
        .filter(_my_cases(actor, window.scope, "plan__case"))
        .select_related("plan__case")
    )
    today = timezone.localdate()
    for monitoring in monitorings.order_by("due_on", "pk"):
        case = monitoring.plan.case
        yield Entry(
            kind=MONITORING,
            pk=monitoring.pk,
            day=monitoring.due_on,
            title=_("モニタリング期限"),
            feed_title=_("モニタリング期限（ケース %(case)s）") % {"case": _case_number(case.pk)},
            path=reverse("plans:monitoring_detail", args=[monitoring.pk]),
            case_id=case.pk,
            case_label=str(case),
            case_path=reverse("cases:case_detail", args=[case.pk]),
            overdue=monitoring.due_on < today,
            updated_at=monitoring.updated_at,
        )


def meeting_entries(actor: Actor, window: Window) -> Iterable[Entry]:
    """Meetings of the network's bodies the user or the organization belongs to (as member or
    secretariat), and meetings the organization attends.  The same for both scopes: a body's
    meeting is the organization's appointment."""
    if actor.organization_id is None:
        return
    org_id = actor.organization_id
    start, end = window.moments()
    mine = (
        Q(body_id__in=MeetingBody.objects.filter(member_users=actor.user).values("pk"))
        | Q(body_id__in=MeetingBody.objects.filter(member_organizations=org_id).values("pk"))
        | Q(body_id__in=MeetingBody.objects.filter(secretariats=org_id).values("pk"))
        | Q(attendee_organizations=org_id)
    )
    meetings = (
        meetings_visible_to(actor)
        .filter(starts_at__gte=start, starts_at__lt=end)
        .filter(pk__in=meetings_visible_to(actor).filter(mine).values("pk"))
        .select_related("body")
    )
    for meeting in meetings.order_by("starts_at", "pk"):
        yield Entry(
            kind=MEETING,
            pk=meeting.pk,
            day=timezone.localtime(meeting.starts_at).date(),
            title=meeting.title,
            feed_title=_("会議（%(body)s）") % {"body": meeting.body.name},
            path=reverse("meetings:meeting_detail", args=[meeting.pk]),
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            place=meeting.place,
            cancelled=meeting.status == MeetingStatus.CANCELLED,
            updated_at=meeting.updated_at,
        )


def conference_entries(actor: Actor, window: Window) -> Iterable[Entry]:
    """Case conferences about cases the user (or organization) leads or is teamed on."""
    start, end = window.moments()
    conferences = (
        conferences_visible_to(actor)
        .filter(held_at__gte=start, held_at__lt=end)
        .filter(case_id__in=cases_visible_to(actor).values("pk"))
        .filter(_my_cases(actor, window.scope, "case"))
        .select_related("case")
    )
    for conference in conferences.order_by("held_at", "pk"):
        kind = str(conference.get_kind_display())
        yield Entry(
            kind=CONFERENCE,
            pk=conference.pk,
            day=timezone.localtime(conference.held_at).date(),
            title=kind,
            feed_title=_("%(kind)s（ケース %(case)s）")
            % {"kind": kind, "case": _case_number(conference.case_id)},
            path=reverse("meetings:conference_detail", args=[conference.pk]),
            starts_at=conference.held_at,
            case_id=conference.case_id,
            case_label=str(conference.case),
            case_path=reverse("cases:case_detail", args=[conference.case_id]),
            updated_at=conference.updated_at,
        )


def training_entries(actor: Actor, window: Window) -> Iterable[Entry]:
    """Trainings (研修, issue 18) the user is registered for or waiting on, and those the
    acting organization organizes.  The same for both scopes; no person data on an event."""
    tz = timezone.get_current_timezone()
    events = calendar_events(actor, window.first, window.last)
    for event in events.order_by("held_on", "starts_at", "pk"):
        yield Entry(
            kind=TRAINING,
            pk=event.pk,
            day=event.held_on,
            title=event.theme,
            feed_title=_("研修（%(theme)s）") % {"theme": event.theme},
            path=reverse("trainings:event_detail", args=[event.pk]),
            starts_at=dt.datetime.combine(event.held_on, event.starts_at, tzinfo=tz),
            ends_at=dt.datetime.combine(event.held_on, event.ends_at, tzinfo=tz),
            place=event.place,
            cancelled=event.status == EventStatus.CANCELLED,
            updated_at=event.updated_at,
        )


# The calendar's sources, in the order a day lists them after its timed entries.
SOURCES: tuple[Source, ...] = (
    meeting_entries,
    training_entries,
    conference_entries,
    monitoring_entries,
    task_entries,
)


def _order(entry: Entry) -> tuple[Any, ...]:
    # All-day entries (due dates) first, then the timed ones by time.
    timed = entry.starts_at is not None
    return (entry.day, timed, entry.starts_at or dt.datetime.min.replace(tzinfo=dt.UTC))


def agenda_entries(
    actor: Actor, *, first: dt.date, last: dt.date, scope: str = Scope.MINE
) -> list[Entry]:
    """Every entry of the actor's calendar from `first` to `last` (inclusive), by day."""
    if actor.organization_id is None:
        return []
    window = Window(first=first, last=last, scope=scope)
    entries = [entry for source in SOURCES for entry in source(actor, window)]
    return sorted(entries, key=_order)


def entries_by_day(entries: Iterable[Entry]) -> dict[dt.date, list[Entry]]:
    days: dict[dt.date, list[Entry]] = {}
    for entry in entries:
        days.setdefault(entry.day, []).append(entry)
    return days


def persons_of(actor: Actor, entries: Iterable[Entry]) -> list[int]:
    """Whose data the page showed: the persons (and household members) of the cases named."""
    case_ids = {e.case_id for e in entries if e.case_id}
    if not case_ids:
        return []
    return persons_shown(cases=cases_visible_to(actor).filter(pk__in=case_ids))
