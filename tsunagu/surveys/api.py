"""The surveys API: the same access helpers, selectors and services as the screens.

Every route is under /api/v1/surveys.  An organization that neither sent a survey nor received
it gets the 404 of a survey that does not exist; a recipient reading another recipient's
response gets the same 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Router, Schema, Status

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.core.api import ERRORS, ErrorOut, paginated
from tsunagu.core.errors import FieldErrors
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.schemas import Out, patch_field
from tsunagu.core.validators import Id, SaneDate, Year
from tsunagu.organizations.models import Organization, OrganizationKind
from tsunagu.surveys import access, census, selectors, services
from tsunagu.surveys.models import (
    DEFAULT_CASE_ROWS,
    MAX_CASE_ROWS,
    PURPOSE_MAX_LENGTH,
    QUESTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Answer,
    Question,
    QuestionKind,
    Survey,
    SurveyResponse,
)

router = Router(tags=["surveys"])


class SurveyOut(Out):
    id: int
    kind: str
    title: str
    purpose: str
    fiscal_year: int
    deadline: dt.date
    status: str
    status_label: str = Field(alias="get_status_display")
    sender_id: int
    sent_at: dt.datetime | None
    closed_at: dt.datetime | None


class SurveyQuestionOut(Out):
    id: int
    position: int
    kind: str
    text: str
    help_text: str
    required: bool
    choices: list[str]
    rows: list[str]
    columns: list[str]
    max_rows: int
    prefill_key: str
    code: str


class SurveyResponseOut(Out):
    id: int
    survey_id: int
    organization_id: int
    organization_name: str = Field(alias="organization.name")
    status: str
    saved_at: dt.datetime | None
    submitted_at: dt.datetime | None
    reopened_at: dt.datetime | None
    reopen_reason: str
    reminded_at: dt.datetime | None


class SurveyAnswerOut(Schema):
    question_id: int
    value: Any = Field(None, description="回答（設問の種類ごとの形）")
    prefilled: Any = Field(None, description="記録からの値（自動入力の設問だけ）")
    from_records: bool
    reviewed: bool


class SurveyResponseDetailOut(Schema):
    response: SurveyResponseOut
    answers: list[SurveyAnswerOut]


class SurveyIn(Schema):
    title: str = Field(..., min_length=1, max_length=TITLE_MAX_LENGTH)
    purpose: str = Field("", max_length=PURPOSE_MAX_LENGTH)
    fiscal_year: Year
    deadline: SaneDate


class SurveyPatch(Schema):
    title: str = patch_field(min_length=1, max_length=TITLE_MAX_LENGTH)
    purpose: str = patch_field(max_length=PURPOSE_MAX_LENGTH)
    fiscal_year: Year = patch_field()
    deadline: SaneDate = patch_field()


class SurveyQuestionIn(Schema):
    kind: QuestionKind
    text: str = Field(..., min_length=1, max_length=QUESTION_MAX_LENGTH)
    help_text: str = Field("", max_length=QUESTION_MAX_LENGTH)
    required: bool = False
    choices: list[str] = Field(default_factory=list, max_length=30)
    rows: list[str] = Field(default_factory=list, max_length=30)
    columns: list[str] = Field(default_factory=list, max_length=30)
    max_rows: int = Field(
        DEFAULT_CASE_ROWS,
        ge=1,
        le=MAX_CASE_ROWS,
        description="困難ケースの一覧: 挙げられるケースの数（1〜30）",
    )
    prefill_key: str = Field("", max_length=40)


class SurveyRecipientsIn(Schema):
    organization_ids: list[Id] = Field(default_factory=list, max_length=500)
    kinds: list[OrganizationKind] = Field(
        default_factory=list, max_length=len(OrganizationKind.values)
    )


class SurveyAnswerIn(Schema):
    question_id: Id
    value: Any = Field(
        None,
        description="数値、選択肢の文字、選択肢の配列、文字、行×列の数の配列、"
        '困難ケースの一覧は [{"case_id", "summary", "keep": {キー: 理由}}]（順位の順）',
    )


class SurveyAnswersIn(Schema):
    answers: list[SurveyAnswerIn] = Field(default_factory=list, max_length=100)
    submit: bool = Field(False, description="true で提出（以後、事業所は変更できません）")


class SurveyReopenIn(Schema):
    reason: str = Field(..., min_length=1, max_length=services.REASON_MAX_LENGTH)


class SurveyReviewIn(Schema):
    reviewed: bool = True


class SurveyCensusIn(Schema):
    fiscal_year: Year
    deadline: SaneDate


class SurveyCaseRowOut(Schema):
    office_name: str | None = Field(description="実施機関にだけ示す")
    rank: int
    summary: str = Field(description="匿名化して確認した概要")
    factors: list[str] = Field(description="困難さの要因のキー（提出時のケースから）")


class SurveyAggregateOut(Schema):
    question_id: int
    kind: str
    text: str
    answered: int
    total: int | None
    mean: float | None
    minimum: int | None
    maximum: int | None
    counts: list[tuple[str, int]]
    table: list[list[int]]
    texts: list[str] = Field(description="自由記述（実施機関は全件、送付先は確認済みのものだけ）")
    cases: list[SurveyCaseRowOut] = Field(
        default_factory=list, description="困難ケースの一覧: 匿名化した行（counts は要因ごとの数）"
    )


class SurveyResultsOut(Schema):
    survey_id: int
    submitted: int
    recipients: int
    questions: list[SurveyAggregateOut]


class SurveyComparisonRowOut(Schema):
    code: str
    text: str
    values: list[str]


class SurveyComparisonOut(Schema):
    years: list[int]
    office_id: int | None
    office: list[SurveyComparisonRowOut]
    city: list[SurveyComparisonRowOut]


def _answers_out(response: SurveyResponse, actor_editable: bool) -> list[dict[str, Any]]:
    questions = selectors.questions_of(response.survey)
    stored = selectors.answers_of(response)
    prefilled = (
        services.prefilled_values(response, [q for q in questions if q.pk not in stored])
        if actor_editable
        else {}
    )
    shown = []
    for q in questions:
        a = stored.get(q.pk)
        pre = a.prefilled if a is not None else prefilled.get(q.pk)
        shown.append(
            {
                "question_id": q.pk,
                "value": a.value if a is not None else pre,
                "prefilled": pre,
                "from_records": pre is not None,
                "reviewed": bool(a is not None and a.reviewed_at is not None),
            }
        )
    return shown


def _response_out(request: TsunaguRequest, response: SurveyResponse) -> dict[str, Any]:
    editable = access.is_respondent(request.actor, response)
    return {"response": response, "answers": _answers_out(response, editable)}


# --- Routes with literal paths first (a survey id is matched after them) ------------------


@router.get(
    "/surveys",
    response={200: list[SurveyOut], 404: ErrorOut, 422: ErrorOut},
    summary="調査の一覧（実施した調査と、送付された調査）",
    url_name="surveys_list",
)
@paginated
def survey_list(request: TsunaguRequest) -> Any:
    actor = audit.require_role(request.actor, access.may_view, view="surveys_list")
    return selectors.survey_rows(actor).order_by("-fiscal_year", "-deadline", "-pk")


@router.post(
    "/surveys",
    response={201: SurveyOut, **ERRORS},
    summary="調査を作成する（基幹相談支援センター・市担当課）",
    url_name="surveys_create",
)
def survey_create(request: TsunaguRequest, payload: SurveyIn) -> Status[Survey]:
    actor = audit.require_role(request.actor, access.may_send, view="surveys_create")
    return Status(201, services.survey_create(actor, **payload.model_dump()))


@router.post(
    "/surveys/census",
    response={201: SurveyOut, **ERRORS},
    summary="今年度の実態調査をひな形から作成する（指定特定相談支援事業所あて）",
    url_name="surveys_census_create",
)
def census_create(request: TsunaguRequest, payload: SurveyCensusIn) -> Status[Survey]:
    actor = audit.require_role(request.actor, access.may_send, view="surveys_census_create")
    return Status(201, census.census_create(actor, **payload.model_dump()))


@router.get(
    "/surveys/census/compare",
    response={200: SurveyComparisonOut, 404: ErrorOut, 422: ErrorOut},
    summary="実態調査の年度比較（事業所ごと・市全体）",
    url_name="surveys_census_compare",
)
def census_compare(request: TsunaguRequest, office_id: Id | None = None) -> dict[str, Any]:
    actor = audit.require_role(request.actor, access.may_view, view="surveys_census_compare")
    surveys = selectors.censuses(actor)
    sender_view = bool(surveys) and all(access.sees_sender_view(actor, s) for s in surveys)
    offices = selectors.census_offices(surveys)
    if not sender_view:
        offices = offices.filter(pk=actor.organization_id or 0)
    office: Organization | None = None
    if office_id is not None:
        office = offices.filter(pk=office_id).first()
        if office is None:
            raise audit.not_found(actor, "organizations.organization", office_id, "not shown")
    elif not sender_view:
        office = offices.first()
    audit.record(
        action=Action.RECORD_VIEWED,
        actor=actor,
        target_type="surveys.census",
        target_id=str(office.pk) if office else "city",
        detail={"view": "surveys_census_compare_api"},
    )
    office_rows = selectors.office_comparison(surveys, office) if office else None
    city_rows = selectors.city_comparison(actor, surveys) if surveys else None
    return {
        "years": [s.fiscal_year for s in surveys],
        "office_id": office.pk if office else None,
        "office": [vars(r) for r in office_rows.rows] if office_rows else [],
        "city": [vars(r) for r in city_rows.rows] if city_rows else [],
    }


@router.get(
    "/surveys/responses/{response_id}",
    response={200: SurveyResponseDetailOut, 404: ErrorOut},
    summary="回答（自事業所の回答、または実施機関）。記録からの値を含む",
    url_name="surveys_response_detail",
)
def response_detail(request: TsunaguRequest, response_id: int) -> dict[str, Any]:
    response = access.access_response(request.actor, response_id)
    audit.record(
        action=Action.RECORD_VIEWED,
        actor=request.actor,
        target=response,
        detail={"view": "surveys_response_api", "survey": response.survey_id},
    )
    return _response_out(request, response)


@router.put(
    "/surveys/responses/{response_id}/answers",
    response={200: SurveyResponseDetailOut, **ERRORS},
    summary="回答を一時保存する（submit: true で提出）",
    url_name="surveys_response_save",
)
def response_save(
    request: TsunaguRequest, response_id: int, payload: SurveyAnswersIn
) -> dict[str, Any]:
    response = access.access_response(request.actor, response_id)
    raw: dict[int, object] = {}
    for item in payload.answers:
        if item.question_id in raw:
            raise FieldErrors({"answers": "同じ設問への回答が2つあります。"})
        raw[item.question_id] = item.value
    saved = services.response_save(
        request.actor, response=response, answers=raw, submit=payload.submit
    )
    return _response_out(request, saved)


@router.post(
    "/surveys/responses/{response_id}/reopen",
    response={200: SurveyResponseOut, **ERRORS},
    summary="提出済みの回答を差し戻す（実施機関。理由は記録に残る）",
    url_name="surveys_response_reopen",
)
def response_reopen(
    request: TsunaguRequest, response_id: int, payload: SurveyReopenIn
) -> SurveyResponse:
    response = access.access_response(request.actor, response_id)
    access.access_survey(request.actor, response.survey_id, for_sender=True)
    return services.response_reopen(request.actor, response=response, reason=payload.reason)


@router.post(
    "/surveys/answers/{answer_id}/review",
    response={200: SurveyAnswerOut, **ERRORS},
    summary="自由記述の回答を確認済みにする（確認済みだけを他の事業所に示す）",
    url_name="surveys_answer_review",
)
def answer_review(
    request: TsunaguRequest, answer_id: int, payload: SurveyReviewIn
) -> dict[str, Any]:
    answer = access.access_answer(request.actor, answer_id)
    saved: Answer = services.answer_review(request.actor, answer=answer, reviewed=payload.reviewed)
    return {
        "question_id": saved.question_id,
        "value": saved.value,
        "prefilled": saved.prefilled,
        "from_records": saved.prefilled is not None,
        "reviewed": saved.reviewed_at is not None,
    }


# --- One survey ------------------------------------------------------------------------------


@router.get(
    "/surveys/{survey_id}",
    response={200: SurveyOut, 404: ErrorOut},
    summary="調査",
    url_name="surveys_detail",
)
def survey_detail(request: TsunaguRequest, survey_id: int) -> Survey:
    return access.access_survey(request.actor, survey_id)


@router.patch(
    "/surveys/{survey_id}",
    response={200: SurveyOut, **ERRORS},
    summary="調査を変更する（送付後は回答期限と目的だけ）",
    url_name="surveys_update",
)
def survey_update(request: TsunaguRequest, survey_id: int, payload: SurveyPatch) -> Survey:
    survey = access.access_survey(request.actor, survey_id, for_sender=True)
    return services.survey_update(
        request.actor, survey=survey, **payload.model_dump(exclude_unset=True)
    )


@router.get(
    "/surveys/{survey_id}/questions",
    response={200: list[SurveyQuestionOut], 404: ErrorOut, 422: ErrorOut},
    summary="設問（順番どおり）",
    url_name="surveys_question_list",
)
@paginated
def question_list(request: TsunaguRequest, survey_id: int) -> Any:
    survey = access.access_survey(request.actor, survey_id)
    return survey.questions.order_by("position", "pk")


@router.post(
    "/surveys/{survey_id}/questions",
    response={201: SurveyQuestionOut, **ERRORS},
    summary="設問を追加する（作成中の調査）",
    url_name="surveys_question_create",
)
def question_create(
    request: TsunaguRequest, survey_id: int, payload: SurveyQuestionIn
) -> Status[Question]:
    survey = access.access_survey(request.actor, survey_id, for_sender=True)
    data = payload.model_dump()
    data["kind"] = str(payload.kind.value)
    return Status(201, services.question_add(request.actor, survey=survey, **data))


@router.delete(
    "/surveys/{survey_id}/questions/{question_id}",
    response={204: None, **ERRORS},
    summary="設問を削除する（作成中の調査）",
    url_name="surveys_question_delete",
)
def question_delete(request: TsunaguRequest, survey_id: int, question_id: int) -> Status[None]:
    survey = access.access_survey(request.actor, survey_id, for_sender=True)
    pk = audit.object_pk(request.actor, "surveys.question", question_id)
    question = survey.questions.filter(pk=pk).first()
    if question is None:
        raise audit.not_found(request.actor, "surveys.question", pk, "not in this survey")
    services.question_delete(request.actor, question=question)
    return Status(204, None)


@router.put(
    "/surveys/{survey_id}/recipients",
    response={200: list[SurveyResponseOut], **ERRORS},
    summary="送付先を決める（機関の種類でまとめて、または個別に）",
    url_name="surveys_recipients",
)
def recipients(
    request: TsunaguRequest, survey_id: int, payload: SurveyRecipientsIn
) -> list[SurveyResponse]:
    survey = access.access_survey(request.actor, survey_id, for_sender=True)
    offices = selectors.recipient_choices().exclude(pk=survey.sender_id)
    ids = set(payload.organization_ids)
    chosen = {o.pk: o for o in offices.filter(pk__in=ids)}
    if len(chosen) != len(ids):
        raise FieldErrors({"organization_ids": "送付できない機関が含まれています。"})
    for org in offices.filter(kind__in=[str(k.value) for k in payload.kinds]):
        chosen.setdefault(org.pk, org)
    return services.recipients_set(request.actor, survey=survey, organizations=chosen.values())


@router.post(
    "/surveys/{survey_id}/send",
    response={200: SurveyOut, **ERRORS},
    summary="調査を送付する（送付先の職員に通知）",
    url_name="surveys_send",
)
def survey_send(request: TsunaguRequest, survey_id: int) -> Survey:
    survey = access.access_survey(request.actor, survey_id, for_sender=True)
    return services.survey_send(request.actor, survey=survey)


@router.post(
    "/surveys/{survey_id}/close",
    response={200: SurveyOut, **ERRORS},
    summary="調査を締め切る",
    url_name="surveys_close",
)
def survey_close(request: TsunaguRequest, survey_id: int) -> Survey:
    survey = access.access_survey(request.actor, survey_id, for_sender=True)
    return services.survey_close(request.actor, survey=survey)


@router.post(
    "/surveys/{survey_id}/remind",
    response={200: list[SurveyResponseOut], **ERRORS},
    summary="未提出の送付先に今すぐ督促する",
    url_name="surveys_remind",
)
def survey_remind(request: TsunaguRequest, survey_id: int) -> list[SurveyResponse]:
    survey = access.access_survey(request.actor, survey_id, for_sender=True)
    waiting = services.survey_remind(request.actor, survey=survey)
    return list(
        SurveyResponse.objects.filter(pk__in=[r.pk for r in waiting]).select_related("organization")
    )


@router.get(
    "/surveys/{survey_id}/responses",
    response={200: list[SurveyResponseOut], 404: ErrorOut, 422: ErrorOut},
    summary="回答の状況（実施機関は全送付先、送付先は自分の回答だけ）",
    url_name="surveys_response_list",
)
@paginated
def response_list(request: TsunaguRequest, survey_id: int) -> Any:
    actor = request.actor
    survey = access.access_survey(actor, survey_id)
    rows = selectors.response_rows(survey)
    if not access.sees_sender_view(actor, survey):
        rows = rows.filter(organization_id=actor.organization_id or 0)
    return rows


@router.get(
    "/surveys/{survey_id}/results",
    response={200: SurveyResultsOut, 404: ErrorOut},
    summary="集計結果（提出済みの回答だけ）",
    url_name="surveys_results",
)
def results(request: TsunaguRequest, survey_id: int) -> dict[str, Any]:
    actor = request.actor
    survey = access.access_survey(actor, survey_id)
    shown = selectors.results(actor, survey)
    audit.record(
        action=Action.RECORD_VIEWED,
        actor=actor,
        target=survey,
        detail={"view": "surveys_results_api", "sender_view": shown.sender_view},
    )
    return {
        "survey_id": survey.pk,
        "submitted": shown.submitted,
        "recipients": shown.recipients,
        "questions": [
            {
                "question_id": r.question.pk,
                "kind": r.question.kind,
                "text": r.question.text,
                "answered": r.aggregate.answered,
                "total": r.aggregate.total,
                "mean": r.aggregate.mean,
                "minimum": r.aggregate.minimum,
                "maximum": r.aggregate.maximum,
                "counts": r.aggregate.counts,
                "table": r.aggregate.table,
                "texts": [str(t.answer.value) for t in r.texts],
                "cases": [
                    {
                        "office_name": office.name if office else None,
                        "rank": row.get("rank", 0),
                        "summary": row.get("summary", ""),
                        "factors": row.get("factors", []),
                    }
                    for office, row in r.case_rows
                ],
            }
            for r in shown.questions
        ],
    }
