"""Every object URL of the person-level screens and of the API, tried by an outsider.

One world (a person of office A with a household, a consent, a consultation, a case with the
core center on its team, a note with an attachment, a formulation and a break-glass access) and
one matrix: for each route with a path parameter, how to fill it from the world.  counselor_b
(office B, on no team) gets the same 404 as for a page that does not exist, and the refusal is
audited; the lead (or the reviewer, for break-glass) gets through, which proves the world fits.

The routes are walked from the URL resolver and from the API's routers, so a new route that is
not in the matrix fails `test_the_matrix_names_every_object_route`, and so does a route that the
matrix names but that no longer exists.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from django.utils import timezone

from conftest import Personas, built_once, make_personas, sign_in
from tsunagu.accounts.models import User
from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases.models import (
    BreakGlassAccess,
    Case,
    CaseConference,
    CaseTeamMember,
    ConferenceAttendee,
    Consultation,
    SharingBasis,
    TeamRole,
)
from tsunagu.cases.tests.factories import CaseFactory, ConsultationFactory, TeamMemberFactory
from tsunagu.core.dates import fiscal_year
from tsunagu.curricula import services as curricula_services
from tsunagu.curricula.models import ExternalLearning, RequirementEvent
from tsunagu.expertise.models import ExpertiseDeclaration
from tsunagu.grouphomes.models import GroupHome, GroupHomeEvaluation
from tsunagu.hearings.models import Direction, Finding, Hearing, HearingRound
from tsunagu.meetings.models import (
    BodyKind,
    Level,
    Meeting,
    MeetingActionItem,
    MeetingAttachment,
    MeetingBody,
)
from tsunagu.meetings.tests.factories import (
    AttendeeFactory,
    CaseConferenceFactory,
    MeetingBodyFactory,
    MeetingFactory,
)
from tsunagu.organizations.models import Area, Organization, StaffingAssignment, StaffingPost
from tsunagu.organizations.tests.actors import actor_as as plan_actor_as
from tsunagu.organizations.tests.factories import OrganizationFactory
from tsunagu.people.models import (
    Consent,
    DuplicateCandidate,
    Household,
    HouseholdMember,
    Person,
)
from tsunagu.people.tests.factories import (
    ConsentFactory,
    HouseholdFactory,
    HouseholdMemberFactory,
    PersonFactory,
)
from tsunagu.plans import services as plan_services
from tsunagu.plans.models import (
    Assessment,
    ContingencyAction,
    ContingencyTrigger,
    Monitoring,
    PlanItem,
    SupportPlan,
    Task,
    WeeklyScheduleEntry,
)
from tsunagu.plans.selectors import PLAN_FIELDS
from tsunagu.records.models import (
    BoardAttachment,
    Formulation,
    NoteAttachment,
    NoteTemplate,
    ProgressNote,
)
from tsunagu.records.tests.factories import FormulationFactory, minimal_pdf
from tsunagu.referrals.models import Referral, ReferralStatus
from tsunagu.referrals.tests.factories import ReferralFactory
from tsunagu.reports.models import JobKind, JobStatus, ReportFile, ReportJob
from tsunagu.rights.models import (
    DiscriminationConsultation,
    GuardianshipPetition,
    SelfRelianceReferral,
)
from tsunagu.selfevaluations.models import (
    CriteriaArea,
    CriteriaItem,
    CriteriaSet,
    SelfEvaluation,
)
from tsunagu.supervision.models import PresentedCase, SupervisionSession
from tsunagu.trainingplans.models import PlannedTraining, TrainingPlan
from tsunagu.trainings.models import Registration, TrainingEvent, TrainingMaterial
from tsunagu.trainings.tests.factories import make_event

# "search" has no object URL (a query, scoped like the rest: tsunagu/search/tests/).
SCREEN_NAMESPACES = {
    "people",
    "cases",
    "records",
    "directory",
    "plans",
    "referrals",
    "search",
    "meetings",
    "notifications",
    "reports",
    "disclosure",
    "organizations",
    "trainings",
    "expertise",
    "supervision",
    "rights",
    "surveys",
    "curricula",
    "trainingplans",
    "hearings",
    "grouphomes",
    "selfevaluations",
    "abuse",
    "disaster",
    "plainplans",
    "community",
    "trials",
    "moments",
    "portal_staff",
    "lifehub",
}
API_PREFIX = "/api/v1"
NOT_FOUND_PAGE = "ページが見つかりません"


# --- The world ------------------------------------------------------------------------------


@dataclass
class World:
    person: Person
    household: Household
    member: HouseholdMember
    consent: Consent
    consultation: Consultation
    case: Case
    core_on_team: CaseTeamMember
    note: ProgressNote
    attachment: NoteAttachment
    formulation: Formulation
    break_glass: BreakGlassAccess

    # The plans app (fields added at the end: other apps extend the world too).
    assessment: Assessment
    plan: SupportPlan  # agreed
    plan_item: PlanItem  # of the agreed plan, the lead's
    monitoring: Monitoring  # the first, scheduled
    trigger: ContingencyTrigger
    contingency_action: ContingencyAction
    task: Task  # office A's part of the plan
    draft: SupportPlan  # the next version, for the draft-only screens
    draft_item: PlanItem
    draft_weekly: WeeklyScheduleEntry

    # The referrals app: office A's draft request to the core center about the case.
    referral: Referral

    # The meetings app: a ward network meeting run by the core center and office A, one of its
    # meetings with an action item for office A, and a case study session on the case.
    meeting_body: MeetingBody
    meeting: Meeting
    action_item: MeetingActionItem
    conference: CaseConference
    attendee: ConferenceAttendee
    # The meetings app: a handout of that meeting, uploaded by the core center (secretariat).
    meeting_attachment: MeetingAttachment

    # The review queue: an organization on the case's team on an emergency basis, for the core
    # center to review (issue 13 item 5).
    emergency_member: CaseTeamMember

    # The case's team message board (issue 16): a message with an attachment, by office A.
    board_attachment: BoardAttachment

    # Office A's note template (issue 16 item 5): another organization's id is a 404.
    note_template: NoteTemplate

    # Office A's 地域支援員 post (two people) and the colleague who fills one place (issue 17
    # item 6): office B sees neither; the city sets posts and records who fills them.
    staffing_post: StaffingPost
    staffing_assignment: StaffingAssignment

    # The core center's training still in preparation (a draft is the organizer's alone), and
    # office A's colleague on an announced one, attended, with a certificate (issue 18 item 1):
    # office B sees neither the draft nor office A's registration.
    training_draft: TrainingEvent
    training_registration: Registration
    # A handout of that held event (office A's colleague is registered on it; office B is
    # not), and its questionnaire, which only the attendee answers and only the organizer
    # reads aggregated.
    training_material: TrainingMaterial
    # Office A's declaration that it knows 強度行動障害 (issue 18 item 4): the directory shows
    # it to the network, but only office A changes or withdraws it.
    expertise_declaration: ExpertiseDeclaration
    # A group supervision at the core center that office A attended, with office A's case
    # presented there, linked on the core center's team membership (issue 18 item 5): office B
    # did not attend and sees neither.
    supervision_session: SupervisionSession
    supervision_item: PresentedCase
    # The core center's curriculum with one stage, one requirement met by the held training,
    # and office A's colleague's external learning for it, with its evidence (issue 18 item 2):
    # office B's counselor is no manager, sees no one's progress but their own and changes no
    # curriculum.
    curriculum_link: RequirementEvent
    curriculum_learning: ExternalLearning
    # The core center's training plan still being written, with one planned training (issue 18
    # item 3): a draft is the center's and the city's; office B sees neither.
    training_plan: TrainingPlan
    planned_training: PlannedTraining
    # The core center's hearing round (issue 19 item 4): office A heard in a held hearing whose
    # notes are shared with it, a finding and a direction not yet adopted; office B was not
    # heard and sits on no council the round reports to.
    hearing_round: HearingRound
    hearing: Hearing
    hearing_finding: Finding
    hearing_direction: Direction
    # A day-service group home the city manages, evaluated at a 地域部会 that office A sits on
    # (issue 19 item 6): one evaluation published, one only planned.  Office B is neither the
    # home, nor an evaluator, nor on the subcommittee.
    group_home: GroupHome
    gh_published: GroupHomeEvaluation
    gh_planned: GroupHomeEvaluation
    # The self-evaluation (issue 19 item 5): the city's published criteria and office A's
    # evaluation of them, submitted (the core center serving office A's ward reads it); the
    # city's draft criteria for next year, with an area and an item.  Office B reads neither
    # the evaluation nor the draft, nor office A's years.
    selfeval_set: CriteriaSet
    selfeval_evaluation: SelfEvaluation
    selfeval_draft: CriteriaSet
    selfeval_draft_area: CriteriaArea
    selfeval_draft_item: CriteriaItem
    # Rights advocacy (issue 20 items 2 and 3): a 市長申立て for the person, recorded by the
    # core center (it sees the person on their consent), and the core center's discrimination
    # consultation.  Office B sees neither the person nor the consultations.
    rights_petition: GuardianshipPetition
    rights_consultation: DiscriminationConsultation
    # The core center's referral of the person to the 日常生活自立支援事業, and a person the
    # city registered (the city decides the 利用支援事業 for them).
    rights_referral: SelfRelianceReferral
    rights_council: Organization
    rights_city_person: Person


@pytest.fixture(scope="module")
def _built_once(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Personas, World]]:
    """The personas and the world, built once for the module (conftest's `built_once`: a
    transaction of the module's own, each test in a savepoint inside it), so every test still
    finds the world exactly as built; `personas` and `world` hand each test its own copy of the
    objects.  (Built per test, the world was most of this module's time: some 600 routes each
    built it anew.)  Its stored files (the note's and the meeting's attachments) go to a
    throw-away directory of the module, as `private_media` would."""
    media = tmp_path_factory.mktemp("object-url-matrix") / "private"
    with built_once(django_db_blocker, media):
        with django_db_blocker.unblock():
            people = make_personas()
            built = _build_world(people, lambda user, **kw: sign_in(Client(), user, **kw))
        yield people, built


@pytest.fixture
def _copies(_built_once: tuple[Personas, World], db: None) -> tuple[Personas, World]:
    return copy.deepcopy(_built_once)


@pytest.fixture
def personas(_copies: tuple[Personas, World]) -> Personas:
    return _copies[0]


@pytest.fixture
def world(_copies: tuple[Personas, World]) -> World:
    return _copies[1]


def _build_world(personas: Personas, client_as: Callable[..., Client]) -> World:
    office_a = personas.office_a
    person = PersonFactory.create(
        family_name="佐藤", given_name="花子", registered_by_organization=office_a
    )
    household = HouseholdFactory.create(name="佐藤さん世帯", registered_by_organization=office_a)
    member = HouseholdMemberFactory.create(household=household, person=person)
    consent = ConsentFactory.create(
        person=person,
        obtained_by=personas.counselor_a,
        obtained_by_organization=office_a,
        organizations=[personas.core_center],
    )
    case = CaseFactory.create(
        person=person,
        title="佐藤花子さんの支援",
        lead_organization=office_a,
        lead_worker=personas.counselor_a,
        opened_on=timezone.localdate() - dt.timedelta(days=60),
    )
    consultation = ConsultationFactory.create(
        organization=office_a, received_by=personas.counselor_a, person=person, case=case
    )
    core_on_team = TeamMemberFactory.create(
        case=case,
        organization=personas.core_center,
        worker=personas.core_officer,
        role=TeamRole.JOINT,
        basis=SharingBasis.CONSENT,
        consent=consent,
        basis_note="",
        added_by=personas.counselor_a,
        joined_on=timezone.localdate() - dt.timedelta(days=30),
    )
    # The note and its attachment go in as the screen writes them: service, storage, audit.
    response = client_as(personas.counselor_a).post(
        reverse("records:note_create", kwargs={"case_id": case.pk}),
        {
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "kind": "home_visit",
            "text": "自宅を訪問。主治医の意見書を本人と一緒に確認した。",
            "attachments": [SimpleUploadedFile("意見書.pdf", minimal_pdf())],
        },
    )
    assert response.status_code == 302, response.content.decode()
    note = ProgressNote.objects.get(case=case)
    formulation = FormulationFactory.create(
        case=case, revision=1, author=personas.counselor_a, author_organization=office_a
    )
    break_glass = BreakGlassAccess.objects.create(
        person=person,
        user=personas.colleague_a,
        organization=office_a,
        reason="夜間に本人と連絡が取れず、安否確認のため。",
        expires_at=timezone.now() + dt.timedelta(hours=24),
    )
    # The plans app, through its services: an assessment, an agreed plan with items for the
    # lead and the core center (agreeing schedules the monitorings and gives each its task), a
    # contingency with an action, and the draft of the next version.
    lead = plan_actor_as(personas.counselor_a, office_a)
    assessment = plan_services.assessment_save(
        actor=lead,
        case=case,
        assessed_on=timezone.localdate() - dt.timedelta(days=20),
        based_on=0,
        data={"summary": "母の入院に備えが必要。"},
        sections=[{"person_id": person.pk, "wishes": "家で暮らし続けたい。"}],
    )
    start = timezone.localdate() - dt.timedelta(days=40)
    plan = plan_services.plan_create(
        actor=lead,
        case=case,
        data={
            **dict.fromkeys(PLAN_FIELDS, ""),
            "overall_policy": "本人のペースで通所を続け、母の入院に備える。",
            "period_start": start,
            "period_end": start + dt.timedelta(days=364),
            "monitoring_frequency": "monthly",
            "monitoring_dates": [],
        },
    )
    for org, goal in (
        (office_a, "短期入所を1回体験する。"),
        (personas.core_center, "月の小遣いを自分で管理できる。"),
    ):
        plan_services.plan_item_save(
            actor=lead,
            plan=plan,
            data={
                "need": "母が入院しても家で困らないようにしたい。",
                "goal": goal,
                "support_kind": "formal",
                "service_type": "short_stay",
                "responsible_organization": org,
            },
        )
    plan_services.weekly_entry_add(
        actor=lead,
        plan=plan,
        weekday=0,
        start_time=dt.time(9, 30),
        end_time=dt.time(15, 30),
        activity="作業所",
    )
    plan = plan_services.plan_agree(actor=lead, plan=plan, agreed_on=start, method="signature")
    plan_item = plan.items.get(responsible_organization=office_a)
    trigger = plan_services.contingency_create(actor=lead, case=case, description="母の入院")
    contingency_action = plan_services.contingency_action_add(
        actor=lead, trigger=trigger, organization=personas.core_center, action="短期入所の調整"
    )
    draft = plan_services.plan_new_version(actor=lead, plan=plan, reason="母の体調の変化")
    meetings = _meetings_world(personas, case)
    return World(
        person=person,
        household=household,
        member=member,
        consent=consent,
        consultation=consultation,
        case=case,
        core_on_team=core_on_team,
        note=note,
        attachment=note.attachments.get(),
        formulation=formulation,
        break_glass=break_glass,
        assessment=assessment,
        plan=plan,
        plan_item=plan_item,
        monitoring=plan.monitorings.order_by("due_on")[0],
        trigger=trigger,
        contingency_action=contingency_action,
        task=plan_item.tasks.get(),
        draft=draft,
        draft_item=draft.items.order_by("priority", "pk")[0],
        draft_weekly=draft.weekly.get(),
        referral=ReferralFactory.create(
            case=case, receiving_organization=personas.core_center, status=ReferralStatus.DRAFT
        ),
        **meetings,
        meeting_attachment=_meeting_attachment(personas, client_as, meetings["meeting"]),
        emergency_member=TeamMemberFactory.create(
            case=case,
            organization=OrganizationFactory.create(kind="hospital", name="みどりの森病院"),
            role=TeamRole.MEDICAL,
            basis=SharingBasis.EMERGENCY,
            basis_note="夜間に本人と連絡が取れず、安否確認のため。",
            reviewer=personas.core_officer,
            added_by=personas.counselor_a,
        ),
        board_attachment=_board_attachment(personas, client_as, case),
        note_template=NoteTemplate.objects.create(
            organization=office_a,
            name="訪問",
            kind="home_visit",
            body="【様子】\n【本人の話】",
            created_by=personas.counselor_a,
        ),
        **_staffing_world(personas),
        **_training_world(personas),
        expertise_declaration=ExpertiseDeclaration.objects.create(
            organization=office_a,
            theme="severe_behaviour",
            note="強度行動障害支援者養成研修の修了者がいます。",
            declared_by=personas.counselor_a,
        ),
        **_supervision_world(personas, case),
        **_curriculum_world(personas),
        **_training_plan_world(personas),
        **_hearing_world(personas),
        **_group_home_world(personas),
        **_selfeval_world(personas),
        **_rights_world(personas, person),
    )


def _hearing_world(personas) -> dict[str, Any]:
    from tsunagu.hearings import services as hearings
    from tsunagu.hearings.tests.factories import make_hearings

    made = make_hearings(personas)
    hearings.notes_share(plan_actor_as(personas.core_officer), hearing=made.hearing, shared=True)
    return {
        "hearing_round": made.round,
        "hearing": made.hearing,
        "hearing_finding": made.finding,
        "hearing_direction": made.direction,
    }


def _selfeval_world(personas) -> dict[str, Any]:
    from tsunagu.selfevaluations import services as selfeval
    from tsunagu.selfevaluations.tests.factories import fill, make_set

    ward = Area.objects.create(code="selfeval-ward", name="青葉区", kind="ward")
    personas.core_center.areas_served.add(ward)
    personas.office_a.areas_served.add(ward)
    year = fiscal_year(timezone.localdate())
    published = make_set(personas, year)
    evaluation = selfeval.evaluation_start(plan_actor_as(personas.counselor_a), criteria=published)
    evaluation = fill(personas, evaluation, {"1-1": 3, "1-2": 2, "2-1": 4}, submit=True)
    city = plan_actor_as(personas.city_official)
    draft = selfeval.set_create(
        city, fiscal_year=year + 1, title="翌年度の評価基準", copy_from=published
    )
    area = draft.areas.order_by("position")[0]
    return {
        "selfeval_set": published,
        "selfeval_evaluation": evaluation,
        "selfeval_draft": draft,
        "selfeval_draft_area": area,
        "selfeval_draft_item": area.items.order_by("position")[0],
    }


def _rights_world(personas, person: Person) -> dict[str, Any]:
    from tsunagu.rights import services as rights

    core = plan_actor_as(personas.core_officer)
    petition = rights.petition_create(
        core,
        person=person,
        petitioner="mayor",
        guardianship_type="guardianship",
        consulted_on=timezone.localdate() - dt.timedelta(days=10),
    )
    consultation = rights.consultation_create(
        core,
        received_on=timezone.localdate() - dt.timedelta(days=10),
        consulter="self",
        party_kind="business",
        kind="no_accommodation",
        field="shops",
        summary="店舗で筆談での対応を断られた。",
        age_band="40_64",
        disability_type="physical",
    )
    council = OrganizationFactory.create(
        kind="social_welfare_council", name="みどり市社会福祉協議会"
    )
    referral = rights.referral_create(
        core,
        person=person,
        council=council,
        referred_on=timezone.localdate() - dt.timedelta(days=5),
    )
    return {
        "rights_petition": petition,
        "rights_consultation": consultation,
        "rights_referral": referral,
        "rights_council": council,
        "rights_city_person": PersonFactory.create(registered_by_organization=personas.city),
    }


def _supervision_world(personas, case: Case) -> dict[str, Any]:
    from tsunagu.supervision import services as supervision

    session = supervision.session_create(
        plan_actor_as(personas.core_officer),
        kind="group",
        held_on=timezone.localdate() - dt.timedelta(days=3),
        supervisor=personas.core_officer,
        offices=[personas.office_a],
    )
    item = supervision.item_create(
        plan_actor_as(personas.counselor_a),
        session=session,
        presenting_office=personas.office_a,
        summary="40代女性。母の入院に備えが必要。",
        themes=["family_8050"],
        case=case,
    )
    return {"supervision_session": session, "supervision_item": item}


def _group_home_world(personas) -> dict[str, Any]:
    from tsunagu.grouphomes.tests.factories import advance, make_home, plan, subcommittee

    body = subcommittee(personas)
    home = make_home(personas, staff=False)
    year = fiscal_year(timezone.localdate())
    published = advance(personas, plan(personas, home, body, year=year - 1), "published")
    planned = plan(personas, home, body, year=year)
    return {"group_home": home, "gh_published": published, "gh_planned": planned}


def _training_plan_world(personas) -> dict[str, Any]:
    plan = TrainingPlan.objects.create(
        organization=personas.core_center,
        fiscal_year=fiscal_year(timezone.localdate()),
        created_by=personas.core_officer,
    )
    item = PlannedTraining.objects.create(
        plan=plan, theme="強度行動障害の支援", month=6, kind="lecture", need_source="other"
    )
    return {"training_plan": plan, "planned_training": item}


def _training_world(personas) -> dict[str, Any]:
    draft = make_event(personas.core_center, personas.core_officer, status="draft")
    held = make_event(
        personas.core_center, personas.core_officer, held_on=dt.date(2025, 5, 1), status="held"
    )
    registration = Registration.objects.create(
        event=held,
        worker=personas.colleague_a,
        organization=personas.office_a,
        job_title="consultation_specialist",
        status="registered",
        attendance="attended",
        registered_by=personas.counselor_a,
        certificate_issued_on=dt.date(2025, 5, 2),
    )
    pdf = minimal_pdf()
    material = TrainingMaterial(
        event=held,
        original_name="配布資料.pdf",
        content_type="application/pdf",
        size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        uploaded_by=personas.core_officer,
    )
    material.file.save(material.sha256, ContentFile(pdf), save=False)
    material.save()
    return {
        "training_draft": draft,
        "training_registration": registration,
        "training_material": material,
    }


def _curriculum_world(personas) -> dict[str, Any]:
    core = plan_actor_as(personas.core_officer, personas.core_center)
    curriculum = curricula_services.curriculum_create(core, name="相談支援従事者の段階別研修")
    stage = curricula_services.stage_add(core, curriculum=curriculum, name="共通研修")
    requirement = curricula_services.requirement_add(core, stage=stage, name="共通研修")
    held = Registration.objects.get(worker=personas.colleague_a).event
    link = curricula_services.requirement_event_link(core, requirement=requirement, event=held)
    learning = curricula_services.learning_create(
        plan_actor_as(personas.colleague_a, personas.office_a),
        worker=personas.colleague_a,
        requirement=requirement,
        course_name="相談支援従事者初任者研修（県）",
        provider="みどり県",
        completed_on=dt.date(2024, 11, 1),
        evidence=SimpleUploadedFile("修了証.pdf", minimal_pdf()),
    )
    return {"curriculum_link": link, "curriculum_learning": learning}


def _staffing_world(personas) -> dict[str, Any]:
    post = StaffingPost.objects.create(
        organization=personas.office_a,
        kind="community_support_worker",
        headcount=2,
        required_from=dt.date(2021, 4, 1),
    )
    assignment = StaffingAssignment.objects.create(
        post=post,
        membership=personas.colleague_a.memberships.get(organization=personas.office_a),
        started_on=dt.date(2021, 4, 1),
    )
    return {"staffing_post": post, "staffing_assignment": assignment}


def _board_attachment(personas, client_as, case: Case) -> BoardAttachment:
    response = client_as(personas.counselor_a).post(
        reverse("records:board", kwargs={"case_id": case.pk}),
        {
            "text": "来週の会議資料です。",
            "attachments": [SimpleUploadedFile("資料.pdf", minimal_pdf())],
        },
    )
    assert response.status_code == 302, response.content.decode()
    return BoardAttachment.objects.get(message__case=case)


def _meetings_world(personas, case) -> dict[str, Any]:
    body = MeetingBodyFactory.create(
        secretariats=[personas.core_center, personas.office_a],
        members=[personas.office_a, personas.core_center],
    )
    meeting = MeetingFactory.create(body=body, created_by=personas.core_officer)
    conference = CaseConferenceFactory.create(
        case=case,
        kind="case_study_session",
        organizer=personas.office_a,
        created_by=personas.counselor_a,
    )
    return {
        "meeting_body": body,
        "meeting": meeting,
        "action_item": MeetingActionItem.objects.create(
            meeting=meeting,
            title="空き状況の一覧を作る",
            owner_organization=personas.office_a,
            created_by=personas.core_officer,
        ),
        "conference": conference,
        "attendee": AttendeeFactory.create(
            conference=conference, organization=personas.core_center
        ),
    }


def _meeting_attachment(personas, client_as, meeting: Meeting) -> MeetingAttachment:
    # Uploaded as the screen does it: form, service, private storage, audit.
    response = client_as(personas.core_officer).post(
        reverse("meetings:meeting_record", kwargs={"meeting_id": meeting.pk}),
        {
            "version": meeting.version,
            "status": "held",
            "attachments": [SimpleUploadedFile("配布資料.pdf", minimal_pdf())],
        },
    )
    assert response.status_code == 302, response.content.decode()
    meeting.refresh_from_db()  # the record moved its version on
    return MeetingAttachment.objects.get(meeting=meeting)


# --- The matrix -----------------------------------------------------------------------------

Params = Callable[[World], dict[str, int]]
Body = Callable[[World], dict[str, Any]]


@dataclass(frozen=True)
class Spec:
    params: Params
    # What the outsider tries.  A POST-only route is tried with POST; a form with both.
    methods: tuple[str, ...] = ("GET",)
    body: Body = field(default=lambda w: {})
    # Who must get through (proves the world is right): the lead, unless said otherwise.
    owner: str = "counselor_a"


def _portal_case(w: World) -> dict[str, int]:
    return {"case_id": w.case.pk}


def _portal_account(w: World) -> dict[str, int]:
    from tsunagu.organizations.actors import actor_for
    from tsunagu.portal import services as portal

    lead = w.case.lead_worker
    assert lead is not None
    account, _invitation, _code = portal.portal_invite(
        actor_for(lead), case=w.case, kind="person", display_name="花子さん", channel="paper"
    )
    return {"account_id": account.pk}


def _portal_request(w: World) -> dict[str, int]:
    from tsunagu.portal.models import PortalRequest, RequestKind

    account_id = _portal_account(w)["account_id"]
    request = PortalRequest.objects.create(
        account_id=account_id, case=w.case, kind=RequestKind.OTHER, text="質問です"
    )
    return {"request_id": request.pk}


PORTAL_INVITE = {"kind": "person", "display_name": "花子さん", "channel": "paper"}


def _council(w: World) -> dict[str, int]:
    """A 自立支援協議会 with office A (the lead's organization) a member: its report pack."""
    office_a = w.case.lead_organization
    council = MeetingBodyFactory.create(
        kind=BodyKind.COUNCIL, level=Level.MACRO, secretariats=[office_a], members=[office_a]
    )
    return {"body_id": council.pk}


def _trial_candidate(w: World) -> dict[str, int]:
    """A candidate service (見学・体験) on the draft plan (issue 21 item 5)."""
    from tsunagu.directory.tests.factories import ResourceFactory
    from tsunagu.trials import services as trials

    lead = plan_actor_as(w.plan.author, w.case.lead_organization)
    candidate = trials.candidate_add(lead, plan=w.draft, resource=ResourceFactory.create())
    return {"candidate_id": candidate.pk}


def _moments(w: World) -> tuple[Any, Any]:
    """The note as a motivating moment, shared with a provider on the team on the person's
    consent, and written for the council (issue 21 item 6)."""
    from tsunagu.moments import services as moments

    ProgressNote.objects.filter(pk=w.note.pk).update(
        is_motivating_moment=True, motivating_moment="絵が飾られて笑顔で話した。"
    )
    note = ProgressNote.objects.select_related("case").get(pk=w.note.pk)
    lead_user = w.plan.author
    provider = OrganizationFactory.create(kind="service_provider", name="生活介護 ひだまり")
    TeamMemberFactory.create(
        case=w.case, organization=provider, role=TeamRole.SERVICE, added_by=lead_user
    )
    ConsentFactory.create(
        person=w.person,
        obtained_by=lead_user,
        obtained_by_organization=w.case.lead_organization,
        organizations=[provider],
        purposes=["motivating_moments"],
    )
    lead = plan_actor_as(lead_user, w.case.lead_organization)
    share = moments.moment_share(lead, note=note, organization=provider)
    council = moments.council_moment_write(lead, note=note, text="絵が飾られて笑顔で話した。")
    return share, council


def _moment_share(w: World) -> dict[str, int]:
    return {"share_id": _moments(w)[0].pk}


def _council_moment(w: World) -> dict[str, int]:
    return {"moment_id": _moments(w)[1].pk}


def _note(w: World) -> dict[str, int]:
    return {"note_id": w.note.pk}


def _person(w: World) -> dict[str, int]:
    return {"person_id": w.person.pk}


def _emergency(w: World) -> dict[str, int]:
    return {"member_id": w.emergency_member.pk}


def _household(w: World) -> dict[str, int]:
    return {"household_id": w.household.pk}


def _duplicate(w: World) -> dict[str, int]:
    """A possible duplicate of the world's person on the core center's queue."""
    candidate = DuplicateCandidate.objects.create(
        person=w.person,
        match=PersonFactory.create(),
        raised_by_organization=w.person.registered_by_organization,
        matched_on=["phone"],
    )
    return {"candidate_id": candidate.pk}


def _case(w: World) -> dict[str, int]:
    return {"case_id": w.case.pk}


def _consultation(w: World) -> dict[str, int]:
    return {"consultation_id": w.consultation.pk}


def _plan(w: World) -> dict[str, int]:
    return {"plan_id": w.plan.pk}


def _draft(w: World) -> dict[str, int]:
    return {"plan_id": w.draft.pk}


def _monitoring(w: World) -> dict[str, int]:
    return {"monitoring_id": w.monitoring.pk}


def _trigger(w: World) -> dict[str, int]:
    return {"trigger_id": w.trigger.pk}


def _center_year(w: World, key: str = "year") -> dict[str, int]:
    """The core center's annual report of this fiscal year (issue 17 item 3)."""
    return {
        "organization_id": w.core_on_team.organization_id,
        key: fiscal_year(timezone.localdate()),
    }


def _report_job(w: World) -> dict[str, int]:
    """A finished generation of the core center's annual report, with its PDF."""
    center = w.core_on_team.organization
    assert w.core_on_team.worker is not None
    job = ReportJob.objects.create(
        kind=JobKind.ANNUAL_REPORT,
        organization=center,
        params={"fiscal_year": fiscal_year(timezone.localdate())},
        status=JobStatus.DONE,
        requested_by=w.core_on_team.worker,
        requested_by_organization=center,
    )
    ReportFile.objects.create(job=job, format="pdf", filename="r.pdf", content=b"%PDF", size=4)
    return {"job_id": job.pk}


def _report_file(w: World) -> dict[str, Any]:
    return {**_report_job(w), "fmt": "pdf"}


FORM = ("GET", "POST")
POST = ("POST",)


def _as_managers(params: dict[str, int]) -> dict[str, int]:
    """The city official manages (ADR 0014): made the city department's manager first."""
    from tsunagu.organizations.models import Membership, SystemRole

    Membership.objects.filter(user__username="city_official").update(role=SystemRole.MANAGER)
    return params


def _managed_office(w: World) -> dict[str, int]:
    return _as_managers({"organization_id": w.staffing_post.organization_id})


def _managed_membership(w: World) -> dict[str, int]:
    return _as_managers({"membership_id": w.staffing_assignment.membership_id})


def _managed_user(w: World) -> dict[str, int]:
    return _as_managers({"user_id": w.staffing_assignment.membership.user_id})


def _managed_user_reset(w: World) -> dict[str, int]:
    """As `_managed_user`, the manager with an authenticator (a wrong code is then a 422)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tsunagu.accounts.tests.factories import TOTPDeviceFactory

    manager = User.objects.get(username="city_official")
    if not TOTPDevice.objects.filter(user=manager).exists():
        TOTPDeviceFactory.create(user=manager)
    return _managed_user(w)


def _training(w: World) -> dict[str, int]:
    return {"event_id": w.training_draft.pk}


def _curriculum(w: World) -> dict[str, int]:
    return {"curriculum_id": w.curriculum_link.requirement.stage.curriculum_id}


def _curriculum_worker(w: World) -> dict[str, int]:
    return {"user_id": w.curriculum_learning.worker_id}


def _curriculum_learning(w: World) -> dict[str, int]:
    return {"learning_id": w.curriculum_learning.pk}


def _training_registration(w: World) -> dict[str, int]:
    return {"registration_id": w.training_registration.pk}


def _training_held(w: World) -> dict[str, int]:
    return {"event_id": w.training_registration.event_id}


def _training_material(w: World) -> dict[str, int]:
    return {"material_id": w.training_material.pk}


def _rights_petition(w: World) -> dict[str, int]:
    return {"petition_id": w.rights_petition.pk}


def _rights_referral(w: World) -> dict[str, int]:
    return {"referral_id": w.rights_referral.pk}


def _rights_city_person(w: World) -> dict[str, int]:
    return {"person_id": w.rights_city_person.pk}


def _rights_consultation(w: World) -> dict[str, int]:
    return {"consultation_id": w.rights_consultation.pk}


def _supervision(w: World) -> dict[str, int]:
    return {"session_id": w.supervision_session.pk}


def _supervision_item(w: World) -> dict[str, int]:
    return {"item_id": w.supervision_item.pk}


def _group_home(w: World) -> dict[str, int]:
    return {"home_id": w.group_home.pk}


def _gh_planned(w: World) -> dict[str, int]:
    return {"evaluation_id": w.gh_planned.pk}


def _gh_published(w: World) -> dict[str, int]:
    return {"evaluation_id": w.gh_published.pk}


def _survey_world(w: World) -> dict[str, Any]:
    """The core center's survey sent to office A alone (issue 19), office A's answer to it
    submitted with a free text: office B was not sent it and sees none of it."""
    from tsunagu.surveys import services as surveys

    officer = w.core_on_team.worker
    assert officer is not None
    center = plan_actor_as(officer)
    survey = surveys.survey_create(
        center,
        title="困難ケースに関する調査",
        fiscal_year=fiscal_year(timezone.localdate()),
        deadline=timezone.localdate() + dt.timedelta(days=14),
    )
    count = surveys.question_add(
        center, survey=survey, kind="number", text="件数", prefill_key="open_caseload"
    )
    text = surveys.question_add(center, survey=survey, kind="text", text="要望")
    surveys.recipients_set(center, survey=survey, organizations=[w.case.lead_organization])
    surveys.survey_send(center, survey=survey)
    response = survey.responses.get()
    assert w.case.lead_worker is not None
    surveys.response_save(
        plan_actor_as(w.case.lead_worker),
        response=response,
        answers={count.pk: 2, text.pk: "相談先がほしい。"},
        submit=True,
    )
    return {
        "survey_id": survey.pk,
        "question_id": count.pk,
        "response_id": response.pk,
        "answer_id": response.answers.get(question=text).pk,
    }


def _survey(w: World) -> dict[str, int]:
    return {"survey_id": _survey_world(w)["survey_id"]}


def _survey_question(w: World) -> dict[str, int]:
    made = _survey_world(w)
    return {"survey_id": made["survey_id"], "question_id": made["question_id"]}


def _survey_response(w: World) -> dict[str, int]:
    return {"response_id": _survey_world(w)["response_id"]}


def _survey_answer(w: World) -> dict[str, int]:
    return {"answer_id": _survey_world(w)["answer_id"]}


def _hround(w: World) -> dict[str, int]:
    return {"round_id": w.hearing_round.pk}


def _hearing(w: World) -> dict[str, int]:
    return {"hearing_id": w.hearing.pk}


def _hdirection(w: World) -> dict[str, int]:
    return {"direction_id": w.hearing_direction.pk}


def _training_plan(w: World) -> dict[str, int]:
    return {"plan_id": w.training_plan.pk}


def _planned_training(w: World) -> dict[str, int]:
    return {"item_id": w.planned_training.pk}


def _selfeval_draft(w: World) -> dict[str, int]:
    return {"set_id": w.selfeval_draft.pk}


def _selfeval_set(w: World) -> dict[str, int]:
    return {"set_id": w.selfeval_set.pk}


def _selfeval_area(w: World) -> dict[str, int]:
    return {"area_id": w.selfeval_draft_area.pk}


def _selfeval_item(w: World) -> dict[str, int]:
    return {"item_id": w.selfeval_draft_item.pk}


def _selfeval(w: World) -> dict[str, int]:
    return {"evaluation_id": w.selfeval_evaluation.pk}


def _selfeval_office(w: World) -> dict[str, int]:
    return {"organization_id": w.selfeval_evaluation.organization_id}


def _abuse_report(w: World) -> dict[str, int]:
    """A carer-abuse report the city department received, with the city official alone on its
    response team (issue 20 item 1): office A and office B are no response organization."""
    from tsunagu.abuse import services as abuse
    from tsunagu.abuse.models import AbuseReport

    report = AbuseReport.objects.order_by("pk").first()
    if report is None:
        official = User.objects.get(username="city_official")
        report = abuse.report_receive(
            plan_actor_as(official),
            received_at=timezone.now() - dt.timedelta(hours=1),
            abuser_type="carer",
            abuse_types=["physical"],
            summary="通報の内容",
            victim_label="Aさん",
            response_team=[official],
            reporter_name="通報者",
        )
    return {"report_id": report.pk}


def _disaster(w: World) -> dict[str, Any]:
    """The world's person on the 避難行動要支援者名簿 of a ward, without consent, and an open
    safety-check campaign on that ward naming office A (issue 20 items 6, 7): office A sees the
    person through the campaign's basis; office B is named nowhere and sees neither."""
    from tsunagu.accounts.models import User
    from tsunagu.disaster import services as disaster
    from tsunagu.disaster.models import Campaign, RegisterEntry

    campaign = Campaign.objects.filter(title="matrix").first()
    if campaign is None:
        ward = Area.objects.create(code="disaster-ward", name="防災区", kind="ward")
        Person.objects.filter(pk=w.person.pk).update(area=ward)
        city = plan_actor_as(User.objects.get(username="city_official"))
        disaster.entry_add(city, person=w.person)
        campaign = disaster.campaign_declare(
            city, title="matrix", areas=[ward], workers=[w.case.lead_organization]
        )
    entry = RegisterEntry.objects.get(person=w.person)
    return {"campaign_id": campaign.pk, "entry_id": entry.pk}


def _disaster_entry(w: World) -> dict[str, int]:
    return {"entry_id": _disaster(w)["entry_id"]}


def _disaster_campaign(w: World) -> dict[str, int]:
    return {"campaign_id": _disaster(w)["campaign_id"]}


def _plainplan(w: World) -> dict[str, int]:
    """A plain plan (issue 22 item 2) drafted by the lead from the world's agreed plan."""
    from tsunagu.plainplans import services as plainplans
    from tsunagu.plainplans.models import PlainPlan

    plain = PlainPlan.objects.filter(case=w.case).order_by("pk").first()
    if plain is None:
        lead = w.case.lead_worker
        assert lead is not None  # the world's case has its lead
        plain = plainplans.plain_plan_start(plan_actor_as(lead), case=w.case)
    return {"plain_plan_id": plain.pk}


PLAIN_BODY: Body = lambda w: {"goals": "作業所に かよいます。", "kanji_grade": 3}  # noqa: E731


def _disaster_conflict(w: World) -> dict[str, int]:
    """A state the core center recorded and office A's later one from the version before it:
    an open conflict (ADR 0020)."""
    from tsunagu.accounts.models import User
    from tsunagu.disaster import services as disaster
    from tsunagu.disaster.models import Campaign, RegisterEntry, SafetyCheck

    ids = _disaster(w)
    conflict = SafetyCheck.objects.filter(resolution="open").first()
    if conflict is None:
        campaign = Campaign.objects.get(pk=ids["campaign_id"])
        entry = RegisterEntry.objects.get(pk=ids["entry_id"])
        core = plan_actor_as(User.objects.get(username="core_officer"))
        disaster.check_record(core, campaign=campaign, entry=entry, state="safe")
        lead = plan_actor_as(User.objects.get(username="counselor_a"))
        conflict = disaster.check_record(
            lead, campaign=campaign, entry=entry, state="injured", base=None
        )
    return {"campaign_id": ids["campaign_id"], "check_id": conflict.pk}


def _community(w: World) -> dict[str, Any]:
    """Office A's awareness event with a handout and its outreach lead (issue 21 items 1-3):
    office B sees neither (the core center and the city read the activities, not the leads)."""
    from tsunagu.community import services as community
    from tsunagu.community.models import AwarenessEvent, OutreachLead

    event = AwarenessEvent.objects.filter(activity__title="matrix").first()
    if event is None:
        actor = plan_actor_as(User.objects.get(username="counselor_a"))
        area = Area.objects.create(code="community-ward", name="啓発区", kind="ward")
        event = community.awareness_create(
            actor,
            title="matrix",
            held_on=timezone.localdate(),
            area=area,
            theme="supporter_training",
            audiences=["residents"],
            supporters_completed=12,
        )
        community.materials_add(
            actor, event=event, files=[SimpleUploadedFile("資料.pdf", minimal_pdf())]
        )
        community.lead_create(
            actor,
            label="Aさん",
            area=area,
            worried_by="welfare_commissioner",
            concern="最近外に出ていない",
            received_on=timezone.localdate(),
            basis="consent",
            consent_given_on=timezone.localdate(),
        )
    lead = OutreachLead.objects.get(label="Aさん")
    return {
        "activity_id": event.activity_id,
        "material_id": event.materials.get().pk,
        "lead_id": lead.pk,
    }


def _community_activity(w: World) -> dict[str, int]:
    return {"activity_id": _community(w)["activity_id"]}


def _community_material(w: World) -> dict[str, int]:
    return {"material_id": _community(w)["material_id"]}


def _community_lead(w: World) -> dict[str, int]:
    return {"lead_id": _community(w)["lead_id"]}


def _lifehub(w: World) -> dict[str, int]:
    """A resident activity the core center entered, a hub role it keeps, and an emergency
    request it received from office A (issue 21 items 4 and 8): office A reads the request it
    asked for; office B is named nowhere and sees none of them."""
    from tsunagu.accounts.models import User
    from tsunagu.lifehub import services as lifehub
    from tsunagu.lifehub.models import EmergencyRequest, HubRole, ResidentActivity

    activity = ResidentActivity.objects.filter(group_name="matrix").first()
    if activity is None:
        core = plan_actor_as(User.objects.get(username="core_officer"))
        activity = lifehub.activity_create(
            core,
            name="サロン",
            kind="salon",
            group_name="matrix",
            area=None,
            contact_name="連絡担当",
            consented_by_name="連絡担当",
            consented_on=timezone.localdate(),
            scopes=["network"],
        )
        lifehub.role_add(core, function="emergency", organization=w.case.lead_organization)
        lifehub.emergency_receive(
            core,
            reason="other",
            situation="状況",
            requesting_organization=w.case.lead_organization,
        )
    return {
        "activity_id": activity.pk,
        "role_id": HubRole.objects.get().pk,
        "request_id": EmergencyRequest.objects.get().pk,
    }


def _lifehub_activity(w: World) -> dict[str, int]:
    return {"activity_id": _lifehub(w)["activity_id"]}


def _lifehub_role(w: World) -> dict[str, int]:
    return {"role_id": _lifehub(w)["role_id"]}


def _lifehub_request(w: World) -> dict[str, int]:
    return {"request_id": _lifehub(w)["request_id"]}


SCREENS: dict[str, Spec] = {
    # community (issue 21 items 1-3): office A's awareness event, its handout, its lead.
    "community:activity_detail": Spec(_community_activity),
    "community:activity_edit": Spec(
        _community_activity, FORM, lambda w: {"kind": "network", "title": "x"}
    ),
    "community:awareness_results": Spec(_community_activity, FORM),
    "community:materials_add": Spec(_community_activity, FORM),
    "community:material_download": Spec(_community_material),
    "community:lead_detail": Spec(_community_lead),
    "community:lead_contact": Spec(_community_lead, FORM),
    "community:lead_consent": Spec(_community_lead, FORM),
    "community:lead_connect": Spec(_community_lead, FORM),
    "community:lead_close": Spec(_community_lead, FORM, lambda w: {"reason": "no_need"}),
    # trials and moments (issue 21 items 5 and 6)
    "trials:plan_trials": Spec(_draft),
    "trials:candidate_add": Spec(_draft, FORM),
    "trials:visit_record": Spec(_trial_candidate, FORM),
    "trials:candidate_decide": Spec(_trial_candidate, FORM),
    "moments:moment_detail": Spec(_note),
    "moments:moment_share": Spec(_note, FORM),
    "moments:council_write": Spec(_note, FORM),
    "moments:share_stop": Spec(_moment_share, POST),
    "moments:council_publish": Spec(_council_moment, POST),
    # The staff side of the person's portal (issue 22): the lead organization only.
    "portal_staff:case": Spec(_portal_case),
    "portal_staff:invite": Spec(_portal_case, FORM, lambda w: PORTAL_INVITE),
    "portal_staff:code_issue": Spec(_portal_account, POST, lambda w: {"channel": "paper"}),
    "portal_staff:account_end": Spec(_portal_account, POST),
    "portal_staff:request_answered": Spec(_portal_request, POST),
    # lifehub (issue 21 items 4 and 8): the core center keeps them; office A asked for the
    # emergency acceptance and reads it.
    "lifehub:activity_detail": Spec(_lifehub_activity, owner="core_officer"),
    "lifehub:consent_give": Spec(
        _lifehub_activity,
        POST,
        lambda w: {
            "scope": "public",
            "consented_by_name": "連絡担当",
            "consented_on": "2026-04-01",
        },
        owner="core_officer",
    ),
    "lifehub:consent_withdraw": Spec(
        _lifehub_activity, POST, lambda w: {"scope": "network"}, owner="core_officer"
    ),
    "lifehub:role_end": Spec(_lifehub_role, POST, owner="core_officer"),
    "lifehub:emergency_detail": Spec(_lifehub_request),
    "lifehub:emergency_accept": Spec(
        _lifehub_request,
        POST,
        lambda w: {"accepted_by": w.case.lead_organization.pk, "stay_from": "2099-01-01"},
        owner="core_officer",
    ),
    "lifehub:emergency_decline": Spec(
        _lifehub_request, POST, lambda w: {"reason": "空床なし"}, owner="core_officer"
    ),
    "lifehub:emergency_end": Spec(
        _lifehub_request, POST, lambda w: {"stay_until": "2099-01-02"}, owner="core_officer"
    ),
    # disaster (issue 20 items 6, 7): office A sees the person through the open campaign.
    "disaster:entry_detail": Spec(_disaster_entry),
    "disaster:entry_consent": Spec(
        _disaster_entry, POST, lambda w: {"given": "1"}, owner="core_officer"
    ),
    "disaster:entry_plan": Spec(
        _disaster_entry, FORM, lambda w: {"destination": "小学校"}, owner="core_officer"
    ),
    "disaster:campaign_detail": Spec(_disaster_campaign),
    "disaster:campaign_check": Spec(_disaster_campaign),
    "disaster:campaign_record": Spec(
        _disaster_campaign,
        POST,
        lambda w: {"entry": _disaster_entry(w)["entry_id"], "state": "safe"},
    ),
    "disaster:campaign_close": Spec(_disaster_campaign, POST, owner="city_official"),
    "disaster:campaign_export": Spec(_disaster_campaign, owner="core_officer"),
    "disaster:campaign_sync": Spec(_disaster_campaign, POST),
    "disaster:conflict_settle": Spec(
        _disaster_conflict, POST, lambda w: {"keep": "existing"}, owner="core_officer"
    ),
    # plainplans (issue 22 item 2): the plan in plain words hangs off the case.
    "plainplans:case": Spec(_case),
    "plainplans:start": Spec(_case, POST),
    "plainplans:detail": Spec(_plainplan),
    "plainplans:edit": Spec(_plainplan, FORM, lambda w: {"goals": "x", "kanji_grade": "3"}),
    "plainplans:preview": Spec(_plainplan),
    "plainplans:release": Spec(_plainplan, FORM),
    # grouphomes (issue 19 item 6): the city manages the home and plans its evaluations.
    "grouphomes:home_edit": Spec(_group_home, FORM, owner="city_official"),
    "grouphomes:evaluation_detail": Spec(_gh_planned, owner="city_official"),
    "grouphomes:visit": Spec(_gh_planned, FORM, owner="city_official"),
    "grouphomes:self_evaluation": Spec(_gh_planned, FORM, owner="city_official"),
    "grouphomes:qa": Spec(_gh_planned, FORM, owner="city_official"),
    "grouphomes:report": Spec(_gh_planned, FORM, owner="city_official"),
    "grouphomes:publish": Spec(_gh_planned, POST, owner="city_official"),
    "grouphomes:report_pdf": Spec(_gh_published, owner="city_official"),
    "grouphomes:report_docx": Spec(_gh_published, owner="city_official"),
    # self-evaluation (issue 19 item 5): the city's draft criteria, the distribution for the
    # center and the city, and office A's submitted evaluation and years.
    "selfevaluations:set_detail": Spec(_selfeval_draft, owner="city_official"),
    "selfevaluations:set_edit": Spec(
        _selfeval_draft, FORM, lambda w: {"title": "基準"}, owner="city_official"
    ),
    "selfevaluations:set_publish": Spec(_selfeval_draft, FORM, owner="city_official"),
    "selfevaluations:area_create": Spec(
        _selfeval_draft, FORM, lambda w: {"name": "人材育成"}, owner="city_official"
    ),
    "selfevaluations:item_create": Spec(
        _selfeval_draft, FORM, lambda w: {"code": "9-1", "text": "項目"}, owner="city_official"
    ),
    "selfevaluations:summary": Spec(_selfeval_set, owner="core_officer"),
    "selfevaluations:summary_export": Spec(_selfeval_set, owner="core_officer"),
    "selfevaluations:area_edit": Spec(
        _selfeval_area, FORM, lambda w: {"name": "運営"}, owner="city_official"
    ),
    "selfevaluations:area_delete": Spec(_selfeval_area, FORM, owner="city_official"),
    "selfevaluations:item_edit": Spec(
        _selfeval_item, FORM, lambda w: {"text": "項目"}, owner="city_official"
    ),
    "selfevaluations:item_delete": Spec(_selfeval_item, FORM, owner="city_official"),
    "selfevaluations:evaluation_detail": Spec(_selfeval),
    "selfevaluations:evaluation_edit": Spec(_selfeval, FORM, lambda w: {"overall_comment": "x"}),
    "selfevaluations:evaluation_submit": Spec(_selfeval, POST),
    "selfevaluations:evaluation_return": Spec(
        _selfeval, FORM, lambda w: {"reason": "理由"}, owner="core_officer"
    ),
    "selfevaluations:evaluation_review": Spec(
        _selfeval, FORM, lambda w: {"center_comment": "所見"}, owner="core_officer"
    ),
    "selfevaluations:evaluation_release": Spec(_selfeval, POST, owner="core_officer"),
    # abuse response (issue 20 item 1): the city and the core center only.
    "abuse:report_detail": Spec(_abuse_report, owner="city_official"),
    "abuse:report_team": Spec(_abuse_report, FORM, owner="city_official"),
    "abuse:fact_finding": Spec(
        _abuse_report, FORM, lambda w: {"visited_by": "x"}, owner="city_official"
    ),
    "abuse:judgement": Spec(_abuse_report, FORM, owner="city_official"),
    "abuse:prefecture": Spec(_abuse_report, FORM, owner="city_official"),
    "abuse:monitoring": Spec(_abuse_report, POST, owner="city_official"),
    "abuse:close": Spec(_abuse_report, FORM, owner="city_official"),
    "selfevaluations:history": Spec(_selfeval_office),
    # training plans (issue 18 item 3): the core center's draft plan and its item.
    "trainingplans:plan_detail": Spec(_training_plan, owner="core_officer"),
    "trainingplans:plan_edit": Spec(
        _training_plan, FORM, lambda w: {"status": "draft"}, owner="core_officer"
    ),
    "trainingplans:item_create": Spec(
        _training_plan, FORM, lambda w: {"theme": "研修"}, owner="core_officer"
    ),
    "trainingplans:item_edit": Spec(
        _planned_training, FORM, lambda w: {"theme": "研修"}, owner="core_officer"
    ),
    "trainingplans:item_delete": Spec(_planned_training, FORM, owner="core_officer"),
    # surveys (issue 19): the core center's survey went to office A alone.
    "surveys:survey_detail": Spec(_survey),
    "surveys:survey_edit": Spec(
        _survey, FORM, lambda w: {"purpose": "把握のため"}, owner="core_officer"
    ),
    "surveys:question_create": Spec(
        _survey, FORM, lambda w: {"kind": "text", "text": "要望"}, owner="core_officer"
    ),
    "surveys:question_delete": Spec(_survey_question, POST, owner="core_officer"),
    "surveys:recipients": Spec(_survey, FORM, owner="core_officer"),
    "surveys:survey_send": Spec(_survey, POST, owner="core_officer"),
    "surveys:survey_close": Spec(_survey, POST, owner="core_officer"),
    "surveys:survey_remind": Spec(_survey, POST, owner="core_officer"),
    "surveys:results": Spec(_survey),
    "surveys:results_export": Spec(_survey),
    "surveys:response_detail": Spec(_survey_response, FORM, lambda w: {"submit": "0"}),
    "surveys:response_reopen": Spec(
        _survey_response, FORM, lambda w: {"reason": "記入漏れ"}, owner="core_officer"
    ),
    "surveys:answer_review": Spec(_survey_answer, POST, owner="core_officer"),
    # rights (issue 20 items 2 and 3): the core center sees the person and records.
    "rights:petition_create": Spec(
        _person,
        FORM,
        lambda w: {"petitioner": "relative", "guardianship_type": "assistance"},
        owner="core_officer",
    ),
    "rights:petition_detail": Spec(_rights_petition, owner="core_officer"),
    "rights:referral_create": Spec(
        _person, FORM, lambda w: {"council": w.rights_council.pk}, owner="core_officer"
    ),
    "rights:referral_outcome": Spec(
        _rights_referral, FORM, lambda w: {"outcome": "contracted"}, owner="core_officer"
    ),
    "rights:cost_create": Spec(
        _rights_city_person, FORM, lambda w: {"kind": "fee"}, owner="city_official"
    ),
    "rights:petition_step": Spec(
        _rights_petition, FORM, lambda w: {"step": "kin_survey"}, owner="core_officer"
    ),
    "rights:consultation_detail": Spec(_rights_consultation, owner="core_officer"),
    "rights:consultation_step": Spec(
        _rights_consultation, FORM, lambda w: {"kind": "hearing"}, owner="core_officer"
    ),
    "rights:consultation_close": Spec(
        _rights_consultation, FORM, lambda w: {"outcome": "mediated"}, owner="core_officer"
    ),
    # supervision (issue 18 item 5): office A attended; office B did not.
    # hearings (issue 19 item 4): office A was heard (its notes shared); office B was not.
    "hearings:round_detail": Spec(_hround),
    "hearings:round_edit": Spec(_hround, FORM, lambda w: {"title": "x"}, owner="core_officer"),
    "hearings:hearing_create": Spec(_hround, FORM, owner="core_officer"),
    "hearings:finding_create": Spec(_hround, FORM, owner="core_officer"),
    "hearings:results": Spec(_hround, owner="core_officer"),
    "hearings:direction_create": Spec(_hround, FORM, owner="core_officer"),
    "hearings:hearing_detail": Spec(_hearing),
    "hearings:hearing_edit": Spec(_hearing, FORM, lambda w: {"place": "x"}, owner="core_officer"),
    "hearings:hearing_status": Spec(
        _hearing, POST, lambda w: {"status": "notes_done"}, owner="core_officer"
    ),
    "hearings:hearing_share": Spec(_hearing, POST, lambda w: {"shared": "0"}, owner="core_officer"),
    "hearings:notes": Spec(_hearing),
    "hearings:notes_edit": Spec(_hearing, FORM, owner="core_officer"),
    "hearings:direction_adopt": Spec(_hdirection, FORM, owner="core_officer"),
    "hearings:direction_issue": Spec(_hdirection, FORM, owner="core_officer"),
    "hearings:direction_development": Spec(_hdirection, FORM, owner="core_officer"),
    "supervision:session_detail": Spec(_supervision),
    "supervision:session_edit": Spec(
        _supervision, FORM, lambda w: {"place": "会議室"}, owner="core_officer"
    ),
    "supervision:item_create": Spec(_supervision, FORM, lambda w: {"summary": "概要"}),
    "supervision:item_link": Spec(_supervision_item, FORM, lambda w: {"case": w.case.pk}),
    "supervision:item_advice": Spec(
        _supervision_item, FORM, lambda w: {"advice": "助言"}, owner="core_officer"
    ),
    "supervision:item_record": Spec(_supervision_item, FORM),
    "supervision:item_carry": Spec(_supervision_item, FORM, lambda w: {"session": "1"}),
    "supervision:item_follow_up": Spec(_supervision_item, FORM, lambda w: {"result": "結果"}),
    # curricula (issue 18 item 2): changes are the core center's; a worker's record is theirs,
    # their office manager's and the core center's.
    "curricula:edit": Spec(_curriculum, FORM, lambda w: {"name": "研修"}, owner="core_officer"),
    "curricula:stage_create": Spec(_curriculum, FORM, owner="core_officer"),
    "curricula:overview": Spec(_curriculum, owner="core_officer"),
    "curricula:office": Spec(
        lambda w: {**_curriculum(w), "organization_id": w.curriculum_learning.organization_id},
        owner="core_officer",
    ),
    "curricula:requirement_create": Spec(
        lambda w: {"stage_id": w.curriculum_link.requirement.stage_id}, FORM, owner="core_officer"
    ),
    "curricula:link_create": Spec(
        lambda w: {"requirement_id": w.curriculum_link.requirement_id}, FORM, owner="core_officer"
    ),
    # Renaming, moving and removing (the world's requirement has a training linked, so the
    # owner's delete is refused with a message, not a 404).
    "curricula:stage_edit": Spec(
        lambda w: {"stage_id": w.curriculum_link.requirement.stage_id},
        FORM,
        lambda w: {"name": "共通研修"},
        owner="core_officer",
    ),
    "curricula:stage_move": Spec(
        lambda w: {"stage_id": w.curriculum_link.requirement.stage_id},
        POST,
        lambda w: {"direction": "down"},
        owner="core_officer",
    ),
    "curricula:stage_delete": Spec(
        lambda w: {"stage_id": w.curriculum_link.requirement.stage_id}, POST, owner="core_officer"
    ),
    "curricula:requirement_edit": Spec(
        lambda w: {"requirement_id": w.curriculum_link.requirement_id},
        FORM,
        lambda w: {"name": "共通研修"},
        owner="core_officer",
    ),
    "curricula:requirement_delete": Spec(
        lambda w: {"requirement_id": w.curriculum_link.requirement_id}, POST, owner="core_officer"
    ),
    "curricula:link_delete": Spec(
        lambda w: {"link_id": w.curriculum_link.pk}, POST, owner="core_officer"
    ),
    "curricula:worker": Spec(_curriculum_worker, owner="core_officer"),
    "curricula:learning_create": Spec(_curriculum_worker, FORM, owner="colleague_a"),
    "curricula:learning_detail": Spec(_curriculum_learning, owner="colleague_a"),
    "curricula:learning_evidence": Spec(_curriculum_learning, owner="colleague_a"),
    "curricula:learning_review": Spec(
        _curriculum_learning, FORM, lambda w: {"decision": "approved"}, owner="core_officer"
    ),
    # trainings (issue 18 item 1): the organizer's draft, office A's registration.
    "trainings:event_detail": Spec(_training, owner="core_officer"),
    "trainings:event_edit": Spec(
        _training, FORM, lambda w: {"theme": "研修", "capacity": "5"}, owner="core_officer"
    ),
    "trainings:registration_create": Spec(
        _training, FORM, lambda w: {"membership": ""}, owner="core_officer"
    ),
    "trainings:attendance": Spec(_training, FORM, owner="core_officer"),
    "trainings:certificates_issue": Spec(_training, POST, owner="core_officer"),
    "trainings:registration_cancel": Spec(_training_registration, POST),
    "trainings:certificate": Spec(_training_registration),
    "trainings:attendance_import": Spec(_training, FORM, owner="core_officer"),
    "trainings:registrations_export": Spec(_training, owner="core_officer"),
    "trainings:materials_add": Spec(_training, FORM, owner="core_officer"),
    "trainings:material_download": Spec(_training_material, owner="colleague_a"),
    "trainings:material_delete": Spec(_training_material, POST, owner="core_officer"),
    "trainings:questionnaire": Spec(
        _training_held, FORM, lambda w: {"satisfaction": "4"}, owner="colleague_a"
    ),
    "trainings:questionnaire_results": Spec(_training_held, owner="core_officer"),
    # reports: the core center's annual report; the city reads it too, offices never.
    "reports:annual_detail": Spec(_center_year, owner="core_officer"),
    "reports:annual_edit": Spec(
        _center_year,
        FORM,
        lambda w: {"future": "実態調査", "status": "draft"},
        owner="core_officer",
    ),
    "reports:annual_generate": Spec(_center_year, POST, owner="core_officer"),
    "reports:job_detail": Spec(_report_job, owner="core_officer"),
    "reports:job_download": Spec(_report_file, owner="core_officer"),
    # organizations and memberships managed in the app (issue 17 item 8, ADR 0014)
    "organizations:manage_detail": Spec(_managed_office, owner="city_official"),
    "organizations:manage_edit": Spec(
        _managed_office, FORM, lambda w: {"kind": "other", "name": "x"}, owner="city_official"
    ),
    "organizations:membership_create": Spec(
        _managed_office,
        FORM,
        lambda w: {"user": "", "job_title": "counselor", "role": "staff"},
        owner="city_official",
    ),
    "organizations:membership_end": Spec(
        _managed_membership, FORM, lambda w: {"ended_on": "2026-04-30"}, owner="city_official"
    ),
    # organizations: staffing (issue 17 item 6); the city is who sets posts and fills them.
    "organizations:post_create": Spec(
        lambda w: {"organization_id": w.staffing_post.organization_id},
        FORM,
        lambda w: {"kind": "counselor", "headcount": "1", "required_from": "2026-04-01"},
        owner="city_official",
    ),
    "organizations:post_edit": Spec(
        lambda w: {"post_id": w.staffing_post.pk},
        FORM,
        lambda w: {"headcount": "2"},
        owner="city_official",
    ),
    "organizations:assignment_create": Spec(
        lambda w: {"post_id": w.staffing_post.pk},
        FORM,
        lambda w: {"membership": "", "started_on": "2026-04-01"},
        owner="city_official",
    ),
    "organizations:assignment_end": Spec(
        lambda w: {"assignment_id": w.staffing_assignment.pk},
        FORM,
        lambda w: {"ended_on": "2026-04-30"},
        owner="city_official",
    ),
    # expertise: office A's own declaration (issue 18 item 4)
    "expertise:declaration_edit": Spec(
        lambda w: {"declaration_id": w.expertise_declaration.pk},
        FORM,
        lambda w: {"note": "修了者が2名います。"},
    ),
    "expertise:declaration_delete": Spec(
        lambda w: {"declaration_id": w.expertise_declaration.pk}, FORM
    ),
    "people:person_detail": Spec(_person),
    "people:person_edit": Spec(
        _person, FORM, lambda w: {"version": w.person.version, "family_name": "佐藤"}
    ),
    "people:consent_create": Spec(_person, FORM, lambda w: {"method": "written"}),
    # DV and hidden addresses (issue 20 item 4)
    "people:person_contact_reveal": Spec(_person, POST),
    "people:person_contact_edit": Spec(
        _person, FORM, lambda w: {"version": w.person.version, "address": "どこか"}
    ),
    "people:protection_edit": Spec(_person, FORM, lambda w: {"basis": "worker_judgement"}),
    "people:protection_end": Spec(_person, FORM, lambda w: {"reason": "支援措置の終了"}),
    "people:consent_withdraw": Spec(
        lambda w: {"person_id": w.person.pk, "consent_id": w.consent.pk},
        FORM,
        lambda w: {"reason": "本人の申し出"},
    ),
    "people:household_detail": Spec(_household),
    "people:duplicate_detail": Spec(
        _duplicate, FORM, lambda w: {"decision": "distinct"}, owner="core_officer"
    ),
    "people:household_edit": Spec(
        _household, FORM, lambda w: {"version": w.household.version, "name": "佐藤さん世帯"}
    ),
    "people:household_member_add": Spec(_household, FORM, lambda w: {"relationship": "child"}),
    "people:household_member_end": Spec(
        lambda w: {"household_id": w.household.pk, "member_id": w.member.pk},
        FORM,
        lambda w: {"end_date": timezone.localdate().isoformat()},
    ),
    "cases:case_detail": Spec(_case),
    "cases:case_edit": Spec(_case, FORM, lambda w: {"version": w.case.version, "title": "支援"}),
    "cases:case_transition": Spec(_case, POST, lambda w: {"to": "assessment", "reason": "面談"}),
    "cases:case_reopen": Spec(_case, POST, lambda w: {"reason": "再度の相談"}),
    "cases:team_add": Spec(
        _case,
        FORM,
        lambda w: {"organization": w.core_on_team.organization_id, "role": "joint"},
    ),
    "cases:team_workers": Spec(_case),
    "cases:team_leave": Spec(
        lambda w: {"case_id": w.case.pk, "member_id": w.core_on_team.pk},
        POST,
        lambda w: {"left_on": timezone.localdate().isoformat()},
    ),
    "cases:consultation_detail": Spec(_consultation),
    "cases:consultation_link_person": Spec(_consultation, POST, lambda w: {"person": w.person.pk}),
    "cases:consultation_open_case": Spec(_consultation, POST),
    # Only reviewers (the core center, administrators) see break-glass accesses at all.
    "cases:break_glass_review": Spec(
        lambda w: {"access_id": w.break_glass.pk},
        POST,
        lambda w: {"note": "確認しました"},
        owner="core_officer",
    ),
    "cases:person_access_log": Spec(_person),
    # The review queue of emergency bases: reviewers only (the core center, administrators).
    "cases:emergency_review": Spec(_emergency, owner="core_officer"),
    "cases:emergency_convert": Spec(
        _emergency, POST, lambda w: {"basis": "consent"}, owner="core_officer"
    ),
    "cases:emergency_end": Spec(_emergency, POST, lambda w: {"note": "確認"}, owner="core_officer"),
    "cases:emergency_reviewed": Spec(
        _emergency, POST, lambda w: {"note": "確認"}, owner="core_officer"
    ),
    "records:case_notes": Spec(_case),
    "records:note_create": Spec(
        _case, FORM, lambda w: {"kind": "phone", "text": "電話で近況を聞いた。"}
    ),
    "records:household_notes": Spec(_household),
    "records:note_next_contact": Spec(
        lambda w: {"note_id": w.note.pk},
        FORM,
        lambda w: {"next_contact_on": (timezone.localdate() + dt.timedelta(days=7)).isoformat()},
    ),
    "records:note_template_edit": Spec(
        lambda w: {"template_id": w.note_template.pk},
        FORM,
        lambda w: {"name": "訪問", "kind": "home_visit", "body": "【様子】"},
    ),
    "records:note_template_active": Spec(
        lambda w: {"template_id": w.note_template.pk}, POST, lambda w: {"active": "0"}
    ),
    "records:board": Spec(_case, FORM, lambda w: {"text": "来週の同行をお願いします。"}),
    "records:board_attachment_download": Spec(lambda w: {"attachment_id": w.board_attachment.pk}),
    "records:attachment_download": Spec(lambda w: {"attachment_id": w.attachment.pk}),
    "records:formulation_list": Spec(_case),
    "records:formulation_create": Spec(
        _case,
        FORM,
        lambda w: {
            "based_on": 1,
            "situation_summary": "変化なし",
            "hypothesis": "同上",
            "support_policy": "同上",
            "prompted_by": "面談で新しい話が出た",
        },
    ),
    "plans:assessment_list": Spec(_case),
    "plans:assessment_create": Spec(
        _case, FORM, lambda w: {"assessed_on": timezone.localdate().isoformat()}
    ),
    "plans:assessment_detail": Spec(lambda w: {"assessment_id": w.assessment.pk}),
    "plans:plan_list": Spec(_case),
    "plans:plan_create": Spec(_case, FORM, lambda w: {"overall_policy": "方針"}),
    "plans:plan_detail": Spec(_plan),
    "plans:plan_edit": Spec(_draft, FORM, lambda w: {"lock_version": w.draft.lock_version}),
    "plans:plan_new_version": Spec(_plan, FORM, lambda w: {"reason": "見直し"}),
    "plans:plan_agree": Spec(_draft, FORM, lambda w: {"method": "signature"}),
    "plans:plan_item_create": Spec(_draft, FORM, lambda w: {"need": "x", "goal": "y"}),
    "plans:plan_item_edit": Spec(
        lambda w: {"plan_id": w.draft.pk, "item_id": w.draft_item.pk},
        FORM,
        lambda w: {"need": "x", "goal": "y"},
    ),
    "plans:plan_item_delete": Spec(
        lambda w: {"plan_id": w.draft.pk, "item_id": w.draft_item.pk}, POST
    ),
    "plans:plan_item_resources": Spec(_draft),
    "plans:plan_weekly": Spec(_draft, FORM, lambda w: {"activity": "作業所"}),
    "plans:plan_weekly_delete": Spec(
        lambda w: {"plan_id": w.draft.pk, "entry_id": w.draft_weekly.pk}, POST
    ),
    "plans:monitoring_detail": Spec(_monitoring),
    "plans:monitoring_report": Spec(_monitoring, FORM, lambda w: {"overall": "変わりなし"}),
    "plans:contingency_list": Spec(_case, FORM, lambda w: {"description": "家賃滞納3か月"}),
    "plans:contingency_action_add": Spec(_trigger, FORM, lambda w: {"action": "連絡する"}),
    "plans:contingency_happened": Spec(_trigger, FORM, lambda w: {"note": "入院した"}),
    "plans:task_status": Spec(lambda w: {"task_id": w.task.pk}, POST, lambda w: {"status": "done"}),
    "plans:case_task_list": Spec(_case),
    "plans:plan_pdf": Spec(_plan),
    "plans:plan_xlsx": Spec(_plan),
    "plans:plan_fhir": Spec(_plan),
    "plans:monitoring_pdf": Spec(_monitoring),
    "plans:monitoring_xlsx": Spec(_monitoring),
    "referrals:create": Spec(_case, FORM, lambda w: {"kind": "joint_support"}),
    "referrals:detail": Spec(lambda w: {"referral_id": w.referral.pk}),
    "referrals:edit": Spec(
        lambda w: {"referral_id": w.referral.pk}, FORM, lambda w: {"version": w.referral.version}
    ),
    "referrals:transition": Spec(
        lambda w: {"referral_id": w.referral.pk},
        POST,
        lambda w: {"action": "cancel", "reason": "依頼先を変えるため"},
    ),
    "referrals:fhir": Spec(lambda w: {"referral_id": w.referral.pk}),
    # meetings: bodies and meetings for members/secretariat/core/city; conferences as cases
    "meetings:body_detail": Spec(lambda w: {"body_id": w.meeting_body.pk}),
    "meetings:body_ics": Spec(lambda w: {"body_id": w.meeting_body.pk}),
    "meetings:council_pack": Spec(_council),
    "meetings:council_pack_docx": Spec(_council),
    "meetings:council_pack_pdf": Spec(_council),
    "meetings:meeting_create": Spec(
        lambda w: {"body_id": w.meeting_body.pk},
        FORM,
        lambda w: {
            "starts_at": "2026-12-10T14:00",
            "ends_at": "2026-12-10T16:00",
            "format": "online",
        },
    ),
    "meetings:meeting_detail": Spec(lambda w: {"meeting_id": w.meeting.pk}),
    "meetings:meeting_ics": Spec(lambda w: {"meeting_id": w.meeting.pk}),
    "meetings:meeting_record": Spec(
        lambda w: {"meeting_id": w.meeting.pk},
        FORM,
        lambda w: {"version": w.meeting.version, "status": "held", "minutes": "近況報告"},
    ),
    "meetings:action_add": Spec(
        lambda w: {"meeting_id": w.meeting.pk},
        POST,
        lambda w: {"title": "資料を作る", "owner_organization": w.case.lead_organization_id},
    ),
    "meetings:action_take": Spec(lambda w: {"item_id": w.action_item.pk}, POST),
    "meetings:attachment_download": Spec(lambda w: {"attachment_id": w.meeting_attachment.pk}),
    "meetings:attachment_delete": Spec(lambda w: {"attachment_id": w.meeting_attachment.pk}, POST),
    "meetings:conference_list": Spec(_case),
    "meetings:conference_create": Spec(
        _case,
        FORM,
        lambda w: {"kind": "case_conference", "held_at": "2026-11-30T10:00", "format": "online"},
    ),
    "meetings:conference_detail": Spec(lambda w: {"conference_id": w.conference.pk}),
    "meetings:conference_record": Spec(
        lambda w: {"conference_id": w.conference.pk}, FORM, lambda w: {"discussion": "検討"}
    ),
    "meetings:attendee_add": Spec(
        lambda w: {"conference_id": w.conference.pk},
        POST,
        lambda w: {"organization": w.case.lead_organization_id},
    ),
    "meetings:attendee_pledge": Spec(
        lambda w: {"attendee_id": w.attendee.pk}, POST, lambda w: {"pledged_by_name": "田中"}
    ),
    "meetings:summary_generate": Spec(lambda w: {"conference_id": w.conference.pk}, POST),
    "meetings:case_issue_create": Spec(_case, FORM, lambda w: {"title": "短期入所先がない"}),
    "meetings:conference_issue_create": Spec(
        lambda w: {"conference_id": w.conference.pk}, FORM, lambda w: {"title": "短期入所先がない"}
    ),
    "meetings:summary_review": Spec(
        lambda w: {"conference_id": w.conference.pk}, FORM, lambda w: {"summary": "本人は40代"}
    ),
    "disclosure:note_pdf": Spec(lambda w: {"note_id": w.note.pk}),
    "disclosure:case_summary_pdf": Spec(_case),
    "disclosure:person_disclosure": Spec(
        _person, FORM, lambda w: {"received_on": timezone.localdate().isoformat()}
    ),
}

API: dict[str, Spec] = {
    # plainplans (issue 22 item 2)
    "GET /api/v1/plainplans/cases/{case_id}": Spec(_case),
    "POST /api/v1/plainplans/cases/{case_id}": Spec(_case, POST),
    "GET /api/v1/plainplans/{plain_plan_id}": Spec(_plainplan),
    "PUT /api/v1/plainplans/{plain_plan_id}": Spec(_plainplan, ("PUT",), PLAIN_BODY),
    "POST /api/v1/plainplans/{plain_plan_id}/check": Spec(_plainplan, POST, PLAIN_BODY),
    "GET /api/v1/plainplans/{plain_plan_id}/preview": Spec(_plainplan),
    "POST /api/v1/plainplans/{plain_plan_id}/release": Spec(_plainplan, POST),
    # community (issue 21 items 1-3)
    "GET /api/v1/community/activities/{activity_id}": Spec(_community_activity),
    "PUT /api/v1/community/activities/{activity_id}": Spec(
        _community_activity,
        ("PUT",),
        lambda w: {
            "kind": "awareness",
            "held_on": timezone.localdate().isoformat(),
            "title": "matrix",
            "area_id": Area.objects.get(code="community-ward").pk,
        },
    ),
    "GET /api/v1/community/activities/{activity_id}/awareness": Spec(_community_activity),
    "PUT /api/v1/community/activities/{activity_id}/awareness": Spec(
        _community_activity, ("PUT",), lambda w: {"theme": "other", "audiences": ["firms"]}
    ),
    "GET /api/v1/community/activities/{activity_id}/materials": Spec(_community_activity),
    "POST /api/v1/community/activities/{activity_id}/materials": Spec(_community_activity, POST),
    "GET /api/v1/community/materials/{material_id}": Spec(_community_material),
    "GET /api/v1/community/leads/{lead_id}": Spec(_community_lead),
    "POST /api/v1/community/leads/{lead_id}/contact": Spec(
        _community_lead, POST, lambda w: {"on": timezone.localdate().isoformat()}
    ),
    "POST /api/v1/community/leads/{lead_id}/consent": Spec(
        _community_lead, POST, lambda w: {"given_on": timezone.localdate().isoformat()}
    ),
    "POST /api/v1/community/leads/{lead_id}/connect": Spec(_community_lead, POST),
    "POST /api/v1/community/leads/{lead_id}/close": Spec(
        _community_lead, POST, lambda w: {"reason": "no_need"}
    ),
    # trials and moments (issue 21 items 5 and 6)
    "GET /api/v1/trials/plans/{plan_id}/candidates": Spec(_draft),
    "POST /api/v1/trials/plans/{plan_id}/candidates": Spec(
        _draft, POST, lambda w: {"resource_id": 1}
    ),
    "GET /api/v1/trials/candidates/{candidate_id}": Spec(_trial_candidate),
    "POST /api/v1/trials/candidates/{candidate_id}/visits": Spec(
        _trial_candidate,
        POST,
        lambda w: {
            "visited_on": timezone.localdate().isoformat(),
            "kind": "visit",
            "who_went": "本人",
        },
    ),
    "POST /api/v1/trials/candidates/{candidate_id}/decision": Spec(
        _trial_candidate,
        POST,
        lambda w: {"status": "chosen", "decided_on": timezone.localdate().isoformat()},
    ),
    "GET /api/v1/moments/notes/{note_id}": Spec(_note),
    "POST /api/v1/moments/notes/{note_id}/shares": Spec(
        _note, POST, lambda w: {"organization_id": w.case.lead_organization_id}
    ),
    "PUT /api/v1/moments/notes/{note_id}/council": Spec(
        _note, ("PUT",), lambda w: {"text": "絵が飾られて笑顔で話した。"}
    ),
    "POST /api/v1/moments/shares/{share_id}/stop": Spec(_moment_share, POST),
    "POST /api/v1/moments/council/{moment_id}/publish": Spec(_council_moment, POST),
    "GET /api/v1/portal/cases/{case_id}/accounts": Spec(_portal_case),
    "POST /api/v1/portal/cases/{case_id}/accounts": Spec(
        _portal_case, POST, lambda w: PORTAL_INVITE
    ),
    "POST /api/v1/portal/accounts/{account_id}/codes": Spec(
        _portal_account, POST, lambda w: {"channel": "paper"}
    ),
    "POST /api/v1/portal/accounts/{account_id}/end": Spec(_portal_account, POST),
    "GET /api/v1/portal/cases/{case_id}/requests": Spec(_portal_case),
    "POST /api/v1/portal/requests/{request_id}/answered": Spec(_portal_request, POST),
    # lifehub (issue 21 items 4 and 8)
    "GET /api/v1/lifehub/activities/{activity_id}": Spec(_lifehub_activity, owner="core_officer"),
    "POST /api/v1/lifehub/activities/{activity_id}/consents": Spec(
        _lifehub_activity,
        POST,
        lambda w: {
            "scope": "public",
            "consented_by_name": "連絡担当",
            "consented_on": "2026-04-01",
        },
        owner="core_officer",
    ),
    "POST /api/v1/lifehub/activities/{activity_id}/withdraw": Spec(
        _lifehub_activity, POST, lambda w: {"scope": "network"}, owner="core_officer"
    ),
    "POST /api/v1/lifehub/roles/{role_id}/end": Spec(_lifehub_role, POST, owner="core_officer"),
    "GET /api/v1/lifehub/emergencies/{request_id}": Spec(_lifehub_request),
    "POST /api/v1/lifehub/emergencies/{request_id}/accept": Spec(
        _lifehub_request,
        POST,
        lambda w: {"accepted_by_id": w.case.lead_organization.pk, "stay_from": "2099-01-01"},
        owner="core_officer",
    ),
    "POST /api/v1/lifehub/emergencies/{request_id}/decline": Spec(
        _lifehub_request, POST, lambda w: {"reason": "空床なし"}, owner="core_officer"
    ),
    "POST /api/v1/lifehub/emergencies/{request_id}/end": Spec(
        _lifehub_request, POST, lambda w: {"stay_until": "2099-01-02"}, owner="core_officer"
    ),
    # disaster (issue 20 items 6, 7)
    "GET /api/v1/disaster/entries/{entry_id}": Spec(_disaster_entry),
    "POST /api/v1/disaster/entries/{entry_id}/consent": Spec(
        _disaster_entry, POST, lambda w: {"given": True}, owner="core_officer"
    ),
    "GET /api/v1/disaster/entries/{entry_id}/plan": Spec(_disaster_entry),
    "PUT /api/v1/disaster/entries/{entry_id}/plan": Spec(
        _disaster_entry, ("PUT",), lambda w: {"destination": "小学校"}, owner="core_officer"
    ),
    "GET /api/v1/disaster/campaigns/{campaign_id}": Spec(_disaster_campaign),
    "GET /api/v1/disaster/campaigns/{campaign_id}/rows": Spec(_disaster_campaign),
    "POST /api/v1/disaster/campaigns/{campaign_id}/checks": Spec(
        _disaster_campaign,
        POST,
        lambda w: {"entry_id": _disaster_entry(w)["entry_id"], "state": "safe"},
    ),
    "POST /api/v1/disaster/campaigns/{campaign_id}/checks/batch": Spec(
        _disaster_campaign, POST, lambda w: {"items": []}
    ),
    "GET /api/v1/disaster/campaigns/{campaign_id}/conflicts": Spec(
        _disaster_campaign, owner="core_officer"
    ),
    "POST /api/v1/disaster/campaigns/{campaign_id}/conflicts/{check_id}/settle": Spec(
        _disaster_conflict, POST, lambda w: {"keep": "existing"}, owner="core_officer"
    ),
    "POST /api/v1/disaster/campaigns/{campaign_id}/close": Spec(
        _disaster_campaign, POST, owner="city_official"
    ),
    # grouphomes (issue 19 item 6)
    "GET /api/v1/grouphomes/homes/{home_id}": Spec(_group_home, owner="city_official"),
    "PATCH /api/v1/grouphomes/homes/{home_id}": Spec(
        _group_home, ("PATCH",), lambda w: {"capacity": 10}, owner="city_official"
    ),
    "GET /api/v1/grouphomes/evaluations/{evaluation_id}": Spec(_gh_planned, owner="city_official"),
    "POST /api/v1/grouphomes/evaluations/{evaluation_id}/visit": Spec(
        _gh_planned,
        POST,
        lambda w: {
            "visited_on": timezone.localdate().isoformat(),
            "observations": {"community": "交流あり"},
            "findings": "概ね良好",
        },
        owner="city_official",
    ),
    "POST /api/v1/grouphomes/evaluations/{evaluation_id}/self-evaluation": Spec(
        _gh_planned,
        POST,
        lambda w: {
            "received_on": timezone.localdate().isoformat(),
            "answers": {"community": "自治会に参加"},
            "summary": "報告",
        },
        owner="city_official",
    ),
    "POST /api/v1/grouphomes/evaluations/{evaluation_id}/qa": Spec(
        _gh_planned,
        POST,
        lambda w: {
            "held_on": timezone.localdate().isoformat(),
            "items": [{"question": "外出は？", "answer": "週1回"}],
        },
        owner="city_official",
    ),
    "POST /api/v1/grouphomes/evaluations/{evaluation_id}/report": Spec(
        _gh_planned, POST, lambda w: {"text": "本文"}, owner="city_official"
    ),
    "POST /api/v1/grouphomes/evaluations/{evaluation_id}/publish": Spec(
        _gh_planned, POST, owner="city_official"
    ),
    "GET /api/v1/grouphomes/evaluations/{evaluation_id}/report.pdf": Spec(
        _gh_published, owner="city_official"
    ),
    "GET /api/v1/grouphomes/evaluations/{evaluation_id}/report.docx": Spec(
        _gh_published, owner="city_official"
    ),
    # surveys (issue 19): the core center's survey went to office A alone.
    "GET /api/v1/surveys/{survey_id}": Spec(_survey),
    "PATCH /api/v1/surveys/{survey_id}": Spec(
        _survey, ("PATCH",), lambda w: {"purpose": "把握のため"}, owner="core_officer"
    ),
    "GET /api/v1/surveys/{survey_id}/questions": Spec(_survey),
    "POST /api/v1/surveys/{survey_id}/questions": Spec(
        _survey, POST, lambda w: {"kind": "text", "text": "要望"}, owner="core_officer"
    ),
    "DELETE /api/v1/surveys/{survey_id}/questions/{question_id}": Spec(
        _survey_question, ("DELETE",), owner="core_officer"
    ),
    "PUT /api/v1/surveys/{survey_id}/recipients": Spec(
        _survey, ("PUT",), lambda w: {"kinds": ["commissioned_office"]}, owner="core_officer"
    ),
    "POST /api/v1/surveys/{survey_id}/send": Spec(_survey, POST, owner="core_officer"),
    "POST /api/v1/surveys/{survey_id}/close": Spec(_survey, POST, owner="core_officer"),
    "POST /api/v1/surveys/{survey_id}/remind": Spec(_survey, POST, owner="core_officer"),
    "GET /api/v1/surveys/{survey_id}/responses": Spec(_survey),
    "GET /api/v1/surveys/{survey_id}/results": Spec(_survey),
    "GET /api/v1/surveys/responses/{response_id}": Spec(_survey_response),
    "PUT /api/v1/surveys/responses/{response_id}/answers": Spec(
        _survey_response, ("PUT",), lambda w: {"answers": []}
    ),
    "POST /api/v1/surveys/responses/{response_id}/reopen": Spec(
        _survey_response, POST, lambda w: {"reason": "記入漏れ"}, owner="core_officer"
    ),
    "POST /api/v1/surveys/answers/{answer_id}/review": Spec(
        _survey_answer, POST, owner="core_officer"
    ),
    # hearings (issue 19 item 4)
    "GET /api/v1/hearings/rounds/{round_id}": Spec(_hround),
    "PATCH /api/v1/hearings/rounds/{round_id}": Spec(
        _hround, ("PATCH",), lambda w: {"purpose": "実態把握"}, owner="core_officer"
    ),
    "GET /api/v1/hearings/rounds/{round_id}/hearings": Spec(_hround),
    "POST /api/v1/hearings/rounds/{round_id}/hearings": Spec(
        _hround,
        POST,
        lambda w: {
            "kind": "group",
            "held_on": timezone.localdate().isoformat(),
            "office_ids": [w.case.lead_organization_id],
            "interviewer_ids": [w.core_on_team.worker_id],
        },
        owner="core_officer",
    ),
    "GET /api/v1/hearings/rounds/{round_id}/findings": Spec(_hround, owner="core_officer"),
    "POST /api/v1/hearings/rounds/{round_id}/findings": Spec(
        _hround,
        POST,
        lambda w: {"text": "人材育成が課題", "themes": ["consultation"], "hearing_ids": [1]},
        owner="core_officer",
    ),
    "GET /api/v1/hearings/rounds/{round_id}/results": Spec(_hround, owner="core_officer"),
    "GET /api/v1/hearings/rounds/{round_id}/directions": Spec(_hround, owner="core_officer"),
    "POST /api/v1/hearings/rounds/{round_id}/directions": Spec(
        _hround,
        POST,
        lambda w: {
            "title": "研修",
            "text": "研修を見直す。",
            "theme": "consultation",
            "finding_ids": [w.hearing_finding.pk],
        },
        owner="core_officer",
    ),
    "GET /api/v1/hearings/hearings/{hearing_id}": Spec(_hearing),
    "PATCH /api/v1/hearings/hearings/{hearing_id}": Spec(
        _hearing, ("PATCH",), lambda w: {"place": "オンライン"}, owner="core_officer"
    ),
    "POST /api/v1/hearings/hearings/{hearing_id}/status": Spec(
        _hearing, POST, lambda w: {"status": "notes_done"}, owner="core_officer"
    ),
    "POST /api/v1/hearings/hearings/{hearing_id}/sharing": Spec(
        _hearing, POST, lambda w: {"shared": True}, owner="core_officer"
    ),
    "GET /api/v1/hearings/hearings/{hearing_id}/notes": Spec(_hearing),
    "PUT /api/v1/hearings/hearings/{hearing_id}/notes": Spec(
        _hearing, ("PUT",), lambda w: {"free_notes": "追記"}, owner="core_officer"
    ),
    "GET /api/v1/hearings/findings/{finding_id}": Spec(
        lambda w: {"finding_id": w.hearing_finding.pk}, owner="core_officer"
    ),
    "GET /api/v1/hearings/directions/{direction_id}": Spec(_hdirection, owner="core_officer"),
    "POST /api/v1/hearings/directions/{direction_id}/adopt": Spec(
        _hdirection,
        POST,
        lambda w: {"adopted_on": timezone.localdate().isoformat()},
        owner="core_officer",
    ),
    "POST /api/v1/hearings/directions/{direction_id}/community-issue": Spec(
        _hdirection, POST, owner="core_officer"
    ),
    "POST /api/v1/hearings/directions/{direction_id}/resource-development": Spec(
        _hdirection,
        POST,
        lambda w: {
            "kind": "system_change",
            "title": "研修の見直し",
            "beneficiaries": "相談支援専門員",
            "occurred_on": timezone.localdate().isoformat(),
        },
        owner="core_officer",
    ),
    # rights (issue 20 items 2 and 3)
    "POST /api/v1/rights/persons/{person_id}/petitions": Spec(
        _person,
        POST,
        lambda w: {
            "petitioner": "relative",
            "guardianship_type": "assistance",
            "consulted_on": timezone.localdate().isoformat(),
        },
        owner="core_officer",
    ),
    "GET /api/v1/rights/petitions/{petition_id}": Spec(_rights_petition, owner="core_officer"),
    "POST /api/v1/rights/persons/{person_id}/referrals": Spec(
        _person,
        POST,
        lambda w: {
            "council_id": w.rights_council.pk,
            "referred_on": timezone.localdate().isoformat(),
        },
        owner="core_officer",
    ),
    "GET /api/v1/rights/referrals/{referral_id}": Spec(_rights_referral, owner="core_officer"),
    "POST /api/v1/rights/referrals/{referral_id}/outcome": Spec(
        _rights_referral,
        POST,
        lambda w: {"outcome": "contracted", "on": timezone.localdate().isoformat()},
        owner="core_officer",
    ),
    "POST /api/v1/rights/persons/{person_id}/cost-decisions": Spec(
        _rights_city_person,
        POST,
        lambda w: {
            "kind": "fee",
            "amount": 18000,
            "decided_on": timezone.localdate().isoformat(),
        },
        owner="city_official",
    ),
    "POST /api/v1/rights/petitions/{petition_id}/steps": Spec(
        _rights_petition,
        POST,
        lambda w: {"step": "kin_survey", "on": timezone.localdate().isoformat()},
        owner="core_officer",
    ),
    "GET /api/v1/rights/consultations/{consultation_id}": Spec(
        _rights_consultation, owner="core_officer"
    ),
    "POST /api/v1/rights/consultations/{consultation_id}/steps": Spec(
        _rights_consultation,
        POST,
        lambda w: {"kind": "hearing", "on": timezone.localdate().isoformat()},
        owner="core_officer",
    ),
    "POST /api/v1/rights/consultations/{consultation_id}/close": Spec(
        _rights_consultation,
        POST,
        lambda w: {"outcome": "mediated", "closed_on": timezone.localdate().isoformat()},
        owner="core_officer",
    ),
    # supervision (issue 18 item 5)
    "GET /api/v1/supervision/sessions/{session_id}": Spec(_supervision),
    "PATCH /api/v1/supervision/sessions/{session_id}": Spec(
        _supervision, ("PATCH",), lambda w: {"place": "会議室"}, owner="core_officer"
    ),
    "GET /api/v1/supervision/sessions/{session_id}/items": Spec(_supervision),
    "POST /api/v1/supervision/sessions/{session_id}/items": Spec(
        _supervision,
        POST,
        lambda w: {"presenting_office_id": w.case.lead_organization_id, "summary": "概要"},
    ),
    "GET /api/v1/supervision/items/{item_id}": Spec(_supervision_item),
    "POST /api/v1/supervision/items/{item_id}/case": Spec(
        _supervision_item, POST, lambda w: {"case_id": w.case.pk}
    ),
    "POST /api/v1/supervision/items/{item_id}/advice": Spec(
        _supervision_item, POST, lambda w: {"advice": "助言"}, owner="core_officer"
    ),
    "POST /api/v1/supervision/items/{item_id}/record-on-case": Spec(_supervision_item, POST),
    "POST /api/v1/supervision/items/{item_id}/carry": Spec(
        _supervision_item, POST, lambda w: {"session_id": 1}
    ),
    "POST /api/v1/supervision/items/{item_id}/follow-up": Spec(
        _supervision_item, POST, lambda w: {"result": "結果"}
    ),
    # curricula (issue 18 item 2)
    "PATCH /api/v1/curricula/{curriculum_id}": Spec(
        _curriculum, ("PATCH",), lambda w: {"name": "研修"}, owner="core_officer"
    ),
    "POST /api/v1/curricula/{curriculum_id}/stages": Spec(
        _curriculum, POST, lambda w: {"name": "第2段階"}, owner="core_officer"
    ),
    "GET /api/v1/curricula/{curriculum_id}/overview": Spec(_curriculum, owner="core_officer"),
    "GET /api/v1/curricula/{curriculum_id}/offices/{organization_id}": Spec(
        lambda w: {**_curriculum(w), "organization_id": w.curriculum_learning.organization_id},
        owner="core_officer",
    ),
    "POST /api/v1/curriculum-stages/{stage_id}/requirements": Spec(
        lambda w: {"stage_id": w.curriculum_link.requirement.stage_id},
        POST,
        lambda w: {"name": "倫理"},
        owner="core_officer",
    ),
    "PATCH /api/v1/curriculum-stages/{stage_id}": Spec(
        lambda w: {"stage_id": w.curriculum_link.requirement.stage_id},
        ("PATCH",),
        lambda w: {"name": "共通研修"},
        owner="core_officer",
    ),
    "POST /api/v1/curriculum-stages/{stage_id}/move": Spec(
        lambda w: {"stage_id": w.curriculum_link.requirement.stage_id},
        POST,
        lambda w: {"direction": "down"},
        owner="core_officer",
    ),
    "DELETE /api/v1/curriculum-stages/{stage_id}": Spec(
        lambda w: {"stage_id": w.curriculum_link.requirement.stage_id},
        ("DELETE",),
        owner="core_officer",
    ),
    "PATCH /api/v1/curriculum-requirements/{requirement_id}": Spec(
        lambda w: {"requirement_id": w.curriculum_link.requirement_id},
        ("PATCH",),
        lambda w: {"name": "共通研修"},
        owner="core_officer",
    ),
    "DELETE /api/v1/curriculum-requirements/{requirement_id}": Spec(
        lambda w: {"requirement_id": w.curriculum_link.requirement_id},
        ("DELETE",),
        owner="core_officer",
    ),
    "POST /api/v1/curriculum-requirements/{requirement_id}/events": Spec(
        lambda w: {"requirement_id": w.curriculum_link.requirement_id},
        POST,
        lambda w: {"event_id": w.training_draft.pk},
        owner="core_officer",
    ),
    "DELETE /api/v1/curriculum-requirement-events/{link_id}": Spec(
        lambda w: {"link_id": w.curriculum_link.pk}, ("DELETE",), owner="core_officer"
    ),
    "GET /api/v1/curriculum-progress/{user_id}": Spec(_curriculum_worker, owner="core_officer"),
    "POST /api/v1/curriculum-progress/{user_id}/external-learning": Spec(
        _curriculum_worker, POST, owner="colleague_a"
    ),
    "GET /api/v1/external-learning/{learning_id}": Spec(_curriculum_learning, owner="colleague_a"),
    "GET /api/v1/external-learning/{learning_id}/evidence": Spec(
        _curriculum_learning, owner="colleague_a"
    ),
    "POST /api/v1/external-learning/{learning_id}/review": Spec(
        _curriculum_learning, POST, lambda w: {"decision": "approved"}, owner="core_officer"
    ),
    # self-evaluation (issue 19 item 5)
    "GET /api/v1/self-evaluation-criteria/{set_id}": Spec(_selfeval_draft, owner="city_official"),
    "PATCH /api/v1/self-evaluation-criteria/{set_id}": Spec(
        _selfeval_draft, ("PATCH",), lambda w: {"title": "基準"}, owner="city_official"
    ),
    "POST /api/v1/self-evaluation-criteria/{set_id}/publish": Spec(
        _selfeval_draft, POST, owner="city_official"
    ),
    "POST /api/v1/self-evaluation-criteria/{set_id}/areas": Spec(
        _selfeval_draft, POST, lambda w: {"name": "人材育成"}, owner="city_official"
    ),
    "POST /api/v1/self-evaluation-criteria/{set_id}/items": Spec(
        _selfeval_draft,
        POST,
        lambda w: {"area_id": w.selfeval_draft_area.pk, "code": "9-1", "text": "項目"},
        owner="city_official",
    ),
    "GET /api/v1/self-evaluation-criteria/{set_id}/summary": Spec(
        _selfeval_set, owner="core_officer"
    ),
    "PATCH /api/v1/self-evaluation-areas/{area_id}": Spec(
        _selfeval_area, ("PATCH",), lambda w: {"name": "運営"}, owner="city_official"
    ),
    "DELETE /api/v1/self-evaluation-areas/{area_id}": Spec(
        _selfeval_area, ("DELETE",), owner="city_official"
    ),
    "PATCH /api/v1/self-evaluation-items/{item_id}": Spec(
        _selfeval_item, ("PATCH",), lambda w: {"text": "項目"}, owner="city_official"
    ),
    "DELETE /api/v1/self-evaluation-items/{item_id}": Spec(
        _selfeval_item, ("DELETE",), owner="city_official"
    ),
    "GET /api/v1/self-evaluations/{evaluation_id}": Spec(_selfeval),
    "PATCH /api/v1/self-evaluations/{evaluation_id}": Spec(
        _selfeval, ("PATCH",), lambda w: {"overall_comment": "x"}
    ),
    "POST /api/v1/self-evaluations/{evaluation_id}/submit": Spec(_selfeval, POST),
    "POST /api/v1/self-evaluations/{evaluation_id}/return": Spec(
        _selfeval, POST, lambda w: {"reason": "理由"}, owner="core_officer"
    ),
    "PATCH /api/v1/self-evaluations/{evaluation_id}/review": Spec(
        _selfeval, ("PATCH",), lambda w: {"center_comment": "所見"}, owner="core_officer"
    ),
    "POST /api/v1/self-evaluations/{evaluation_id}/release": Spec(
        _selfeval, POST, owner="core_officer"
    ),
    "GET /api/v1/self-evaluation-offices/{organization_id}/history": Spec(_selfeval_office),
    # abuse response (issue 20 item 1)
    "GET /api/v1/abuse/reports/{report_id}": Spec(_abuse_report, owner="city_official"),
    "PUT /api/v1/abuse/reports/{report_id}/team": Spec(
        _abuse_report, ("PUT",), lambda w: {"response_team_ids": [1]}, owner="city_official"
    ),
    "POST /api/v1/abuse/reports/{report_id}/fact-finding": Spec(
        _abuse_report,
        POST,
        lambda w: {"visited_on": "2026-01-01", "visited_by": "x", "findings": "y"},
        owner="city_official",
    ),
    "POST /api/v1/abuse/reports/{report_id}/judgement": Spec(
        _abuse_report,
        POST,
        lambda w: {"meeting_on": "2026-01-01", "attendees": "x", "judgement": "abuse"},
        owner="city_official",
    ),
    "POST /api/v1/abuse/reports/{report_id}/prefecture": Spec(
        _abuse_report, POST, lambda w: {"reported_on": "2026-01-01"}, owner="city_official"
    ),
    "POST /api/v1/abuse/reports/{report_id}/monitoring": Spec(
        _abuse_report, POST, owner="city_official"
    ),
    "POST /api/v1/abuse/reports/{report_id}/close": Spec(
        _abuse_report, POST, lambda w: {"closed_on": "2026-01-01"}, owner="city_official"
    ),
    # training plans (issue 18 item 3)
    "GET /api/v1/training-plans/{plan_id}": Spec(_training_plan, owner="core_officer"),
    "PATCH /api/v1/training-plans/{plan_id}": Spec(
        _training_plan, ("PATCH",), lambda w: {"note": "方針"}, owner="core_officer"
    ),
    "GET /api/v1/training-plans/{plan_id}/needs": Spec(_training_plan, owner="core_officer"),
    "POST /api/v1/training-plans/{plan_id}/items": Spec(
        _training_plan,
        POST,
        lambda w: {"theme": "研修", "month": 6, "kind": "lecture", "need_source": "other"},
        owner="core_officer",
    ),
    "PATCH /api/v1/training-plan-items/{item_id}": Spec(
        _planned_training, ("PATCH",), lambda w: {"month": 7}, owner="core_officer"
    ),
    "DELETE /api/v1/training-plan-items/{item_id}": Spec(
        _planned_training, ("DELETE",), owner="core_officer"
    ),
    # trainings (issue 18 item 1)
    "GET /api/v1/trainings/{event_id}": Spec(_training, owner="core_officer"),
    "PATCH /api/v1/trainings/{event_id}": Spec(
        _training, ("PATCH",), lambda w: {"capacity": 5}, owner="core_officer"
    ),
    "GET /api/v1/trainings/{event_id}/registrations": Spec(_training, owner="core_officer"),
    "POST /api/v1/trainings/{event_id}/registrations": Spec(
        _training, POST, lambda w: {"membership_id": 1}, owner="core_officer"
    ),
    "POST /api/v1/trainings/{event_id}/attendance": Spec(
        _training,
        POST,
        lambda w: {"marks": [{"registration_id": 1, "attendance": "attended"}]},
        owner="core_officer",
    ),
    "POST /api/v1/trainings/{event_id}/certificates": Spec(_training, POST, owner="core_officer"),
    "POST /api/v1/training-registrations/{registration_id}/cancel": Spec(
        _training_registration, POST
    ),
    "GET /api/v1/trainings/{event_id}/questionnaire": Spec(_training_held, owner="colleague_a"),
    "POST /api/v1/trainings/{event_id}/questionnaire": Spec(
        _training_held, POST, lambda w: {"satisfaction": 4}, owner="colleague_a"
    ),
    "GET /api/v1/trainings/{event_id}/questionnaire/results": Spec(
        _training_held, owner="core_officer"
    ),
    "GET /api/v1/trainings/{event_id}/materials": Spec(_training_held, owner="colleague_a"),
    "POST /api/v1/trainings/{event_id}/materials": Spec(_training, POST, owner="core_officer"),
    "POST /api/v1/trainings/{event_id}/attendance/import": Spec(
        _training, POST, owner="core_officer"
    ),
    "GET /api/v1/training-materials/{material_id}": Spec(_training_material, owner="colleague_a"),
    "DELETE /api/v1/training-materials/{material_id}": Spec(
        _training_material, ("DELETE",), owner="core_officer"
    ),
    "GET /api/v1/training-registrations/{registration_id}/certificate": Spec(
        _training_registration
    ),
    # reports (issue 17 item 3)
    "GET /api/v1/annual-reports/{organization_id}/{fiscal_year}": Spec(
        lambda w: _center_year(w, "fiscal_year"), owner="core_officer"
    ),
    "PATCH /api/v1/annual-reports/{organization_id}/{fiscal_year}": Spec(
        lambda w: _center_year(w, "fiscal_year"),
        ("PATCH",),
        lambda w: {"future": "実態調査"},
        owner="core_officer",
    ),
    "GET /api/v1/report-jobs/{job_id}": Spec(_report_job, owner="core_officer"),
    "GET /api/v1/report-jobs/{job_id}/files/{fmt}": Spec(_report_file, owner="core_officer"),
    # organizations, memberships and accounts managed in the app (issue 17 item 8, ADR 0014)
    "PATCH /api/v1/organizations/{organization_id}": Spec(
        _managed_office, ("PATCH",), lambda w: {"phone": "022-000-0001"}, owner="city_official"
    ),
    "GET /api/v1/manage/organizations/{organization_id}/memberships": Spec(
        _managed_office, owner="city_official"
    ),
    "POST /api/v1/organizations/{organization_id}/memberships": Spec(
        _managed_office,
        POST,
        lambda w: {"user_id": w.staffing_assignment.membership.user_id, "job_title": "counselor"},
        owner="city_official",
    ),
    "POST /api/v1/memberships/{membership_id}/end": Spec(
        _managed_membership, POST, lambda w: {"ended_on": "2026-04-30"}, owner="city_official"
    ),
    "GET /api/v1/accounts/{user_id}": Spec(_managed_user, owner="city_official"),
    "POST /api/v1/accounts/{user_id}/disable": Spec(_managed_user, POST, owner="city_official"),
    "POST /api/v1/accounts/{user_id}/reset-2fa": Spec(
        _managed_user_reset, POST, lambda w: {"otp": "000000"}, owner="city_official"
    ),
    # organizations: staffing (issue 17 item 6)
    "POST /api/v1/organizations/{organization_id}/staffing-posts": Spec(
        lambda w: {"organization_id": w.staffing_post.organization_id},
        POST,
        lambda w: {"kind": "counselor", "required_from": "2026-04-01"},
        owner="city_official",
    ),
    "PATCH /api/v1/staffing-posts/{post_id}": Spec(
        lambda w: {"post_id": w.staffing_post.pk},
        ("PATCH",),
        lambda w: {"headcount": 2},
        owner="city_official",
    ),
    "POST /api/v1/staffing-posts/{post_id}/assignments": Spec(
        lambda w: {"post_id": w.staffing_post.pk},
        POST,
        lambda w: {
            "membership_id": w.staffing_assignment.membership_id,
            "started_on": "2020-04-01",
            "ended_on": "2020-04-30",
        },
        owner="city_official",
    ),
    "POST /api/v1/staffing-assignments/{assignment_id}/end": Spec(
        lambda w: {"assignment_id": w.staffing_assignment.pk},
        POST,
        lambda w: {"ended_on": "2026-04-30"},
        owner="city_official",
    ),
    # expertise (issue 18 item 4)
    "PATCH /api/v1/expertise/declarations/{declaration_id}": Spec(
        lambda w: {"declaration_id": w.expertise_declaration.pk},
        ("PATCH",),
        lambda w: {"note": "修了者が2名います。"},
    ),
    "DELETE /api/v1/expertise/declarations/{declaration_id}": Spec(
        lambda w: {"declaration_id": w.expertise_declaration.pk}, ("DELETE",)
    ),
    "GET /api/v1/persons/{person_id}": Spec(_person),
    "PATCH /api/v1/persons/{person_id}": Spec(
        _person, ("PATCH",), lambda w: {"version": w.person.version, "phone": "090-0000-1111"}
    ),
    "GET /api/v1/persons/{person_id}/access-log": Spec(_person),
    "GET /api/v1/persons/{person_id}/protection": Spec(_person),
    "PUT /api/v1/persons/{person_id}/protection": Spec(
        _person,
        ("PUT",),
        lambda w: {
            "basis": "worker_judgement",
            "decided_on": timezone.localdate().isoformat(),
            "reason": "加害者が所在を探している",
            "review_on": timezone.localdate().isoformat(),
            "worker_ids": [],
        },
    ),
    "POST /api/v1/persons/{person_id}/protection/end": Spec(
        _person, POST, lambda w: {"reason": "支援措置の終了"}
    ),
    "POST /api/v1/persons/{person_id}/contact/reveal": Spec(_person, POST),
    "GET /api/v1/households/{household_id}": Spec(_household),
    "PATCH /api/v1/households/{household_id}": Spec(
        _household, ("PATCH",), lambda w: {"version": w.household.version, "name": "佐藤さん世帯"}
    ),
    "POST /api/v1/households/{household_id}/members": Spec(
        _household, POST, lambda w: {"person_id": w.person.pk, "relationship": "child"}
    ),
    "POST /api/v1/households/{household_id}/members/{member_id}/end": Spec(
        lambda w: {"household_id": w.household.pk, "member_id": w.member.pk},
        POST,
        lambda w: {"end_date": timezone.localdate().isoformat()},
    ),
    "POST /api/v1/persons/{person_id}/consents": Spec(
        _person,
        POST,
        lambda w: {
            "organization_ids": [w.case.lead_organization_id],
            "purposes": ["sharing"],
            "method": "written",
            "obtained_on": timezone.localdate().isoformat(),
        },
    ),
    "POST /api/v1/persons/{person_id}/consents/{consent_id}/withdraw": Spec(
        lambda w: {"person_id": w.person.pk, "consent_id": w.consent.pk},
        POST,
        lambda w: {"reason": "本人の申し出"},
    ),
    "GET /api/v1/duplicate-candidates/{candidate_id}": Spec(_duplicate, owner="core_officer"),
    "POST /api/v1/duplicate-candidates/{candidate_id}/decision": Spec(
        _duplicate, body=lambda w: {"decision": "distinct"}, owner="core_officer"
    ),
    "GET /api/v1/cases/{case_id}": Spec(_case),
    "GET /api/v1/cases/{case_id}/status": Spec(_case),
    "GET /api/v1/cases/{case_id}/leads": Spec(_case),
    "POST /api/v1/consultations/{consultation_id}/person": Spec(
        _consultation, POST, lambda w: {"person_id": w.person.pk}
    ),
    "POST /api/v1/cases/{case_id}/status": Spec(
        _case, POST, lambda w: {"to": "assessment", "reason": "面談の結果"}
    ),
    "PATCH /api/v1/cases/{case_id}": Spec(
        _case, ("PATCH",), lambda w: {"version": w.case.version, "title": "支援"}
    ),
    "GET /api/v1/cases/{case_id}/team": Spec(_case),
    "POST /api/v1/cases/{case_id}/team/{member_id}/leave": Spec(
        lambda w: {"case_id": w.case.pk, "member_id": w.emergency_member.pk}, POST
    ),
    "POST /api/v1/cases/{case_id}/team": Spec(
        _case,
        POST,
        lambda w: {
            "organization_id": w.case.lead_organization_id,
            "role": "joint",
            "basis": "statutory_meeting",
            "conference_id": w.conference.pk,
        },
    ),
    "GET /api/v1/consultations/{consultation_id}": Spec(_consultation),
    "POST /api/v1/case-conferences/{conference_id}/attendees": Spec(
        lambda w: {"conference_id": w.conference.pk},
        POST,
        lambda w: {"organization_id": w.core_on_team.organization_id, "name": "出席者"},
    ),
    "POST /api/v1/case-conference-attendees/{attendee_id}/pledge": Spec(
        lambda w: {"attendee_id": w.attendee.pk}, POST, lambda w: {"pledged_by_name": "田中 一郎"}
    ),
    "POST /api/v1/review/emergencies/{member_id}/convert": Spec(
        _emergency, POST, lambda w: {"basis": "consent"}, owner="core_officer"
    ),
    "POST /api/v1/review/emergencies/{member_id}/end": Spec(
        _emergency, POST, lambda w: {"note": "確認"}, owner="core_officer"
    ),
    "POST /api/v1/review/emergencies/{member_id}/reviewed": Spec(
        _emergency, POST, lambda w: {"note": "確認"}, owner="core_officer"
    ),
    "POST /api/v1/review/break-glass/{access_id}/reviewed": Spec(
        lambda w: {"access_id": w.break_glass.pk},
        POST,
        lambda w: {"note": "確認しました"},
        owner="core_officer",
    ),
    "GET /api/v1/cases/{case_id}/notes": Spec(_case),
    "POST /api/v1/cases/{case_id}/notes": Spec(
        _case, POST, lambda w: {"kind": "phone", "text": "電話で近況を聞いた。"}
    ),
    "PATCH /api/v1/notes/{note_id}": Spec(
        lambda w: {"note_id": w.note.pk},
        ("PATCH",),
        lambda w: {"next_contact_on": (timezone.localdate() + dt.timedelta(days=7)).isoformat()},
    ),
    "GET /api/v1/note-templates/{template_id}": Spec(lambda w: {"template_id": w.note_template.pk}),
    "PATCH /api/v1/note-templates/{template_id}": Spec(
        lambda w: {"template_id": w.note_template.pk}, ("PATCH",), lambda w: {"is_active": False}
    ),
    "GET /api/v1/cases/{case_id}/tasks": Spec(_case),
    "GET /api/v1/cases/{case_id}/board": Spec(_case),
    "POST /api/v1/cases/{case_id}/board": Spec(_case, POST, lambda w: {"text": "連絡です。"}),
    "GET /api/v1/cases/{case_id}/formulations": Spec(_case),
    "POST /api/v1/cases/{case_id}/formulations": Spec(
        _case,
        POST,
        lambda w: {
            "based_on": 1,
            "situation_summary": "変化なし",
            "hypothesis": "同上",
            "support_policy": "同上",
            "prompted_by": "面談で新しい話が出た",
        },
    ),
    "GET /api/v1/cases/{case_id}/assessments": Spec(_case),
    "POST /api/v1/cases/{case_id}/assessments": Spec(
        _case,
        POST,
        lambda w: {
            "assessed_on": timezone.localdate().isoformat(),
            "based_on": 0,
            "summary": "通所が安定してきた。",
            "sections": [{"person_id": w.person.pk, "health": "良好"}],
        },
    ),
    "GET /api/v1/assessments/{assessment_id}": Spec(lambda w: {"assessment_id": w.assessment.pk}),
    "GET /api/v1/cases/{case_id}/plans": Spec(_case),
    "POST /api/v1/cases/{case_id}/plans": Spec(
        _case,
        POST,
        lambda w: {
            "period_start": timezone.localdate().isoformat(),
            "period_end": (timezone.localdate() + dt.timedelta(days=180)).isoformat(),
        },
    ),
    "GET /api/v1/plans/{plan_id}": Spec(_plan),
    "PATCH /api/v1/plans/{plan_id}": Spec(
        _draft, ("PATCH",), lambda w: {"lock_version": w.draft.lock_version, "family_wishes": "x"}
    ),
    "POST /api/v1/plans/{plan_id}/items": Spec(
        _draft,
        POST,
        lambda w: {
            "need": "通院を続けたい",
            "goal": "月1回通院する",
            "support_kind": "informal",
            "informal_support": "母の付き添い",
            "responsible_name": "母",
        },
    ),
    "PATCH /api/v1/plan-items/{item_id}": Spec(
        lambda w: {"item_id": w.draft_item.pk}, ("PATCH",), lambda w: {"amount": "週2回"}
    ),
    "DELETE /api/v1/plan-items/{item_id}": Spec(
        lambda w: {"item_id": w.draft_item.pk}, ("DELETE",)
    ),
    "POST /api/v1/plans/{plan_id}/weekly": Spec(
        _draft,
        POST,
        lambda w: {"weekday": 0, "start_time": "10:00", "end_time": "15:00", "activity": "作業所"},
    ),
    "DELETE /api/v1/plans/{plan_id}/weekly/{entry_id}": Spec(
        lambda w: {"plan_id": w.draft.pk, "entry_id": w.draft_weekly.pk}, ("DELETE",)
    ),
    "POST /api/v1/plans/{plan_id}/agree": Spec(
        _draft,
        POST,
        lambda w: {"agreed_on": timezone.localdate().isoformat(), "method": "signature"},
    ),
    "POST /api/v1/plans/{plan_id}/new-version": Spec(_plan, POST, lambda w: {"reason": "見直し"}),
    "GET /api/v1/plans/{plan_id}/fhir": Spec(_plan),
    "GET /api/v1/plans/{plan_id}/monitorings": Spec(_plan),
    "GET /api/v1/monitorings/{monitoring_id}": Spec(_monitoring),
    "POST /api/v1/monitorings/{monitoring_id}/report": Spec(
        _monitoring,
        POST,
        lambda w: {"conducted_on": timezone.localdate().isoformat(), "overall": "変わりなし"},
    ),
    "GET /api/v1/cases/{case_id}/contingencies": Spec(_case),
    "POST /api/v1/cases/{case_id}/contingencies": Spec(
        _case, POST, lambda w: {"description": "家賃滞納3か月"}
    ),
    "POST /api/v1/contingencies/{trigger_id}/actions": Spec(
        _trigger,
        POST,
        lambda w: {"organization_id": w.case.lead_organization_id, "action": "大家さんに連絡"},
    ),
    "POST /api/v1/contingencies/{trigger_id}/happened": Spec(
        _trigger, POST, lambda w: {"happened_on": timezone.localdate().isoformat()}
    ),
    "POST /api/v1/tasks/{task_id}/status": Spec(
        lambda w: {"task_id": w.task.pk}, POST, lambda w: {"status": "done"}
    ),
    "GET /api/v1/referrals/{referral_id}": Spec(lambda w: {"referral_id": w.referral.pk}),
    "PATCH /api/v1/referrals/{referral_id}": Spec(
        lambda w: {"referral_id": w.referral.pk},
        ("PATCH",),
        lambda w: {"version": w.referral.version, "kind": "advice"},
    ),
    "GET /api/v1/referrals/{referral_id}/transitions": Spec(
        lambda w: {"referral_id": w.referral.pk}
    ),
    "POST /api/v1/referrals/{referral_id}/transitions": Spec(
        lambda w: {"referral_id": w.referral.pk},
        POST,
        lambda w: {"action": "cancel", "reason": "依頼先を変えるため"},
    ),
    "GET /api/v1/referrals/{referral_id}/fhir": Spec(lambda w: {"referral_id": w.referral.pk}),
    "POST /api/v1/referrals/{referral_id}/fhir/task": Spec(
        lambda w: {"referral_id": w.referral.pk},
        POST,
        lambda w: {
            "resourceType": "Task",
            "id": f"referral-{w.referral.pk}",
            "status": "cancelled",
            "intent": "order",
            "statusReason": {"text": "依頼先を変えるため"},
        },
    ),
    # meetings
    "GET /api/v1/meeting-bodies/{body_id}": Spec(lambda w: {"body_id": w.meeting_body.pk}),
    "GET /api/v1/meeting-bodies/{body_id}/council-pack": Spec(_council),
    "GET /api/v1/meeting-bodies/{body_id}/meetings": Spec(lambda w: {"body_id": w.meeting_body.pk}),
    "POST /api/v1/meeting-bodies/{body_id}/meetings": Spec(
        lambda w: {"body_id": w.meeting_body.pk},
        POST,
        lambda w: {
            "starts_at": "2026-12-10T14:00:00+09:00",
            "ends_at": "2026-12-10T16:00:00+09:00",
        },
    ),
    "GET /api/v1/meetings/{meeting_id}": Spec(lambda w: {"meeting_id": w.meeting.pk}),
    "GET /api/v1/meetings/{meeting_id}/ics": Spec(lambda w: {"meeting_id": w.meeting.pk}),
    "POST /api/v1/meetings/{meeting_id}/record": Spec(
        lambda w: {"meeting_id": w.meeting.pk},
        POST,
        lambda w: {"version": w.meeting.version, "minutes": "近況報告"},
    ),
    "POST /api/v1/meetings/{meeting_id}/action-items": Spec(
        lambda w: {"meeting_id": w.meeting.pk},
        POST,
        lambda w: {"title": "資料を作る", "owner_organization_id": w.case.lead_organization_id},
    ),
    "GET /api/v1/case-conferences/{conference_id}": Spec(
        lambda w: {"conference_id": w.conference.pk}
    ),
    "GET /api/v1/case-conferences/{conference_id}/attendees": Spec(
        lambda w: {"conference_id": w.conference.pk}
    ),
    "POST /api/v1/case-conferences/{conference_id}/summary": Spec(
        lambda w: {"conference_id": w.conference.pk}, POST, lambda w: {"summary": "本人は40代"}
    ),
    "POST /api/v1/case-conferences/{conference_id}/summary/generate": Spec(
        lambda w: {"conference_id": w.conference.pk}, POST
    ),
    "POST /api/v1/case-conferences/{conference_id}/record": Spec(
        lambda w: {"conference_id": w.conference.pk}, POST, lambda w: {"discussion": "検討"}
    ),
    "POST /api/v1/meeting-action-items/{item_id}/take": Spec(
        lambda w: {"item_id": w.action_item.pk}, POST
    ),
    "DELETE /api/v1/meeting-attachments/{attachment_id}": Spec(
        lambda w: {"attachment_id": w.meeting_attachment.pk}, ("DELETE",)
    ),
    "POST /api/v1/cases/{case_id}/conferences": Spec(
        _case,
        POST,
        lambda w: {"kind": "case_conference", "held_at": "2026-11-30T10:00:00+09:00"},
    ),
}

# Object routes whose answer is by design not scoped to the team, with the reason.
NOT_PERSON_DATA = {
    # {key} names one of the dashboard's figures, not an object: anyone without a dashboard
    # gets the audited 404 (dashboard/tests/test_figure_records.py), and its rows are
    # de-identified (no name, no record text; the council gets counts only).
    "GET /api/v1/dashboards/records/{key}": "a dashboard figure's de-identified records; "
    "404 without a dashboard (dashboard/tests/test_figure_records.py)",
    "GET /api/v1/dashboards/records/{key}/rows": "a dashboard figure's de-identified "
    "records; 404 without a dashboard (dashboard/tests/test_figure_records.py)",
    # A curriculum (its stages, requirements and the trainings that meet them) names no one:
    # every member of the network reads it; an organization outside the network gets the 404
    # (tsunagu/curricula/tests), and every route that changes it is in the matrix above.
    "curricula:detail": "curriculum: no person data, open to every network member",
    "GET /api/v1/curricula/{curriculum_id}": "curriculum: no person data, open to the network",
    "organizations:detail": "the organization directory is open to every signed-in member "
    "(no person-level data; its posts name staff, as its staff list does)",
    # A notification is its recipient's own (any other user's id is a 404 with access.denied,
    # tsunagu/notifications/tests); what it is about is rendered through the target's own
    # access rules when it is read, so the route holds no person data of its own.
    "notifications:open": "a user's own notification; others get 404 (notifications/tests)",
    "notifications:mark": "a user's own notification; others get 404 (notifications/tests)",
    "POST /api/v1/notifications/{notification_id}/read": "a user's own notification; others "
    "get 404 (notifications/tests/test_api.py)",
    "GET /api/v1/organizations/{organization_id}": "the organization directory is open to "
    "every signed-in member (no person-level data)",
    # The social resource directory is public data: every signed-in member reads it all and
    # residents read its published part without signing in; writes are refused (403 +
    # access.denied) to organizations without edit rights; so is the resource development log
    # (de-identified, in tsunagu.meetings, under the directory's API paths).  tsunagu/directory/
    # tests/test_access.py walks each of these routes with the outsider and the editors.
    "directory:public_detail": "directory: public page for residents, no sign-in",
    "directory:resource_detail": "directory: open to every signed-in member",
    "directory:resource_edit": "directory: write refused (403) without edit rights",
    "directory:vacancy_update": "directory: write refused (403) without edit rights",
    "directory:provider_edit": "directory: write refused (403) without edit rights",
    "meetings:development_edit": "resource development: write refused (403) without rights",
    "GET /api/v1/directory/resources/{resource_id}": "directory: open to every member",
    "PATCH /api/v1/directory/resources/{resource_id}": "directory: 403 without edit rights",
    "GET /api/v1/directory/developments/{development_id}": "directory: open to every member",
    "PATCH /api/v1/directory/developments/{development_id}": "directory: 403 without rights",
    "POST /api/v1/directory/resources/{resource_id}/vacancy": "directory: 403 without rights",
    "PATCH /api/v1/directory/providers/{provider_id}": "directory: 403 without edit rights",
    # Community issues are written de-identified (checked against the source case) and shared
    # across the network; the link to the source is shown only to those who see it, and moving
    # an issue on is refused (403 + access.denied) to others than the raiser, core and city.
    # tsunagu/meetings/tests/test_issues_and_network.py walks these with the outsider.
    "meetings:issue_detail": "community issue: de-identified, open to every signed-in member",
    "meetings:issue_advance": "community issue: write refused (403) to others",
    "GET /api/v1/community-issues/{issue_id}": "community issue: de-identified, open to all",
    "POST /api/v1/community-issues/{issue_id}/advance": "community issue: 403 to others",
    # The core center's synonym list for search holds words, not person data; every other
    # organization gets the 404 (audited) on it: tsunagu/search/tests/test_folding.py.
    "search:synonym_delete": "search synonyms: core center only, 404 to others",
}


# --- Walking the routes ---------------------------------------------------------------------


def _screen_routes(
    patterns: list[URLPattern | URLResolver], namespace: str = "", has_param: bool = False
) -> Iterator[str]:
    for entry in patterns:
        pattern = entry.pattern
        param_here = (
            has_param
            or bool(getattr(pattern, "converters", None))
            or (not isinstance(pattern, RoutePattern) and bool(pattern.regex.groupindex))
        )
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace else (entry.namespace or "")
            yield from _screen_routes(entry.url_patterns, inner, param_here)
        elif namespace in SCREEN_NAMESPACES and entry.name and param_here:
            yield f"{namespace}:{entry.name}"


def screen_routes() -> set[str]:
    return set(_screen_routes(get_resolver().url_patterns))


def api_routes() -> set[str]:
    from tsunagu.api import api

    api.urls  # noqa: B018  # builds the routers (ninja fills `_routers` lazily)
    found = set()
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            if "{" not in path:
                continue
            full = re.sub(r"/+", "/", f"{API_PREFIX}/{prefix}/{path}")
            for operation in path_view.operations:
                for method in operation.methods:
                    found.add(f"{method} {full}")
    return found


def test_the_matrix_names_every_object_route():
    routes = screen_routes() | api_routes()
    named = set(SCREENS) | set(API) | set(NOT_PERSON_DATA)
    missing = sorted(routes - named)
    stale = sorted(named - routes)
    assert not missing, (
        "Object routes missing from the access matrix (add them to SCREENS/API in "
        f"tsunagu/core/tests/test_object_url_matrix.py): {missing}"
    )
    assert not stale, f"The access matrix names routes that no longer exist: {stale}"


# --- The outsider, route by route -----------------------------------------------------------


def _api_path(route: str, params: dict[str, int]) -> tuple[str, str]:
    method, template = route.split(" ", 1)
    return method, template.format(**params)


def _screen_request(client: Client, method: str, path: str, body: dict[str, Any]):
    if method == "GET":
        return client.get(path)
    return client.post(path, body)


def _api_request(client: Client, method: str, path: str, body: dict[str, Any], token: str):
    kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if method == "GET":
        return client.get(path, **kwargs)
    return client.generic(method, path, data=_json(body), content_type="application/json", **kwargs)


def _json(body: dict[str, Any]) -> str:
    return json.dumps(body, ensure_ascii=False)


def _assert_denied_and_audited(user: User, before: int, method: str, path: str) -> None:
    new = AuditEvent.objects.filter(pk__gt=before)
    denials = new.filter(action=Action.ACCESS_DENIED, actor=user)
    assert denials.exists(), f"{method} {path}: no access.denied row for {user.username}"
    assert any(d.detail.get("path") == path for d in denials), f"{method} {path}: wrong path"
    assert not new.filter(
        action__in=[Action.RECORD_CREATED, Action.RECORD_UPDATED, Action.RECORD_VIEWED]
    ).exists(), f"{method} {path}: the outsider read or changed something"


def _last_event_id() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _owner_may_pass(response: Any, method: str, label: str) -> None:
    if method == "GET":
        assert response.status_code in (200, 302), f"{label}: {response.status_code}"
    else:
        assert response.status_code not in (403, 404), f"{label}: {response.status_code}"
        assert response.status_code < 500, f"{label}: {response.status_code}"


@pytest.mark.parametrize("route", sorted(SCREENS))
def test_outsider_gets_404_on_every_object_screen(route, personas, world, client_as):
    spec = SCREENS[route]
    path = reverse(route, kwargs=spec.params(world))
    outsider = client_as(personas.counselor_b)
    for method in spec.methods:
        before = _last_event_id()
        response = _screen_request(outsider, method, path, spec.body(world))
        assert response.status_code == 404, f"{method} {path}: {response.status_code}"
        assert NOT_FOUND_PAGE in response.content.decode()
        _assert_denied_and_audited(personas.counselor_b, before, method, path)

    owner = client_as(getattr(personas, spec.owner))
    method = "GET" if "GET" in spec.methods else spec.methods[0]
    response = _screen_request(owner, method, path, spec.body(world))
    _owner_may_pass(response, method, f"{spec.owner} {method} {path}")


@pytest.mark.parametrize("route", sorted(API))
def test_outsider_gets_json_404_on_every_object_api_route(route, personas, world, client):
    spec = API[route]
    method, path = _api_path(route, spec.params(world))
    token = api_token_for(personas.counselor_b, personas.office_b)
    before = _last_event_id()
    response = _api_request(client, method, path, spec.body(world), token)
    assert response.status_code == 404, f"{route}: {response.status_code} {response.content!r}"
    error = response.json()["error"]
    assert error["code"] == "not_found"
    assert error["message"]
    _assert_denied_and_audited(personas.counselor_b, before, method, path)

    owner = getattr(personas, spec.owner)
    owner_token = api_token_for(owner, owner.memberships.get(is_primary=True).organization)
    response = _api_request(Client(), method, path, spec.body(world), owner_token)
    _owner_may_pass(response, method, f"{spec.owner} {route}")


@pytest.mark.parametrize(
    "route", sorted(r for r in NOT_PERSON_DATA if "{organization_id}" in r)
)  # the directory's: tsunagu/directory/tests/test_access.py
def test_routes_open_by_design_stay_open(route, personas, client):
    # Kept honest: if one of these starts refusing outsiders, it belongs in the matrix above.
    token = api_token_for(personas.counselor_b, personas.office_b)
    method, path = _api_path(route, {"organization_id": personas.office_a.pk})
    response = _api_request(client, method, path, {}, token)
    assert response.status_code == 200
