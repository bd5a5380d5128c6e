"""Referrals in the JSON API: the same access layer, rules and services as the screens.

A referral the caller may not see answers 404 exactly like one that does not exist.  A move by
the wrong side or without its reason answers 422, a move the status does not allow 409.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import QuerySet
from ninja import Body, Field, Router, Schema, Status

from tsunagu.accounts.models import User
from tsunagu.audit import services as audit
from tsunagu.cases import selectors as case_selectors
from tsunagu.cases.access import access_case
from tsunagu.cases.models import TeamRole
from tsunagu.core.api import ERRORS, ErrorOut, paginated
from tsunagu.core.errors import Invalid
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.schemas import Context, Name, Out, model_field, once, patch_field
from tsunagu.core.validators import Id, NonBlank, SaneDate, Version, Year
from tsunagu.organizations.models import Organization
from tsunagu.people.models import Person
from tsunagu.referrals import fhir, selectors, services
from tsunagu.referrals import statistics as referral_statistics
from tsunagu.referrals.access import access_referral
from tsunagu.referrals.models import (
    DEFAULT_SUMMARY_FIELDS,
    Channel,
    Referral,
    ReferralKind,
    ReferralTransition,
    Side,
    SummaryField,
)
from tsunagu.referrals.rules import MOVES

router = Router(tags=["referrals"])


# --- Schemas --------------------------------------------------------------------------------


class OrganizationRef(Out):
    id: int
    name: str


class ReferralOut(Out):
    id: int
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    status: str
    status_label: str = Field(alias="get_status_display")
    business_status: str
    side: str = Field(description="操作中の所属の立場: requester（依頼元）/ receiver（依頼先）")
    available_actions: list[str] = Field(description="いまこの立場で行える操作")
    case_id: int | None = Field(description="ケースを閲覧できるときだけ（受理前の依頼先には null）")
    subject: str
    requesting_organization: OrganizationRef
    requesting_worker: Name
    receiving_organization: OrganizationRef
    receiving_worker: Name
    receiving_worker_id: int | None
    reason: str
    request_text: str
    summary_text: str
    handover_summary: str = Field(
        description="移管の引継ぎの要約（依頼元と、受理してケースを閲覧できる依頼先だけ。ほかは空）"
    )
    summary_fields: list[str]
    summary: dict[str, Any]
    basis: str
    consent_id: int | None
    basis_note: str
    plan_item_id: int | None
    status_reason: str
    outcome: str
    requested_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    accepted_at: dt.datetime | None
    completed_at: dt.datetime | None
    confirmed_at: dt.datetime | None
    ack_due_on: dt.date | None
    overdue: bool
    version: int

    @staticmethod
    def resolve_side(referral: Referral, context: Context) -> str:
        return _row(referral, context).side

    @staticmethod
    def resolve_available_actions(referral: Referral, context: Context) -> list[str]:
        actor = context["request"].actor
        return [m.action for m in selectors.moves_available(actor, referral)]

    @staticmethod
    def resolve_case_id(referral: Referral, context: Context) -> int | None:
        visible = selectors.case_visible(context["request"].actor, referral)
        return referral.case_id if visible else None

    @staticmethod
    def resolve_handover_summary(referral: Referral, context: Context) -> str:
        if _row(referral, context).side == Side.REQUESTER:
            return referral.handover_summary
        visible = selectors.case_visible(context["request"].actor, referral)
        return referral.handover_summary if visible else ""

    @staticmethod
    def resolve_subject(referral: Referral, context: Context) -> str:
        return _row(referral, context).subject

    @staticmethod
    def resolve_ack_due_on(referral: Referral, context: Context) -> dt.date | None:
        return _row(referral, context).due_on

    @staticmethod
    def resolve_overdue(referral: Referral, context: Context) -> bool:
        return _row(referral, context).overdue


def _row(referral: Referral, context: Context) -> selectors.Row:
    """The referral as the acting organization's list shows it (its side, subject, deadline)."""
    actor = context["request"].actor
    return once(context, "referral_row", referral, lambda: selectors.rows(actor, [referral])[0])


BasisValue = Literal["", "consent", "statutory_meeting", "emergency"]
assert set(BasisValue.__args__) - {""} == set(services.BASES)  # type: ignore[attr-defined]  # noqa: S101


