"""Query budgets: every list and detail page runs a fixed number of queries (no N+1).

For each page we build a small world (one item), count the queries of one request as
counselor_a (the admin screens as the administrator), add many more items that the page shows,
and assert the count did not move.  `PAGE_BUDGETS` pins the measured number (the larger of
SQLite and PostgreSQL) so that a regression that adds queries shows up here too.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import built_once, make_personas
from tsunagu.accounts.models import User
from tsunagu.accounts.tests.factories import UserFactory
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases.models import Case, CaseStatusChange, Consultation, SharingBasis
from tsunagu.cases.tests.factories import CaseFactory, ConsultationFactory, TeamMemberFactory
from tsunagu.directory.tests import budget_pages as directory_pages
from tsunagu.meetings.models import MeetingActionItem, MeetingStatus
from tsunagu.meetings.tests import budget_pages as meetings_pages
from tsunagu.meetings.tests.factories import MeetingBodyFactory, MeetingFactory
from tsunagu.notifications.models import NotificationKind
from tsunagu.notifications.services import notify
from tsunagu.organizations.models import Organization
from tsunagu.organizations.tests.factories import (
    AreaFactory,
    CorporationFactory,
    MembershipFactory,
    OrganizationFactory,
)
from tsunagu.people.models import ConsentPurpose, Household, Person, Relationship
from tsunagu.people.tests.factories import (
    ConsentFactory,
    HouseholdFactory,
    HouseholdMemberFactory,
    PersonFactory,
)
from tsunagu.plans.models import TaskSource
from tsunagu.plans.tests.factories import (
    AssessmentFactory,
    AssessmentSectionFactory,
    ContingencyActionFactory,
    ContingencyTriggerFactory,
    MonitoringFactory,
    MonitoringGoalReportFactory,
    PlanItemFactory,
    SupportPlanFactory,
    TaskFactory,
    WeeklyScheduleEntryFactory,
)
from tsunagu.records.models import (
    BoardMessage,
    Formulation,
    NoteAttachment,
    NoteKind,
    NoteTemplate,
    ProgressNote,
)
from tsunagu.records.tests.factories import FormulationFactory, ProgressNoteFactory
from tsunagu.referrals.models import ReferralTransition
from tsunagu.referrals.tests.factories import ReferralFactory
from tsunagu.search.tests import budget_pages as search_pages

# Queries of one request, signed in, for a page (the larger of SQLite and PostgreSQL).
# Every audit row is two queries: the hash chain's head (read under the append lock, see
# tsunagu/audit/chain.py) and the insert; outside a transaction SQLite also counts its BEGIN
# IMMEDIATE, which the tests (inside one) do not see.
PAGE_BUDGETS: dict[str, int] = {
    "home": 15,  # with the meetings panel: upcoming meetings, action items to take on
    "organization_list": 9,
    "organization_detail": 10,
    "area_list": 8,
    "organization_manage_list": 5,
    "organization_manage_detail": 6,
    "audit_list": 12,
    "user_list": 12,
    # Session, user, the page carrying its count (core.paging: the visibility UNION once), the
    # read row (head + insert).  Both databases measured 5.
    "person_search": 5,
    "person_detail": 15,
    "household_detail": 12,
    "household_list": 12,  # the count, the page, the members shown and the read row (head + insert)
    "consultation_list": 11,  # + the read row naming the persons shown (head + insert)
    "consultation_detail": 10,
    "case_list": 13,  # + the members of household cases shown, and the read row (head + insert)
    "case_detail": 15,
    "case_notes": 13,
    "household_notes": 13,
    # The team's users (picker), the threads and their count, mentions, attachments and replies
    # (each with theirs) in one prefetch each, the read row (head + insert), the DV banner
    # of the case header (people.protection).  SQLite measured.
    "board": 15,
    # The page and its count, one query per target type rendered, the read row.  SQLite measured.
    "notification_list": 12,
    "formulation_list": 11,
    "assessment_list": 11,
    "assessment_detail": 14,
    "plan_list": 11,
    "plan_detail": 15,
    # Issue 21: the candidates with their visits (one prefetch), the plan, the read row.
    "trials_plan": 12,
    # The moments received while the consent holds, with note, case and person; the read row.
    "moments_shared": 10,
    "moments_council": 8,
    "monitoring_detail": 11,
    "contingency_list": 12,
    "task_list": 12,
    # The tasks and their count (each note's kind in the same query), the read row (head +
    # insert).  SQLite measured 7.
    "case_task_list": 8,
    # The templates, whether the organization has managers.  SQLite measured 4.
    "note_templates": 5,
    "monitoring_due_list": 11,
    "directory_public_search": 17,
    "directory_public_detail": 13,
    "directory_resource_list": 18,
    "directory_resource_detail": 14,
    "directory_provider_list": 9,
    "directory_development_list": 9,
    "referral_inbox": 10,
    "referral_outbox": 10,
    "referral_detail": 12,
    "referral_new": 9,
    # The first imported request (ADR 0015) beside the first sent one, for the years offered
    # and for the year asked: one query each.
    "referral_statistics": 11,
    # The visible cases, the readable restricted notes and (SQLite, 3+ characters) the FTS5
    # probe are each one query of their own (ADR 0006); the persons of the cases shown, for
    # the audit row.
    "search_short_word": 14,
    "search_phrase": 15,
    **meetings_pages.BUDGETS,
}

MORE = 15  # how many items the "many" world adds


@dataclass
class World:
    p: Any  # the personas
    person: Person
    household: Household
    case: Case
    household_case: Case
    consultation: Consultation
    extra: dict[str, Any] = field(default_factory=dict)


def _world(p: Any) -> World:
    office_a = p.office_a
    person = PersonFactory.create(registered_by_organization=office_a)
    household = HouseholdFactory.create(registered_by_organization=office_a)
    HouseholdMemberFactory.create(household=household, person=person)
    case = CaseFactory.create(person=person, lead_organization=office_a, lead_worker=p.counselor_a)
    household_case = CaseFactory.create(
        person=None,
        household=household,
        title="山田さん世帯の支援",
        lead_organization=office_a,
        lead_worker=p.counselor_a,
    )
    consultation = ConsultationFactory.create(
        organization=office_a, received_by=p.counselor_a, person=person, case=case
    )
    # One of everything the pages list, so that every prefetch already runs with one item.
    ConsentFactory.create(
        person=person,
        obtained_by=p.counselor_a,
        obtained_by_organization=office_a,
        organizations=[office_a],
    )
    world = World(p, person, household, case, household_case, consultation)
    _note(world, case, 0)
    _note(world, household_case, 0)
    _grow_formulations(world, 1)
    _plans_world(world)
    _referrals_world(world)
    _grow_board(world, 1)
    _grow_notifications(world, 1)
    _grow_case_tasks(world, 1)
    _grow_note_templates(world, 1)
    return world


def _user(org: Organization) -> User:
    user = UserFactory.create()
    MembershipFactory.create(user=user, organization=org)
    return user


def _note(w: World, case: Case, n: int) -> ProgressNote:
    author = _user(w.p.office_a)
    note = ProgressNoteFactory.create(
        case=case, author=author, author_organization=w.p.office_a, text=f"記録{n}"
    )
    NoteAttachment.objects.create(
        note=note,
        file=f"attachments/test-{note.pk}.pdf",
        original_name=f"資料{n}.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=author,
    )
    return note


# --- What each page shows, and how to show more of it -------------------------------------


def _grow_home(w: World, n: int) -> None:
    body = MeetingBodyFactory.create(secretariats=[w.p.core_center], members=[w.p.office_a])
    for i in range(n):
        meeting = MeetingFactory.create(
            body=body,
            status=MeetingStatus.SCHEDULED,
            starts_at=timezone.now() + dt.timedelta(days=i + 1),
            created_by=w.p.core_officer,
        )
        MeetingActionItem.objects.create(
            meeting=meeting,
            title=f"報告{i}",
            owner_organization=w.p.office_a,
            created_by=w.p.core_officer,
        )
        AuditEvent.objects.create(
            action=Action.LOGIN,
            actor=w.p.counselor_a,
            actor_username=w.p.counselor_a.username,
            organization=w.p.office_a,
        )
        AuditEvent.objects.create(
            action=Action.LOGIN_FAILED,
            actor_username=w.p.counselor_a.username,
            at=timezone.now(),
        )


def _grow_organizations(w: World, n: int) -> None:
    ward = AreaFactory.create()
    for _ in range(n):
        org = OrganizationFactory.create(corporation=CorporationFactory.create())
        org.areas_served.add(ward)
        MembershipFactory.create(organization=org)


def _city_manager(w: World, url: str) -> str:
    from tsunagu.organizations.models import Membership, SystemRole

    Membership.objects.filter(user=w.p.city_official).update(role=SystemRole.MANAGER)
    return url


def _grow_organization_detail(w: World, n: int) -> None:
    for _ in range(n):
        w.p.office_a.areas_served.add(AreaFactory.create())
        MembershipFactory.create(organization=w.p.office_a)


def _grow_areas(w: World, n: int) -> None:
    for _ in range(n):
        parent = AreaFactory.create()
        AreaFactory.create(parent=parent)
        OrganizationFactory.create().areas_served.add(parent)


def _grow_audit(w: World, n: int) -> None:
    for i in range(n):
        user = _user(w.p.office_a)
        AuditEvent.objects.create(
            action=Action.RECORD_VIEWED,
            actor=user,
            actor_username=user.username,
            organization=OrganizationFactory.create(),
            target_type="people.person",
            target_id=str(i),
        )


def _grow_users(w: World, n: int) -> None:
    for _ in range(n):
        user = _user(OrganizationFactory.create())
        MembershipFactory.create(user=user, organization=w.p.office_a, is_primary=False)


def _grow_people(w: World, n: int) -> None:
    for _ in range(n):
        person = PersonFactory.create(registered_by_organization=w.p.office_a, area=AreaFactory())
        CaseFactory.create(
            person=person, lead_organization=w.p.office_a, lead_worker=_user(w.p.office_a)
        )
        HouseholdMemberFactory.create(
            person=person, household__registered_by_organization=w.p.office_a
        )


def _grow_person_detail(w: World, n: int) -> None:
    for _ in range(n):
        CaseFactory.create(
            person=w.person, lead_organization=w.p.office_a, lead_worker=_user(w.p.office_a)
        )
        household = HouseholdFactory.create(registered_by_organization=w.p.office_a)
        HouseholdMemberFactory.create(household=household, person=w.person)
        ConsentFactory.create(
            person=w.person,
            obtained_by=_user(w.p.office_a),
            obtained_by_organization=w.p.office_a,
            organizations=[w.p.office_a, OrganizationFactory.create()],
        )


def _grow_household(w: World, n: int) -> None:
    for _ in range(n):
        person = PersonFactory.create(registered_by_organization=OrganizationFactory.create())
        HouseholdMemberFactory.create(
            household=w.household, person=person, relationship=Relationship.CHILD
        )
        CaseFactory.create(
            person=None,
            household=w.household,
            title="世帯の支援",
            lead_organization=w.p.office_a,
            lead_worker=_user(w.p.office_a),
        )


def _grow_households(w: World, n: int) -> None:
    for _ in range(n):
        household = HouseholdFactory.create(registered_by_organization=w.p.office_a)
        for relationship in (Relationship.SELF, Relationship.CHILD):
            HouseholdMemberFactory.create(
                household=household,
                person=PersonFactory.create(registered_by_organization=w.p.office_a),
                relationship=relationship,
            )


def _grow_consultations(w: World, n: int) -> None:
    for _ in range(n):
        person = PersonFactory.create(registered_by_organization=w.p.office_a)
        case = CaseFactory.create(
            person=person, lead_organization=w.p.office_a, lead_worker=_user(w.p.office_a)
        )
        ConsultationFactory.create(
            organization=w.p.office_a, received_by=_user(w.p.office_a), person=person, case=case
        )


def _grow_consultation_detail(w: World, n: int) -> None:
    for _ in range(n):
        ConsultationFactory.create(
            organization=w.p.office_a, received_by=_user(w.p.office_a), person=w.person, case=w.case
        )


def _grow_cases(w: World, n: int) -> None:
    for _ in range(n):
        person = PersonFactory.create(registered_by_organization=w.p.office_a)
        case = CaseFactory.create(
            person=person, lead_organization=w.p.office_a, lead_worker=_user(w.p.office_a)
        )
        TeamMemberFactory.create(
            case=case, organization=OrganizationFactory.create(), worker=UserFactory.create()
        )


def _grow_case_detail(w: World, n: int) -> None:
    case = w.case
    for _ in range(n):
        org = OrganizationFactory.create()
        consent = ConsentFactory.create(
            person=w.person,
            purposes=[ConsentPurpose.SHARING],
            obtained_by=_user(w.p.office_a),
            obtained_by_organization=w.p.office_a,
            organizations=[org],
        )
        TeamMemberFactory.create(
            case=case,
            organization=org,
            worker=_user(org),
            basis=SharingBasis.CONSENT,
            consent=consent,
            joined_on=case.opened_on,
        )
        CaseStatusChange.objects.create(
            case=case,
            from_status=case.status,
            to_status=case.status,
            changed_by=_user(w.p.office_a),
            reason="テスト",
        )
        ConsultationFactory.create(
            organization=w.p.office_a, received_by=_user(w.p.office_a), person=w.person, case=case
        )


def _grow_case_notes(w: World, n: int) -> None:
    for i in range(n):
        _note(w, w.case, i)


def _grow_board(w: World, n: int) -> None:
    for i in range(n):
        message = BoardMessage.objects.create(
            case=w.case,
            author=w.p.counselor_a,
            author_organization=w.p.office_a,
            text=f"@colleague_a 連絡 {i}",
        )
        message.mentions.set([w.p.colleague_a])
        BoardMessage.objects.create(
            case=w.case,
            parent=message,
            author=w.p.colleague_a,
            author_organization=w.p.office_a,
            text=f"返信 {i}",
        )


def _grow_notifications(w: World, n: int) -> None:
    for i in range(n):
        message = BoardMessage.objects.create(
            case=w.case,
            author=w.p.colleague_a,
            author_organization=w.p.office_a,
            text=f"@counselor_a 連絡 {i}",
        )
        notify(
            recipients=[w.p.counselor_a],
            kind=NotificationKind.BOARD_MENTION,
            target=message,
            caused_by=w.p.colleague_a,
        )
        notify(
            recipients=[w.p.counselor_a],
            kind=NotificationKind.TEAM_ADDED,
            target=w.household_case,
            caused_by=w.p.colleague_a,
        )


def _grow_household_notes(w: World, n: int) -> None:
    for i in range(n):
        _note(w, w.household_case, i)
        _note(w, w.case, i)


def _grow_formulations(w: World, n: int) -> None:
    start = Formulation.objects.filter(case=w.case).count()
    for i in range(n):
        FormulationFactory.create(
            case=w.case,
            revision=start + i + 1,
            author=_user(w.p.office_a),
            author_organization=w.p.office_a,
            situation_summary=f"状況{i}",
        )


def _plans_world(w: World) -> None:
    """One of each plans object on the household case (the pages list their children)."""
    case = w.household_case
    assessment = AssessmentFactory.create(
        case=case, author=_user(w.p.office_a), author_organization=w.p.office_a
    )
    AssessmentSectionFactory.create(assessment=assessment, person=w.person)
    plan = SupportPlanFactory.create(
        case=case, agreed=True, author=_user(w.p.office_a), author_organization=w.p.office_a
    )
    item = PlanItemFactory.create(plan=plan, responsible_worker=w.p.counselor_a)
    WeeklyScheduleEntryFactory.create(plan=plan)
    # Overdue: on the home page and the due list from the start.
    monitoring = MonitoringFactory.create(
        plan=plan, due_on=timezone.localdate() - dt.timedelta(days=1)
    )
    MonitoringGoalReportFactory.create(monitoring=monitoring, plan_item=item)
    trigger = ContingencyTriggerFactory.create(case=case, created_by=_user(w.p.office_a))
    ContingencyActionFactory.create(trigger=trigger, organization=w.p.office_a)
    TaskFactory.create(
        case=case,
        owner_organization=w.p.office_a,
        owner_worker=w.p.counselor_a,
        created_by=_user(w.p.office_a),
    )
    w.extra.update(assessment=assessment, plan=plan, monitoring=monitoring)


def _grow_assessments(w: World, n: int) -> None:
    for i in range(n):
        AssessmentFactory.create(
            case=w.household_case,
            assessed_on=timezone.localdate() - dt.timedelta(days=i + 1),
            author=_user(w.p.office_a),
            author_organization=w.p.office_a,
        )


def _grow_assessment_detail(w: World, n: int) -> None:
    for _ in range(n):
        person = PersonFactory.create(registered_by_organization=w.p.office_a)
        HouseholdMemberFactory.create(household=w.household, person=person)
        AssessmentSectionFactory.create(assessment=w.extra["assessment"], person=person)
        org = OrganizationFactory.create()
        TeamMemberFactory.create(case=w.household_case, organization=org, worker=_user(org))


def _grow_plans(w: World, n: int) -> None:
    for i in range(n):
        SupportPlanFactory.create(
            case=w.household_case,
            version=i + 2,
            author=_user(w.p.office_a),
            author_organization=w.p.office_a,
            based_on=w.extra["plan"],
        )


def _grow_plan_detail(w: World, n: int) -> None:
    plan = w.extra["plan"]
    for i in range(n):
        org = OrganizationFactory.create()
        PlanItemFactory.create(
            plan=plan, responsible_organization=org, responsible_worker=_user(org), goal=f"目標{i}"
        )
        WeeklyScheduleEntryFactory.create(plan=plan, activity=f"活動{i}")
        MonitoringFactory.create(
            plan=plan, due_on=plan.period_start + dt.timedelta(days=10 * (i + 1))
        )


def _one(w: World, grow: Callable[[World, int], None], url: str) -> str:
    grow(w, 1)
    return url


def _grow_trials(w: World, n: int) -> None:
    """Candidates (見学・体験) with a visit each, and moments on the case's notes (issue 21)."""
    from tsunagu.directory.tests.factories import ResourceFactory
    from tsunagu.trials.models import TrialCandidate, TrialVisit

    plan = w.extra["plan"]
    for i in range(n):
        resource = ResourceFactory.create()
        candidate = TrialCandidate.objects.create(
            plan=plan,
            resource=resource,
            resource_name=resource.name,
            provider_name=f"提供者{i}",
            added_by=w.p.counselor_a,
            added_by_organization=w.p.office_a,
        )
        TrialVisit.objects.create(
            candidate=candidate,
            visited_on=dt.date(2026, 5, 1),
            kind="visit",
            who_went="本人",
            person_liked=f"よかった{i}",
            recorded_by=w.p.counselor_a,
            recorded_by_organization=w.p.office_a,
        )
        ProgressNoteFactory.create(
            case=plan.case,
            author=w.p.counselor_a,
            author_organization=w.p.office_a,
            is_motivating_moment=True,
            motivating_moment=f"場面{i}",
        )


