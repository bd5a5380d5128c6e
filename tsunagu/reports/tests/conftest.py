"""One fiscal year of the core center's work, built by hand (FY2025, 令和7年度), with the
counts each table of the annual report must show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from tsunagu.cases.models import ConferenceKind
from tsunagu.cases.tests.factories import CaseFactory, ConsultationFactory, TeamMemberFactory
from tsunagu.meetings.models import CommunityIssue, IssueSource, IssueStage, IssueStep, IssueTheme
from tsunagu.meetings.tests.factories import (
    CaseConferenceFactory,
    DevelopmentFactory,
    MeetingBodyFactory,
    MeetingFactory,
)
from tsunagu.organizations.models import OrganizationKind
from tsunagu.organizations.tests.factories import OrganizationFactory
from tsunagu.people.models import DisabilityCategory
from tsunagu.people.tests.factories import PersonFactory
from tsunagu.records.models import NoteKind
from tsunagu.records.tests.factories import ProgressNoteFactory
from tsunagu.referrals.tests.factories import ReferralFactory

YEAR = 2025
PERSON_NAME = "鷹司"  # a family name that must never reach the documents


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@dataclass
class Year:
    center: Any
    body: Any
    counts: dict[str, int]


@pytest.fixture
def year(personas) -> Year:
    core = personas.core_center
    officer = personas.core_officer
    inside = dt.date(2025, 6, 2)
    before = dt.date(2025, 3, 20)  # FY2024: never counted
    person = PersonFactory.create(
        family_name=PERSON_NAME, disability_categories=[DisabilityCategory.MENTAL]
    )
    # Consultations the center received: 3 in the year, 1 before it, 1 at another office.
    for day in (inside, dt.date(2025, 10, 1), dt.date(2026, 3, 31)):
        ConsultationFactory.create(organization=core, received_at=at(day), person=person)
    ConsultationFactory.create(organization=core, received_at=at(before))
    ConsultationFactory.create(organization=personas.office_a, received_at=at(inside))
    # Cases led by the center: two opened in the year (one complex, closed in it), one older.
    complex_case = CaseFactory.create(
        person=person,
        lead_organization=core,
        lead_worker=officer,
        is_complex=True,
        difficulty_factors=["life.money", "env.family_conflict"],
        opened_on=inside,
        closed_on=dt.date(2026, 2, 1),
        status="closed",
    )
    CaseFactory.create(lead_organization=core, lead_worker=officer, opened_on=inside)
    CaseFactory.create(lead_organization=core, lead_worker=officer, opened_on=dt.date(2024, 5, 1))
    # A complex case of office A with the center on its team: its factors count too.
    joined = CaseFactory.create(
        lead_organization=personas.office_a,
        lead_worker=personas.counselor_a,
        is_complex=True,
        difficulty_factors=["life.money", "supporter.teaming"],
        opened_on=dt.date(2024, 12, 1),
    )
    TeamMemberFactory.create(case=joined, organization=core)
    # Notes the center's staff wrote: 2 interviews and a phone call in the year.
    for kind in (NoteKind.INTERVIEW, NoteKind.INTERVIEW, NoteKind.PHONE):
        ProgressNoteFactory.create(
            case=complex_case,
            kind=kind,
            author=officer,
            author_organization=core,
            occurred_at=at(inside),
        )
    ProgressNoteFactory.create(
        case=complex_case,
        kind=NoteKind.PHONE,
        author=officer,
        author_organization=core,
        occurred_at=at(before),
    )
    # Joint support: office A (委託) asks the center about a 精神 person; accepted.
    ReferralFactory.create(
        case=joined,
        person=person,
        receiving_organization=core,
        requested_at=at(inside),
        accepted_at=at(inside + dt.timedelta(days=2)),
        status="accepted",
    )
    # Case conferences the center organised: a joint review with an SV, a study session.
    CaseConferenceFactory.create(
        case=complex_case,
        organizer=core,
        kind=ConferenceKind.JOINT_CASE_REVIEW,
        held_at=at(inside),
        supervisor_name="精神科医",
        created_by=officer,
    )
    CaseConferenceFactory.create(
        case=complex_case,
        organizer=core,
        kind=ConferenceKind.CASE_STUDY_SESSION,
        held_at=at(dt.date(2025, 11, 5)),
        created_by=officer,
    )
    # A network body with the center as secretariat: 2 meetings held, the center at 1.
    body = MeetingBodyFactory.create(name="青葉区障がい福祉ネットワーク会議")
    body.secretariats.add(core)
    attended = MeetingFactory.create(body=body, starts_at=at(inside, 14), ends_at=at(inside, 16))
    attended.attendee_organizations.add(core)
    MeetingFactory.create(
        body=body, starts_at=at(dt.date(2025, 9, 1), 14), ends_at=at(dt.date(2025, 9, 1), 16)
    )
    MeetingFactory.create(body=body, starts_at=at(before, 14), ends_at=at(before, 16))
    # A community issue the center raised, taken to the body's meeting, and what came of it.
    issue = CommunityIssue.objects.create(
        title="夜間に相談できる場所がない",
        theme=IssueTheme.CONSULTATION,
        description="複数のケースで、夜間の不安に応じる窓口がない。",
        source=IssueSource.CASE,
        stage=IssueStage.SHARED_MESO,
        raised_on=inside,
        raised_by=officer,
        raised_by_organization=core,
    )
    IssueStep.objects.create(
        issue=issue,
        stage=IssueStage.SHARED_MESO,
        meeting=attended,
        occurred_on=inside,
        recorded_by=officer,
        recorded_by_organization=core,
    )
    DevelopmentFactory.create(
        title="夜間の電話相談を試行",
        occurred_on=dt.date(2025, 12, 1),
        community_issue=issue,
        recorded_by=officer,
        recorded_by_organization=core,
    )
    # Another center's world, never counted here.
    other = OrganizationFactory.create(kind=OrganizationKind.CORE_CENTER, name="別の基幹センター")
    ConsultationFactory.create(organization=other, received_at=at(inside))
    return Year(
        center=core,
        body=body,
        counts={
            "consultations": 3,
            "cases_opened": 2,
            "cases_open": 3,
            "cases_closed": 1,
            "complex_cases": 1,
            "interview": 2,
            "phone": 1,
            "notes_total": 3,
            "joint_total": 1,
            "difficulty_cases": 2,
            "life.money": 2,
            "env.family_conflict": 1,
            "supporter.teaming": 1,
            "joint_case_review": 1,
            "case_study_session": 1,
            "with_supervisor": 1,
            "held": 2,
            "attended": 1,
        },
    )