StayRole = Literal[
    "", "joint", "service", "medical", "administration", "school", "informal", "other"
]
assert set(StayRole.__args__) - {""} == set(TeamRole.values) - {TeamRole.LEAD}  # type: ignore[attr-defined]  # noqa: S101


class ReferralIn(Schema):
    case_id: Id
    kind: ReferralKind = Field(description="joint_support / referral / transfer / advice")
    receiving_organization_id: Id
    receiving_worker_id: Id | None = None
    person_id: Id | None = Field(None, description="世帯のケースでは対象の世帯員（必須）")
    reason: NonBlank
    request_text: NonBlank
    summary_text: NonBlank
    summary_fields: list[SummaryField] = Field(
        default_factory=lambda: list(DEFAULT_SUMMARY_FIELDS),
        description="受理前に依頼先に見せる項目: name, age, sex, area, disability, household, "
        "difficulty",
    )
    basis: BasisValue = Field(
        "", description="consent / statutory_meeting / emergency（送信時は必須）"
    )
    consent_id: Id | None = None
    basis_note: str = model_field(Referral, "basis_note", "")
    plan_item_id: Id | None = Field(None, description="依頼先の役割を書いた支援計画の項目")
    handover_summary: str = Field("", description="移管（transfer）の引継ぎの要約（送信時は必須）")
    send: bool = Field(True, description="false なら下書きとして保存")
    requested_on: SaneDate | None = Field(
        None,
        description="後日入力: 先に電話や書面で依頼した日（2000-04-01 から今日まで）。"
        "送信するとき（send: true）だけ。省略時は送信した日時",
    )


class ReferralEditIn(Schema):
    """Only the fields sent change (PATCH); `version` is the one the change is based on."""

    # Left out: not changed; `null` only clears what may be empty (the worker, person, consent,
    # plan item).
    version: Version
    kind: ReferralKind = patch_field()
    receiving_organization_id: Id = patch_field()
    receiving_worker_id: Id | None = None
    person_id: Id | None = None
    reason: NonBlank = patch_field()
    request_text: NonBlank = patch_field()
    summary_text: NonBlank = patch_field()
    summary_fields: list[SummaryField] = patch_field()
    basis: BasisValue = patch_field()
    consent_id: Id | None = None
    basis_note: str = model_field(Referral, "basis_note", None)
    plan_item_id: Id | None = None
    handover_summary: str = patch_field()


class TransitionIn(Schema):
    # The moves of the rule table; another word is the service's 422 unknown_action.
    action: str = Field(
        description="依頼元: request / cancel / confirm、依頼先: acknowledge / accept / reject / "
        "start / hold / resume / complete / fail",
        json_schema_extra={"enum": list(MOVES)},
    )
    reason: str = Field("", description="reject / hold / fail / cancel では必須")
    outcome: str = Field("", description="complete（完了の報告）では必須")
    receiving_worker_id: Id | None = Field(None, description="accept のときの担当者")
    previous_lead_role: StayRole = Field(
        "",
        description="移管を accept するとき、前の主担当機関に残ってもらう役割（空なら今日で離脱）",
    )


class TransitionOut(Out):
    action: str
    from_status: str
    to_status: str
    from_business_status: str
    to_business_status: str
    reason: str
    side: str
    channel: str
    at: dt.datetime
    by: Name
    by_organization: Name


class TaskImportOut(Out):
    changed: bool
    referral: ReferralOut


class TableRowOut(Out):
    key: str
    label: str
    cells: list[int]
    total: int


class JointSupportOut(Out):
    columns: list[str]
    rows: list[TableRowOut]
    column_totals: list[int]
    total: int


class OrganizationStatOut(Out):
    organization_id: int
    name: str
    kind_label: str
    received: int
    accepted: int
    rejected: int
    undecided: int
    acceptance_rate: float | None
    median_days_to_acceptance: float | None


class StatisticsOut(Out):
    fiscal_year: int
    as_of: dt.date
    label: str
    accepted_only: bool
    joint_support: JointSupportOut
    organizations: list[OrganizationStatOut]


def _organization(organization_id: int) -> Organization:
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        raise Invalid("receiving_organization_id: 指定された機関はありません。")
    return organization


def _user(user_id: int | None, field: str) -> User | None:
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise Invalid(f"{field}: 指定された職員はいません。")
    return user