def _grow_moment_shares(w: World, n: int) -> None:
    """Moments shared with the core center (as a provider would be) on the persons' consent."""
    from tsunagu.moments.models import MomentShare

    for i in range(n):
        person = PersonFactory.create(registered_by_organization=w.p.office_a)
        case = CaseFactory.create(
            person=person, lead_organization=w.p.office_a, lead_worker=w.p.counselor_a
        )
        note = ProgressNoteFactory.create(
            case=case,
            author=w.p.counselor_a,
            author_organization=w.p.office_a,
            is_motivating_moment=True,
            motivating_moment=f"場面{i}",
        )
        consent = ConsentFactory.create(
            person=person,
            obtained_by=w.p.counselor_a,
            obtained_by_organization=w.p.office_a,
            organizations=[w.p.core_center],
            purposes=["motivating_moments"],
        )
        MomentShare.objects.create(
            note=note,
            organization=w.p.core_center,
            consent=consent,
            shared_by=w.p.counselor_a,
            shared_by_organization=w.p.office_a,
        )


def _grow_council_moments(w: World, n: int) -> None:
    from tsunagu.moments.models import CouncilMoment

    for i in range(n):
        note = ProgressNoteFactory.create(
            case=w.case,
            author=w.p.counselor_a,
            author_organization=w.p.office_a,
            is_motivating_moment=True,
            motivating_moment=f"場面{i}",
        )
        CouncilMoment.objects.create(
            note=note,
            text=f"絵が飾られて笑顔になった{i}",
            status="published",
            published_on=dt.date(2026, 5, 1),
            written_by=w.p.counselor_a,
            written_by_organization=w.p.office_a,
        )


