"""Screens of the surveys app: thin; parse → access → service → render."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.core.dates import fiscal_year
from tsunagu.core.exports import TABLE_FORMATS, table_response
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.lists import list_screen
from tsunagu.core.printing import PdfUnavailable
from tsunagu.core.screens import (
    action,
    errors_as_pages,
    form_page,
    pdf_unavailable,
    posted,
    refused_page,
)
from tsunagu.surveys import access, census, kinds, selectors, services
from tsunagu.surveys.forms import (
    AnswerForm,
    CensusForm,
    OfficeChoiceForm,
    QuestionForm,
    ReasonForm,
    RecipientsForm,
    SurveyFilter,
    SurveyForm,
)
from tsunagu.surveys.lists import SurveyTable
from tsunagu.surveys.models import (
    QuestionKind,
    ResponseStatus,
    Survey,
    SurveyResponse,
    SurveyStatus,
)


def _detail(survey: Survey) -> HttpResponse:
    return redirect("surveys:survey_detail", survey.pk)


@require_GET
@errors_as_pages()
@audit.for_role(access.may_view, view="surveys_list")
def survey_list(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    return list_screen(
        request,
        rows=selectors.survey_rows(actor),
        filters=SurveyFilter,
        table=SurveyTable,
        template="surveys/pages/survey_list.html",
        context={"may_send": access.may_send(actor), "censuses": bool(selectors.censuses(actor))},
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="surveys:survey_list")
def survey_create(request: TsunaguRequest) -> HttpResponse:
    actor = audit.require_role(request.actor, access.may_send, view="surveys_create")
    initial = {"fiscal_year": fiscal_year(timezone.localdate())}
    return form_page(
        request,
        SurveyForm(posted(request), initial=initial),
        "surveys/pages/survey_form.html",
        save=lambda data: services.survey_create(actor, **data),
        done=_detail,
        context={"survey": None},
        success=_("調査を作成しました。設問と送付先を加えてください。"),
        back="surveys:survey_list",
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="surveys:survey_list")
def survey_edit(request: TsunaguRequest, survey_id: int) -> HttpResponse:
    survey = access.access_survey(request.actor, survey_id, for_sender=True)
    return form_page(
        request,
        SurveyForm(posted(request), survey=survey),
        "surveys/pages/survey_form.html",
        save=lambda data: services.survey_update(request.actor, survey=survey, **data),
        done=_detail,
        context={"survey": survey},
        success=_("調査を変更しました。"),
        back="surveys:survey_list",
    )


@require_GET
@errors_as_pages()
def survey_detail(request: TsunaguRequest, survey_id: int) -> HttpResponse:
    actor = request.actor
    survey = access.access_survey(actor, survey_id)
    sender_view = access.sees_sender_view(actor, survey)
    context: dict[str, Any] = {
        "survey": survey,
        "questions": selectors.questions_of(survey),
        "sender_view": sender_view,
        "is_sender": access.is_sender(actor, survey),
        "own": access.own_response(actor, survey),
        "progress": selectors.progress(survey) if sender_view else [],
        "statuses": ResponseStatus,
    }
    if sender_view:
        progress = context["progress"]
        context["counts"] = {
            status: sum(1 for r in progress if r.status == status)
            for status in ResponseStatus.values
        }
    return render(request, "surveys/pages/survey_detail.html", context)


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="surveys:survey_list")
def question_create(request: TsunaguRequest, survey_id: int) -> HttpResponse:
    survey = access.access_survey(request.actor, survey_id, for_sender=True)
    form = QuestionForm(posted(request))
    return form_page(
        request,
        form,
        "surveys/pages/question_form.html",
        save=lambda data: services.question_add(
            request.actor, survey=survey, **form.service_data()
        ),
        done=lambda q: _detail(survey),
        context={"survey": survey},
        success=_("設問を追加しました。"),
        back="surveys:survey_list",
    )


@require_POST
@errors_as_pages(back="surveys:survey_list")
def question_delete(request: TsunaguRequest, survey_id: int, question_id: int) -> HttpResponse:
    survey = access.access_survey(request.actor, survey_id, for_sender=True)
    pk = audit.object_pk(request.actor, "surveys.question", question_id)
    question = survey.questions.filter(pk=pk).first()
    if question is None:
        raise Http404
    to = reverse("surveys:survey_detail", args=[survey.pk])
    return action(
        request,
        lambda: services.question_delete(request.actor, question=question),
        to=to,
        success=_("設問を削除しました。"),
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="surveys:survey_list")
def recipients(request: TsunaguRequest, survey_id: int) -> HttpResponse:
    survey = access.access_survey(request.actor, survey_id, for_sender=True)
    chosen = list(survey.responses.values_list("organization_id", flat=True))
    form = RecipientsForm(
        posted(request),
        offices=selectors.recipient_choices().exclude(pk=survey.sender_id),
        chosen=chosen,
    )
    return form_page(
        request,
        form,
        "surveys/pages/recipients_form.html",
        save=lambda data: services.recipients_set(
            request.actor, survey=survey, organizations=data["chosen"]
        ),
        done=lambda rows: _detail(survey),
        context={"survey": survey},
        success=_("送付先を保存しました。"),
        back="surveys:survey_list",
    )


def _survey_action(request: TsunaguRequest, survey_id: int, run: Any, success: str) -> HttpResponse:
    survey = access.access_survey(request.actor, survey_id, for_sender=True)
    to = reverse("surveys:survey_detail", args=[survey.pk])
    return action(request, lambda: run(request.actor, survey=survey), to=to, success=success)


@require_POST
@errors_as_pages(back="surveys:survey_list")
def survey_send(request: TsunaguRequest, survey_id: int) -> HttpResponse:
    return _survey_action(request, survey_id, services.survey_send, _("調査を送付しました。"))


@require_POST
@errors_as_pages(back="surveys:survey_list")
def survey_close(request: TsunaguRequest, survey_id: int) -> HttpResponse:
    return _survey_action(request, survey_id, services.survey_close, _("調査を締め切りました。"))


@require_POST
@errors_as_pages(back="surveys:survey_list")
def survey_remind(request: TsunaguRequest, survey_id: int) -> HttpResponse:
    return _survey_action(
        request, survey_id, services.survey_remind, _("未提出の送付先に督促しました。")
    )


def _read_response(request: TsunaguRequest, response: SurveyResponse, view: str) -> None:
    audit.record(
        action=Action.RECORD_VIEWED,
        actor=request.actor,
        target=response,
        detail={"view": view, "survey": response.survey_id},
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="surveys:survey_list")
def response_detail(request: TsunaguRequest, response_id: int) -> HttpResponse:
    """The office answers here (a draft saved many times, then submitted); the sender reads."""
    actor = request.actor
    response = access.access_response(actor, response_id)
    survey = response.survey
    questions = selectors.questions_of(survey)
    answers = selectors.answers_of(response)
    editable = (
        access.is_respondent(actor, response)
        and response.status != ResponseStatus.SUBMITTED
        and survey.status == SurveyStatus.SENT
    )
    prefilled = (
        services.prefilled_values(response, [q for q in questions if q.pk not in answers])
        if editable
        else {}
    )
    case_choices = (
        [(c.pk, str(c)) for c in kinds.own_open_cases(actor)]
        if access.is_respondent(actor, response)
        and any(q.kind == QuestionKind.CASES for q in questions)
        else None
    )
    form = AnswerForm(
        posted(request) if editable else None,
        questions=questions,
        answers=answers,
        prefilled=prefilled,
        disabled=not editable,
        case_choices=case_choices,
    )
    if request.method == "POST" and not editable:
        respondent = access.is_respondent(actor, response)
        audit.record_denial(
            actor,
            target_type=access.RESPONSE,
            target_id=response.pk,
            reason="not editable" if respondent else "not the respondent",
        )
        if not respondent:
            return refused_page(
                request,
                _("回答できるのは送付先の事業所の職員（閲覧のみ以外）です。"),
                back="surveys:survey_list",
            )
        context = {
            "response": response,
            "survey": survey,
            "editable": False,
            "rows": form.fields_of(),
            "sender_view": access.sees_sender_view(actor, survey),
            "refused": _("提出済みの回答や締め切った調査の回答は変更できません。"),
        }
        return render(request, "surveys/pages/response.html", context, status=409)
    if request.method == "GET":
        _read_response(request, response, "surveys_response")
    submit = request.POST.get("submit") == "1"
    return form_page(
        request,
        form,
        "surveys/pages/response.html",
        save=lambda data: services.response_save(
            actor, response=response, answers=form.raw_answers(), submit=submit
        ),
        done=lambda saved: redirect("surveys:response_detail", saved.pk),
        context=lambda: {
            "response": response,
            "survey": survey,
            "editable": editable,
            "rows": form.fields_of(),
            "sender_view": access.sees_sender_view(actor, survey),
            "is_sender": access.is_sender(actor, survey),
        },
        success=_("回答を提出しました。") if submit else _("回答を一時保存しました。"),
        back="surveys:survey_list",
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="surveys:survey_list")
def response_reopen(request: TsunaguRequest, response_id: int) -> HttpResponse:
    response = access.access_response(request.actor, response_id)
    access.access_survey(request.actor, response.survey_id, for_sender=True)
    return form_page(
        request,
        ReasonForm(posted(request)),
        "surveys/pages/reopen_form.html",
        save=lambda data: services.response_reopen(
            request.actor, response=response, reason=data["reason"]
        ),
        done=lambda saved: redirect("surveys:survey_detail", saved.survey_id),
        context={"response": response},
        success=_("回答を差し戻しました。"),
        back="surveys:survey_list",
    )


@require_POST
@errors_as_pages(back="surveys:survey_list")
def answer_review(request: TsunaguRequest, answer_id: int) -> HttpResponse:
    answer = access.access_answer(request.actor, answer_id)
    reviewed = request.POST.get("reviewed", "1") != "0"
    to = reverse("surveys:results", args=[answer.response.survey_id])
    return action(
        request,
        lambda: services.answer_review(request.actor, answer=answer, reviewed=reviewed),
        to=to,
        success=_("確認済みにしました。") if reviewed else _("確認済みを取り消しました。"),
    )


@require_GET
@errors_as_pages()
def results(request: TsunaguRequest, survey_id: int) -> HttpResponse:
    actor = request.actor
    survey = access.access_survey(actor, survey_id)
    shown = selectors.results(actor, survey)
    audit.record(
        action=Action.RECORD_VIEWED,
        actor=actor,
        target=survey,
        detail={"view": "surveys_results", "sender_view": shown.sender_view},
    )
    context = {
        "survey": survey,
        "results": shown,
        "formats": TABLE_FORMATS,
        "is_sender": access.is_sender(actor, survey),
    }
    return render(request, "surveys/pages/results.html", context)


@require_GET
@errors_as_pages()
def results_export(request: TsunaguRequest, survey_id: int) -> HttpResponse:
    actor = request.actor
    survey = access.access_survey(actor, survey_id)
    fmt = request.GET.get("format", "csv")
    if fmt not in dict(TABLE_FORMATS):
        return render(
            request,
            "surveys/pages/bad_format.html",
            {"survey": survey, "formats": TABLE_FORMATS},
            status=400,
        )
    shown = selectors.results(actor, survey)
    try:
        response, replaced = table_response(
            fmt,
            selectors.result_tables(shown),
            stem=f"survey-{survey.pk}-results",
            title=survey.title,
        )
    except PdfUnavailable:
        back = reverse("surveys:results", args=[survey.pk])
        return pdf_unavailable(request, back=back)
    audit.record(
        action=services.ACTION_EXPORTED,
        actor=actor,
        target=survey,
        detail={"format": fmt, "replaced": [r.codepoint for r in replaced]},
    )
    return response


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="surveys:survey_list")
def census_create(request: TsunaguRequest) -> HttpResponse:
    actor = audit.require_role(request.actor, access.may_send, view="surveys_census_create")
    today = timezone.localdate()
    initial = {"fiscal_year": fiscal_year(today)}
    return form_page(
        request,
        CensusForm(posted(request), initial=initial),
        "surveys/pages/census_form.html",
        save=lambda data: census.census_create(actor, **data),
        done=_detail,
        success=_("実態調査を作成しました。内容を確かめて送付してください。"),
        back="surveys:survey_list",
    )


@require_GET
@errors_as_pages()
@audit.for_role(access.may_view, view="surveys_census_compare")
def census_compare(request: TsunaguRequest) -> HttpResponse:
    """This year's 実態調査 beside earlier years: one office's answers (an office sees its own;
    the sender chooses an office) and the city's aggregates (per question, per year)."""
    actor = request.actor
    surveys = selectors.censuses(actor)
    sender_view = bool(surveys) and all(access.sees_sender_view(actor, s) for s in surveys)
    offices = selectors.census_offices(surveys)
    if not sender_view and actor.organization_id is not None:
        offices = offices.filter(pk=actor.organization_id)
    form = OfficeChoiceForm(request.GET or None, offices=offices)
    status = 200
    office = None
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound:
        office = form.cleaned_data.get("office")
    if office is None and not sender_view:
        office = offices.first()
    context: dict[str, Any] = {
        "form": form,
        "surveys": surveys,
        "sender_view": sender_view,
        "office": office,
        "office_rows": selectors.office_comparison(surveys, office) if office else None,
        "city_rows": selectors.city_comparison(actor, surveys) if surveys else None,
    }
    audit.record(
        action=Action.RECORD_VIEWED,
        actor=actor,
        target_type="surveys.census",
        target_id=str(office.pk) if office else "city",
        detail={"view": "surveys_census_compare", "years": [s.fiscal_year for s in surveys]},
    )
    return render(request, "surveys/pages/census_compare.html", context, status=status)