def _person(case: Any, person_id: int | None) -> Person | None:
    if person_id is None:
        return None
    person = selectors.subject_people(case).filter(pk=person_id).first()
    if person is None:
        raise Invalid("person_id: 対象の方は、このケースの本人または世帯員から選んでください。")
    return person


def _data(case: Any, payload: ReferralIn) -> services.ReferralData:
    consent = None
    if payload.consent_id is not None:
        consent = case_selectors.case_subject_consents(case, payload.consent_id)
        if consent is None:
            raise Invalid("consent_id: このケースの本人・世帯員の同意ではありません。")
    return services.ReferralData(
        kind=payload.kind,
        receiving_organization=_organization(payload.receiving_organization_id),
        receiving_worker=_user(payload.receiving_worker_id, "receiving_worker_id"),
        person=_person(case, payload.person_id),
        reason=payload.reason,
        request_text=payload.request_text,
        summary_text=payload.summary_text,
        summary_fields=list(payload.summary_fields),
        basis=payload.basis,
        consent=consent,
        basis_note=payload.basis_note,
        plan_item=_plan_item(case, payload.plan_item_id),
        handover_summary=payload.handover_summary,
        requested_on=payload.requested_on,
    )


def _plan_item(case: Any, item_id: int | None) -> Any:
    if item_id is None:
        return None
    item = selectors.plan_item_choices(case).filter(pk=item_id).first()
    if item is None:
        raise Invalid("plan_item_id: このケースの支援計画の項目ではありません。")
    return item


# --- Routes ---------------------------------------------------------------------------------


@router.get(
    "/referrals",
    response={200: list[ReferralOut], 422: ErrorOut},
    summary="紹介・依頼の一覧",
    url_name="referral_list",
)
@paginated
def referral_list(
    request: TsunaguRequest, box: str = "inbox", state: str = "open", kind: str = ""
) -> QuerySet[Referral]:
    """`box`: inbox（受信）/ outbox（送信）。`state`: open（進行中）/ overdue（受付期限超過）/
    all。操作中の所属が依頼元または依頼先の依頼だけを返します。"""
    return selectors.referral_list(actor=request.actor, box=box, state=state, kind=kind)


@router.post(
    "/referrals",
    response={201: ReferralOut, **ERRORS},
    summary="紹介・依頼の作成",
    url_name="referral_create",
)
def referral_create(request: TsunaguRequest, payload: ReferralIn) -> Status[Referral]:
    """ケースの主担当機関だけが作れます。`send: true`（既定）では共有の根拠が必要です:
    consent（consent_id: 今日有効で依頼先を含む同意）、statutory_meeting（basis_note に支援会議の
    名称・開催日）、emergency（basis_note に状況）。"""
    case = access_case(request.actor, payload.case_id, for_write=True)
    referral = services.referral_create(
        actor=request.actor,
        case=case,
        data=_data(case, payload),
        send=payload.send,
        channel=Channel.API,
    )
    return Status(201, referral)


@router.get(
    "/referrals/statistics",
    response={200: StatisticsOut, **ERRORS},
    summary="共同支援依頼の統計",
    url_name="referral_statistics",
)
def referral_statistics_view(
    request: TsunaguRequest,
    fiscal_year: Year | None = None,
    as_of: SaneDate | None = None,
    accepted_only: bool = False,
) -> dict[str, Any]:
    """基幹相談支援センターと市担当課だけ。集計値のみで、個人は含みません。"""
    audit.require_role(
        request.actor, referral_statistics.may_view_statistics, view="referral_statistics"
    )
    period = referral_statistics.period(fiscal_year, as_of)
    table = referral_statistics.joint_support_table(period, accepted_only=accepted_only)
    organizations = referral_statistics.organization_table(period)
    return {
        "fiscal_year": period.fiscal_year,
        "as_of": period.as_of,
        "label": period.label,
        "accepted_only": accepted_only,
        "joint_support": table,
        "organizations": organizations,
    }


@router.get(
    "/referrals/{referral_id}",
    response={200: ReferralOut, **ERRORS},
    summary="紹介・依頼の詳細",
    url_name="referral_detail",
)
def referral_detail(request: TsunaguRequest, referral_id: int) -> Referral:
    return access_referral(request.actor, referral_id)


