"""Assessments, support plans, contingency (Xデー) plans, monitoring and tasks over JSON.

The same access layer (tsunagu/plans/access.py), selectors and services as the screens: objects
the caller may not see answer 404 exactly like objects that do not exist, read-only members get
403, bad input 422 and illegal moves (editing an agreed plan, a second draft, a task status that
cannot follow) 409.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpResponse
from ninja import Field, Router, Schema, Status

from tsunagu.accounts.models import User
from tsunagu.audit import services as audit
from tsunagu.cases.access import access_case
from tsunagu.core.api import ERRORS, ErrorOut, Listing, paginated
from tsunagu.core.errors import Invalid
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.schemas import Context, Name, Out, model_field, patch_field
from tsunagu.core.validators import MAX_INT, Id, NonBlank, SaneDate, Version
from tsunagu.organizations.models import Organization
from tsunagu.plans import documents, fhir, selectors, services
from tsunagu.plans.access import (
    access_assessment,
    access_contingency,
    access_monitoring,
    access_plan,
    access_plan_item,
    access_task,
)
from tsunagu.plans.models import (
    Achievement,
    AgreementMethod,
    Assessment,
    AssessmentSection,
    ContingencyTrigger,
    Monitoring,
    MonitoringFrequency,
    MonitoringGoalReport,
    PlanItem,
    Satisfaction,
    ServiceType,
    SupportKind,
    SupportPlan,
    Task,
    TaskStatus,
    WeeklyScheduleEntry,
)

router = Router(tags=["plans"])


MonitoringFrequencyValue = Literal["monthly", "every_3_months", "every_6_months", "custom"]
assert set(MonitoringFrequencyValue.__args__) == set(MonitoringFrequency.values)  # type: ignore[attr-defined]  # noqa: S101
AgreementMethodValue = Literal["signature", "seal", "oral", "proxy"]
assert set(AgreementMethodValue.__args__) == set(AgreementMethod.values)  # type: ignore[attr-defined]  # noqa: S101
SupportKindValue = Literal["formal", "informal"]
assert set(SupportKindValue.__args__) == set(SupportKind.values)  # type: ignore[attr-defined]  # noqa: S101
ServiceTypeValue = Literal[
    "home_help",
    "severe_visiting_care",
    "accompanied_outing",
    "behaviour_support",
    "daily_life_care",
    "short_stay",
    "group_home",
    "independence_training",
    "employment_transition",
    "employment_a",
    "employment_b",
    "employment_retention",
    "independent_living_assistance",
    "community_settlement",
    "mobility_support",
    "day_center",
    "visiting_nursing",
    "outpatient",
    "long_term_care",
    "livelihood",
    "guardianship",
    "other",
]
assert set(ServiceTypeValue.__args__) == set(ServiceType.values)  # type: ignore[attr-defined]  # noqa: S101
AchievementValue = Literal["achieved", "partly", "not_yet", "not_assessed"]
assert set(AchievementValue.__args__) == set(Achievement.values)  # type: ignore[attr-defined]  # noqa: S101
SatisfactionValue = Literal["satisfied", "mostly", "unsure", "dissatisfied", "not_expressed"]
assert set(SatisfactionValue.__args__) == set(Satisfaction.values)  # type: ignore[attr-defined]  # noqa: S101
TaskStatusValue = Literal["open", "in_progress", "done", "cancelled"]
assert set(TaskStatusValue.__args__) == set(TaskStatus.values)  # type: ignore[attr-defined]  # noqa: S101
TaskScopeValue = Literal["mine", "organization"]
# "open" is 未着手 and 対応中 together (the default, as on the task screen); "all" is every status.
TaskFilterValue = Literal["open", "all", "in_progress", "done", "cancelled"]
assert set(TaskFilterValue.__args__) == {"all"} | set(TaskStatus.values)  # type: ignore[attr-defined]  # noqa: S101


# --- Schemas: assessments ---------------------------------------------------------------------


class SectionIn(Schema):
    person_id: Id = Field(..., description="本人または現在の世帯員。")
    relationship: str = Field("", max_length=40)
    health: str = ""
    daily_living: str = ""
    money: str = ""
    housing: str = ""
    relationships: str = ""
    work_or_school: str = ""
    strengths: str = ""
    wishes: str = Field("", description="こう暮らしたい（本人の希望）")
    motivating_moments: str = Field("", description="心の動く場面")


class SectionOut(SectionIn, Out):
    id: int
    person_name: str = Field(alias="person.display_name")


class AssessmentIn(Schema):
    assessed_on: SaneDate
    based_on: int = Field(
        ...,
        ge=0,
        le=MAX_INT,
        description="見ていたその日の版の番号（その日の初版は0）。最新でなければ409。",
    )
    interactions: str = ""
    risks: str = ""
    household_strengths: str = ""
    summary: str = ""
    revision_reason: str = Field("", max_length=200, description="2版目からは必須。")
    sections: list[SectionIn]


class AssessmentOut(Out):
    id: int
    case_id: int
    assessed_on: dt.date
    revision: int
    interactions: str
    risks: str
    household_strengths: str
    summary: str
    revision_reason: str
    author: Name
    author_organization: Name
    created_at: dt.datetime
    sections: list[SectionOut]

    @staticmethod
    def resolve_sections(assessment: Assessment, context: Context) -> QuerySet[AssessmentSection]:
        actor = context["request"].actor
        return selectors.assessment_sections_for(actor=actor, assessment=assessment)


# --- Schemas: plans ---------------------------------------------------------------------------


class PlanIn(Schema):
    person_wishes: str = ""
    family_wishes: str = ""
    overall_policy: str = ""
    long_term_goal: str = ""
    short_term_goal: str = ""
    period_start: SaneDate
    period_end: SaneDate
    drafted_on: SaneDate | None = Field(None, description="計画作成日。省略すれば今日。")
    monitoring_frequency: MonitoringFrequencyValue = "every_3_months"
    monitoring_dates: list[SaneDate] = Field(
        [], description="monitoring_frequency が custom のときの予定日。"
    )
    weekly_activities: str = ""
    weekly_notes: str = ""


class PlanPatch(Schema):
    # Left out: not changed; `null` is refused (a plan's fields are never empty values).
    lock_version: Version = Field(description="読んだときの lock_version。古ければ409。")
    person_wishes: str = patch_field()
    family_wishes: str = patch_field()
    overall_policy: str = patch_field()
    long_term_goal: str = patch_field()
    short_term_goal: str = patch_field()
    period_start: SaneDate = patch_field()
    period_end: SaneDate = patch_field()
    drafted_on: SaneDate = patch_field()
    monitoring_frequency: MonitoringFrequencyValue = patch_field()
    monitoring_dates: list[SaneDate] = patch_field()
    weekly_activities: str = patch_field()
    weekly_notes: str = patch_field()


class PlanItemIn(Schema):
    priority: int = Field(1, ge=1, le=99)
    need: str = Field(..., min_length=1, description="解決すべき課題（本人のニーズ）")
    goal: str = Field(..., min_length=1, description="支援目標")
    target_date: SaneDate | None = None
    support_kind: SupportKindValue = "formal"
    service_type: ServiceTypeValue | None = None
    amount: str = model_field(PlanItem, "amount", "")
    informal_support: str = model_field(PlanItem, "informal_support", "")
    responsible_organization_id: Id | None = Field(
        None, description="支援チームの機関。公的サービスでは必須。"
    )
    responsible_worker_id: Id | None = None
    resource_id: Id | None = Field(
        None,
        description="社会資源（/directory/resources）の id。利用できる（active）資源だけ。"
        "公的サービスでは、担当機関か社会資源のどちらかが必須。",
    )
    responsible_name: str = model_field(PlanItem, "responsible_name", "")
    person_role: str = model_field(PlanItem, "person_role", "")
    evaluation_date: SaneDate | None = None
    notes: str = model_field(PlanItem, "notes", "")


class PlanItemPatch(Schema):
    # Left out: not changed; `null` clears only what may be empty (dates, service type,
    # the responsible organization and worker).
    priority: int = patch_field(ge=1, le=99)
    need: str = patch_field(min_length=1)
    goal: str = patch_field(min_length=1)
    target_date: SaneDate | None = None
    support_kind: SupportKindValue = patch_field()
    service_type: ServiceTypeValue | None = None
    amount: str = model_field(PlanItem, "amount", None)
    informal_support: str = model_field(PlanItem, "informal_support", None)
    responsible_organization_id: Id | None = None
    responsible_worker_id: Id | None = None
    resource_id: Id | None = Field(None, description="null で社会資源の選択を外す。")
    responsible_name: str = model_field(PlanItem, "responsible_name", None)
    person_role: str = model_field(PlanItem, "person_role", None)
    evaluation_date: SaneDate | None = None
    notes: str = model_field(PlanItem, "notes", None)


class PlanItemOut(Out):
    id: int
    plan_id: int
    priority: int
    need: str
    goal: str
    target_date: dt.date | None
    support_kind: str
    service_type: str
    service_type_label: str = Field(alias="get_service_type_display")
    amount: str
    informal_support: str
    responsible_organization_id: int | None
    responsible_organization: Name
    responsible_worker_id: int | None
    responsible_worker: Name
    resource_id: int | None = Field(description="選んだ社会資源の id。")
    resource_name: str = Field(description="選んだときの社会資源の名称。")
    provider_name: str = Field(description="選んだときの提供事業者名。")
    resource_status: str = Field(
        "", description="社会資源の今の状態（active / temporarily closed / inactive / defunct）。"
    )
    responsible_name: str
    person_role: str
    evaluation_date: dt.date | None
    notes: str

    @staticmethod
    def resolve_resource_status(item: PlanItem) -> str:
        return item.resource.status if item.resource is not None else ""


class WeeklyOut(Out):
    id: int
    weekday: int
    weekday_label: str = Field(alias="get_weekday_display")
    start_time: dt.time
    end_time: dt.time
    activity: str
    provider: str


class PlanOut(Out):
    id: int
    case_id: int
    version: int
    based_on_id: int | None
    status: str
    status_label: str = Field(alias="get_status_display")
    person_wishes: str
    family_wishes: str
    overall_policy: str
    long_term_goal: str
    short_term_goal: str
    period_start: dt.date
    period_end: dt.date
    drafted_on: dt.date
    monitoring_frequency: str
    monitoring_dates: list[dt.date]
    weekly_activities: str
    weekly_notes: str
    agreed_on: dt.date | None
    agreement_method: str
    agreement_note: str
    change_reason: str
    author: Name
    author_organization: Name
    lock_version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class PlanDetailOut(PlanOut):
    items: list[PlanItemOut]
    weekly: list[WeeklyOut]

    @staticmethod
    def resolve_items(plan: SupportPlan) -> QuerySet[PlanItem]:
        return selectors.plan_items(plan)

    @staticmethod
    def resolve_weekly(plan: SupportPlan) -> QuerySet[WeeklyScheduleEntry]:
        return plan.weekly.order_by("weekday", "start_time", "pk")


class AgreeIn(Schema):
    agreed_on: SaneDate
    method: AgreementMethodValue
    note: str = Field("", max_length=200)


class NewVersionIn(Schema):
    reason: NonBlank = Field(..., max_length=200, description="計画を見直す理由。")


# --- Schemas: monitoring ----------------------------------------------------------------------


class GoalReportIn(Schema):
    plan_item_id: Id
    what_happened: str = ""
    achievement: AchievementValue | None = None
    person_words: str = ""
    satisfaction: SatisfactionValue | None = None
    what_should_change: str = ""


class GoalReportOut(Out):
    plan_item_id: int
    goal: str = Field(alias="plan_item.goal")
    what_happened: str
    achievement: str
    person_words: str
    satisfaction: str
    what_should_change: str


class MonitoringOut(Out):
    id: int
    plan_id: int
    case_id: int = Field(alias="plan.case_id")
    due_on: dt.date
    status: str
    status_label: str = Field(alias="get_status_display")
    is_overdue: bool
    conducted_on: dt.date | None
    conducted_by: Name
    conducted_by_organization: Name
    overall: str
    person_words: str
    satisfaction: str
    plan_change_needed: bool
    next_steps: str
    goal_reports: list[GoalReportOut]

    @staticmethod
    def resolve_goal_reports(monitoring: Monitoring) -> Sequence[MonitoringGoalReport]:
        return selectors.monitoring_goal_reports(monitoring)


class MonitoringReportIn(Schema):
    conducted_on: SaneDate
    overall: str = Field("", description="全体の状況")
    person_words: str = ""
    satisfaction: SatisfactionValue | None = None
    plan_change_needed: bool = Field(
        False, description="true なら、この計画をもとに新しい版の計画案が開きます。"
    )
    next_steps: str = ""
    goals: list[GoalReportIn] = []


class MonitoringReportOut(Out):
    monitoring: MonitoringOut
    new_plan_id: int | None


# --- Schemas: contingency and tasks -----------------------------------------------------------


class ContingencyIn(Schema):
    description: NonBlank = Field(..., max_length=200, description="例: 母の入院")
    preparation: str = ""


class ContingencyActionIn(Schema):
    organization_id: Id = Field(..., description="支援チームの機関。")
    action: NonBlank
    contact_name: str = Field("", max_length=100)
    contact_phone: str = Field("", max_length=20)
    days_to_act: int = Field(1, ge=0, le=365)


class ContingencyActionOut(Out):
    id: int
    organization_id: int
    organization: Name
    contact_name: str
    contact_phone: str
    action: str
    days_to_act: int


class ContingencyOut(Out):
    id: int
    case_id: int
    description: str
    preparation: str
    happened_on: dt.date | None
    happened_note: str
    actions: list[ContingencyActionOut]


class HappenedIn(Schema):
    happened_on: SaneDate
    note: str = ""


class TaskOut(Out):
    id: int
    title: str
    description: str
    case_id: int | None
    owner_organization_id: int
    owner_organization: Name
    owner_worker_id: int | None
    owner_worker: Name
    due_on: dt.date | None
    status: str
    status_label: str = Field(alias="get_status_display")
    is_overdue: bool
    source: str
    plan_item_id: int | None
    contingency_action_id: int | None
    monitoring_id: int | None
    progress_note_id: int | None = Field(
        description="次回連絡予定日からできたタスクの記録（限定公開の記録なら null）"
    )
    completed_at: dt.datetime | None
    completion_note: str

    @staticmethod
    def resolve_progress_note_id(task: Task) -> int | None:
        # A restricted note is not everyone's on the team: its id is not given away.
        note = task.progress_note if task.progress_note_id else None
        return note.pk if note is not None and not note.is_restricted else None


class HappenedOut(Out):
    contingency: ContingencyOut
    tasks: list[TaskOut]


class TaskIn(Schema):
    title: NonBlank = model_field(Task, "title", min_length=1)
    description: str = ""
    case_id: Id | None = Field(None, description="省略すると、自分の機関だけのタスク。")
    owner_organization_id: Id | None = Field(None, description="省略するとトークンの所属。")
    owner_worker_id: Id | None = None
    due_on: SaneDate | None = None


class TaskStatusIn(Schema):
    status: TaskStatusValue
    note: str = Field("", max_length=200, description="取り消すときは必須。")


def _organization(organization_id: int | None, *, field: str) -> Organization | None:
    if organization_id is None:
        return None
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        raise Invalid(f"{field}: 指定された機関はありません。")
    return organization


def _worker(worker_id: int | None, *, field: str) -> User | None:
    if worker_id is None:
        return None
    worker = User.objects.filter(pk=worker_id, is_active=True).first()
    if worker is None:
        raise Invalid(f"{field}: 担当者は担当機関の職員から選んでください。")
    return worker


def _plan_data(plan: SupportPlan) -> dict[str, Any]:
    """The plan's fields as the services take them (custom dates as dates)."""
    data = {name: getattr(plan, name) for name in selectors.PLAN_FIELDS}
    data["monitoring_dates"] = [dt.date.fromisoformat(d) for d in plan.monitoring_dates]
    return data


