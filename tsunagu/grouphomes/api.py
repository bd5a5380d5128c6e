"""The group home evaluation API: the same access helpers, selectors and services as the
screens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpResponse
from ninja import Field, Router, Schema, Status

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.core.api import ERRORS, ErrorOut, paginated
from tsunagu.core.errors import FieldErrors
from tsunagu.core.http import TsunaguRequest, download
from tsunagu.core.schemas import Out, patch_field
from tsunagu.core.validators import Id, SaneDate, Year
from tsunagu.grouphomes import access, printing, selectors, services
from tsunagu.grouphomes.models import (
    MAX_REPORT_DUE_DAYS,
    QA_MAX_ITEMS,
    REPORT_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    EvaluationPath,
    GroupHome,
    GroupHomeEvaluation,
    Step,
    Viewpoint,
)

router = Router(tags=["grouphomes"])


class GroupHomeOut(Out):
    id: int
    organization_id: int
    organization_name: str = Field(alias="organization.name")
    opened_on: dt.date
    capacity: int
    units: int
    managed_by_id: int
    note: str


class GroupHomeIn(Schema):
    organization_id: Id
    opened_on: SaneDate
    capacity: int = Field(..., ge=1, le=1000)
    units: int = Field(1, ge=1, le=100)
    note: str = Field("", max_length=1000)


class GroupHomePatch(Schema):
    opened_on: SaneDate = patch_field()
    capacity: int = patch_field(ge=1, le=1000)
    units: int = patch_field(ge=1, le=100)
    note: str = patch_field(max_length=1000)


class GroupHomeQaItemOut(Schema):
    question: str
    answer: str


class GroupHomeEvaluationOut(Out):
    id: int
    home_id: int
    home_name: str = Field(alias="home.organization.name")
    fiscal_year: int
    path: str
    step: str
    step_label: str = Field(alias="get_step_display")
    body_id: int
    evaluator_ids: list[int]
    visit_planned_on: dt.date | None
    report_due_days: int
    visited_on: dt.date | None
    visit_observations: dict[str, str]
    visit_findings: str
    self_evaluation_on: dt.date | None
    self_evaluation_source: str
    self_evaluation: dict[str, str]
    self_evaluation_summary: str
    qa_meeting_id: int | None
    qa_held_on: dt.date | None
    qa_items: list[GroupHomeQaItemOut]
    report_due_on: dt.date | None
    report_text: str
    report_written_on: dt.date | None
    published_at: dt.datetime | None

    @staticmethod
    def resolve_evaluator_ids(obj: GroupHomeEvaluation) -> list[int]:
        return sorted(u.pk for u in obj.evaluators.all())


class GroupHomeEvaluationIn(Schema):
    home_id: Id
    fiscal_year: Year
    path: EvaluationPath
    body_id: Id
    evaluator_ids: list[Id] = Field(..., min_length=1, max_length=50)
    visit_planned_on: SaneDate | None = None
    report_due_days: int = Field(30, ge=1, le=MAX_REPORT_DUE_DAYS)


Text = Field("", max_length=TEXT_MAX_LENGTH)


class GroupHomeVisitIn(Schema):
    visited_on: SaneDate
    observations: dict[Viewpoint, str] = Field(..., description="観点ごとの所見")
    findings: str = Field(..., min_length=1, max_length=TEXT_MAX_LENGTH)


class GroupHomeSelfEvaluationIn(Schema):
    received_on: SaneDate
    answers: dict[Viewpoint, str] = Field(..., description="観点ごとの自己評価")
    summary: str = Field(..., min_length=1, max_length=TEXT_MAX_LENGTH)


class GroupHomeQaItemIn(Schema):
    question: str = Field(..., min_length=1, max_length=TEXT_MAX_LENGTH)
    answer: str = Field("", max_length=TEXT_MAX_LENGTH)


class GroupHomeQaIn(Schema):
    held_on: SaneDate
    meeting_id: Id | None = Field(None, description="評価の場の部会の会議")
    items: list[GroupHomeQaItemIn] = Field(..., min_length=1, max_length=QA_MAX_ITEMS)


class GroupHomeReportIn(Schema):
    text: str = Field(..., min_length=1, max_length=REPORT_MAX_LENGTH)


def _texts(values: dict[Viewpoint, str]) -> dict[str, str]:
    for text in values.values():
        if len(text) > TEXT_MAX_LENGTH:
            raise FieldErrors({"": f"{TEXT_MAX_LENGTH}字以内で入力してください。"})
    return {str(k.value): v for k, v in values.items()}


def _viewed(request: TsunaguRequest, evaluation: GroupHomeEvaluation) -> GroupHomeEvaluation:
    audit.record(
        action=Action.RECORD_VIEWED,
        actor=request.actor,
        target=evaluation,
        detail={"view": "grouphomes_evaluation_api"},
    )
    return evaluation


# --- Homes ----------------------------------------------------------------------------------


@router.get(
    "/grouphomes/homes",
    response={200: list[GroupHomeOut], 404: ErrorOut, 422: ErrorOut},
    summary="日中サービス支援型グループホームの一覧（市担当課・基幹相談支援センター）",
    url_name="grouphome_list",
)
@paginated
def home_list(request: TsunaguRequest) -> Any:
    actor = audit.require_role(request.actor, access.is_oversight, view="grouphomes_homes")
    return selectors.home_rows(actor)


@router.post(
    "/grouphomes/homes",
    response={201: GroupHomeOut, **ERRORS},
    summary="グループホームを登録する（市担当課）",
    url_name="grouphome_create",
)
def home_create(request: TsunaguRequest, payload: GroupHomeIn) -> Status[GroupHome]:
    actor = audit.require_role(request.actor, access.may_manage, view="grouphomes_home_create")
    organization = services.home_candidates().filter(pk=payload.organization_id).first()
    if organization is None:
        raise FieldErrors({"organization_id": "未登録の障害福祉サービス事業所を選んでください。"})
    home = services.home_create(
        actor,
        organization=organization,
        opened_on=payload.opened_on,
        capacity=payload.capacity,
        units=payload.units,
        note=payload.note,
    )
    return Status(201, home)


@router.get(
    "/grouphomes/homes/{home_id}",
    response={200: GroupHomeOut, 404: ErrorOut},
    summary="グループホーム",
    url_name="grouphome_detail",
)
def home_detail(request: TsunaguRequest, home_id: int) -> GroupHome:
    return access.access_home(request.actor, home_id)


@router.patch(
    "/grouphomes/homes/{home_id}",
    response={200: GroupHomeOut, **ERRORS},
    summary="グループホームを変更する（所管の市担当課）",
    url_name="grouphome_update",
)
def home_update(request: TsunaguRequest, home_id: int, payload: GroupHomePatch) -> GroupHome:
    home = access.access_home(request.actor, home_id, for_write=True)
    return services.home_update(request.actor, home=home, **payload.model_dump(exclude_unset=True))


# --- Evaluations ----------------------------------------------------------------------------


@router.get(
    "/grouphomes/evaluations",
    response={200: list[GroupHomeEvaluationOut], 404: ErrorOut, 422: ErrorOut},
    summary="評価の一覧（年度・段階で絞り込み）",
    url_name="grouphome_evaluation_list",
)
@paginated
def evaluation_list(
    request: TsunaguRequest, fiscal_year: Year | None = None, step: Step | None = None
) -> Any:
    actor = audit.require_role(request.actor, access.may_list, view="grouphomes_list")
    rows = selectors.evaluation_rows(actor).prefetch_related("evaluators")
    if fiscal_year is not None:
        rows = rows.filter(fiscal_year=fiscal_year)
    if step is not None:
        rows = rows.filter(step=step.value)
    audit.record_read(actor, view="grouphomes_list", person_ids=[])
    return rows


@router.get(
    "/grouphomes/evaluations/overdue",
    response={200: list[GroupHomeEvaluationOut], 404: ErrorOut, 422: ErrorOut},
    summary="期限を過ぎた報告書（市担当課・基幹相談支援センター）",
    url_name="grouphome_evaluation_overdue",
)
@paginated
def overdue_list(request: TsunaguRequest) -> Any:
    actor = audit.require_role(request.actor, access.is_oversight, view="grouphomes_overdue")
    audit.record_read(actor, view="grouphomes_overdue", person_ids=[])
    return selectors.overdue_rows(actor).prefetch_related("evaluators")


@router.post(
    "/grouphomes/evaluations",
    response={201: GroupHomeEvaluationOut, **ERRORS},
    summary="評価を計画する（市担当課）",
    url_name="grouphome_evaluation_plan",
)
def evaluation_plan(
    request: TsunaguRequest, payload: GroupHomeEvaluationIn
) -> Status[GroupHomeEvaluation]:
    actor = audit.require_role(request.actor, access.may_manage, view="grouphomes_plan")
    home = selectors.home_rows(actor).filter(pk=payload.home_id).first()
    if home is None:
        raise FieldErrors({"home_id": "登録されたグループホームを選んでください。"})
    body = services.evaluation_bodies().filter(pk=payload.body_id).first()
    if body is None:
        raise FieldErrors({"body_id": "評価の場は協議会の部会から選びます。"})
    assert actor.organization is not None  # noqa: S101  # may_manage says so
    ids = set(payload.evaluator_ids)
    evaluators = list(
        services.evaluator_candidates(
            manager=actor.organization, bodies=services.evaluation_bodies()
        ).filter(pk__in=ids)
    )
    if len(evaluators) != len(ids):
        raise FieldErrors({"evaluator_ids": "評価者は市担当課の職員と部会の委員から選びます。"})
    evaluation = services.evaluation_plan(
        actor,
        home=home,
        fiscal_year=payload.fiscal_year,
        path=str(payload.path.value),
        body=body,
        evaluators=evaluators,
        visit_planned_on=payload.visit_planned_on,
        report_due_days=payload.report_due_days,
    )
    return Status(201, evaluation)


@router.get(
    "/grouphomes/evaluations/{evaluation_id}",
    response={200: GroupHomeEvaluationOut, 404: ErrorOut},
    summary="評価（事業所と協議会の委員には公表後だけ）",
    url_name="grouphome_evaluation_detail",
)
def evaluation_detail(request: TsunaguRequest, evaluation_id: int) -> GroupHomeEvaluation:
    return _viewed(request, access.access_evaluation(request.actor, evaluation_id))


@router.post(
    "/grouphomes/evaluations/{evaluation_id}/visit",
    response={200: GroupHomeEvaluationOut, **ERRORS},
    summary="実地調査を記録する（市担当課・評価者）",
    url_name="grouphome_evaluation_visit",
)
def visit(
    request: TsunaguRequest, evaluation_id: int, payload: GroupHomeVisitIn
) -> GroupHomeEvaluation:
    evaluation = access.access_evaluation(request.actor, evaluation_id)
    return services.visit_record(
        request.actor,
        evaluation=evaluation,
        visited_on=payload.visited_on,
        observations=_texts(payload.observations),
        findings=payload.findings,
    )


@router.post(
    "/grouphomes/evaluations/{evaluation_id}/self-evaluation",
    response={200: GroupHomeEvaluationOut, **ERRORS},
    summary="自己評価を入力する（事業所。アカウントがなければ市が紙の様式から）",
    url_name="grouphome_evaluation_self_evaluation",
)
def self_evaluation(
    request: TsunaguRequest, evaluation_id: int, payload: GroupHomeSelfEvaluationIn
) -> GroupHomeEvaluation:
    evaluation = access.access_for_self_evaluation(request.actor, evaluation_id)
    return services.self_evaluation_receive(
        request.actor,
        evaluation=evaluation,
        received_on=payload.received_on,
        answers=_texts(payload.answers),
        summary=payload.summary,
    )


@router.post(
    "/grouphomes/evaluations/{evaluation_id}/qa",
    response={200: GroupHomeEvaluationOut, **ERRORS},
    summary="部会での質疑・意見交換を記録する（市担当課・評価者）",
    url_name="grouphome_evaluation_qa",
)
def qa(request: TsunaguRequest, evaluation_id: int, payload: GroupHomeQaIn) -> GroupHomeEvaluation:
    evaluation = access.access_evaluation(request.actor, evaluation_id)
    meeting = None
    if payload.meeting_id is not None:
        meeting = services.qa_meetings(evaluation).filter(pk=payload.meeting_id).first()
        if meeting is None:
            raise FieldErrors({"meeting_id": "会議は評価の場の部会のものを選びます。"})
    return services.qa_record(
        request.actor,
        evaluation=evaluation,
        held_on=payload.held_on,
        meeting=meeting,
        items=[item.model_dump() for item in payload.items],
    )


@router.post(
    "/grouphomes/evaluations/{evaluation_id}/report",
    response={200: GroupHomeEvaluationOut, **ERRORS},
    summary="評価報告書を作成する（市担当課・評価者）",
    url_name="grouphome_evaluation_report",
)
def report(
    request: TsunaguRequest, evaluation_id: int, payload: GroupHomeReportIn
) -> GroupHomeEvaluation:
    evaluation = access.access_evaluation(request.actor, evaluation_id)
    return services.report_write(request.actor, evaluation=evaluation, text=payload.text)


@router.post(
    "/grouphomes/evaluations/{evaluation_id}/publish",
    response={200: GroupHomeEvaluationOut, **ERRORS},
    summary="評価報告書を事業所と協議会に公表する（所管の市担当課）",
    url_name="grouphome_evaluation_publish",
)
def publish(request: TsunaguRequest, evaluation_id: int) -> GroupHomeEvaluation:
    evaluation = access.access_evaluation(request.actor, evaluation_id)
    return services.publish(request.actor, evaluation=evaluation)


@router.get(
    "/grouphomes/evaluations/{evaluation_id}/report.pdf",
    response={200: None, 404: ErrorOut, 503: ErrorOut},
    summary="公表した評価報告書（PDF）",
    url_name="grouphome_evaluation_report_pdf",
)
def report_pdf(request: TsunaguRequest, evaluation_id: int) -> HttpResponse:
    evaluation = access.access_evaluation(request.actor, evaluation_id)
    pdf = printing.report_pdf(request.actor, evaluation=evaluation)
    return download(
        pdf, filename=printing.filename(evaluation, "pdf"), content_type="application/pdf"
    )


@router.get(
    "/grouphomes/evaluations/{evaluation_id}/report.docx",
    response={200: None, 404: ErrorOut},
    summary="公表した評価報告書（Word）",
    url_name="grouphome_evaluation_report_docx",
)
def report_docx(request: TsunaguRequest, evaluation_id: int) -> HttpResponse:
    evaluation = access.access_evaluation(request.actor, evaluation_id)
    content = printing.report_docx(request.actor, evaluation=evaluation)
    return download(
        content, filename=printing.filename(evaluation, "docx"), content_type=printing.DOCX
    )