@router.patch(
    "/referrals/{referral_id}",
    response={200: ReferralOut, **ERRORS},
    summary="下書きの編集",
    url_name="referral_update",
)
def referral_update(request: TsunaguRequest, referral_id: int, payload: ReferralEditIn) -> Referral:
    """下書き（draft）だけ編集できます。送信済みは 409 です。"""
    referral = access_referral(request.actor, referral_id, for_write=True)
    sent = payload.model_dump(exclude_unset=True)
    sent.pop("version", None)
    current = {
        "kind": referral.kind,
        "receiving_organization_id": referral.receiving_organization_id,
        "receiving_worker_id": referral.receiving_worker_id,
        "person_id": referral.person_id if referral.case.person_id is None else None,
        "reason": referral.reason,
        "request_text": referral.request_text,
        "summary_text": referral.summary_text,
        "summary_fields": list(referral.summary_fields),
        "basis": referral.basis,
        "consent_id": referral.consent_id,
        "basis_note": referral.basis_note,
        "plan_item_id": referral.plan_item_id,
        "handover_summary": referral.handover_summary,
    }
    merged = ReferralIn(case_id=referral.case_id, **{**current, **sent, "send": False})
    return services.referral_update(
        actor=request.actor,
        referral=referral,
        expected_version=payload.version,
        data=_data(referral.case, merged),
        channel=Channel.API,
    )


@router.get(
    "/referrals/{referral_id}/transitions",
    response={200: list[TransitionOut], **ERRORS},
    summary="紹介・依頼の経過",
    url_name="referral_transitions",
)
@paginated
def referral_transitions(request: TsunaguRequest, referral_id: int) -> QuerySet[ReferralTransition]:
    return selectors.transitions_of(access_referral(request.actor, referral_id))


@router.post(
    "/referrals/{referral_id}/transitions",
    response={200: ReferralOut, **ERRORS},
    summary="紹介・依頼の状態を進める",
    url_name="referral_transition",
)
def referral_transition(
    request: TsunaguRequest, referral_id: int, payload: TransitionIn
) -> Referral:
    """依頼元（requester）: request, cancel, confirm。依頼先（receiver）: acknowledge, accept,
    reject, start, hold, resume, complete, fail。立場が違う・理由がない → 422、
    いまの状態からはできない → 409。"""
    referral = access_referral(request.actor, referral_id, for_write=True)
    return services.referral_transition(
        actor=request.actor,
        referral=referral,
        action=payload.action,
        reason=payload.reason,
        outcome=payload.outcome,
        receiving_worker=_user(payload.receiving_worker_id, "receiving_worker_id"),
        previous_lead_role=payload.previous_lead_role,
        channel=Channel.API,
    )


@router.get(
    "/referrals/{referral_id}/fhir",
    response={200: dict[str, Any], **ERRORS},
    summary="FHIR R4 Bundle（Patient, Organization, ServiceRequest, Task, Consent）",
    url_name="referral_fhir",
)
def referral_fhir(request: TsunaguRequest, referral_id: int) -> dict[str, Any]:
    """受理前の依頼先には、Patient は依頼元が選んだ概要の範囲だけが入ります。"""
    referral = access_referral(request.actor, referral_id)
    return services.referral_fhir_export(request.actor, referral=referral)


@router.post(
    "/referrals/{referral_id}/fhir/task",
    response={200: TaskImportOut, **ERRORS},
    summary="連携先システムからのFHIR Task（状態の更新）の取り込み",
    url_name="referral_fhir_task",
)
def referral_fhir_task(
    request: TsunaguRequest, referral_id: int, payload: Body[dict[str, Any]]
) -> dict[str, Any]:
    """Task.status（requested+businessStatus received / received, accepted, rejected,
    in-progress, on-hold, completed, failed, cancelled）を、画面と同じ規則で反映します。
    理由は statusReason.text、完了の報告は output[].valueString（または note）。
    いまと同じ状態なら何も変えずに changed: false を返します。"""
    referral = access_referral(request.actor, referral_id, for_write=True)
    update = fhir.task_update(referral, payload)
    if update.move is None:
        return {"changed": False, "referral": referral}
    referral = services.referral_transition(
        actor=request.actor,
        referral=referral,
        action=update.move.action,
        reason=update.reason,
        outcome=update.outcome,
        channel=Channel.FHIR,
    )
    return {"changed": True, "referral": referral}
