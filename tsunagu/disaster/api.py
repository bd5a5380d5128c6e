"""The disaster API: the same access helpers, selectors and services as the screens."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Router, Schema, Status

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.core.api import ERRORS, ErrorOut, Listing, paginated
from tsunagu.core.errors import FieldErrors
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.schemas import Out
from tsunagu.core.validators import MAX_ID, Id, SaneDate
from tsunagu.disaster import access, offline, selectors, services
from tsunagu.disaster.models import Campaign, CheckState, Criteria, EvacuationPlan, RegisterEntry
from tsunagu.organizations.models import Area, Organization

router = Router(tags=["disaster"])


class DisasterCriteriaOut(Out):
    id: int
    physical_grades: list[str]
    intellectual_grades: list[str]
    mental_grades: list[str]
    min_support_category: int | None
    living_alone: bool
    medical_equipment: bool
    created_at: dt.datetime


class DisasterCriteriaIn(Schema):
    physical_grades: list[str] = Field(default_factory=list, max_length=6)
    intellectual_grades: list[str] = Field(default_factory=list, max_length=2)
    mental_grades: list[str] = Field(default_factory=list, max_length=3)
    min_support_category: int | None = Field(None, ge=1, le=6)
    living_alone: bool = False
    medical_equipment: bool = True


class DisasterPlanOut(Out):
    helpers: str
    destination: str
    belongings: str
    medical_needs: str
    contact: str
    updated_at: dt.datetime


class DisasterPlanIn(Schema):
    helpers: str = Field("", max_length=2000)
    destination: str = Field("", max_length=200)
    belongings: str = Field("", max_length=2000)
    medical_needs: str = Field("", max_length=2000)
    contact: str = Field("", max_length=200)


class DisasterEntryOut(Out):
    id: int
    person_id: int
    name: str = Field(alias="person.display_name")
    area_id: int | None = Field(alias="person.area_id")
    source: str
    medical_equipment: bool
    consent_given_on: dt.date | None
    consent_withdrawn_on: dt.date | None
    consents: bool


class DisasterEntryIn(Schema):
    person_id: Id
    medical_equipment: bool = False


class DisasterConsentIn(Schema):
    given: bool
    on: SaneDate | None = None


class DisasterCampaignOut(Out):
    id: int
    title: str
    basis: str
    started_at: dt.datetime
    closed_at: dt.datetime | None
    area_ids: list[int]
    worker_ids: list[int]

    @staticmethod
    def resolve_area_ids(obj: Campaign) -> list[int]:
        return sorted(a.pk for a in obj.areas.all())

    @staticmethod
    def resolve_worker_ids(obj: Campaign) -> list[int]:
        return sorted(o.pk for o in obj.workers.all())


class DisasterCampaignIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    area_ids: list[Id] = Field(..., min_length=1, max_length=50)
    worker_ids: list[Id] = Field(default_factory=list, max_length=200)


class DisasterAreaProgressOut(Schema):
    area: str
    total: int
    counts: dict[str, int]
    unchecked: int


class DisasterProgressOut(Schema):
    campaign: DisasterCampaignOut
    areas: list[DisasterAreaProgressOut]


class DisasterCheckRowOut(Schema):
    entry_id: int
    person_id: int
    name: str
    address: str
    state: str | None
    evacuated_to: str
    note: str
    recorded_at: dt.datetime | None


class DisasterCheckIn(Schema):
    entry_id: Id
    state: CheckState
    evacuated_to: str = Field("", max_length=200)
    note: str = Field("", max_length=500)
    # The version the helper saw (the latest check's id, 0 for none); left out, none is
    # compared and the state is taken as it comes.
    base: int | None = Field(None, ge=0, le=MAX_ID)


class DisasterCheckOut(Out):
    id: int
    campaign_id: int
    entry_id: int
    state: str
    evacuated_to: str
    note: str
    recorded_at: dt.datetime
    resolution: str
    conflict_with_id: int | None


class DisasterSyncResultOut(Schema):
    client_id: str
    status: str
    replayed: bool
    message: str
    check: DisasterCheckOut | None


class DisasterSyncOut(Schema):
    results: list[DisasterSyncResultOut]


class DisasterConflictOut(Schema):
    person_id: int
    name: str
    incoming: DisasterCheckOut
    existing: DisasterCheckOut | None


class DisasterSettleIn(Schema):
    keep: Literal["incoming", "existing"]


@router.get(
    "/disaster/criteria",
    response={200: DisasterCriteriaOut | None, 404: ErrorOut},
    summary="名簿掲載の基準（市）",
    url_name="disaster_criteria_get",
)
def criteria_get(request: TsunaguRequest) -> Criteria | None:
    audit.require_role(request.actor, access.may_manage, view="disaster_criteria")
    return services.current_criteria()


@router.put(
    "/disaster/criteria",
    response={200: DisasterCriteriaOut, **ERRORS},
    summary="名簿掲載の基準を定める（市、第49条の10）",
    url_name="disaster_criteria_set",
)
def criteria_set(request: TsunaguRequest, payload: DisasterCriteriaIn) -> Criteria:
    return services.criteria_set(request.actor, **payload.model_dump())


@router.post(
    "/disaster/register/build",
    response={200: list[DisasterEntryOut], **ERRORS},
    summary="基準に当てはまる人を名簿に加える（市）",
    url_name="disaster_register_build",
)
def register_build(request: TsunaguRequest) -> list[RegisterEntry]:
    return services.register_build(request.actor)


@router.get(
    "/disaster/entries",
    response={200: list[DisasterEntryOut], 404: ErrorOut, 422: ErrorOut},
    summary="避難行動要支援者名簿（見られる人だけ）",
    url_name="disaster_entry_list",
)
@paginated
def entry_list(request: TsunaguRequest, area_id: Id | None = None) -> Any:
    actor = request.actor
    area = None
    if area_id is not None:
        area = Area.objects.filter(pk=area_id).first()
        if area is None:
            raise FieldErrors({"area_id": "地域が見つかりません。"})

    def shown(rows: list[Any]) -> None:
        audit.record_read(
            actor,
            view="disaster_entry_list",
            person_ids=[e.person_id for e in rows],
            filters={"area_id": area_id or ""},
        )

    return Listing(selectors.register_rows(actor, area=area), on_page=shown)


@router.post(
    "/disaster/entries",
    response={201: DisasterEntryOut, **ERRORS},
    summary="名簿に個別に加える（市）",
    url_name="disaster_entry_add",
)
def entry_add(request: TsunaguRequest, payload: DisasterEntryIn) -> Status[RegisterEntry]:
    actor = audit.require_role(request.actor, access.may_manage, view="disaster_entry_add")
    person = services.person_to_add(actor, payload.person_id)
    entry = services.entry_add(actor, person=person, medical_equipment=payload.medical_equipment)
    return Status(201, entry)


@router.get(
    "/disaster/entries/{entry_id}",
    response={200: DisasterEntryOut, 404: ErrorOut},
    summary="名簿の1人",
    url_name="disaster_entry_detail",
)
def entry_detail(request: TsunaguRequest, entry_id: int) -> RegisterEntry:
    entry = access.access_entry(request.actor, entry_id)
    audit.record(
        action=Action.RECORD_VIEWED, actor=request.actor, target=entry, person_ids=[entry.person_id]
    )
    return entry


@router.post(
    "/disaster/entries/{entry_id}/consent",
    response={200: DisasterEntryOut, **ERRORS},
    summary="平常時提供への同意・撤回を記録する（第49条の11第2項）",
    url_name="disaster_entry_consent",
)
def entry_consent(
    request: TsunaguRequest, entry_id: int, payload: DisasterConsentIn
) -> RegisterEntry:
    entry = access.access_entry(request.actor, entry_id)
    return services.consent_record(request.actor, entry=entry, given=payload.given, on=payload.on)


@router.get(
    "/disaster/entries/{entry_id}/plan",
    response={200: DisasterPlanOut | None, 404: ErrorOut},
    summary="個別避難計画（第49条の14）",
    url_name="disaster_plan_get",
)
def plan_get(request: TsunaguRequest, entry_id: int) -> EvacuationPlan | None:
    entry = access.access_entry(request.actor, entry_id)
    audit.record(
        action=Action.RECORD_VIEWED, actor=request.actor, target=entry, person_ids=[entry.person_id]
    )
    return EvacuationPlan.objects.filter(entry=entry).first()


@router.put(
    "/disaster/entries/{entry_id}/plan",
    response={200: DisasterPlanOut, **ERRORS},
    summary="個別避難計画を保存する（第49条の14）",
    url_name="disaster_plan_save",
)
def plan_save(request: TsunaguRequest, entry_id: int, payload: DisasterPlanIn) -> EvacuationPlan:
    entry = access.access_entry(request.actor, entry_id)
    return services.plan_save(request.actor, entry=entry, **payload.model_dump())


@router.get(
    "/disaster/campaigns",
    response={200: list[DisasterCampaignOut], 404: ErrorOut, 422: ErrorOut},
    summary="安否確認の一覧",
    url_name="disaster_campaign_list",
)
@paginated
def campaign_list(request: TsunaguRequest) -> Any:
    return access.campaigns_visible_to(request.actor).prefetch_related("areas", "workers")


@router.post(
    "/disaster/campaigns",
    response={201: DisasterCampaignOut, **ERRORS},
    summary="安否確認を始める（市、第49条の11第3項の提供の根拠が始まる）",
    url_name="disaster_campaign_declare",
)
def campaign_declare(request: TsunaguRequest, payload: DisasterCampaignIn) -> Status[Campaign]:
    actor = audit.require_role(request.actor, access.may_manage, view="disaster_campaign_declare")
    areas = list(Area.objects.filter(pk__in=set(payload.area_ids), kind__in=["city", "ward"]))
    if len(areas) != len(set(payload.area_ids)):
        raise FieldErrors({"area_ids": "対象地域は市または区から選びます。"})
    workers = list(Organization.objects.filter(pk__in=set(payload.worker_ids), is_active=True))
    if len(workers) != len(set(payload.worker_ids)):
        raise FieldErrors({"worker_ids": "機関が見つかりません。"})
    campaign = services.campaign_declare(actor, title=payload.title, areas=areas, workers=workers)
    return Status(201, campaign)


@router.get(
    "/disaster/campaigns/{campaign_id}",
    response={200: DisasterProgressOut, 404: ErrorOut},
    summary="安否確認の地域別の進み具合",
    url_name="disaster_campaign_detail",
)
def campaign_detail(request: TsunaguRequest, campaign_id: int) -> dict[str, Any]:
    actor = request.actor
    campaign = access.access_campaign(actor, campaign_id)
    audit.record(action=Action.RECORD_VIEWED, actor=actor, target=campaign)
    return {
        "campaign": campaign,
        "areas": [
            {"area": p.area, "total": p.total, "counts": p.counts, "unchecked": p.unchecked}
            for p in selectors.progress(actor, campaign)
        ],
    }


@router.get(
    "/disaster/campaigns/{campaign_id}/rows",
    response={200: list[DisasterCheckRowOut], 404: ErrorOut, 422: ErrorOut},
    summary="安否確認の対象者（未確認の人から）",
    url_name="disaster_campaign_rows",
)
@paginated
def campaign_rows(request: TsunaguRequest, campaign_id: int) -> Any:
    actor = request.actor
    campaign = access.access_campaign(actor, campaign_id)

    def shown(rows: list[Any]) -> None:
        audit.record_read(
            actor,
            view="disaster_campaign_rows",
            person_ids=[r.entry.person_id for r in rows],
            target=campaign,
        )
        rows[:] = [
            {
                "entry_id": r.entry.pk,
                "person_id": r.entry.person_id,
                "name": r.entry.person.display_name,
                "address": r.shown_address,
                "state": r.latest.state if r.latest else None,
                "evacuated_to": r.latest.evacuated_to if r.latest else "",
                "note": r.latest.note if r.latest else "",
                "recorded_at": r.latest.recorded_at if r.latest else None,
            }
            for r in rows
        ]

    return Listing(selectors.campaign_rows(actor, campaign), on_page=shown)


@router.post(
    "/disaster/campaigns/{campaign_id}/checks",
    response={201: DisasterCheckOut, **ERRORS},
    summary="安否を記録する",
    url_name="disaster_check_record",
)
def check_record(
    request: TsunaguRequest, campaign_id: int, payload: DisasterCheckIn
) -> Status[Any]:
    actor = request.actor
    campaign = access.access_campaign(actor, campaign_id)
    entry = access.access_entry(actor, payload.entry_id)
    check = services.check_record(
        actor,
        campaign=campaign,
        entry=entry,
        state=str(payload.state.value),
        evacuated_to=payload.evacuated_to,
        note=payload.note,
        base=services.NO_BASE if payload.base is None else (payload.base or None),
    )
    return Status(201, check)


@router.post(
    "/disaster/campaigns/{campaign_id}/checks/batch",
    response={200: DisasterSyncOut, 410: ErrorOut, **ERRORS},
    summary="端末にたまった安否をまとめて送る（版つき・記録IDで再送しても一度だけ）",
    url_name="disaster_check_batch",
)
def check_batch(
    request: TsunaguRequest, campaign_id: int, payload: offline.DisasterSyncIn
) -> dict[str, Any]:
    actor = request.actor
    campaign = access.access_campaign(actor, campaign_id)
    results = services.checks_sync(actor, campaign=campaign, items=offline.items_of(payload))
    return {
        "results": [
            {
                "client_id": r.client_id,
                "status": r.status,
                "replayed": r.replayed,
                "message": r.message,
                "check": r.check,
            }
            for r in results
        ]
    }


@router.get(
    "/disaster/campaigns/{campaign_id}/conflicts",
    response={200: list[DisasterConflictOut], 404: ErrorOut, 422: ErrorOut},
    summary="競合している安否の記録（市・基幹相談支援センター）",
    url_name="disaster_conflict_list",
)
@paginated
def conflict_list(request: TsunaguRequest, campaign_id: int) -> Any:
    actor = audit.require_role(request.actor, access.oversees, view="disaster_campaign_conflicts")
    campaign = access.access_campaign(actor, campaign_id)

    def shown(rows: list[Any]) -> None:
        audit.record_read(
            actor,
            view="disaster_campaign_conflicts",
            person_ids=sorted({c.entry.person_id for c in rows}),
            target=campaign,
        )
        rows[:] = [
            {
                "person_id": c.entry.person_id,
                "name": c.entry.person.display_name,
                "incoming": c,
                "existing": c.conflict_with,
            }
            for c in rows
        ]

    return Listing(services.open_conflicts(campaign), on_page=shown)


@router.post(
    "/disaster/campaigns/{campaign_id}/conflicts/{check_id}/settle",
    response={200: DisasterCheckOut, **ERRORS},
    summary="競合を解決する（どちらの記録を採るか）",
    url_name="disaster_conflict_settle",
)
def conflict_settle(
    request: TsunaguRequest, campaign_id: int, check_id: int, payload: DisasterSettleIn
) -> Any:
    campaign = access.access_campaign(request.actor, campaign_id)
    return services.conflict_settle(
        request.actor, campaign=campaign, check_id=check_id, keep=payload.keep
    )


@router.post(
    "/disaster/campaigns/{campaign_id}/close",
    response={200: DisasterCampaignOut, **ERRORS},
    summary="安否確認を終了する（災害時の提供の根拠が終わる）",
    url_name="disaster_campaign_close",
)
def campaign_close(request: TsunaguRequest, campaign_id: int) -> Campaign:
    campaign = access.access_campaign(request.actor, campaign_id)
    return services.campaign_close(request.actor, campaign=campaign)
