"""One small world for the calendar: a case of office A led by counselor_a, with a task, a
monitoring, a case conference and a network meeting in one week, and a task of colleague_a."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from tsunagu.cases.models import Case, CaseConference
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.meetings.models import Meeting, MeetingBody, MeetingStatus
from tsunagu.meetings.tests.factories import (
    CaseConferenceFactory,
    MeetingBodyFactory,
    MeetingFactory,
)
from tsunagu.people.tests.factories import PersonFactory
from tsunagu.plans.models import Monitoring, Task
from tsunagu.plans.tests.factories import MonitoringFactory, SupportPlanFactory, TaskFactory

PERSON_FAMILY = "勅使河原"  # rare: no factory-made user name contains it
PERSON_GIVEN = "凛々花"


@dataclass
class AgendaWorld:
    monday: dt.date
    case: Case
    task: Task
    colleague_task: Task
    monitoring: Monitoring
    conference: CaseConference
    body: MeetingBody
    meeting: Meeting
    cancelled: Meeting


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def build_agenda_world(personas, monday: dt.date) -> AgendaWorld:
    person = PersonFactory.create(family_name=PERSON_FAMILY, given_name=PERSON_GIVEN)
    case = CaseFactory.create(
        person=person,
        title=f"{PERSON_FAMILY}{PERSON_GIVEN}さんの支援",
        lead_organization=personas.office_a,
        lead_worker=personas.counselor_a,
    )
    task = TaskFactory.create(
        case=case,
        title="短期入所先の見学日程を調整する",
        owner_organization=personas.office_a,
        owner_worker=personas.counselor_a,
        due_on=monday + dt.timedelta(days=1),
        created_by=personas.counselor_a,
    )
    colleague_task = TaskFactory.create(
        case=None,
        title="事業所連絡会の資料を作る",
        owner_organization=personas.office_a,
        owner_worker=personas.colleague_a,
        due_on=monday + dt.timedelta(days=2),
        created_by=personas.colleague_a,
    )
    plan = SupportPlanFactory.create(
        case=case, agreed=True, author=personas.counselor_a, period_start=monday
    )
    monitoring = MonitoringFactory.create(plan=plan, due_on=monday + dt.timedelta(days=3))
    conference = CaseConferenceFactory.create(
        case=case,
        organizer=personas.office_a,
        held_at=_at(monday + dt.timedelta(days=2), 10),
        place="本人宅",
        created_by=personas.counselor_a,
    )
    body = MeetingBodyFactory.create(
        name="中央区障がい福祉ネットワーク会議", members=[personas.office_a]
    )
    meeting = MeetingFactory.create(
        body=body,
        title="第3回 中央区ネットワーク会議",
        starts_at=_at(monday + dt.timedelta(days=4), 14),
        ends_at=_at(monday + dt.timedelta(days=4), 16),
        status=MeetingStatus.SCHEDULED,
        created_by=personas.counselor_a,
    )
    cancelled = MeetingFactory.create(
        body=body,
        title="臨時会",
        starts_at=_at(monday + dt.timedelta(days=5), 10),
        ends_at=_at(monday + dt.timedelta(days=5), 11),
        status=MeetingStatus.CANCELLED,
        created_by=personas.counselor_a,
    )
    return AgendaWorld(
        monday=monday,
        case=case,
        task=task,
        colleague_task=colleague_task,
        monitoring=monitoring,
        conference=conference,
        body=body,
        meeting=meeting,
        cancelled=cancelled,
    )
