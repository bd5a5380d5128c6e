"""The meetings pages for tsunagu/core/tests/test_query_budgets.py: how to reach each one
(creating its first item on the way) and how to grow what it shows.  `PAGES` maps a name to
(url, grow, user, lists_items); `BUDGETS` pins the query counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils import timezone

from tsunagu.cases.models import CaseConference, ConferenceKind, SharingBasis, TeamRole
from tsunagu.cases.tests.factories import CaseFactory, TeamMemberFactory
from tsunagu.directory.tests.factories import ResourceFactory
from tsunagu.meetings.models import (
    CommunityIssue,
    IssueStage,
    IssueStep,
    Meeting,
    MeetingActionItem,
    MeetingAttachment,
    MeetingBody,
)
from tsunagu.meetings.tests.factories import (
    AttendeeFactory,
    CaseConferenceFactory,
    DevelopmentFactory,
    MeetingBodyFactory,
    MeetingFactory,
)
from tsunagu.organizations.models import AreaKind, OrganizationKind
from tsunagu.organizations.tests.factories import AreaFactory, OrganizationFactory
from tsunagu.people.tests.factories import PersonFactory
from tsunagu.plans.tests.factories import TaskFactory


def _day(n: int) -> dt.datetime:
    start = timezone.make_aware(dt.datetime.combine(dt.date(2026, 4, 10), dt.time(14, 0)))
    return start + dt.timedelta(days=(n * 23) % 350)


def _body(w: Any, n: int = 0) -> MeetingBody:
    key = "meetings_body" if n == 0 else f"meetings_body_{n}"
    if key not in w.extra:
        org = OrganizationFactory.create(name=f"会議の構成機関{n}")
        w.extra[key] = MeetingBodyFactory.create(
            name=f"区障がい福祉ネットワーク会議{n}",
            parent=w.extra.get("meetings_body"),
            secretariats=[w.p.core_center, w.p.office_a],
            members=[w.p.office_a, org],
        )
    body: MeetingBody = w.extra[key]
    return body


def _meeting(w: Any, n: int = 0) -> Meeting:
    key = "meetings_meeting" if n == 0 else f"meetings_meeting_{n}"
    if key not in w.extra:
        w.extra[key] = MeetingFactory.create(
            body=_body(w),
            starts_at=_day(n),
            ends_at=_day(n) + dt.timedelta(hours=2),
            created_by=w.p.core_officer,
        )
    meeting: Meeting = w.extra[key]
    return meeting


def _conference(w: Any) -> CaseConference:
    if "meetings_conference" not in w.extra:
        conference = CaseConferenceFactory.create(
            case=w.case,
            kind=ConferenceKind.MULTI_LAYER_SUPPORT_MEETING,
            organizer=w.p.office_a,
            created_by=w.p.counselor_a,
        )
        AttendeeFactory.create(conference=conference, organization=w.p.office_a)
        w.extra["meetings_conference"] = conference
    conference_: CaseConference = w.extra["meetings_conference"]
    return conference_


def _issue(w: Any, n: int = 0) -> CommunityIssue:
    key = "meetings_issue" if n == 0 else f"meetings_issue_{n}"
    if key not in w.extra:
        issue = CommunityIssue.objects.create(
            title=f"短期入所先が足りない{n}",
            theme="respite",
            description="医療的ケアのある人の受け皿が少ない。",
            source="survey",
            source_note="相談支援事業所アンケート",
            raised_by=w.p.counselor_a,
            raised_by_organization=w.p.office_a,
        )
        _step(w, issue, n)
        w.extra[key] = issue
    issue_: CommunityIssue = w.extra[key]
    return issue_


def _step(w: Any, issue: CommunityIssue, n: int) -> None:
    IssueStep.objects.create(
        issue=issue,
        stage=IssueStage.SHARED_MESO,
        meeting=_meeting(w, n),
        occurred_on=_day(n).date(),
        recorded_by=w.p.counselor_a,
        recorded_by_organization=w.p.office_a,
    )


def _area(w: Any) -> Any:
    if "meetings_area" not in w.extra:
        w.extra["meetings_area"] = AreaFactory.create(
            code="meetings-ward", name="東区", kind=AreaKind.WARD
        )
    return w.extra["meetings_area"]


def url(name: str) -> Callable[[Any], str]:
    def build(w: Any) -> str:
        if name == "body_list":
            _body(w)
            return reverse("meetings:body_list")
        if name == "body_detail":
            _meeting(w)
            return reverse("meetings:body_detail", args=[_body(w).pk]) + "?year=2026"
        if name == "calendar":
            _meeting(w)
            return reverse("meetings:calendar") + "?year=2026"
        if name == "compliance":
            _meeting(w)
            return reverse("meetings:compliance") + "?year=2026"
        if name == "meeting_detail":
            return reverse("meetings:meeting_detail", args=[_meeting(w).pk])
        if name == "conference_list":
            _conference(w)
            return reverse("meetings:conference_list", args=[w.case.pk])
        if name == "conference_detail":
            return reverse("meetings:conference_detail", args=[_conference(w).pk])
        if name == "issue_list":
            _issue(w)
            return reverse("meetings:issue_list")
        if name == "issue_detail":
            return reverse("meetings:issue_detail", args=[_issue(w).pk])
        if name == "council_issues":
            _issue(w)
            return reverse("meetings:council_issues")
        if name == "network":
            grow_network(w, 1)
            return reverse("meetings:network") + f"?area={_area(w).pk}&year=2026"
        raise ValueError(name)

    return build


def grow_bodies(w: Any, n: int) -> None:
    for i in range(n):
        _body(w, i + 1)


def grow_meetings(w: Any, n: int) -> None:
    for i in range(n):
        _meeting(w, i + 1)


def grow_compliance(w: Any, n: int) -> None:
    for i in range(n):
        body = _body(w, i + 1)
        MeetingFactory.create(
            body=body, starts_at=_day(i), ends_at=_day(i), created_by=w.p.core_officer
        )


def grow_meeting_detail(w: Any, n: int) -> None:
    meeting = _meeting(w)
    for i in range(n):
        org = OrganizationFactory.create(name=f"出席機関{i}")
        meeting.body.member_organizations.add(org)
        meeting.attendee_organizations.add(org)
        MeetingActionItem.objects.create(
            meeting=meeting,
            title=f"やること{i}",
            owner_organization=org if i % 2 else w.p.office_a,
            created_by=w.p.core_officer,
            task=None
            if i % 2
            else TaskFactory.create(owner_organization=w.p.office_a, created_by=w.p.core_officer),
        )
        MeetingAttachment.objects.create(  # the page lists rows; it never opens the files
            meeting=meeting,
            file=f"meetings/2026/12/{i:064x}",
            original_name=f"配布資料{i}.pdf",
            content_type="application/pdf",
            size=1024 + i,
            sha256=f"{i:064x}",
            uploaded_by=w.p.core_officer,
        )


def grow_conferences(w: Any, n: int) -> None:
    for _i in range(n):
        CaseConferenceFactory.create(
            case=w.case, organizer=w.p.office_a, created_by=w.p.counselor_a
        )


def grow_attendees(w: Any, n: int) -> None:
    conference = _conference(w)
    for i in range(n):
        AttendeeFactory.create(
            conference=conference,
            organization=OrganizationFactory.create(name=f"出席機関{i}"),
            name=f"出席者{i}",
        )


def grow_issues(w: Any, n: int) -> None:
    for i in range(n):
        _issue(w, i + 1)


def grow_issue_steps(w: Any, n: int) -> None:
    issue = _issue(w)
    for i in range(n):
        _step(w, issue, i + 1)
        DevelopmentFactory.create(
            community_issue=issue,
            resource=ResourceFactory.create(),
            recorded_by=w.p.counselor_a,
            recorded_by_organization=w.p.office_a,
        )


def grow_network(w: Any, n: int) -> None:
    area = _area(w)
    for _i in range(n):
        person = PersonFactory.create(area=area, registered_by_organization=w.p.office_a)
        case = CaseFactory.create(person=person, lead_organization=w.p.office_a)
        TeamMemberFactory.create(
            case=case,
            organization=OrganizationFactory.create(kind=OrganizationKind.SERVICE_PROVIDER),
            role=TeamRole.SERVICE,
            basis=SharingBasis.STATUTORY_MEETING,
            basis_note="支援会議",
            added_by=w.p.counselor_a,
            joined_on=dt.date(2026, 6, 1),
        )


# name: (url, grow, user, lists_items)
PAGES: dict[str, tuple[Callable[[Any], str], Callable[[Any, int], None], str, bool]] = {
    "meetings_body_list": (url("body_list"), grow_bodies, "counselor_a", True),
    "meetings_body_detail": (url("body_detail"), grow_meetings, "counselor_a", True),
    "meetings_calendar": (url("calendar"), grow_meetings, "counselor_a", True),
    "meetings_compliance": (url("compliance"), grow_compliance, "counselor_a", True),
    "meetings_meeting_detail": (url("meeting_detail"), grow_meeting_detail, "core_officer", True),
    "meetings_conference_list": (url("conference_list"), grow_conferences, "counselor_a", True),
    "meetings_conference_detail": (url("conference_detail"), grow_attendees, "counselor_a", True),
    "meetings_issue_list": (url("issue_list"), grow_issues, "counselor_a", True),
    "meetings_issue_detail": (url("issue_detail"), grow_issue_steps, "counselor_a", True),
    "meetings_council_issues": (url("council_issues"), grow_issues, "counselor_a", True),
    "meetings_network": (url("network"), grow_network, "core_officer", True),
}

# Measured on SQLite and PostgreSQL (the same on both); an audit row is two queries (chain head
# and insert).
BUDGETS: dict[str, int] = {
    "meetings_body_list": 11,
    "meetings_body_detail": 12,
    "meetings_calendar": 8,
    "meetings_compliance": 10,
    "meetings_meeting_detail": 14,  # 13 + the attachments prefetch
    "meetings_conference_list": 11,
    "meetings_conference_detail": 13,
    "meetings_issue_list": 11,  # + the read row (head + insert)
    "meetings_issue_detail": 13,  # 10 + the resource developments from the issue + the read row
    "meetings_council_issues": 11,  # + the read row (head + insert)
    "meetings_network": 13,
}
