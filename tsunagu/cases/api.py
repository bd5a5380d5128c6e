"""Cases and consultations in the JSON API: the same access layer and services as the screens.

Objects the caller may not see answer 404 exactly like objects that do not exist.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Literal

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from tsunagu.accounts.models import User
from tsunagu.audit import services as audit
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases import models, selectors, services
from tsunagu.cases.access import (
    access_case,
    access_consultation,
    access_household,
    access_person,
)
from tsunagu.cases.models import (
    BreakGlassAccess,
    Case,
    CaseConference,
    CaseLeadPeriod,
    CaseStatus,
    CaseStatusChange,
    CaseTeamMember,
    Consultation,
    Urgency,
)
from tsunagu.core.api import ERRORS, ErrorOut, Listing, paginated
from tsunagu.core.errors import Invalid
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.schemas import Name, Out, model_field
from tsunagu.core.validators import Id, NonBlank, SaneDate, SaneDateTime, Version
from tsunagu.directory import selectors as directory_selectors
from tsunagu.directory.models import SocialResource
from tsunagu.organizations.models import Organization
from tsunagu.people.models import Household, Person

router = Router(tags=["cases"])


# --- Schemas --------------------------------------------------------------------------------


class TeamMemberOut(Out):
    id: int
    organization_id: int
    organization_name: str = Field(alias="organization.name")
    worker_id: int | None
    worker_name: str
    role: str
    basis: str
    consent_id: int | None
    conference_id: int | None = Field(
        description="支援会議の根拠: 開催済み・出席・誓約済みの支援会議"
    )
    emergency_ends_on: dt.date | None = Field(description="緊急の根拠の終了日（翌日から閲覧不可）")
    reviewer_id: int | None = Field(description="緊急の根拠を確認する基幹相談支援センターの職員")
    basis_reviewed_at: dt.datetime | None
    basis_ended_at: dt.datetime | None
    basis_end_reason: str = Field(
        description="expired / ended_by_reviewer / no_meeting_recorded / no_reviewer"
    )
    basis_holds: bool = Field(description="今日、共有の根拠が有効か")
    basis_note: str
    joined_on: dt.date
    left_on: dt.date | None

    @staticmethod
    def resolve_basis_holds(member: CaseTeamMember) -> bool:
        return member.basis_holds_on(timezone.localdate())


class StatusChangeOut(Out):
    from_status: str
    to_status: str
    reason: str
    changed_at: dt.datetime
    changed_by_id: int


class LeadPeriodOut(Out):
    organization_id: int
    organization_name: str = Field(alias="organization.name")
    worker_id: int | None
    started_on: dt.date
    ended_on: dt.date | None = Field(description="移管で引き継いだ日（現在の主担当機関は null）")
    handover_summary: str = Field(description="前の主担当機関が書いた引継ぎの要約")


class CaseOut(Out):
    id: int
    person_id: int | None
    household_id: int | None
    title: str = Field(description="入力されたケース名（なければ空。画面の名前は name）")
    name: str = Field(
        description="画面に出る名前: 入力されたケース名、なければ本人・世帯から（要求の言語で）"
    )
    status: str
    status_label: str = Field(alias="get_status_display")
    support_layer: str
    is_complex: bool
    difficulty_factors: list[str]
    lead_organization_id: int
    lead_worker_id: int | None
    opened_on: dt.date
    closed_on: dt.date | None
    closure_reason: str
    version: int

    @staticmethod
    def resolve_name(case: Case) -> str:
        return str(case)


class CaseDetailOut(CaseOut):
    team: list[TeamMemberOut]

    @staticmethod
    def resolve_team(case: Case) -> QuerySet[CaseTeamMember]:
        return selectors.case_team(case)


class AccessLogEntryOut(Out):
    at: dt.datetime
    actor_username: str
    organization_id: int | None
    organization: Name
    action: str
    action_label: str
    outcome: str
    target_type: str
    target_id: str
    listed: bool = Field(description="一覧・検索・地域課題でこの方を表示した記録")


class CaseIn(Schema):
    person_id: Id | None = None
    household_id: Id | None = None
    consultation_id: Id | None = None
    title: str = model_field(Case, "title", "")


class StatusIn(Schema):
    to: CaseStatus
    reason: str = model_field(CaseStatusChange, "reason", "")
    closure_reason: str = model_field(Case, "closure_reason", "")
    closed_on: SaneDate | None = None
    referred: bool = False  # closed as referred: needs an accepted referral or transfer


class TeamIn(Schema):
    organization_id: Id
    role: models.TeamRole
    basis: models.SharingBasis | Literal[""] = Field(
        "", description="空なら役割から（主担当は lead）"
    )
    consent_id: Id | None = None
    conference_id: Id | None = None
    reviewer_id: Id | None = None
    basis_note: str = model_field(CaseTeamMember, "basis_note", "")
    worker_id: Id | None = None
    worker_name: str = model_field(CaseTeamMember, "worker_name", "")
    joined_on: SaneDate | None = None


class ConsultationIn(Schema):
    received_at: SaneDateTime | None = None
    channel: models.Channel
    consulter: models.Consulter
    referring_organization_id: Id | None = None
    person_id: Id | None = None
    household_id: Id | None = None
    is_anonymous: bool = False
    main_concern: NonBlank = Field(min_length=1)
    domains: list[models.Domain] = []
    support_types: list[models.SupportType] = []
    # A peer counsellor of the directory (GET /directory/resources, service type
    # peer-counselling): the consultation then counts as peer counselling.
    peer_counsellor_id: Id | None = None
    urgency: Urgency = Urgency.NORMAL
    outcome: models.ConsultationOutcome
    minutes_spent: int = Field(0, ge=0, le=2_147_483_647)


class ConsultationOut(Out):
    id: int
    organization_id: int
    received_by_id: int
    received_at: dt.datetime
    channel: str
    consulter: str
    referring_organization_id: int | None
    person_id: int | None
    household_id: int | None
    is_anonymous: bool
    main_concern: str
    domains: list[str]
    support_types: list[str]
    peer_counsellor_id: int | None
    urgency: str
    outcome: str
    minutes_spent: int
    case_id: int | None


def _organization(organization_id: int | None, *, field: str) -> Organization | None:
    if organization_id is None:
        return None
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        raise Invalid(f"{field}: 指定された機関はありません。")
    return organization


def _peer_counsellor(resource_id: int | None) -> SocialResource | None:
    if resource_id is None:
        return None
    found = directory_selectors.peer_counsellors().filter(pk=resource_id).first()
    if found is None:
        raise Invalid("peer_counsellor_id: 指定されたピアカウンセラーは社会資源にありません。")
    return found


def _subject(
    request: TsunaguRequest, person_id: int | None, household_id: int | None
) -> tuple[Person | None, Household | None]:
    person = access_person(request.actor, person_id) if person_id is not None else None
    household = access_household(request.actor, household_id) if household_id is not None else None
    return person, household


# --- Cases ----------------------------------------------------------------------------------


@router.post(
    "/cases",
    response={201: CaseDetailOut, **ERRORS},
    summary="支援ケースの作成",
    url_name="case_create",
)
def case_create(request: TsunaguRequest, payload: CaseIn) -> Status[Case]:
    """本人・世帯（person_id / household_id）から、または相談受付（consultation_id）から
    支援ケースを作ります。主担当機関はトークンの所属、主担当者はトークンの利用者です。"""
    if payload.consultation_id is not None:
        if payload.person_id is not None or payload.household_id is not None:
            raise Invalid("consultation_id と person_id / household_id は同時に指定できません。")
        consultation = access_consultation(request.actor, payload.consultation_id, for_write=True)
        case = services.consultation_open_case(actor=request.actor, consultation=consultation)
    else:
        person, household = _subject(request, payload.person_id, payload.household_id)
        case = services.case_create(
            actor=request.actor, person=person, household=household, title=payload.title
        )
    return Status(201, case)


def _audit_page(request: TsunaguRequest, view: str) -> Callable[[list[Case | Consultation]], None]:
    """One read-audit row naming the persons (and household members) of the page served."""

    def record(shown: list[Case | Consultation]) -> None:
        audit.record_read(
            request.actor,
            view=view,
            person_ids=selectors.persons_shown(
                person_ids=[c.person_id for c in shown],
                household_ids=[c.household_id for c in shown],
            ),
        )

    return record


@router.get(
    "/cases",
    response={200: list[CaseOut], 422: ErrorOut},
    summary="支援ケースの一覧",
    url_name="case_list",
)
@paginated
def case_list(
    request: TsunaguRequest,
    status: str = "",
    is_complex: bool | None = None,
    mine: bool = False,
) -> Listing:
    """操作中の所属から見えるケースだけを返します。"""
    cases = selectors.case_list(
        actor=request.actor, status=status, is_complex=is_complex, mine=mine
    )
    return Listing(cases, on_page=_audit_page(request, "api.case_list"))


@router.get(
    "/cases/ended-sharing",
    response={200: list[TeamMemberOut], **ERRORS},
    summary="共有の根拠が終わったチーム参加（自機関）",
    url_name="ended_sharing",
)
@paginated
def ended_sharing(request: TsunaguRequest) -> QuerySet[CaseTeamMember]:
    """自機関が参加していたケースのうち、過去30日に共有の根拠が終わったもの（理由つき）。"""
    return selectors.ended_sharing_for(request.actor).select_related("organization")


@router.get(
    "/cases/{case_id}",
    response={200: CaseDetailOut, **ERRORS},
    summary="支援ケースの詳細",
    url_name="case_detail",
)
def case_detail(request: TsunaguRequest, case_id: int) -> Case:
    return access_case(request.actor, case_id)


@router.get(
    "/cases/{case_id}/status",
    response={200: list[StatusChangeOut], **ERRORS},
    summary="状態の経過",
    url_name="case_status_history",
)
@paginated
def case_status_history(request: TsunaguRequest, case_id: int) -> QuerySet[CaseStatusChange]:
    return selectors.case_status_history(access_case(request.actor, case_id))


@router.get(
    "/cases/{case_id}/leads",
    response={200: list[LeadPeriodOut], **ERRORS},
    summary="主担当機関の履歴（移管）",
    url_name="case_lead_periods",
)
@paginated
def case_lead_periods(request: TsunaguRequest, case_id: int) -> list[CaseLeadPeriod]:
    return selectors.case_lead_periods(access_case(request.actor, case_id))


@router.post(
    "/cases/{case_id}/status",
    response={200: CaseDetailOut, **ERRORS},
    summary="状態の変更",
    url_name="case_transition",
)
def case_transition(request: TsunaguRequest, case_id: int, payload: StatusIn) -> Case:
    """`to` に次の状態を指定します。終結（closed）には closure_reason が必要です。
    `referred: true` は他機関への紹介・移管による終結で、受理された紹介・移管が必要です。
    終結したケースに `to: "assessment"` と reason を送ると再開になります。
    認められない変更は 422（code: illegal_transition）、同時更新は 409 です。"""
    case = access_case(request.actor, case_id, for_write=True)
    if case.status == CaseStatus.CLOSED and payload.to == CaseStatus.ASSESSMENT:
        case = services.case_reopen(actor=request.actor, case=case, reason=payload.reason)
    else:
        case = services.case_transition(
            actor=request.actor,
            case=case,
            to_status=payload.to,
            reason=payload.reason,
            closure_reason=payload.closure_reason,
            closed_on=payload.closed_on,
            referred=payload.referred,
        )
    return case


@router.get(
    "/cases/{case_id}/team",
    response={200: list[TeamMemberOut], **ERRORS},
    summary="支援チーム",
    url_name="case_team",
)
@paginated
def case_team(request: TsunaguRequest, case_id: int) -> QuerySet[CaseTeamMember]:
    return selectors.case_team(access_case(request.actor, case_id))


@router.post(
    "/cases/{case_id}/team",
    response={201: TeamMemberOut, **ERRORS},
    summary="支援チームに機関を加える",
    url_name="case_team_add",
)
def case_team_add(request: TsunaguRequest, case_id: int, payload: TeamIn) -> Status[CaseTeamMember]:
    """共有の根拠（basis）が必要です: consent（consent_id: 今日有効でこの機関を含む同意）、
    statutory_meeting（conference_id: このケースについて開催済みで、この機関が出席し、出席者
    全員が守秘義務を誓約した支援会議。ないときは 422、code: no_meeting）、emergency（basis_note
    に状況、reviewer_id に基幹相談支援センターの職員。参加日から TSUNAGU_EMERGENCY_BASIS_DAYS
    日で終わります）。"""
    case = access_case(request.actor, case_id, for_write=True)
    organization = _organization(payload.organization_id, field="organization_id")
    assert organization is not None  # noqa: S101  # the id is required by the schema
    consent = None
    if payload.consent_id is not None:
        consent = selectors.case_subject_consents(case, payload.consent_id)
        if consent is None:
            raise Invalid(_(services.NO_CONSENT_MESSAGE), code="no_basis")
    worker = None
    if payload.worker_id is not None:
        worker = User.objects.filter(pk=payload.worker_id, is_active=True).first()
        if worker is None:
            raise Invalid("担当者はその機関の職員から選んでください。")
    conference = _support_meeting(case, payload.conference_id)
    reviewer = _reviewer(payload.reviewer_id)
    member = services.team_member_add(
        actor=request.actor,
        case=case,
        organization=organization,
        role=payload.role,
        basis=payload.basis,
        consent=consent,
        conference=conference,
        reviewer=reviewer,
        basis_note=payload.basis_note,
        worker=worker,
        worker_name=payload.worker_name,
        joined_on=payload.joined_on,
    )
    member.organization = organization
    return Status(201, member)


def _support_meeting(case: Case, conference_id: int | None) -> CaseConference | None:
    """A statutory support meeting about the case, or None; an id naming anything else is the
    same 422 as no meeting at all (it never says whether the id exists)."""
    if conference_id is None:
        return None
    conference = selectors.statutory_meetings_about(case).filter(pk=conference_id).first()
    if conference is None:
        raise Invalid(_(services.NO_MEETING_MESSAGE), code="no_meeting")
    return conference


def _reviewer(reviewer_id: int | None) -> User | None:
    if reviewer_id is None:
        return None
    reviewer = selectors.emergency_reviewer_choices().filter(pk=reviewer_id).first()
    if reviewer is None:
        raise Invalid(
            _("確認者は基幹相談支援センターの職員から選んでください。"), code="no_reviewer"
        )
    return reviewer


# --- Review queue: emergency bases and break-glass (core center) ----------------------------


class EmergencyBasisOut(Out):
    id: int
    case_id: int
    organization_id: int
    organization_name: str = Field(alias="organization.name")
    joined_on: dt.date
    emergency_ends_on: dt.date | None
    reviewer_id: int | None
    added_by_id: int
    basis_note: str
    basis_reviewed_at: dt.datetime | None
    basis_ended_at: dt.datetime | None
    basis_end_reason: str
    basis_holds: bool

    @staticmethod
    def resolve_basis_holds(member: CaseTeamMember) -> bool:
        return member.basis_holds_on(timezone.localdate())


class ConvertIn(Schema):
    basis: Literal["consent", "statutory_meeting"] = Field(
        description="consent または statutory_meeting"
    )
    consent_id: Id | None = None
    conference_id: Id | None = None


class ReviewNoteIn(Schema):
    note: str = Field("", max_length=200)


class BreakGlassOut(Out):
    id: int
    person_id: int
    user_id: int
    organization_id: int
    reason: str
    started_at: dt.datetime
    expires_at: dt.datetime
    reviewed_at: dt.datetime | None
    reviewed_by_id: int | None
    review_note: str


@router.get(
    "/review/emergencies",
    response={200: list[EmergencyBasisOut], **ERRORS},
    summary="確認待ちの緊急の共有（基幹相談支援センター）",
    url_name="review_emergencies",
)
@paginated
def review_emergencies(request: TsunaguRequest) -> QuerySet[CaseTeamMember]:
    """未確認か、まだ続いている緊急の根拠。
    基幹相談支援センターとシステム管理者だけ（ほかは 404）。"""
    return selectors.open_emergency_bases(actor=request.actor)


@router.post(
    "/review/emergencies/{member_id}/convert",
    response={200: EmergencyBasisOut, **ERRORS},
    summary="緊急の根拠を同意・支援会議に切り替える",
    url_name="review_emergency_convert",
)
def review_emergency_convert(
    request: TsunaguRequest, member_id: int, payload: ConvertIn
) -> CaseTeamMember:
    member = selectors.emergency_basis_for_review(actor=request.actor, member_id=member_id)
    consent = (
        selectors.case_subject_consents(member.case, payload.consent_id)
        if payload.consent_id is not None
        else None
    )
    return services.emergency_basis_convert(
        actor=request.actor,
        member=member,
        basis=payload.basis,
        consent=consent,
        conference=_support_meeting(member.case, payload.conference_id),
    )


@router.post(
    "/review/emergencies/{member_id}/end",
    response={200: EmergencyBasisOut, **ERRORS},
    summary="緊急の根拠を今すぐ終了する",
    url_name="review_emergency_end",
)
def review_emergency_end(
    request: TsunaguRequest, member_id: int, payload: ReviewNoteIn
) -> CaseTeamMember:
    member = selectors.emergency_basis_for_review(actor=request.actor, member_id=member_id)
    return services.emergency_basis_end(actor=request.actor, member=member, note=payload.note)


@router.post(
    "/review/emergencies/{member_id}/reviewed",
    response={200: EmergencyBasisOut, **ERRORS},
    summary="緊急の根拠を確認済みにする",
    url_name="review_emergency_reviewed",
)
def review_emergency_reviewed(
    request: TsunaguRequest, member_id: int, payload: ReviewNoteIn
) -> CaseTeamMember:
    member = selectors.emergency_basis_for_review(actor=request.actor, member_id=member_id)
    return services.emergency_basis_mark_reviewed(
        actor=request.actor, member=member, note=payload.note
    )


@router.get(
    "/review/break-glass",
    response={200: list[BreakGlassOut], **ERRORS},
    summary="確認待ちの緊急アクセス（基幹相談支援センター）",
    url_name="review_break_glass",
)
@paginated
def review_break_glass(request: TsunaguRequest) -> QuerySet[BreakGlassAccess]:
    return selectors.open_break_glass(actor=request.actor)


@router.post(
    "/review/break-glass/{access_id}/reviewed",
    response={200: BreakGlassOut, **ERRORS},
    summary="緊急アクセスを確認済みにする",
    url_name="review_break_glass_reviewed",
)
def review_break_glass_reviewed(
    request: TsunaguRequest, access_id: int, payload: ReviewNoteIn
) -> BreakGlassAccess:
    access = selectors.break_glass_for_review(actor=request.actor, access_id=access_id)
    return services.break_glass_review(actor=request.actor, access=access, note=payload.note)


# --- Consultations --------------------------------------------------------------------------


@router.post(
    "/consultations",
    response={201: ConsultationOut, **ERRORS},
    summary="相談の受付",
    url_name="consultation_create",
)
def consultation_create(request: TsunaguRequest, payload: ConsultationIn) -> Status[Consultation]:
    person, household = _subject(request, payload.person_id, payload.household_id)
    consultation = services.consultation_create(
        actor=request.actor,
        received_at=payload.received_at or timezone.now(),
        channel=payload.channel,
        consulter=payload.consulter,
        referring_organization=_organization(
            payload.referring_organization_id, field="referring_organization_id"
        ),
        person=person,
        household=household,
        is_anonymous=payload.is_anonymous,
        main_concern=payload.main_concern,
        domains=payload.domains,
        support_types=payload.support_types,
        urgency=payload.urgency,
        outcome=payload.outcome,
        minutes_spent=payload.minutes_spent,
        peer_counsellor=_peer_counsellor(payload.peer_counsellor_id),
    )
    return Status(201, consultation)


@router.get(
    "/consultations",
    response={200: list[ConsultationOut], 422: ErrorOut},
    summary="相談受付の一覧",
    url_name="consultation_list",
)
@paginated
def consultation_list(request: TsunaguRequest) -> Listing:
    return Listing(
        selectors.consultation_list(actor=request.actor),
        on_page=_audit_page(request, "api.consultation_list"),
    )


@router.get(
    "/consultations/{consultation_id}",
    response={200: ConsultationOut, **ERRORS},
    summary="相談受付の詳細",
    url_name="consultation_detail",
)
def consultation_detail(request: TsunaguRequest, consultation_id: int) -> Consultation:
    return access_consultation(request.actor, consultation_id)


class ConsultationPersonIn(Schema):
    person_id: Id = Field(description="登録済みで、操作中の所属が閲覧できる本人")


@router.post(
    "/consultations/{consultation_id}/person",
    response={200: ConsultationOut, **ERRORS},
    summary="相談受付に本人を結び付ける（受付からケースへの流れ）",
    url_name="consultation_link_person",
)
def consultation_link_person(
    request: TsunaguRequest, consultation_id: int, payload: ConsultationPersonIn
) -> Consultation:
    """本人の記録がない相談に、登録した（または既に登録されていた）本人を結び付けます。"""
    consultation = access_consultation(request.actor, consultation_id, for_write=True)
    person = access_person(request.actor, payload.person_id)
    return services.consultation_link_person(
        request.actor, consultation=consultation, person=person
    )


# --- Who looked at this person's record -----------------------------------------------------


@router.get(
    "/persons/{person_id}/access-log",
    response={200: list[AccessLogEntryOut], **ERRORS},
    summary="この方の記録を見た人（閲覧記録）",
    url_name="person_access_log",
)
@paginated
def person_access_log(request: TsunaguRequest, person_id: int) -> Listing:
    """画面の「閲覧記録」と同じ規則です。本人のケースの主担当機関の職員とシステム管理者だけが
    見られ、それ以外は 404 です。本人を表示した一覧・検索の記録も含みます。"""
    log = selectors.person_access_log(actor=request.actor, person_id=person_id)
    audit.record(
        action=Action.ACCESS_LOG_VIEWED,
        actor=request.actor,
        target_type="people.person",
        target_id=log.person_id,
    )

    def mark_listed(shown: list[AuditEvent]) -> None:
        for event in shown:
            event.listed = log.person_id in event.person_ids  # type: ignore[attr-defined]

    return Listing(log.events, on_page=mark_listed)


# --- The case screens' other writes: edit, a member leaving the team, break-glass ----------------
# Each route calls the same service as its screen (cases.services), with the same access rules.


class CasePatch(Schema):
    """Only the fields sent are changed; `version` is the one the client last read."""

    version: Version
    title: str = model_field(Case, "title", None)
    support_layer: models.SupportLayer | None = None
    lead_worker_id: Id | None = Field(
        None, description="主担当機関の職員（null で未設定）。送らなければ変えません"
    )
    is_complex: bool | None = None
    difficulty_factors: list[models.DifficultyFactor] | None = None


class TeamLeaveIn(Schema):
    left_on: SaneDate | None = Field(None, description="離脱日（空なら今日、参加日以降）")


class BreakGlassIn(Schema):
    person_id: str = Field(min_length=1, max_length=20, description="本人ID")
    reason: str = Field(
        min_length=10,
        max_length=2000,
        description="生命・身体の保護のために今すぐ記録を見る必要がある理由（10文字以上）",
    )


class BreakGlassOpenOut(Out):
    message: str
    hours: int


@router.patch(
    "/cases/{case_id}",
    response={200: CaseDetailOut, **ERRORS},
    summary="ケースの編集（主担当機関のみ。version が古ければ409）",
    url_name="case_update",
)
def case_update(request: TsunaguRequest, case_id: int, payload: CasePatch) -> Case:
    case = access_case(request.actor, case_id, for_write=True)
    sent = payload.dict(exclude_unset=True)
    lead_worker = case.lead_worker
    if "lead_worker_id" in sent:
        lead_worker = None
        if payload.lead_worker_id is not None:
            lead_worker = User.objects.filter(pk=payload.lead_worker_id, is_active=True).first()
            if lead_worker is None:
                raise Invalid(_("主担当者は主担当機関の職員から選んでください。"))
    factors = payload.difficulty_factors
    updated = services.case_update(
        actor=request.actor,
        case=case,
        expected_version=payload.version,
        title=case.title if payload.title is None else payload.title,
        support_layer=str(payload.support_layer or case.support_layer),
        lead_worker=lead_worker,
        is_complex=case.is_complex if payload.is_complex is None else payload.is_complex,
        difficulty_factors=list(case.difficulty_factors or [])
        if factors is None
        else [str(f) for f in factors],
    )
    return access_case(request.actor, updated.pk)


@router.post(
    "/cases/{case_id}/team/{member_id}/leave",
    response={200: TeamMemberOut, **ERRORS},
    summary="支援チームから機関が離れる（主担当機関のみ。履歴として残ります）",
    url_name="case_team_leave",
)
def case_team_leave(
    request: TsunaguRequest, case_id: int, member_id: int, payload: TeamLeaveIn
) -> CaseTeamMember:
    case = access_case(request.actor, case_id, for_write=True)
    member = selectors.case_team_member(case, member_id)
    left = services.team_member_leave(actor=request.actor, member=member, left_on=payload.left_on)
    return selectors.case_team_member(case, left.pk)


@router.post(
    "/break-glass",
    response={202: BreakGlassOpenOut, 403: ErrorOut, 422: ErrorOut},
    summary="緊急アクセス（ブレークグラス）",
    description="見られない本人の記録を、生命・身体の保護のために一時的に見られるようにします。"
    "本人IDがあってもなくても同じ答え（202）です。すべての試みは監査記録に残り、"
    "基幹相談支援センターが確認します。1日の回数に上限があります（403）。",
    url_name="break_glass_open",
)
def break_glass_open(request: TsunaguRequest, payload: BreakGlassIn) -> Status[BreakGlassOpenOut]:
    services.break_glass_open(
        actor=request.actor, person_id=payload.person_id.strip(), reason=payload.reason
    )
    hours = settings.BREAK_GLASS_HOURS
    message = _(
        "緊急アクセスを記録しました。該当する記録があれば%(hours)s時間閲覧できます。"
        "この操作は基幹相談支援センターが確認します。"
    ) % {"hours": hours}
    return Status(202, BreakGlassOpenOut(message=message, hours=hours))