def _item_data(payload: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    data = dict(base)
    for name, value in payload.items():
        if name == "responsible_organization_id":
            data["responsible_organization"] = _organization(value, field=name)
        elif name == "responsible_worker_id":
            data["responsible_worker"] = _worker(value, field=name)
        elif name == "resource_id":
            data["resource"] = value  # the service checks it: active, or the item's own
        elif name == "service_type":
            data[name] = value or ""
        else:
            data[name] = value
    return data


# --- Assessments ------------------------------------------------------------------------------


@router.get(
    "/cases/{case_id}/assessments",
    response={200: list[AssessmentOut], **ERRORS},
    summary="ケースのアセスメント（新しい順、全ての版）",
    url_name="case_assessment_list",
)
@paginated
def case_assessment_list(request: TsunaguRequest, case_id: int) -> QuerySet[Assessment]:
    case = access_case(request.actor, case_id)
    return selectors.assessment_list(actor=request.actor, case=case)


@router.post(
    "/cases/{case_id}/assessments",
    response={201: AssessmentOut, **ERRORS},
    summary="アセスメントの保存（その日の次の版）",
    url_name="case_assessment_create",
)
def case_assessment_create(
    request: TsunaguRequest, case_id: int, payload: AssessmentIn
) -> Status[Assessment]:
    """世帯員ごとの sections（本人と現在の世帯員）と世帯全体の分析を保存します。
    同じ日の版を based_on で指定し、ほかの人が先に保存していれば409です。"""
    case = access_case(request.actor, case_id, for_write=True)
    assessment = services.assessment_save(
        actor=request.actor,
        case=case,
        assessed_on=payload.assessed_on,
        based_on=payload.based_on,
        data=payload.model_dump(exclude={"sections", "assessed_on", "based_on"}),
        sections=[s.model_dump() for s in payload.sections],
    )
    return Status(201, assessment)


@router.get(
    "/assessments/{assessment_id}",
    response={200: AssessmentOut, **ERRORS},
    summary="アセスメントの詳細",
    url_name="assessment_detail",
)
def assessment_detail(request: TsunaguRequest, assessment_id: int) -> Assessment:
    return access_assessment(request.actor, assessment_id)


# --- Plans ------------------------------------------------------------------------------------


@router.get(
    "/cases/{case_id}/plans",
    response={200: list[PlanOut], **ERRORS},
    summary="ケースの支援計画（全ての版、新しい順）",
    url_name="case_plan_list",
)
@paginated
def case_plan_list(request: TsunaguRequest, case_id: int) -> QuerySet[SupportPlan]:
    case = access_case(request.actor, case_id)
    return selectors.plan_list(actor=request.actor, case=case)


@router.post(
    "/cases/{case_id}/plans",
    response={201: PlanDetailOut, **ERRORS},
    summary="支援計画案の作成",
    url_name="case_plan_create",
)
def case_plan_create(request: TsunaguRequest, case_id: int, payload: PlanIn) -> Status[SupportPlan]:
    """最初の計画、または最新の版をもとにした次の版を案として作ります（項目と週間計画も
    引き継ぎます）。作成中の案がすでにあれば409です。"""
    case = access_case(request.actor, case_id, for_write=True)
    plan = services.plan_create(actor=request.actor, case=case, data=payload.model_dump())
    return Status(201, plan)


@router.get(
    "/plans/{plan_id}",
    response={200: PlanDetailOut, **ERRORS},
    summary="支援計画の詳細（項目・週間計画を含む）",
    url_name="plan_detail",
)
def plan_detail(request: TsunaguRequest, plan_id: int) -> SupportPlan:
    return access_plan(request.actor, plan_id)


@router.patch(
    "/plans/{plan_id}",
    response={200: PlanDetailOut, **ERRORS},
    summary="計画案の編集（案のみ。lock_version が古ければ409）",
    url_name="plan_update",
)
def plan_update(request: TsunaguRequest, plan_id: int, payload: PlanPatch) -> SupportPlan:
    """送った項目だけを変えます。合意済み・改定済みの計画は409（新しい版を作ってください）。"""
    plan = access_plan(request.actor, plan_id, for_write=True)
    changes = payload.model_dump(exclude_unset=True, exclude={"lock_version"})
    if any(value is None for value in changes.values()):
        raise Invalid("null は指定できません。変えない項目は送らないでください。")
    data = {**_plan_data(plan), **changes}
    return services.plan_update(
        actor=request.actor, plan=plan, lock_version=payload.lock_version, data=data
    )


@router.post(
    "/plans/{plan_id}/items",
    response={201: PlanItemOut, **ERRORS},
    summary="計画案に項目を追加",
    url_name="plan_item_create",
)
def plan_item_create(
    request: TsunaguRequest, plan_id: int, payload: PlanItemIn
) -> Status[PlanItem]:
    plan = access_plan(request.actor, plan_id, for_write=True)
    item = services.plan_item_save(
        actor=request.actor, plan=plan, data=_item_data(payload.model_dump(), {})
    )
    return Status(201, item)


@router.patch(
    "/plan-items/{item_id}",
    response={200: PlanItemOut, **ERRORS},
    summary="計画案の項目の編集（送った項目だけ）",
    url_name="plan_item_update",
)
def plan_item_update(request: TsunaguRequest, item_id: int, payload: PlanItemPatch) -> PlanItem:
    item = access_plan_item(request.actor, item_id, for_write=True)
    base = {name: getattr(item, name) for name in selectors.ITEM_FIELDS}
    base["resource"] = item.resource_id
    return services.plan_item_save(
        actor=request.actor,
        plan=item.plan,
        item=item,
        data=_item_data(payload.model_dump(exclude_unset=True), base),
    )


@router.delete(
    "/plan-items/{item_id}",
    response={204: None, **ERRORS},
    summary="計画案の項目の削除",
    url_name="plan_item_delete",
)
def plan_item_delete(request: TsunaguRequest, item_id: int) -> Status[None]:
    item = access_plan_item(request.actor, item_id, for_write=True)
    services.plan_item_delete(actor=request.actor, item=item)
    return Status(204, None)


@router.post(
    "/plans/{plan_id}/agree",
    response={200: PlanDetailOut, **ERRORS},
    summary="本人の同意を記録（主担当機関のみ）",
    url_name="plan_agree",
)
def plan_agree(request: TsunaguRequest, plan_id: int, payload: AgreeIn) -> SupportPlan:
    """案が合意済みの計画になります。前の版は改定済みになり、モニタリングの予定と
    担当機関ごとのタスクが作られます。"""
    plan = access_plan(request.actor, plan_id, for_write=True)
    return services.plan_agree(
        actor=request.actor,
        plan=plan,
        agreed_on=payload.agreed_on,
        method=payload.method,
        note=payload.note,
    )


@router.post(
    "/plans/{plan_id}/new-version",
    response={201: PlanDetailOut, **ERRORS},
    summary="この計画をもとに次の版の案を作る",
    url_name="plan_new_version",
)
def plan_new_version(
    request: TsunaguRequest, plan_id: int, payload: NewVersionIn
) -> Status[SupportPlan]:
    plan = access_plan(request.actor, plan_id, for_write=True)
    return Status(
        201, services.plan_new_version(actor=request.actor, plan=plan, reason=payload.reason)
    )


@router.get(
    "/plans/{plan_id}/fhir",
    response={200: dict[str, Any], **ERRORS},
    summary="支援計画の FHIR R4 Bundle（CarePlan, Goal, CareTeam, EpisodeOfCare ほか）",
    url_name="plan_fhir",
)
def plan_fhir(request: TsunaguRequest, plan_id: int) -> HttpResponse:
    """application/fhir+json の Bundle（type: collection）を返します。出力は監査ログに
    残ります。"""
    plan = documents.plan_for_export(request.actor, plan_id)
    bundle = fhir.plan_bundle(plan)
    documents.record_export(request.actor, target=plan, event="plan.exported", fmt="fhir")
    response = HttpResponse(
        json.dumps(bundle, ensure_ascii=False), content_type="application/fhir+json"
    )
    response["Cache-Control"] = "no-store"
    return response


# --- Monitoring -------------------------------------------------------------------------------


@router.get(
    "/plans/{plan_id}/monitorings",
    response={200: list[MonitoringOut], **ERRORS},
    summary="計画のモニタリング（予定と記録）",
    url_name="plan_monitoring_list",
)
@paginated
def plan_monitoring_list(request: TsunaguRequest, plan_id: int) -> QuerySet[Monitoring]:
    monitorings = selectors.plan_monitorings(access_plan(request.actor, plan_id))
    return selectors.monitorings_with_reports(monitorings.select_related("plan"))


@router.get(
    "/monitorings/{monitoring_id}",
    response={200: MonitoringOut, **ERRORS},
    summary="モニタリングの詳細",
    url_name="monitoring_detail",
)
def monitoring_detail(request: TsunaguRequest, monitoring_id: int) -> Monitoring:
    return access_monitoring(request.actor, monitoring_id)


@router.post(
    "/monitorings/{monitoring_id}/report",
    response={200: MonitoringReportOut, **ERRORS},
    summary="モニタリングの記録（全体と目標ごと）",
    url_name="monitoring_report",
)
def monitoring_report(
    request: TsunaguRequest, monitoring_id: int, payload: MonitoringReportIn
) -> dict[str, Any]:
    """plan_change_needed が true なら、この計画をもとにした次の版の案が開き、その id を
    new_plan_id で返します。記録済みのモニタリングには409です。"""
    monitoring = access_monitoring(request.actor, monitoring_id, for_write=True)
    goals: dict[int, dict[str, str]] = {}
    for goal in payload.goals:
        if goal.plan_item_id in goals:
            raise Invalid("同じ目標の記録が2つあります。")
        goals[goal.plan_item_id] = {
            "what_happened": goal.what_happened,
            "achievement": goal.achievement or "",
            "person_words": goal.person_words,
            "satisfaction": goal.satisfaction or "",
            "what_should_change": goal.what_should_change,
        }
    monitoring, new_plan = services.monitoring_report(
        actor=request.actor,
        monitoring=monitoring,
        conducted_on=payload.conducted_on,
        data={
            "overall": payload.overall,
            "person_words": payload.person_words,
            "satisfaction": payload.satisfaction or "",
            "plan_change_needed": payload.plan_change_needed,
            "next_steps": payload.next_steps,
        },
        goal_reports=goals,
    )
    return {"monitoring": monitoring, "new_plan_id": new_plan.pk if new_plan else None}


# --- Contingency (Xデー) ----------------------------------------------------------------------


@router.get(
    "/cases/{case_id}/contingencies",
    response={200: list[ContingencyOut], **ERRORS},
    summary="ケースのXデーの備え",
    url_name="case_contingency_list",
)
@paginated
def case_contingency_list(request: TsunaguRequest, case_id: int) -> QuerySet[ContingencyTrigger]:
    case = access_case(request.actor, case_id)
    return selectors.contingency_list(actor=request.actor, case=case)


@router.post(
    "/cases/{case_id}/contingencies",
    response={201: ContingencyOut, **ERRORS},
    summary="Xデー（きっかけとなる出来事）の追加",
    url_name="case_contingency_create",
)
def case_contingency_create(
    request: TsunaguRequest, case_id: int, payload: ContingencyIn
) -> Status[ContingencyTrigger]:
    case = access_case(request.actor, case_id, for_write=True)
    trigger = services.contingency_create(
        actor=request.actor,
        case=case,
        description=payload.description,
        preparation=payload.preparation,
    )
    return Status(201, trigger)


@router.post(
    "/contingencies/{trigger_id}/actions",
    response={201: ContingencyOut, **ERRORS},
    summary="Xデーに機関が取る対応の追加",
    url_name="contingency_action_add",
)
def contingency_action_add(
    request: TsunaguRequest, trigger_id: int, payload: ContingencyActionIn
) -> Status[ContingencyTrigger]:
    trigger = access_contingency(request.actor, trigger_id, for_write=True)
    organization = _organization(payload.organization_id, field="organization_id")
    assert organization is not None  # noqa: S101  # the id is required by the schema
    services.contingency_action_add(
        actor=request.actor,
        trigger=trigger,
        organization=organization,
        action=payload.action,
        contact_name=payload.contact_name,
        contact_phone=payload.contact_phone,
        days_to_act=payload.days_to_act,
    )
    return Status(201, trigger)


@router.post(
    "/contingencies/{trigger_id}/happened",
    response={200: HappenedOut, **ERRORS},
    summary="Xデーの発生を記録（機関ごとにタスクを作り、チームに知らせる）",
    url_name="contingency_happened",
)
def contingency_happened(
    request: TsunaguRequest, trigger_id: int, payload: HappenedIn
) -> dict[str, Any]:
    trigger = access_contingency(request.actor, trigger_id, for_write=True)
    tasks = services.contingency_happened(
        actor=request.actor, trigger=trigger, happened_on=payload.happened_on, note=payload.note
    )
    return {"contingency": trigger, "tasks": tasks}


# --- Tasks ------------------------------------------------------------------------------------


@router.get(
    "/tasks",
    response={200: list[TaskOut], 422: ErrorOut},
    summary="タスクの一覧",
    url_name="task_list",
)
@paginated
def task_list(
    request: TsunaguRequest, scope: TaskScopeValue = "mine", status: TaskFilterValue = "open"
) -> QuerySet[Task]:
    """scope=mine は自分が担当のタスク、organization はトークンの所属の全てのタスク。
    status は open（未着手と対応中、既定）、all、または状態の値です。"""
    return selectors.task_list(
        actor=request.actor, scope=scope, status="" if status == "all" else status
    )


@router.get(
    "/cases/{case_id}/tasks",
    response={200: list[TaskOut], 404: ErrorOut, 422: ErrorOut},
    summary="ケースのタスク（チームのすべての機関の分）",
    url_name="case_task_list",
)
@paginated
def case_task_list(
    request: TsunaguRequest, case_id: int, status: TaskFilterValue = "open"
) -> Listing:
    """status は open（未着手と対応中、既定）、all、または状態の値です。"""
    case = access_case(request.actor, case_id, audit_read=False)

    def audit_page(shown: list[Task]) -> None:
        audit.record_read(
            request.actor,
            view="plans.case_tasks",
            person_ids=[case.person_id] if case.person_id else [],
            target=case,
            filters={"status": status},
        )

    tasks = selectors.task_list(
        actor=request.actor, case=case, status="" if status == "all" else status
    )
    return Listing(tasks, on_page=audit_page)


@router.post(
    "/tasks", response={201: TaskOut, **ERRORS}, summary="タスクの作成", url_name="task_create"
)
def task_create(request: TsunaguRequest, payload: TaskIn) -> Status[Task]:
    """ケースのタスクの担当機関は支援チームの機関に限ります。"""
    case = access_case(request.actor, payload.case_id, for_write=True) if payload.case_id else None
    owner = _organization(payload.owner_organization_id, field="owner_organization_id")
    if owner is None:
        owner = request.actor.organization
    if owner is None:
        raise Invalid("owner_organization_id: 担当機関を指定してください。")
    task = services.task_create(
        actor=request.actor,
        title=payload.title,
        owner_organization=owner,
        case=case,
        owner_worker=_worker(payload.owner_worker_id, field="owner_worker_id"),
        due_on=payload.due_on,
        description=payload.description,
    )
    return Status(201, task)


@router.post(
    "/tasks/{task_id}/status",
    response={200: TaskOut, **ERRORS},
    summary="タスクの状態の変更",
    url_name="task_set_status",
)
def task_set_status(request: TsunaguRequest, task_id: int, payload: TaskStatusIn) -> Task:
    """認められない変更（完了から取り消しなど）は409です。"""
    task = access_task(request.actor, task_id, for_write=True)
    return services.task_set_status(
        actor=request.actor, task=task, status=payload.status, note=payload.note
    )


# --- The weekly schedule of a draft plan (the screen's 週間計画) ----------------------------------


class WeeklyIn(Schema):
    weekday: int = Field(ge=0, le=6, description="0 = 月 … 6 = 日")
    start_time: dt.time
    end_time: dt.time = Field(description="開始より後")
    activity: NonBlank = Field(min_length=1, max_length=100, description="活動・サービス")
    provider: str = Field("", max_length=100)


@router.post(
    "/plans/{plan_id}/weekly",
    response={201: WeeklyOut, **ERRORS},
    summary="計画案の週間計画に予定を追加",
    url_name="plan_weekly_add",
)
def plan_weekly_add(
    request: TsunaguRequest, plan_id: int, payload: WeeklyIn
) -> Status[WeeklyScheduleEntry]:
    plan = access_plan(request.actor, plan_id, for_write=True)
    entry = services.weekly_entry_add(actor=request.actor, plan=plan, **payload.model_dump())
    return Status(201, entry)


@router.delete(
    "/plans/{plan_id}/weekly/{entry_id}",
    response={204: None, **ERRORS},
    summary="計画案の週間計画から予定を削除",
    description="その計画案にない予定は 422 です（画面と同じサービス）。",
    url_name="plan_weekly_delete",
)
def plan_weekly_delete(request: TsunaguRequest, plan_id: int, entry_id: int) -> Status[None]:
    plan = access_plan(request.actor, plan_id, for_write=True)
    services.weekly_entry_delete(actor=request.actor, plan=plan, entry_id=entry_id)
    return Status(204, None)
