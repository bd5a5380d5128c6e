"""Screens of the self-evaluation: thin; parse → access → service → render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tsunagu.audit import services as audit
from tsunagu.core.actor import Actor
from tsunagu.core.dates import fiscal_year_label
from tsunagu.core.errors import Forbidden
from tsunagu.core.exports import TABLE_FORMATS, table_response
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.printing import PdfUnavailable
from tsunagu.core.screens import (
    action,
    confirm_action,
    errors_as_pages,
    form_page,
    pdf_unavailable,
    posted,
)
from tsunagu.selfevaluations import access, charts, selectors, services
from tsunagu.selfevaluations.forms import (
    AreaForm,
    EvaluationForm,
    ItemForm,
    ReturnForm,
    ReviewForm,
    SetEditForm,
    SetForm,
    StartForm,
)
from tsunagu.selfevaluations.models import CriteriaSet, SetStatus

HOME = "selfevaluations:home"
CONFIRM = "selfevaluations/pages/confirm.html"


def _form(
    request: TsunaguRequest, form: Any, heading: str, back_url: str, **loop: Any
) -> HttpResponse:
    """A form on the app's form page under `heading`, with a link back to `back_url`."""
    context = {"heading": heading, "back_url": back_url}
    return form_page(
        request, form, "selfevaluations/pages/form.html", context=context, back=HOME, **loop
    )


def _published(actor: Actor) -> QuerySet[CriteriaSet]:
    return access.sets_visible_to(actor).filter(status=SetStatus.PUBLISHED)


@require_GET
@errors_as_pages()
@audit.for_role(access.may_view, view="self_evaluation_home")
def home(request: TsunaguRequest) -> HttpResponse:
    """The office: its evaluations by year and the start of this year's.  The center and the
    city: where each office stands on the current set.  The city: the criteria sets."""
    actor = request.actor
    current = selectors.current_set(actor)
    own = list(selectors.evaluation_rows(actor)) if access.is_office(actor) else []
    board = selectors.status_board(actor, current) if current is not None else []
    started = {e.criteria_set_id for e in own}
    context = {
        "current": current,
        "sets": list(selectors.set_rows(actor)),
        "own": own,
        "may_start": access.may_evaluate(actor)
        and current is not None
        and current.pk not in started,
        "board": board,
        "may_manage": access.may_manage_criteria(actor),
        "sees_offices": access.sees_offices(actor),
        "office": actor.organization if access.is_office(actor) else None,
    }
    if board:
        services.record_viewed(actor, target=current, view="self_evaluation_board")
    return render(request, "selfevaluations/pages/home.html", context)


# --- Criteria ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=HOME)
def set_create(request: TsunaguRequest) -> HttpResponse:
    actor = audit.require_role(
        request.actor, access.may_manage_criteria, view="self_evaluation_set_create"
    )
    return _form(
        request,
        SetForm(posted(request), sets=access.sets_visible_to(actor)),
        _("評価基準を作成する"),
        reverse(HOME),
        save=lambda data: services.set_create(actor, **data),
        done=lambda created: redirect("selfevaluations:set_detail", created.pk),
        success=_("評価基準を作成しました。"),
    )


@require_GET
@errors_as_pages()
def set_detail(request: TsunaguRequest, set_id: int) -> HttpResponse:
    actor = request.actor
    criteria = access.access_set(actor, set_id)
    context = {
        "criteria": criteria,
        "areas": selectors.structure(criteria),
        "may_change": access.may_manage_criteria(actor) and not criteria.is_published,
        "sees_offices": access.sees_offices(actor) and criteria.is_published,
        "board": selectors.status_board(actor, criteria) if criteria.is_published else [],
    }
    return render(request, "selfevaluations/pages/set_detail.html", context)