def _grow_monitoring_detail(w: World, n: int) -> None:
    monitoring = w.extra["monitoring"]
    for i in range(n):
        org = OrganizationFactory.create()
        item = PlanItemFactory.create(plan=monitoring.plan, responsible_organization=org)
        MonitoringGoalReportFactory.create(
            monitoring=monitoring, plan_item=item, what_happened=f"経過{i}"
        )


def _grow_contingencies(w: World, n: int) -> None:
    for i in range(n):
        trigger = ContingencyTriggerFactory.create(
            case=w.household_case, description=f"出来事{i}", created_by=_user(w.p.office_a)
        )
        ContingencyActionFactory.create(trigger=trigger, organization=OrganizationFactory.create())


def _grow_due_monitorings(w: World, n: int) -> None:
    for _ in range(n):
        case = CaseFactory.create(
            person=PersonFactory.create(registered_by_organization=w.p.office_a),
            lead_organization=w.p.office_a,
            lead_worker=_user(w.p.office_a),
        )
        plan = SupportPlanFactory.create(
            case=case, agreed=True, author=_user(w.p.office_a), author_organization=w.p.office_a
        )
        MonitoringFactory.create(plan=plan, due_on=timezone.localdate() - dt.timedelta(days=3))


def _grow_tasks(w: World, n: int) -> None:
    for i in range(n):
        case = CaseFactory.create(
            person=PersonFactory.create(registered_by_organization=w.p.office_a),
            lead_organization=w.p.office_a,
            lead_worker=_user(w.p.office_a),
        )
        TaskFactory.create(
            title=f"タスク{i}",
            case=case,
            owner_organization=w.p.office_a,
            owner_worker=w.p.counselor_a,
            created_by=_user(w.p.office_a),
        )


