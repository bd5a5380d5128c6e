"""Screens of the group home evaluation: thin; parse → access → service → render."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.core.http import TsunaguRequest, download
from tsunagu.core.lists import list_screen
from tsunagu.core.printing import PdfUnavailable
from tsunagu.core.screens import action, errors_as_pages, form_page, pdf_unavailable, posted
from tsunagu.grouphomes import access, printing, selectors, services
from tsunagu.grouphomes.forms import (
    EvaluationFilter,
    HomeFilter,
    HomeForm,
    PlanForm,
    QaForm,
    ReportForm,
    SelfEvaluationForm,
    VisitForm,
)
from tsunagu.grouphomes.lists import EvaluationTable, HomeTable, OverdueTable
from tsunagu.grouphomes.models import GroupHomeEvaluation, Step

BACK = "grouphomes:evaluation_list"


def _to_detail(evaluation: GroupHomeEvaluation) -> HttpResponse:
    return redirect("grouphomes:evaluation_detail", evaluation.pk)


@require_GET
@errors_as_pages()
@audit.for_role(access.may_list, view="grouphomes_list")
def evaluation_list(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    audit.record_read(actor, view="grouphomes_list", person_ids=[], filters=dict(request.GET))
    return list_screen(
        request,
        rows=selectors.evaluation_rows(actor),
        filters=EvaluationFilter,
        table=EvaluationTable,
        template="grouphomes/pages/evaluation_list.html",
        context={
            "may_manage": access.may_manage(actor),
            "oversight": access.is_oversight(actor),
            "awaiting_self": list(selectors.awaiting_self_evaluation(actor)),
        },
    )


@require_GET
@errors_as_pages()
@audit.for_role(access.is_oversight, view="grouphomes_overdue")
def overdue_list(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    audit.record_read(actor, view="grouphomes_overdue", person_ids=[])
    return list_screen(
        request,
        rows=selectors.overdue_rows(actor),
        filters=EvaluationFilter,
        table=OverdueTable,
        template="grouphomes/pages/overdue_list.html",
    )


@require_GET
@errors_as_pages()
@audit.for_role(access.is_oversight, view="grouphomes_homes")
def home_list(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    return list_screen(
        request,
        rows=selectors.home_rows(actor),
        filters=HomeFilter,
        table=HomeTable,
        template="grouphomes/pages/home_list.html",
        context={"may_manage": access.may_manage(actor)},
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="grouphomes:home_list")
def home_create(request: TsunaguRequest) -> HttpResponse:
    actor = audit.require_role(request.actor, access.may_manage, view="grouphomes_home_create")
    form = HomeForm(posted(request), organizations=services.home_candidates())
    return form_page(
        request,
        form,
        "grouphomes/pages/home_form.html",
        save=lambda data: services.home_create(actor, **data),
        done=lambda home: redirect("grouphomes:home_list"),
        context={"home": None},
        success=_("グループホームを登録しました。"),
        back="grouphomes:home_list",
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="grouphomes:home_list")
def home_edit(request: TsunaguRequest, home_id: int) -> HttpResponse:
    home = access.access_home(request.actor, home_id, for_write=True)
    return form_page(
        request,
        HomeForm(posted(request), home=home),
        "grouphomes/pages/home_form.html",
        save=lambda data: services.home_update(request.actor, home=home, **data),
        done=lambda saved: redirect("grouphomes:home_list"),
        context={"home": home},
        success=_("グループホームを変更しました。"),
        back="grouphomes:home_list",
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=BACK)
def evaluation_create(request: TsunaguRequest) -> HttpResponse:
    actor = audit.require_role(request.actor, access.may_manage, view="grouphomes_plan")
    homes = selectors.home_rows(actor).filter(managed_by_id=actor.organization_id)
    bodies = services.evaluation_bodies()
    assert actor.organization is not None  # noqa: S101  # may_manage says so
    # The service checks the chosen ones against the chosen subcommittee.
    candidates = services.evaluator_candidates(manager=actor.organization, bodies=bodies)
    data = posted(request)
    form = PlanForm(data, homes=homes, bodies=bodies, evaluators=candidates)
    return form_page(
        request,
        form,
        "grouphomes/pages/plan_form.html",
        save=lambda d: services.evaluation_plan(actor, **d),
        done=_to_detail,
        success=_("評価を計画しました。"),
        back=BACK,
    )


@require_GET
@errors_as_pages()
def evaluation_detail(request: TsunaguRequest, evaluation_id: int) -> HttpResponse:
    actor = request.actor
    evaluation = access.access_evaluation(actor, evaluation_id)
    audit.record(
        action=Action.RECORD_VIEWED,
        actor=actor,
        target=evaluation,
        detail={"view": "grouphomes_evaluation"},
    )
    writer = access.may_write(actor, evaluation)
    next_step = evaluation.next_step
    context: dict[str, Any] = {
        "evaluation": evaluation,
        "evaluators": list(evaluation.evaluators.order_by("username")),
        "writer": writer,
        "manager": access.is_manager(actor, evaluation),
        "next_step": next_step,
        "steps": [
            (value, label, evaluation.reached(value))
            for value, label in Step.choices
            if value in evaluation.steps
        ],
        "home_fills": access.home_has_accounts(evaluation.home),
        "overdue": services.overdue().filter(pk=evaluation.pk).exists(),
    }
    return render(request, "grouphomes/pages/evaluation_detail.html", context)


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=BACK)
def visit(request: TsunaguRequest, evaluation_id: int) -> HttpResponse:
    evaluation = access.access_evaluation(request.actor, evaluation_id)
    form = VisitForm(posted(request))
    return form_page(
        request,
        form,
        "grouphomes/pages/step_form.html",
        save=lambda d: services.visit_record(
            request.actor, evaluation=evaluation, **form.service_data()
        ),
        done=_to_detail,
        context={"evaluation": evaluation, "heading": _("実地調査を記録する")},
        success=_("実地調査を記録しました。"),
        back=BACK,
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=BACK)
def self_evaluation(request: TsunaguRequest, evaluation_id: int) -> HttpResponse:
    actor = request.actor
    evaluation = access.access_for_self_evaluation(actor, evaluation_id)
    form = SelfEvaluationForm(posted(request))
    own = access.is_home(actor, evaluation)
    return form_page(
        request,
        form,
        "grouphomes/pages/step_form.html",
        save=lambda d: services.self_evaluation_receive(
            actor, evaluation=evaluation, **form.service_data()
        ),
        done=lambda saved: _to_detail(saved) if not own else redirect("grouphomes:evaluation_list"),
        context={
            "evaluation": evaluation,
            "heading": _("自己評価を入力する") if own else _("自己評価を紙の様式から入力する"),
            "lead": None
            if own
            else _("事業所の職員がアカウントを持たないため、市が紙の様式から入力します。"),
        },
        success=_("自己評価を受け付けました。"),
        back=BACK,
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=BACK)
def qa(request: TsunaguRequest, evaluation_id: int) -> HttpResponse:
    evaluation = access.access_evaluation(request.actor, evaluation_id)
    form = QaForm(posted(request), meetings=services.qa_meetings(evaluation))
    return form_page(
        request,
        form,
        "grouphomes/pages/step_form.html",
        save=lambda d: services.qa_record(
            request.actor, evaluation=evaluation, **form.service_data()
        ),
        done=_to_detail,
        context={"evaluation": evaluation, "heading": _("質疑・意見交換を記録する")},
        success=_("質疑・意見交換を記録しました。"),
        back=BACK,
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=BACK)
def report(request: TsunaguRequest, evaluation_id: int) -> HttpResponse:
    evaluation = access.access_evaluation(request.actor, evaluation_id)
    return form_page(
        request,
        ReportForm(posted(request)),
        "grouphomes/pages/step_form.html",
        save=lambda d: services.report_write(request.actor, evaluation=evaluation, text=d["text"]),
        done=_to_detail,
        context={"evaluation": evaluation, "heading": _("評価報告書を作成する")},
        success=_("評価報告書を作成しました。"),
        back=BACK,
    )


@require_POST
@errors_as_pages(back=BACK)
def publish(request: TsunaguRequest, evaluation_id: int) -> HttpResponse:
    evaluation = access.access_evaluation(request.actor, evaluation_id)
    return action(
        request,
        lambda: services.publish(request.actor, evaluation=evaluation),
        to=reverse("grouphomes:evaluation_detail", args=[evaluation.pk]),
        success=_("評価報告書を事業所と協議会に公表しました。"),
        back=BACK,
    )


@require_GET
@errors_as_pages(back=BACK)
def report_pdf(request: TsunaguRequest, evaluation_id: int) -> HttpResponse:
    evaluation = access.access_evaluation(request.actor, evaluation_id)
    try:
        pdf = printing.report_pdf(request.actor, evaluation=evaluation)
    except PdfUnavailable:
        back = reverse("grouphomes:evaluation_detail", args=[evaluation.pk])
        return pdf_unavailable(request, back=back)
    return download(
        pdf, filename=printing.filename(evaluation, "pdf"), content_type="application/pdf"
    )


@require_GET
@errors_as_pages(back=BACK)
def report_docx(request: TsunaguRequest, evaluation_id: int) -> HttpResponse:
    evaluation = access.access_evaluation(request.actor, evaluation_id)
    content = printing.report_docx(request.actor, evaluation=evaluation)
    return download(
        content, filename=printing.filename(evaluation, "docx"), content_type=printing.DOCX
    )