def _set_back(criteria_pk: int) -> str:
    return reverse("selfevaluations:set_detail", args=[criteria_pk])


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=HOME)
def set_edit(request: TsunaguRequest, set_id: int) -> HttpResponse:
    criteria = access.access_set(request.actor, set_id, for_write=True)
    return _form(
        request,
        SetEditForm(posted(request), criteria=criteria),
        _("評価基準を変更する"),
        _set_back(criteria.pk),
        save=lambda data: services.set_update(request.actor, criteria=criteria, **data),
        done=lambda saved: redirect(_set_back(saved.pk)),
        success=_("評価基準を変更しました。"),
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=HOME)
def set_publish(request: TsunaguRequest, set_id: int) -> HttpResponse:
    """A GET asks to confirm; the POST publishes and freezes the set."""
    criteria = access.access_set(request.actor, set_id, for_write=True)
    return confirm_action(
        request,
        CONFIRM,
        {
            "heading": _("評価基準を公開する"),
            "message": _(
                "公開すると、事業所が自己評価を始められます。公開した評価基準は変更できません。"
            ),
            "button": _("公開する"),
            "back_url": _set_back(criteria.pk),
        },
        lambda: services.set_publish(request.actor, criteria=criteria),
        to=lambda saved: _set_back(saved.pk),
        failed_to=_set_back(criteria.pk),
        success=_("評価基準を公開しました。"),
        back=HOME,
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=HOME)
def area_create(request: TsunaguRequest, set_id: int) -> HttpResponse:
    criteria = access.access_set(request.actor, set_id, for_write=True)
    return _form(
        request,
        AreaForm(posted(request)),
        _("領域を加える"),
        _set_back(criteria.pk),
        save=lambda data: services.area_create(request.actor, criteria=criteria, **data),
        done=lambda area: redirect(_set_back(criteria.pk)),
        success=_("領域を加えました。"),
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=HOME)
def area_edit(request: TsunaguRequest, area_id: int) -> HttpResponse:
    area = access.access_area(request.actor, area_id, for_write=True)
    return _form(
        request,
        AreaForm(posted(request), area=area),
        _("領域を変更する"),
        _set_back(area.criteria_set_id),
        save=lambda data: services.area_update(request.actor, area=area, **data),
        done=lambda saved: redirect(_set_back(saved.criteria_set_id)),
        success=_("領域を変更しました。"),
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=HOME)
def area_delete(request: TsunaguRequest, area_id: int) -> HttpResponse:
    area = access.access_area(request.actor, area_id, for_write=True)
    return confirm_action(
        request,
        CONFIRM,
        {
            "heading": _("領域を削除する"),
            "message": _("「%(name)s」とその評価項目を削除します。") % {"name": area.name},
            "button": _("削除する"),
            "danger": True,
            "back_url": _set_back(area.criteria_set_id),
        },
        lambda: services.area_delete(request.actor, area=area),
        to=lambda criteria: _set_back(criteria.pk),
        failed_to=_set_back(area.criteria_set_id),
        success=_("領域を削除しました。"),
        back=HOME,
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=HOME)
def item_create(request: TsunaguRequest, set_id: int) -> HttpResponse:
    criteria = access.access_set(request.actor, set_id, for_write=True)
    return _form(
        request,
        ItemForm(posted(request), criteria=criteria),
        _("評価項目を加える"),
        _set_back(criteria.pk),
        save=lambda data: services.item_create(request.actor, **data),
        done=lambda item: redirect(_set_back(criteria.pk)),
        success=_("評価項目を加えました。"),
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=HOME)
def item_edit(request: TsunaguRequest, item_id: int) -> HttpResponse:
    item = access.access_item(request.actor, item_id, for_write=True)
    criteria = item.area.criteria_set
    return _form(
        request,
        ItemForm(posted(request), criteria=criteria, item=item),
        _("評価項目を変更する"),
        _set_back(criteria.pk),
        save=lambda data: services.item_update(request.actor, item=item, **data),
        done=lambda saved: redirect(_set_back(criteria.pk)),
        success=_("評価項目を変更しました。"),
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=HOME)
def item_delete(request: TsunaguRequest, item_id: int) -> HttpResponse:
    item = access.access_item(request.actor, item_id, for_write=True)
    back = _set_back(item.area.criteria_set_id)
    return confirm_action(
        request,
        CONFIRM,
        lambda: {
            "heading": _("評価項目を削除する"),
            "message": _("「%(item)s」を削除します。") % {"item": item},
            "button": _("削除する"),
            "danger": True,
            "back_url": back,
        },
        lambda: services.item_delete(request.actor, item=item),
        to=lambda criteria: _set_back(criteria.pk),
        failed_to=back,
        success=_("評価項目を削除しました。"),
        back=HOME,
    )


