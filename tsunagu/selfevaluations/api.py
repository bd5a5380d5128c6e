"""The self-evaluation in the JSON API: the same access helpers, selectors and services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Query, Router, Schema, Status

from tsunagu.audit import services as audit
from tsunagu.core.api import ERRORS, ErrorOut, Listing, paginated
from tsunagu.core.errors import FieldErrors
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.schemas import Out, patch_field
from tsunagu.core.validators import Id, NonBlank
from tsunagu.selfevaluations import access, selectors, services
from tsunagu.selfevaluations.models import (
    FIRST_YEAR,
    LABEL_MAX,
    LAST_YEAR,
    MAX_LEVELS,
    TEXT_MAX,
    CriteriaArea,
    CriteriaItem,
    CriteriaSet,
    SelfEvaluation,
    SetStatus,
)

router = Router(tags=["self-evaluations"])

Label = Field(..., min_length=1, max_length=LABEL_MAX)
Text = Field("", max_length=TEXT_MAX)


class SelfEvaluationSetOut(Out):
    id: int
    fiscal_year: int
    title: str
    guidance: str
    scale_labels: list[str]
    status: str
    status_label: str = Field(alias="get_status_display")
    published_at: dt.datetime | None


class SelfEvaluationItemOut(Out):
    id: int
    area_id: int
    position: int
    code: str
    text: str
    guidance: str


class SelfEvaluationAreaOut(Out):
    id: int
    criteria_set_id: int
    position: int
    name: str
    items: list[SelfEvaluationItemOut]

    @staticmethod
    def resolve_items(area: CriteriaArea) -> list[CriteriaItem]:
        return list(area.items.all())


class SelfEvaluationSetDetailOut(Out):
    criteria: SelfEvaluationSetOut
    areas: list[SelfEvaluationAreaOut]


class SelfEvaluationSetIn(Schema):
    fiscal_year: int = Field(..., ge=FIRST_YEAR, le=LAST_YEAR)
    title: NonBlank = Field(..., min_length=1, max_length=200)
    guidance: str = Text
    scale_labels: list[str] = Field(
        default_factory=list, max_length=MAX_LEVELS, description="空なら引き継ぐ評価基準の段階"
    )
    copy_from_id: Id | None = Field(None, description="引き継ぐ評価基準（前年度など）")


class SelfEvaluationSetPatch(Schema):
    title: NonBlank = patch_field(min_length=1, max_length=200)
    guidance: str = patch_field(max_length=TEXT_MAX)
    scale_labels: list[str] = patch_field(min_length=2, max_length=MAX_LEVELS)


class SelfEvaluationAreaIn(Schema):
    name: NonBlank = Field(..., min_length=1, max_length=100)


class SelfEvaluationAreaPatch(Schema):
    name: NonBlank = patch_field(min_length=1, max_length=100)
    position: int = patch_field(ge=1, le=100)


class SelfEvaluationItemIn(Schema):
    area_id: Id
    code: NonBlank = Field(..., min_length=1, max_length=20)
    text: NonBlank = Field(..., min_length=1, max_length=300)
    guidance: str = Text


class SelfEvaluationItemPatch(Schema):
    area_id: Id = patch_field()
    code: NonBlank = patch_field(min_length=1, max_length=20)
    text: NonBlank = patch_field(min_length=1, max_length=300)
    guidance: str = patch_field(max_length=TEXT_MAX)
    position: int = patch_field(ge=1, le=100)


class SelfEvaluationOut(Out):
    id: int
    organization_id: int
    organization_name: str = Field(alias="organization.name")
    criteria_set_id: int
    fiscal_year: int = Field(alias="criteria_set.fiscal_year")
    status: str
    status_label: str = Field(alias="get_status_display")
    overall_comment: str
    submitted_at: dt.datetime | None
    return_reason: str
    returned_at: dt.datetime | None
    center_released_at: dt.datetime | None


class SelfEvaluationAnswerOut(Out):
    item_id: int
    code: str
    text: str
    area: str
    score: int | None
    comment: str
    center_comment: str | None


class SelfEvaluationDetailOut(Out):
    evaluation: SelfEvaluationOut
    center_comment: str | None
    answers: list[SelfEvaluationAnswerOut]


class SelfEvaluationStartIn(Schema):
    criteria_set_id: Id


class SelfEvaluationAnswerIn(Schema):
    item_id: Id
    score: int | None = Field(None, ge=1, le=MAX_LEVELS)
    comment: str | None = Field(None, max_length=TEXT_MAX)


class SelfEvaluationPatch(Schema):
    answers: list[SelfEvaluationAnswerIn] = Field(default_factory=list, max_length=500)
    overall_comment: str = patch_field(max_length=TEXT_MAX)


class SelfEvaluationReturnIn(Schema):
    reason: NonBlank = Field(..., min_length=1, max_length=TEXT_MAX)


class SelfEvaluationCommentIn(Schema):
    item_id: Id
    comment: str = Field(..., max_length=TEXT_MAX)


class SelfEvaluationReviewIn(Schema):
    comments: list[SelfEvaluationCommentIn] = Field(default_factory=list, max_length=500)
    center_comment: str = patch_field(max_length=TEXT_MAX)


class SelfEvaluationHistoryRowOut(Out):
    code: str
    text: str
    area: str
    scores: list[int | None]


class SelfEvaluationHistoryOut(Out):
    organization_id: int
    years: list[int]
    averages: list[float | None]
    rows: list[SelfEvaluationHistoryRowOut]


class SelfEvaluationItemSummaryOut(Out):
    item_id: int
    code: str
    text: str
    counts: list[int]
    answered: int
    mean: float | None
    previous_mean: float | None


class SelfEvaluationSummaryOut(Out):
    criteria_set_id: int
    fiscal_year: int
    scale_labels: list[str]
    offices: int
    submitted: int
    items: list[SelfEvaluationItemSummaryOut]


class SelfEvaluationListFilter(Schema):
    fiscal_year: int | None = Field(None, ge=FIRST_YEAR, le=LAST_YEAR)


# --- Criteria ---------------------------------------------------------------------------------


@router.get(
    "/self-evaluation-criteria",
    response={200: list[SelfEvaluationSetOut], 404: ErrorOut, 422: ErrorOut},
    summary="自己評価の評価基準の一覧（公開されたもの。作成中は市担当課）",
    url_name="self_evaluation_set_list",
)
@paginated
def set_list(request: TsunaguRequest) -> Any:
    actor = audit.require_role(request.actor, access.may_view, view="self_evaluation_set_list")
    return selectors.set_rows(actor)


@router.post(
    "/self-evaluation-criteria",
    response={201: SelfEvaluationSetOut, **ERRORS},
    summary="評価基準を作成する（市担当課。前年度から引き継げる）",
    url_name="self_evaluation_set_create",
)
def set_create(request: TsunaguRequest, payload: SelfEvaluationSetIn) -> Status[CriteriaSet]:
    actor = audit.require_role(
        request.actor, access.may_manage_criteria, view="self_evaluation_set_create"
    )
    data = payload.model_dump()
    copy_id = data.pop("copy_from_id")
    copy_from = None
    if copy_id is not None:
        copy_from = access.sets_visible_to(actor).filter(pk=copy_id).first()
        if copy_from is None:
            raise FieldErrors({"copy_from_id": "その評価基準はありません。"})
    return Status(201, services.set_create(actor, copy_from=copy_from, **data))


@router.get(
    "/self-evaluation-criteria/{set_id}",
    response={200: SelfEvaluationSetDetailOut, 404: ErrorOut},
    summary="評価基準（領域と評価項目）",
    url_name="self_evaluation_set_detail",
)
def set_detail(request: TsunaguRequest, set_id: int) -> dict[str, Any]:
    criteria = access.access_set(request.actor, set_id)
    return {"criteria": criteria, "areas": selectors.structure(criteria)}


@router.patch(
    "/self-evaluation-criteria/{set_id}",
    response={200: SelfEvaluationSetOut, **ERRORS},
    summary="評価基準を変更する（作成中のみ）",
    url_name="self_evaluation_set_update",
)
def set_update(
    request: TsunaguRequest, set_id: int, payload: SelfEvaluationSetPatch
) -> CriteriaSet:
    criteria = access.access_set(request.actor, set_id, for_write=True)
    return services.set_update(
        request.actor, criteria=criteria, **payload.model_dump(exclude_unset=True)
    )


@router.post(
    "/self-evaluation-criteria/{set_id}/publish",
    response={200: SelfEvaluationSetOut, **ERRORS},
    summary="評価基準を公開する（以後は変更できない）",
    url_name="self_evaluation_set_publish",
)
def set_publish(request: TsunaguRequest, set_id: int) -> CriteriaSet:
    criteria = access.access_set(request.actor, set_id, for_write=True)
    return services.set_publish(request.actor, criteria=criteria)


@router.post(
    "/self-evaluation-criteria/{set_id}/areas",
    response={201: SelfEvaluationAreaOut, **ERRORS},
    summary="領域を加える",
    url_name="self_evaluation_area_create",
)
def area_create(
    request: TsunaguRequest, set_id: int, payload: SelfEvaluationAreaIn
) -> Status[CriteriaArea]:
    criteria = access.access_set(request.actor, set_id, for_write=True)
    return Status(201, services.area_create(request.actor, criteria=criteria, name=payload.name))


@router.patch(
    "/self-evaluation-areas/{area_id}",
    response={200: SelfEvaluationAreaOut, **ERRORS},
    summary="領域を変更する",
    url_name="self_evaluation_area_update",
)
def area_update(
    request: TsunaguRequest, area_id: int, payload: SelfEvaluationAreaPatch
) -> CriteriaArea:
    area = access.access_area(request.actor, area_id, for_write=True)
    return services.area_update(request.actor, area=area, **payload.model_dump(exclude_unset=True))


@router.delete(
    "/self-evaluation-areas/{area_id}",
    response={204: None, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="領域を削除する（その評価項目も）",
    url_name="self_evaluation_area_delete",
)
def area_delete(request: TsunaguRequest, area_id: int) -> Status[None]:
    area = access.access_area(request.actor, area_id, for_write=True)
    services.area_delete(request.actor, area=area)
    return Status(204, None)


def _area_of(criteria: CriteriaSet, area_id: int) -> CriteriaArea:
    area = criteria.areas.filter(pk=area_id).first()
    if area is None:
        raise FieldErrors({"area_id": "この評価基準の領域を選んでください。"})
    return area


@router.post(
    "/self-evaluation-criteria/{set_id}/items",
    response={201: SelfEvaluationItemOut, **ERRORS},
    summary="評価項目を加える",
    url_name="self_evaluation_item_create",
)
def item_create(
    request: TsunaguRequest, set_id: int, payload: SelfEvaluationItemIn
) -> Status[CriteriaItem]:
    criteria = access.access_set(request.actor, set_id, for_write=True)
    data = payload.model_dump()
    area = _area_of(criteria, data.pop("area_id"))
    return Status(201, services.item_create(request.actor, area=area, **data))


@router.patch(
    "/self-evaluation-items/{item_id}",
    response={200: SelfEvaluationItemOut, **ERRORS},
    summary="評価項目を変更する",
    url_name="self_evaluation_item_update",
)
def item_update(
    request: TsunaguRequest, item_id: int, payload: SelfEvaluationItemPatch
) -> CriteriaItem:
    item = access.access_item(request.actor, item_id, for_write=True)
    data = payload.model_dump(exclude_unset=True)
    if "area_id" in data:
        data["area"] = _area_of(item.area.criteria_set, data.pop("area_id"))
    return services.item_update(request.actor, item=item, **data)


@router.delete(
    "/self-evaluation-items/{item_id}",
    response={204: None, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="評価項目を削除する",
    url_name="self_evaluation_item_delete",
)
def item_delete(request: TsunaguRequest, item_id: int) -> Status[None]:
    item = access.access_item(request.actor, item_id, for_write=True)
    services.item_delete(request.actor, item=item)
    return Status(204, None)


@router.get(
    "/self-evaluation-criteria/{set_id}/summary",
    response={200: SelfEvaluationSummaryOut, 404: ErrorOut},
    summary="項目ごとの評価の分布（担当の事業所、提出済み。基幹相談支援センターと市）",
    url_name="self_evaluation_summary",
)
def summary(request: TsunaguRequest, set_id: int) -> dict[str, Any]:
    actor = request.actor
    criteria = access.access_set(actor, set_id)
    audit.require_role(actor, access.sees_offices, view="self_evaluation_summary")
    found = selectors.summary(actor, criteria)
    services.record_viewed(actor, target=criteria, view="self_evaluation_summary")
    return {
        "criteria_set_id": criteria.pk,
        "fiscal_year": criteria.fiscal_year,
        "scale_labels": criteria.scale_labels,
        "offices": found.offices,
        "submitted": found.submitted,
        "items": [
            {
                "item_id": s.item.pk,
                "code": s.item.code,
                "text": s.item.text,
                "counts": s.counts,
                "answered": s.answered,
                "mean": s.mean,
                "previous_mean": s.previous_mean,
            }
            for s in found.items
        ],
    }


# --- Evaluations ------------------------------------------------------------------------------


@router.get(
    "/self-evaluations",
    response={200: list[SelfEvaluationOut], 404: ErrorOut, 422: ErrorOut},
    summary="自己評価の一覧（事業所は自分の、センターと市は提出されたもの）",
    url_name="self_evaluation_list",
)
@paginated
def evaluation_list(request: TsunaguRequest, filters: Query[SelfEvaluationListFilter]) -> Any:
    actor = audit.require_role(request.actor, access.may_view, view="self_evaluation_list")

    def shown(rows: list[SelfEvaluation]) -> None:
        audit.record_read(
            actor,
            view="self_evaluation_list",
            person_ids=(),
            filters={"fiscal_year": filters.fiscal_year, "ids": [e.pk for e in rows]},
        )

    return Listing(selectors.evaluation_rows(actor, fiscal_year=filters.fiscal_year), on_page=shown)


@router.post(
    "/self-evaluations",
    response={201: SelfEvaluationOut, **ERRORS},
    summary="自己評価を始める（事業所。公開された評価基準について作成中で作る）",
    url_name="self_evaluation_start",
)
def evaluation_start(
    request: TsunaguRequest, payload: SelfEvaluationStartIn
) -> Status[SelfEvaluation]:
    actor = audit.require_role(request.actor, access.may_evaluate, view="self_evaluation_start")
    criteria = (
        access.sets_visible_to(actor)
        .filter(pk=payload.criteria_set_id, status=SetStatus.PUBLISHED)
        .first()
    )
    if criteria is None:
        raise FieldErrors({"criteria_set_id": "公開された評価基準を選んでください。"})
    return Status(201, services.evaluation_start(actor, criteria=criteria))


def _detail(request: TsunaguRequest, evaluation: SelfEvaluation) -> dict[str, Any]:
    shows = access.sees_center_comments(request.actor, evaluation)
    answers = [
        {
            "item_id": a.item_id,
            "code": a.item.code,
            "text": a.item.text,
            "area": a.item.area.name,
            "score": a.score,
            "comment": a.comment,
            "center_comment": a.center_comment if shows else None,
        }
        for group in selectors.answers_by_area(evaluation)
        for a in group.answers
    ]
    return {
        "evaluation": evaluation,
        "center_comment": evaluation.center_comment if shows else None,
        "answers": answers,
    }


@router.get(
    "/self-evaluations/{evaluation_id}",
    response={200: SelfEvaluationDetailOut, 404: ErrorOut},
    summary="自己評価（項目ごとの評価とコメント。センターの所見は公開後に事業所へ）",
    url_name="self_evaluation_detail",
)
def evaluation_detail(request: TsunaguRequest, evaluation_id: int) -> dict[str, Any]:
    evaluation = access.access_evaluation(request.actor, evaluation_id)
    services.record_viewed(request.actor, target=evaluation, view="self_evaluation_detail")
    return _detail(request, evaluation)


@router.patch(
    "/self-evaluations/{evaluation_id}",
    response={200: SelfEvaluationDetailOut, **ERRORS},
    summary="自己評価を保存する（作成中・差し戻し中のみ）",
    url_name="self_evaluation_update",
)
def evaluation_update(
    request: TsunaguRequest, evaluation_id: int, payload: SelfEvaluationPatch
) -> dict[str, Any]:
    evaluation = access.access_evaluation(request.actor, evaluation_id)
    answers: dict[int, dict[str, Any]] = {}
    for given in payload.answers:
        answers[given.item_id] = given.model_dump(exclude_unset=True, exclude={"item_id"})
    saved = services.evaluation_save(
        request.actor,
        evaluation=evaluation,
        answers=answers,
        overall_comment=payload.overall_comment,
    )
    return _detail(request, saved)


@router.post(
    "/self-evaluations/{evaluation_id}/submit",
    response={200: SelfEvaluationOut, **ERRORS},
    summary="自己評価を提出する（一度だけ。以後は閲覧のみ）",
    url_name="self_evaluation_submit",
)
def evaluation_submit(request: TsunaguRequest, evaluation_id: int) -> SelfEvaluation:
    evaluation = access.access_evaluation(request.actor, evaluation_id)
    return services.evaluation_submit(request.actor, evaluation=evaluation)


@router.post(
    "/self-evaluations/{evaluation_id}/return",
    response={200: SelfEvaluationOut, **ERRORS},
    summary="自己評価を差し戻す（担当の基幹相談支援センター・市。理由が必要）",
    url_name="self_evaluation_return",
)
def evaluation_return(
    request: TsunaguRequest, evaluation_id: int, payload: SelfEvaluationReturnIn
) -> SelfEvaluation:
    evaluation = access.access_evaluation(request.actor, evaluation_id)
    return services.evaluation_return(request.actor, evaluation=evaluation, reason=payload.reason)


@router.patch(
    "/self-evaluations/{evaluation_id}/review",
    response={200: SelfEvaluationDetailOut, **ERRORS},
    summary="センターの所見を書く（項目ごとと全体）",
    url_name="self_evaluation_review",
)
def evaluation_review(
    request: TsunaguRequest, evaluation_id: int, payload: SelfEvaluationReviewIn
) -> dict[str, Any]:
    evaluation = access.access_evaluation(request.actor, evaluation_id)
    saved = services.evaluation_review(
        request.actor,
        evaluation=evaluation,
        comments={c.item_id: c.comment for c in payload.comments},
        center_comment=payload.center_comment,
    )
    return _detail(request, saved)


@router.post(
    "/self-evaluations/{evaluation_id}/release",
    response={200: SelfEvaluationOut, **ERRORS},
    summary="センターの所見を事業所に公開する",
    url_name="self_evaluation_release",
)
def evaluation_release(request: TsunaguRequest, evaluation_id: int) -> SelfEvaluation:
    evaluation = access.access_evaluation(request.actor, evaluation_id)
    return services.evaluation_release(request.actor, evaluation=evaluation)


@router.get(
    "/self-evaluation-offices/{organization_id}/history",
    response={200: SelfEvaluationHistoryOut, 404: ErrorOut},
    summary="事業所の年度ごとの評価（項目番号で並べる）",
    url_name="self_evaluation_history",
)
def history(request: TsunaguRequest, organization_id: int) -> dict[str, Any]:
    actor = request.actor
    office = access.access_office(actor, organization_id)
    found = selectors.history(actor, office)
    services.record_viewed(actor, target=office, view="self_evaluation_history")
    return {
        "organization_id": office.pk,
        "years": found.years,
        "averages": found.averages,
        "rows": found.rows,
    }
