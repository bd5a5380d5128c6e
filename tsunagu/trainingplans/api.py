"""The training plan in the JSON API: the same access helpers, selectors and services."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Router, Schema, Status

from tsunagu.audit import services as audit
from tsunagu.core.api import ERRORS, ErrorOut, paginated
from tsunagu.core.errors import FieldErrors
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.schemas import Out, patch_field
from tsunagu.core.validators import Id, NonBlank
from tsunagu.expertise.models import Theme
from tsunagu.meetings.models import CommunityIssue
from tsunagu.organizations.models import OrganizationKind
from tsunagu.trainingplans import access, selectors, services
from tsunagu.trainingplans.models import (
    FIRST_YEAR,
    LAST_YEAR,
    NOTE_MAX_LENGTH,
    NeedSource,
    PlannedTraining,
    TrainingPlan,
)
from tsunagu.trainings.models import EventKind, TrainingEvent

router = Router(tags=["training plans"])

Month = Field(..., ge=1, le=12, description="予定月（1〜12）")


class TrainingPlanOut(Out):
    id: int
    organization_id: int
    organization_name: str = Field(alias="organization.name")
    fiscal_year: int
    status: str
    status_label: str = Field(alias="get_status_display")
    note: str


class TrainingPlanIn(Schema):
    fiscal_year: int = Field(..., ge=FIRST_YEAR, le=LAST_YEAR)
    note: str = Field("", max_length=NOTE_MAX_LENGTH)


class TrainingPlanPatch(Schema):
    note: str = patch_field(max_length=NOTE_MAX_LENGTH)
    status: Literal["draft", "published"] = patch_field()


class TrainingPlanEventRef(Out):
    id: int
    theme: str
    held_on: dt.date
    status: str


class PlannedTrainingOut(Out):
    id: int
    plan_id: int
    theme: str
    month: int
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    target_kinds: list[str]
    target_note: str
    need_source: str
    need_source_label: str = Field(alias="get_need_source_display")
    community_issue_id: int | None
    expertise_theme: str
    need_note: str
    event_ids: list[int]

    @staticmethod
    def resolve_event_ids(obj: PlannedTraining) -> list[int]:
        return sorted(e.pk for e in obj.events.all())


class PlannedTrainingIn(Schema):
    theme: NonBlank = Field(..., min_length=1, max_length=200)
    month: int = Month
    kind: EventKind
    target_kinds: list[OrganizationKind] = Field(default_factory=list, max_length=50)
    target_note: str = Field("", max_length=200)
    need_source: NeedSource
    community_issue_id: Id | None = None
    expertise_theme: Theme | Literal[""] = ""
    need_note: str = Field("", max_length=1000)
    event_ids: list[Id] = Field(default_factory=list, max_length=50)


class PlannedTrainingPatch(Schema):
    theme: NonBlank = patch_field(min_length=1, max_length=200)
    month: int = patch_field(ge=1, le=12)
    kind: EventKind = patch_field()
    target_kinds: list[OrganizationKind] = patch_field(max_length=50)
    target_note: str = patch_field(max_length=200)
    need_source: NeedSource = patch_field()
    community_issue_id: Id | None = patch_field()
    expertise_theme: Theme | Literal[""] = patch_field()
    need_note: str = patch_field(max_length=1000)
    event_ids: list[Id] = patch_field(max_length=50)


class PlannedTrainingProgressOut(Out):
    item: PlannedTrainingOut
    state: str
    state_label: str
    held: list[TrainingPlanEventRef]
    scheduled: list[TrainingPlanEventRef]


class TrainingPlanProgressOut(Out):
    plan: TrainingPlanOut
    items: list[PlannedTrainingProgressOut]
    unplanned: list[TrainingPlanEventRef]
    counts: dict[str, int]


class TrainingPlanIssueRef(Out):
    id: int
    title: str


class TrainingPlanIssueNeedOut(Out):
    theme: str
    theme_label: str
    count: int
    issues: list[TrainingPlanIssueRef]


class TrainingPlanWardCount(Out):
    ward: str
    offices: int


class TrainingPlanExpertiseNeedOut(Out):
    theme: str
    theme_label: str
    per_ward: list[TrainingPlanWardCount]
    short_wards: list[str]

    @staticmethod
    def resolve_per_ward(obj: selectors.ExpertiseNeed) -> list[dict[str, Any]]:
        return [{"ward": w, "offices": n} for w, n in obj.per_ward]


class TrainingPlanWaitingNeedOut(Out):
    event: TrainingPlanEventRef
    capacity: int
    waiting: int


class TrainingPlanCurriculumNeedOut(Out):
    curriculum: str
    stage: str
    requirement: str
    workers: int
    upcoming: int


class TrainingPlanNeedsOut(Out):
    issues: list[TrainingPlanIssueNeedOut]
    expertise: list[TrainingPlanExpertiseNeedOut]
    waiting: list[TrainingPlanWaitingNeedOut]
    curricula: list[TrainingPlanCurriculumNeedOut]


def _value(v: Any) -> Any:
    return getattr(v, "value", v)


def _item_fields(plan: TrainingPlan, payload: dict[str, Any]) -> dict[str, Any]:
    fields = {k: _value(v) for k, v in payload.items()}
    if "target_kinds" in fields:
        fields["target_kinds"] = [str(_value(v)) for v in fields["target_kinds"]]
    if "community_issue_id" in fields:
        issue_id = fields.pop("community_issue_id")
        issue = CommunityIssue.objects.filter(pk=issue_id).first() if issue_id else None
        if issue_id and issue is None:
            raise FieldErrors({"community_issue_id": "その地域課題はありません。"})
        fields["community_issue"] = issue
    if "event_ids" in fields:
        ids = set(fields.pop("event_ids"))
        events = list(TrainingEvent.objects.filter(pk__in=ids))
        if len(events) != len(ids):
            raise FieldErrors({"event_ids": "紐づけられない研修が含まれています。"})
        fields["events"] = events
    return fields


@router.get(
    "/training-plans",
    response={200: list[TrainingPlanOut], 404: ErrorOut, 422: ErrorOut},
    summary="研修計画の一覧（公開されたもの。作成中は作成した基幹相談支援センターと市）",
    url_name="training_plan_list",
)
@paginated
def plan_list(request: TsunaguRequest) -> Any:
    actor = audit.require_role(request.actor, access.may_view, view="training_plan_list")
    return selectors.plan_rows(actor)


@router.post(
    "/training-plans",
    response={201: TrainingPlanOut, **ERRORS},
    summary="研修計画を作成する（基幹相談支援センター）",
    url_name="training_plan_create",
)
def plan_create(request: TsunaguRequest, payload: TrainingPlanIn) -> Status[TrainingPlan]:
    actor = audit.require_role(request.actor, access.may_plan, view="training_plan_create")
    return Status(201, services.plan_create(actor, **payload.model_dump()))


@router.get(
    "/training-plans/{plan_id}",
    response={200: TrainingPlanProgressOut, 404: ErrorOut},
    summary="研修計画と実績（計画した研修ごとの開催状況、計画になかった開催）",
    url_name="training_plan_detail",
)
def plan_detail(request: TsunaguRequest, plan_id: int) -> dict[str, Any]:
    plan = access.access_plan(request.actor, plan_id)
    found = selectors.progress(plan)
    return {
        "plan": plan,
        "items": found.items,
        "unplanned": found.unplanned,
        "counts": found.counts,
    }


@router.patch(
    "/training-plans/{plan_id}",
    response={200: TrainingPlanOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="研修計画の方針・状態を変更する（作成した基幹相談支援センター）",
    url_name="training_plan_update",
)
def plan_update(request: TsunaguRequest, plan_id: int, payload: TrainingPlanPatch) -> TrainingPlan:
    plan = access.access_plan(request.actor, plan_id, for_write=True)
    return services.plan_update(request.actor, plan=plan, **payload.model_dump(exclude_unset=True))


@router.get(
    "/training-plans/{plan_id}/needs",
    response={200: TrainingPlanNeedsOut, 404: ErrorOut},
    summary="研修のニーズ（地域課題のテーマ、区ごとの専門性の不足、キャンセル待ち、カリキュラムの未修了。数のみ）",
    url_name="training_plan_needs",
)
def plan_needs(request: TsunaguRequest, plan_id: int) -> selectors.Needs:
    plan = access.access_plan(request.actor, plan_id)
    return selectors.needs(request.actor, plan)


@router.post(
    "/training-plans/{plan_id}/items",
    response={201: PlannedTrainingOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="計画に研修を加える",
    url_name="training_plan_item_create",
)
def item_create(
    request: TsunaguRequest, plan_id: int, payload: PlannedTrainingIn
) -> Status[PlannedTraining]:
    plan = access.access_plan(request.actor, plan_id, for_write=True)
    fields = _item_fields(plan, payload.model_dump())
    return Status(201, services.item_create(request.actor, plan=plan, **fields))


@router.patch(
    "/training-plan-items/{item_id}",
    response={200: PlannedTrainingOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="計画した研修を変更する（開催した研修の紐づけを含む）",
    url_name="training_plan_item_update",
)
def item_update(
    request: TsunaguRequest, item_id: int, payload: PlannedTrainingPatch
) -> PlannedTraining:
    item = access.access_item(request.actor, item_id, for_write=True)
    fields = _item_fields(item.plan, payload.model_dump(exclude_unset=True))
    return services.item_update(request.actor, item=item, **fields)


@router.delete(
    "/training-plan-items/{item_id}",
    response={204: None, 403: ErrorOut, 404: ErrorOut},
    summary="計画から研修を外す",
    url_name="training_plan_item_delete",
)
def item_delete(request: TsunaguRequest, item_id: int) -> Status[None]:
    item = access.access_item(request.actor, item_id, for_write=True)
    services.item_delete(request.actor, item=item)
    return Status(204, None)