# --- The office's evaluation -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=HOME)
def evaluation_start(request: TsunaguRequest) -> HttpResponse:
    actor = audit.require_role(request.actor, access.may_evaluate, view="self_evaluation_start")
    current = selectors.current_set(actor)
    return _form(
        request,
        StartForm(
            posted(request),
            sets=_published(actor),
            initial={"criteria_set": current.pk if current else None},
        ),
        _("自己評価を始める"),
        reverse(HOME),
        save=lambda data: services.evaluation_start(actor, criteria=data["criteria_set"]),
        done=lambda evaluation: redirect("selfevaluations:evaluation_edit", evaluation.pk),
        success=_("自己評価を始めました。作成中として保存されます。"),
    )


def _evaluation_back(pk: int) -> str:
    return reverse("selfevaluations:evaluation_detail", args=[pk])


@require_GET
@errors_as_pages()
def evaluation_detail(request: TsunaguRequest, evaluation_id: int) -> HttpResponse:
    actor = request.actor
    evaluation = access.access_evaluation(actor, evaluation_id)
    services.record_viewed(actor, target=evaluation, view="self_evaluation_detail")
    context = {
        "evaluation": evaluation,
        "groups": selectors.answers_by_area(evaluation),
        "levels": dict(evaluation.criteria_set.levels),
        "may_fill": access.may_fill(actor, evaluation),
        "may_review": access.may_review(actor, evaluation) and evaluation.status == "submitted",
        "may_return": access.may_return(actor, evaluation) and evaluation.status == "submitted",
        "sees_center": access.sees_center_comments(actor, evaluation),
        "is_own": access.is_own(actor, evaluation),
    }
    return render(request, "selfevaluations/pages/evaluation_detail.html", context)


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=HOME)
def evaluation_edit(request: TsunaguRequest, evaluation_id: int) -> HttpResponse:
    actor = request.actor
    evaluation = access.access_evaluation(actor, evaluation_id)
    if request.method != "POST" and not access.may_fill(actor, evaluation):
        if access.is_own(actor, evaluation) and not evaluation.is_editable_by_office:
            messages.error(request, _("提出済みの自己評価は変更できません。"))
            return redirect(_evaluation_back(evaluation.pk))
        audit.record_denial(
            actor, target_type=access.EVALUATION, target_id=evaluation.pk, reason="not a writer"
        )
        raise Forbidden(_("自己評価を変更できるのは事業所の職員（変更の権限あり）です。"))
    form = EvaluationForm(posted(request), evaluation=evaluation)
    return form_page(
        request,
        form,
        "selfevaluations/pages/evaluation_form.html",
        save=lambda data: services.evaluation_save(
            actor,
            evaluation=evaluation,
            answers=form.answers(),
            overall_comment=data["overall_comment"],
        ),
        done=lambda saved: redirect(_evaluation_back(saved.pk)),
        context={"evaluation": evaluation},
        success=_("自己評価を保存しました（作成中）。"),
        back=HOME,
    )