def _grow_case_tasks(w: World, n: int) -> None:
    """Next contacts of the case's notes (the title is read from each note) and plan tasks."""
    for i in range(n):
        note = _note(w, w.case, 100 + i)
        TaskFactory.create(
            title=f"次回の連絡{i}",
            case=w.case,
            owner_organization=w.p.office_a,
            owner_worker=_user(w.p.office_a),
            created_by=w.p.counselor_a,
            source=TaskSource.NOTE,
            progress_note=note,
        )


def _grow_note_templates(w: World, n: int) -> None:
    start = NoteTemplate.objects.count()
    for i in range(start, start + n):
        NoteTemplate.objects.create(
            organization=w.p.office_a,
            name=f"ひな形{i}",
            kind=NoteKind.HOME_VISIT,
            body="【様子】",
            created_by=w.p.counselor_a,
        )


def _referrals_world(w: World) -> None:
    """Office A's request to the core center about the case, and one the other way round."""
    w.extra["referral"] = ReferralFactory.create(
        case=w.case, receiving_organization=w.p.core_center, requesting_worker=w.p.counselor_a
    )
    _grow_referrals_received(w, 1)


def _grow_referrals_sent(w: World, n: int) -> None:
    for _ in range(n):
        person = PersonFactory.create(registered_by_organization=w.p.office_a)
        case = CaseFactory.create(
            person=person, lead_organization=w.p.office_a, lead_worker=_user(w.p.office_a)
        )
        ReferralFactory.create(case=case, receiving_organization=OrganizationFactory.create())


