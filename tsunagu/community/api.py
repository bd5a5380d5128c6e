"""The community API: the same access helpers, selectors and services as the screens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import FileResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from tsunagu.accounts.models import User
from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.cases.access import consultations_visible_to
from tsunagu.community import access, selectors, services
from tsunagu.community.models import (
    PARTICIPANT_FIELDS,
    ActivityKind,
    Audience,
    AwarenessEvent,
    AwarenessMaterial,
    AwarenessTheme,
    CloseReason,
    CommunityActivity,
    LeadBasis,
    LeadStatus,
    OutreachLead,
    WorriedBy,
)
from tsunagu.core.api import ERRORS, ErrorOut, Listing, paginated
from tsunagu.core.dates import fiscal_year as fiscal_year_of
from tsunagu.core.errors import FieldErrors
from tsunagu.core.http import TsunaguRequest, stored_download
from tsunagu.core.schemas import Out
from tsunagu.core.validators import Id, SaneDate, SaneDateTime, Year
from tsunagu.meetings.selectors import issues_visible_to
from tsunagu.organizations.models import Area, Organization

router = Router(tags=["community"])
COUNT = Field(0, ge=0, le=100_000)


class CommunityActivityOut(Out):
    id: int
    organization_id: int
    kind: str
    held_on: dt.date
    title: str
    area_id: int
    partner_ids: list[int]
    informal_partners: str
    residents: int
    students: int
    firms: int
    welfare_commissioners: int
    others: int
    description: str
    consultation_id: int | None
    resource_found: str
    community_issue_id: int | None
    awareness_id: int | None

    @staticmethod
    def resolve_partner_ids(obj: CommunityActivity) -> list[int]:
        return sorted(o.pk for o in obj.partners.all())

    @staticmethod
    def resolve_consultation_id(obj: CommunityActivity, context: dict[str, Any]) -> int | None:
        # Shown only to those who see the consultation (community/access.py).
        shown = getattr(obj, "consultation_visible", None)  # annotated on the lists
        if shown is None:
            shown = access.consultation_shown(context["request"].actor, obj)
        return obj.consultation_id if shown else None

    @staticmethod
    def resolve_awareness_id(obj: CommunityActivity) -> int | None:
        event = getattr(obj, "awareness", None)
        return event.pk if event is not None else None


class CommunityActivityIn(Schema):
    kind: ActivityKind
    held_on: SaneDate
    title: str = Field(..., min_length=1, max_length=120)
    area_id: Id
    partner_ids: list[Id] = Field(default_factory=list, max_length=100)
    informal_partners: str = Field("", max_length=300)
    residents: int = COUNT
    students: int = COUNT
    firms: int = COUNT
    welfare_commissioners: int = COUNT
    others: int = COUNT
    description: str = Field("", max_length=5000)
    consultation_id: Id | None = None
    resource_found: str = Field("", max_length=200)
    community_issue_id: Id | None = None


class CommunityAwarenessIn(CommunityActivityIn):
    kind: ActivityKind = ActivityKind.AWARENESS
    theme: AwarenessTheme
    audiences: list[Audience] = Field(..., min_length=1, max_length=6)
    supporters_completed: int = COUNT
    questionnaire: dict[str, dict[str, int]] = Field(default_factory=dict)


class CommunityAwarenessResultsIn(Schema):
    theme: AwarenessTheme
    audiences: list[Audience] = Field(..., min_length=1, max_length=6)
    supporters_completed: int = COUNT
    questionnaire: dict[str, dict[str, int]] = Field(default_factory=dict)


class CommunityAwarenessOut(Out):
    id: int
    activity_id: int
    title: str = Field(alias="activity.title")
    held_on: dt.date = Field(alias="activity.held_on")
    area_id: int = Field(alias="activity.area_id")
    organization_id: int = Field(alias="activity.organization_id")
    theme: str
    audiences: list[str]
    supporters_completed: int
    questionnaire: dict[str, dict[str, int]]


class CommunityMaterialOut(Out):
    id: int
    event_id: int
    original_name: str
    content_type: str
    size: int
    url: str

    @staticmethod
    def resolve_url(material: AwarenessMaterial) -> str:
        return reverse("community:material_download", args=[material.pk])


class CommunityLeadOut(Out):
    id: int
    label: str
    area_id: int
    worried_by: str
    worried_by_organization_id: int | None
    concern: str
    received_on: dt.date
    basis: str
    consent_given_on: dt.date | None
    consent_confirmed_by: str
    emergency_ends_on: dt.date | None
    reviewer_id: int | None
    basis_holds: bool
    first_contact_on: dt.date | None
    days_to_first_contact: int | None
    status: str
    consultation_id: int | None
    closed_on: dt.date | None
    close_reason: str
    close_note: str


class CommunityLeadIn(Schema):
    label: str = Field(..., min_length=1, max_length=20)
    area_id: Id
    worried_by: WorriedBy
    worried_by_organization_id: Id | None = None
    concern: str = Field(..., min_length=1, max_length=500)
    received_on: SaneDate
    basis: LeadBasis
    consent_given_on: SaneDate | None = None
    consent_confirmed_by: str = Field("", max_length=100)
    emergency_ends_on: SaneDate | None = None
    reviewer_id: Id | None = None


class CommunityLeadContactIn(Schema):
    on: SaneDate


class CommunityLeadConsentIn(Schema):
    given_on: SaneDate
    confirmed_by: str = Field("", max_length=100)


class CommunityLeadConnectIn(Schema):
    received_at: SaneDateTime | None = None
    main_concern: str = Field("", max_length=5000)


class CommunityLeadConnectOut(Schema):
    lead: CommunityLeadOut
    consultation_id: int


class CommunityLeadCloseIn(Schema):
    reason: CloseReason
    note: str = Field("", max_length=200)
    on: SaneDate | None = None


class CommunityCountOut(Schema):
    key: str
    label: str
    count: int


class CommunityFiguresOut(Schema):
    fiscal_year: int
    total: int
    by_kind: list[CommunityCountOut]
    by_month: list[CommunityCountOut]
    by_ward: list[CommunityCountOut]
    supporters_by_ward: list[CommunityCountOut]
    participants: list[CommunityCountOut]
    connected: int
    resources_found: int
    issues_raised: int
    leads: int
    leads_connected: int
    leads_closed: int
    median_days_to_first_contact: float | None


# --- Activities -------------------------------------------------------------------------------


def _activity_fields(actor: Any, payload: CommunityActivityIn) -> dict[str, Any]:
    area = Area.objects.filter(pk=payload.area_id).first()
    if area is None:
        raise FieldErrors({"area_id": "地域が見つかりません。"})
    partners = list(Organization.objects.filter(pk__in=set(payload.partner_ids)))
    if len(partners) != len(set(payload.partner_ids)):
        raise FieldErrors({"partner_ids": "機関が見つかりません。"})
    consultation = None
    if payload.consultation_id is not None:
        consultation = consultations_visible_to(actor).filter(pk=payload.consultation_id).first()
        if consultation is None:
            raise FieldErrors({"consultation_id": "相談が見つかりません。"})
    issue = None
    if payload.community_issue_id is not None:
        issue = issues_visible_to(actor).filter(pk=payload.community_issue_id).first()
        if issue is None:
            raise FieldErrors({"community_issue_id": "地域課題が見つかりません。"})
    return {
        "kind": str(payload.kind.value),
        "held_on": payload.held_on,
        "title": payload.title,
        "area": area,
        "partners": partners,
        "informal_partners": payload.informal_partners,
        "residents": payload.residents,
        "students": payload.students,
        "firms": payload.firms,
        "welfare_commissioners": payload.welfare_commissioners,
        "others": payload.others,
        "description": payload.description,
        "consultation": consultation,
        "resource_found": payload.resource_found,
        "community_issue": issue,
    }


@router.get(
    "/community/activities",
    response={200: list[CommunityActivityOut], 404: ErrorOut, 422: ErrorOut},
    summary="地域活動の一覧",
    url_name="community_activity_list",
)
@paginated
def activity_list(
    request: TsunaguRequest, kind: ActivityKind | None = None, fiscal_year: Year | None = None
) -> Any:
    return selectors.activity_list(
        request.actor, kind=str(kind.value) if kind else "", year=fiscal_year
    ).prefetch_related("partners")


@router.post(
    "/community/activities",
    response={201: CommunityActivityOut, **ERRORS},
    summary="地域活動を記録する",
    url_name="community_activity_create",
)
def activity_create(
    request: TsunaguRequest, payload: CommunityActivityIn
) -> Status[CommunityActivity]:
    actor = request.actor
    return Status(201, services.activity_create(actor, **_activity_fields(actor, payload)))


@router.get(
    "/community/activities/{activity_id}",
    response={200: CommunityActivityOut, 404: ErrorOut},
    summary="地域活動",
    url_name="community_activity_detail",
)
def activity_detail(request: TsunaguRequest, activity_id: int) -> CommunityActivity:
    actor = request.actor
    activity = access.access_activity(actor, activity_id)
    audit.record(action=Action.RECORD_VIEWED, actor=actor, target=activity)
    return activity


@router.put(
    "/community/activities/{activity_id}",
    response={200: CommunityActivityOut, **ERRORS},
    summary="地域活動を直す（記録した機関）",
    url_name="community_activity_update",
)
def activity_update(
    request: TsunaguRequest, activity_id: int, payload: CommunityActivityIn
) -> CommunityActivity:
    actor = request.actor
    activity = access.access_activity(actor, activity_id, for_write=True)
    return services.activity_update(actor, activity=activity, **_activity_fields(actor, payload))


# --- Awareness --------------------------------------------------------------------------------


@router.get(
    "/community/awareness",
    response={200: list[CommunityAwarenessOut], 404: ErrorOut, 422: ErrorOut},
    summary="普及啓発の一覧",
    url_name="community_awareness_list",
)
@paginated
def awareness_list(request: TsunaguRequest, fiscal_year: Year | None = None) -> Any:
    return selectors.awareness_list(request.actor, year=fiscal_year)


@router.post(
    "/community/awareness",
    response={201: CommunityAwarenessOut, **ERRORS},
    summary="普及啓発を記録する（テーマ・対象・アンケートの回答数・サポーター修了者）",
    url_name="community_awareness_create",
)
def awareness_create(
    request: TsunaguRequest, payload: CommunityAwarenessIn
) -> Status[AwarenessEvent]:
    actor = request.actor
    fields = _activity_fields(actor, payload)
    fields.pop("kind")
    event = services.awareness_create(
        actor,
        theme=str(payload.theme.value),
        audiences=[str(a.value) for a in payload.audiences],
        supporters_completed=payload.supporters_completed,
        questionnaire=payload.questionnaire,
        **fields,
    )
    return Status(201, event)


def _event(actor: Any, activity_id: int, *, for_write: bool = False) -> AwarenessEvent:
    activity = access.access_activity(actor, activity_id, for_write=for_write)
    event = AwarenessEvent.objects.filter(activity=activity).first()
    if event is None:
        raise audit.not_found(actor, access.ACTIVITY, activity_id, "not an awareness event")
    return event


@router.get(
    "/community/activities/{activity_id}/awareness",
    response={200: CommunityAwarenessOut, 404: ErrorOut},
    summary="普及啓発の記録",
    url_name="community_awareness_detail",
)
def awareness_detail(request: TsunaguRequest, activity_id: int) -> AwarenessEvent:
    event = _event(request.actor, activity_id)
    audit.record(action=Action.RECORD_VIEWED, actor=request.actor, target=event)
    return event


@router.put(
    "/community/activities/{activity_id}/awareness",
    response={200: CommunityAwarenessOut, **ERRORS},
    summary="普及啓発の結果を記録する（記録した機関）",
    url_name="community_awareness_results",
)
def awareness_results(
    request: TsunaguRequest, activity_id: int, payload: CommunityAwarenessResultsIn
) -> AwarenessEvent:
    event = _event(request.actor, activity_id, for_write=True)
    return services.awareness_update(
        request.actor,
        event=event,
        theme=str(payload.theme.value),
        audiences=[str(a.value) for a in payload.audiences],
        supporters_completed=payload.supporters_completed,
        questionnaire=payload.questionnaire,
    )


@router.get(
    "/community/activities/{activity_id}/materials",
    response={200: list[CommunityMaterialOut], 404: ErrorOut, 422: ErrorOut},
    summary="普及啓発の資料の一覧",
    url_name="community_materials",
)
@paginated
def materials_list(request: TsunaguRequest, activity_id: int) -> Any:
    return selectors.event_materials(_event(request.actor, activity_id))


@router.post(
    "/community/activities/{activity_id}/materials",
    response={201: list[CommunityMaterialOut], 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="普及啓発の資料を追加する（添付ファイルと同じ検査）",
    url_name="community_materials_add",
)
def materials_add(
    request: TsunaguRequest, activity_id: int, files: File[list[UploadedFile] | None] = None
) -> Status[list[AwarenessMaterial]]:
    event = _event(request.actor, activity_id, for_write=True)
    return Status(201, services.materials_add(request.actor, event=event, files=files or []))


@router.get(
    "/community/materials/{material_id}",
    response={200: None, 404: ErrorOut},
    summary="普及啓発の資料のダウンロード",
    url_name="community_material_download",
)
def material_download(request: TsunaguRequest, material_id: int) -> FileResponse:
    material = access.access_material(request.actor, material_id)
    response = stored_download(material)
    audit.record(
        action=Action.RECORD_VIEWED,
        actor=request.actor,
        target=material,
        detail={"event": material.event_id, "downloaded": True},
    )
    return response


# --- Outreach ---------------------------------------------------------------------------------


@router.get(
    "/community/leads",
    response={200: list[CommunityLeadOut], 404: ErrorOut, 422: ErrorOut},
    summary="アウトリーチの一覧（受けた機関だけ）",
    url_name="community_lead_list",
)
@paginated
def lead_list(request: TsunaguRequest, status: LeadStatus | None = None) -> Any:
    actor = request.actor

    def shown(rows: list[Any]) -> None:
        audit.record_read(
            actor,
            view="community_lead_list",
            person_ids=[],
            filters={"status": status.value if status else ""},
        )

    return Listing(
        selectors.lead_list(actor, status=str(status.value) if status else ""), on_page=shown
    )


@router.post(
    "/community/leads",
    response={201: CommunityLeadOut, **ERRORS},
    summary="アウトリーチを記録する（最小限の情報と記録の根拠）",
    url_name="community_lead_create",
)
def lead_create(request: TsunaguRequest, payload: CommunityLeadIn) -> Status[OutreachLead]:
    actor = request.actor
    area = Area.objects.filter(pk=payload.area_id).first()
    if area is None:
        raise FieldErrors({"area_id": "地域が見つかりません。"})
    org = None
    if payload.worried_by_organization_id is not None:
        org = Organization.objects.filter(pk=payload.worried_by_organization_id).first()
        if org is None:
            raise FieldErrors({"worried_by_organization_id": "機関が見つかりません。"})
    reviewer = None
    if payload.reviewer_id is not None:
        reviewer = User.objects.filter(pk=payload.reviewer_id).first()
        if reviewer is None:
            raise FieldErrors(
                {"reviewer": "確認者は基幹相談支援センターの職員から選んでください。"}
            )
    lead = services.lead_create(
        actor,
        label=payload.label,
        area=area,
        worried_by=str(payload.worried_by.value),
        worried_by_organization=org,
        concern=payload.concern,
        received_on=payload.received_on,
        basis=str(payload.basis.value),
        consent_given_on=payload.consent_given_on,
        consent_confirmed_by=payload.consent_confirmed_by,
        emergency_ends_on=payload.emergency_ends_on,
        reviewer=reviewer,
    )
    return Status(201, lead)


@router.get(
    "/community/leads/{lead_id}",
    response={200: CommunityLeadOut, 404: ErrorOut},
    summary="アウトリーチ",
    url_name="community_lead_detail",
)
def lead_detail(request: TsunaguRequest, lead_id: int) -> OutreachLead:
    lead = access.access_lead(request.actor, lead_id)
    audit.record(action=Action.RECORD_VIEWED, actor=request.actor, target=lead)
    return lead


@router.post(
    "/community/leads/{lead_id}/contact",
    response={200: CommunityLeadOut, **ERRORS},
    summary="初めて会えた日を記録する",
    url_name="community_lead_contact",
)
def lead_contact(
    request: TsunaguRequest, lead_id: int, payload: CommunityLeadContactIn
) -> OutreachLead:
    lead = access.access_lead(request.actor, lead_id, for_write=True)
    return services.lead_contact(request.actor, lead=lead, on=payload.on)


@router.post(
    "/community/leads/{lead_id}/consent",
    response={200: CommunityLeadOut, **ERRORS},
    summary="本人の同意を記録する（記録の根拠が同意になる）",
    url_name="community_lead_consent",
)
def lead_consent(
    request: TsunaguRequest, lead_id: int, payload: CommunityLeadConsentIn
) -> OutreachLead:
    lead = access.access_lead(request.actor, lead_id, for_write=True)
    return services.lead_consent(
        request.actor, lead=lead, given_on=payload.given_on, confirmed_by=payload.confirmed_by
    )


@router.post(
    "/community/leads/{lead_id}/connect",
    response={201: CommunityLeadConnectOut, **ERRORS},
    summary="相談につなぐ（相談受付を作る）",
    url_name="community_lead_connect",
)
def lead_connect(
    request: TsunaguRequest, lead_id: int, payload: CommunityLeadConnectIn
) -> Status[dict[str, Any]]:
    lead = access.access_lead(request.actor, lead_id, for_write=True)
    if payload.received_at is not None and payload.received_at > timezone.now():
        raise FieldErrors({"received_at": "未来の日時は指定できません。"})
    consultation = services.lead_connect(
        request.actor, lead=lead, received_at=payload.received_at, main_concern=payload.main_concern
    )
    lead.refresh_from_db()
    return Status(201, {"lead": lead, "consultation_id": consultation.pk})


@router.post(
    "/community/leads/{lead_id}/close",
    response={200: CommunityLeadOut, **ERRORS},
    summary="アウトリーチを終了する（理由）",
    url_name="community_lead_close",
)
def lead_close(
    request: TsunaguRequest, lead_id: int, payload: CommunityLeadCloseIn
) -> OutreachLead:
    lead = access.access_lead(request.actor, lead_id, for_write=True)
    return services.lead_close(
        request.actor, lead=lead, reason=str(payload.reason.value), note=payload.note, on=payload.on
    )


# --- Figures ----------------------------------------------------------------------------------


@router.get(
    "/community/figures",
    response={200: CommunityFiguresOut, 404: ErrorOut, 422: ErrorOut},
    summary="地域活動の集計（種類別・月別・区別、サポーター、アウトリーチ）",
    url_name="community_figures",
)
def figures(request: TsunaguRequest, fiscal_year: Year | None = None) -> dict[str, Any]:
    actor = request.actor
    year = fiscal_year or fiscal_year_of(timezone.localdate())
    f = selectors.year_figures(
        year,
        organization_ids=None if access.oversees(actor) else [actor.organization_id or 0],
        leads_of=actor.organization_id,
    )
    audit.record(
        action=Action.RECORD_VIEWED,
        actor=actor,
        target_type="community.figures",
        target_id=year,
        detail={"scope": "all" if access.oversees(actor) else "own"},
    )

    def rows(keys: list[tuple[str, str]], counts: Any) -> list[dict[str, Any]]:
        return [{"key": k, "label": label, "count": counts[k]} for k, label in keys]

    return {
        "fiscal_year": year,
        "total": f.total,
        "by_kind": rows(f.kinds, f.by_kind),
        "by_month": rows(f.months, f.by_month),
        "by_ward": rows(f.wards, f.by_ward),
        "supporters_by_ward": rows(f.wards, f.supporters_by_ward),
        "participants": [
            {"key": k, "label": label, "count": f.participants[k]}
            for k, label in [(n, str(lab)) for n, lab in PARTICIPANT_FIELDS]
        ],
        "connected": f.connected,
        "resources_found": f.resources_found,
        "issues_raised": f.issues_raised,
        "leads": f.leads,
        "leads_connected": f.leads_connected,
        "leads_closed": f.leads_closed,
        "median_days_to_first_contact": f.median_days_to_contact,
    }