@require_POST
@errors_as_pages(back=HOME)
def evaluation_submit(request: TsunaguRequest, evaluation_id: int) -> HttpResponse:
    evaluation = access.access_evaluation(request.actor, evaluation_id)
    return action(
        request,
        lambda: services.evaluation_submit(request.actor, evaluation=evaluation),
        to=lambda saved: _evaluation_back(saved.pk),
        failed_to=_evaluation_back(evaluation.pk),
        success=_("自己評価を提出しました。"),
        back=HOME,
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=HOME)
def evaluation_return(request: TsunaguRequest, evaluation_id: int) -> HttpResponse:
    evaluation = access.access_evaluation(request.actor, evaluation_id)
    return _form(
        request,
        ReturnForm(posted(request)),
        _("自己評価を差し戻す（%(office)s）") % {"office": evaluation.organization.name},
        _evaluation_back(evaluation.pk),
        save=lambda data: services.evaluation_return(request.actor, evaluation=evaluation, **data),
        done=lambda saved: redirect(_evaluation_back(saved.pk)),
        success=_("自己評価を差し戻しました。"),
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=HOME)
def evaluation_review(request: TsunaguRequest, evaluation_id: int) -> HttpResponse:
    evaluation = access.access_evaluation(request.actor, evaluation_id)
    form = ReviewForm(posted(request), evaluation=evaluation)
    return form_page(
        request,
        form,
        "selfevaluations/pages/review_form.html",
        save=lambda data: services.evaluation_review(
            request.actor,
            evaluation=evaluation,
            comments=form.comments(),
            center_comment=data["center_comment"],
        ),
        done=lambda saved: redirect(_evaluation_back(saved.pk)),
        context={"evaluation": evaluation, "levels": dict(evaluation.criteria_set.levels)},
        success=_("所見を保存しました。"),
        back=HOME,
    )


@require_POST
@errors_as_pages(back=HOME)
def evaluation_release(request: TsunaguRequest, evaluation_id: int) -> HttpResponse:
    evaluation = access.access_evaluation(request.actor, evaluation_id)
    return action(
        request,
        lambda: services.evaluation_release(request.actor, evaluation=evaluation),
        to=lambda saved: _evaluation_back(saved.pk),
        failed_to=_evaluation_back(evaluation.pk),
        success=_("所見を事業所に公開しました。"),
        back=HOME,
    )


# --- Comparison -------------------------------------------------------------------------------


@require_GET
@errors_as_pages()
def history(request: TsunaguRequest, organization_id: int) -> HttpResponse:
    actor = request.actor
    office = access.access_office(actor, organization_id)
    found = selectors.history(actor, office)
    services.record_viewed(actor, target=office, view="self_evaluation_history")
    context = {"history": found, "charts": charts.history_charts(found)}
    return render(request, "selfevaluations/pages/history.html", context)


@require_GET
@errors_as_pages()
def summary(request: TsunaguRequest, set_id: int) -> HttpResponse:
    actor = request.actor
    criteria = access.access_set(actor, set_id)
    audit.require_role(actor, access.sees_offices, view="self_evaluation_summary")
    found = selectors.summary(actor, criteria)
    services.record_viewed(actor, target=criteria, view="self_evaluation_summary")
    context = {
        "summary": found,
        "criteria": criteria,
        "year_label": fiscal_year_label(criteria.fiscal_year),
        "formats": TABLE_FORMATS,
    }
    return render(request, "selfevaluations/pages/summary.html", context)


@require_GET
@errors_as_pages()
def summary_export(request: TsunaguRequest, set_id: int) -> HttpResponse:
    actor = request.actor
    criteria = access.access_set(actor, set_id)
    audit.require_role(actor, access.sees_offices, view="self_evaluation_summary")
    fmt = request.GET.get("format", "csv")
    if fmt not in dict(TABLE_FORMATS):
        raise Http404
    found = selectors.summary(actor, criteria)
    table = selectors.summary_table(found)
    try:
        response, replaced = table_response(
            fmt, [table], stem=f"self-evaluation-{criteria.fiscal_year}", title=table.title
        )
    except PdfUnavailable:
        return pdf_unavailable(request, back=reverse("selfevaluations:summary", args=[criteria.pk]))
    services.record_viewed(
        actor,
        target=criteria,
        view="self_evaluation_summary_export",
        format=fmt,
        replaced=[r.codepoint for r in replaced],
    )
    return response