def _grow_referrals_received(w: World, n: int) -> None:
    for _ in range(n):
        org = OrganizationFactory.create()
        person = PersonFactory.create(registered_by_organization=org)
        case = CaseFactory.create(person=person, lead_organization=org, lead_worker=_user(org))
        ReferralFactory.create(
            case=case, receiving_organization=w.p.office_a, receiving_worker=_user(w.p.office_a)
        )


def _grow_referral_detail(w: World, n: int) -> None:
    referral = w.extra["referral"]
    for i in range(n):
        ReferralTransition.objects.create(
            referral=referral,
            action="acknowledge",
            from_status="requested",
            to_status="requested",
            reason=f"確認{i}",
            side="receiver",
            by=_user(w.p.core_center),
            by_organization=OrganizationFactory.create(),
        )


def _grow_referral_statistics(w: World, n: int) -> None:
    for _ in range(n):
        _grow_referrals_sent(w, 1)


@dataclass(frozen=True)
class Page:
    url: Callable[[World], str]
    grow: Callable[[World, int], None]
    user: str = "counselor_a"
    lists_items: bool = True  # False for a page about one object that lists nothing


PAGES: dict[str, Page] = {
    "home": Page(lambda w: "/", _grow_home),
    "organization_list": Page(lambda w: "/organizations/", _grow_organizations),
    "organization_detail": Page(
        lambda w: f"/organizations/{w.p.office_a.pk}/", _grow_organization_detail
    ),
    "area_list": Page(lambda w: "/organizations/areas/", _grow_areas),
    # Managed in the app (ADR 0014): the city official, made the department's manager.
    "organization_manage_list": Page(
        lambda w: _city_manager(w, "/organizations/manage/"),
        _grow_organizations,
        user="city_official",
    ),
    "organization_manage_detail": Page(
        lambda w: _city_manager(w, f"/organizations/manage/{w.p.office_a.pk}/"),
        _grow_organization_detail,
        user="city_official",
    ),
    "audit_list": Page(lambda w: "/audit/", _grow_audit, user="admin"),
    "user_list": Page(lambda w: "/accounts/admin/users/", _grow_users, user="admin"),
    "person_search": Page(lambda w: "/people/?q=ヤマダ", _grow_people),
    "person_detail": Page(lambda w: f"/people/{w.person.pk}/", _grow_person_detail),
    "household_detail": Page(lambda w: f"/people/households/{w.household.pk}/", _grow_household),
    "household_list": Page(lambda w: "/people/households/?q=山田", _grow_households),
    "consultation_list": Page(lambda w: "/cases/consultations/", _grow_consultations),
    "consultation_detail": Page(
        lambda w: f"/cases/consultations/{w.consultation.pk}/",
        _grow_consultation_detail,
        lists_items=False,
    ),
    "case_list": Page(lambda w: "/cases/", _grow_cases),
    "case_detail": Page(lambda w: f"/cases/{w.case.pk}/", _grow_case_detail),
    "case_notes": Page(
        lambda w: f"/records/cases/{w.case.pk}/notes/",
        _grow_case_notes,
    ),
    "board": Page(lambda w: f"/records/cases/{w.case.pk}/board/", _grow_board),
    "notification_list": Page(lambda w: "/notifications/", _grow_notifications),
    "household_notes": Page(
        lambda w: f"/records/households/{w.household.pk}/notes/",
        _grow_household_notes,
    ),
    "formulation_list": Page(
        lambda w: f"/records/cases/{w.case.pk}/formulations/",
        _grow_formulations,
    ),
    "assessment_list": Page(
        lambda w: f"/plans/cases/{w.household_case.pk}/assessments/", _grow_assessments
    ),
    "assessment_detail": Page(
        lambda w: f"/plans/assessments/{w.extra['assessment'].pk}/", _grow_assessment_detail
    ),
    "plan_list": Page(lambda w: f"/plans/cases/{w.household_case.pk}/plans/", _grow_plans),
    "plan_detail": Page(lambda w: f"/plans/{w.extra['plan'].pk}/", _grow_plan_detail),
    # These pages start with one item (an empty list skips its prefetches).
    "trials_plan": Page(
        lambda w: _one(w, _grow_trials, f"/trials/plans/{w.extra['plan'].pk}/"), _grow_trials
    ),
    "moments_shared": Page(
        lambda w: _one(w, _grow_moment_shares, "/moments/shared/"),
        _grow_moment_shares,
        user="core_officer",
    ),
    "moments_council": Page(
        lambda w: _one(w, _grow_council_moments, "/moments/council/"), _grow_council_moments
    ),
    "monitoring_detail": Page(
        lambda w: f"/plans/monitorings/{w.extra['monitoring'].pk}/", _grow_monitoring_detail
    ),
    "contingency_list": Page(
        lambda w: f"/plans/cases/{w.household_case.pk}/contingencies/", _grow_contingencies
    ),
    "task_list": Page(lambda w: "/plans/tasks/", _grow_tasks),
    "case_task_list": Page(lambda w: f"/plans/cases/{w.case.pk}/tasks/", _grow_case_tasks),
    "note_templates": Page(lambda w: "/records/templates/", _grow_note_templates),
    "monitoring_due_list": Page(lambda w: "/plans/monitorings/", _grow_due_monitorings),
    # The residents' pages are measured signed in; anonymous they run fewer queries.
    "directory_public_search": Page(
        directory_pages.url("public_search"), directory_pages.grow_resources
    ),
    "directory_public_detail": Page(
        directory_pages.url("public_detail"), directory_pages.grow_resource_children
    ),
    "directory_resource_list": Page(
        directory_pages.url("resource_list"), directory_pages.grow_resources
    ),
    "directory_resource_detail": Page(
        directory_pages.url("resource_detail"), directory_pages.grow_resource_children
    ),
    "directory_provider_list": Page(
        directory_pages.url("provider_list"), directory_pages.grow_providers
    ),
    "directory_development_list": Page(
        directory_pages.url("development_list"), directory_pages.grow_developments
    ),
    "referral_inbox": Page(lambda w: "/referrals/", _grow_referrals_received),
    "referral_outbox": Page(lambda w: "/referrals/?box=outbox", _grow_referrals_sent),
    "referral_detail": Page(
        lambda w: f"/referrals/{w.extra['referral'].pk}/", _grow_referral_detail
    ),
    "referral_new": Page(lambda w: "/referrals/new/", _grow_cases),
    "referral_statistics": Page(
        lambda w: "/referrals/statistics/", _grow_referral_statistics, user="core_officer"
    ),
    "search_short_word": Page(search_pages.url("借金"), search_pages.grow),
    "search_phrase": Page(search_pages.url("母の入院"), search_pages.grow),
    **{name: Page(*spec) for name, spec in meetings_pages.PAGES.items()},
}


@dataclass(frozen=True)
class Measured:
    count: int
    sql: list[str]
    size: int  # of the page, to show that the added items are on it


def _measure(client: Client, url: str) -> Measured:
    client.get(url)  # warm up: session, per-process caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return Measured(
        count=len(ctx.captured_queries),
        sql=[q["sql"] for q in ctx.captured_queries],
        size=len(response.content),
    )


def _shape(sql: str) -> str:
    """The query without its literals, to name the extra queries when a count grows."""
    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)[:300]


def test_every_page_has_a_budget() -> None:
    assert set(PAGES) == set(PAGE_BUDGETS)


@pytest.fixture(scope="module")
def _built_once(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Any, World]]:
    """The personas and the one-of-everything world, built once for the module (conftest's
    `built_once`: a transaction of the module's own, each test in a savepoint inside it), so
    every page still starts from the world exactly as built; `personas` and `world` hand each
    test its own copy of the objects (the pages' growers add to it)."""
    with built_once(django_db_blocker, tmp_path_factory.mktemp("query-budgets") / "private"):
        with django_db_blocker.unblock():
            people = make_personas()
            built = _world(people)
        yield people, built


@pytest.fixture
def _copies(_built_once: tuple[Any, World], db: None) -> tuple[Any, World]:
    return copy.deepcopy(_built_once)


@pytest.fixture
def personas(_copies: tuple[Any, World]) -> Any:
    return _copies[0]


@pytest.fixture
def world(_copies: tuple[Any, World]) -> World:
    return _copies[1]


@pytest.mark.parametrize("name", list(PAGES))
def test_page_queries_do_not_grow_with_the_data(
    name: str, personas: Any, world: World, client_as: Any
) -> None:
    page = PAGES[name]
    client = client_as(getattr(personas, page.user))
    url = page.url(world)

    few = _measure(client, url)
    page.grow(world, MORE)
    many = _measure(client, url)

    if page.lists_items:
        assert many.size > few.size, f"{name}: the added items are not on the page"
    extra = list((Counter(map(_shape, many.sql)) - Counter(map(_shape, few.sql))).elements())
    assert many.count == few.count, (
        f"{name}: {few.count} queries with one item, {many.count} with more: {extra[:5]}"
    )
    assert many.count <= PAGE_BUDGETS[name], (
        f"{name}: {many.count} queries, over its budget of {PAGE_BUDGETS[name]}"
    )
