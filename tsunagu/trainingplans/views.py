"""Screens of the training plan: thin; parse → access → service → render."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tsunagu.audit import services as audit
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.screens import confirm_action, errors_as_pages, form_page, posted
from tsunagu.trainingplans import access, selectors, services
from tsunagu.trainingplans.forms import ItemForm, PlanEditForm, PlanForm
from tsunagu.trainingplans.models import NeedSource

PREFILL = ("theme", "need_source", "community_issue", "expertise_theme", "need_note")


@require_GET
@errors_as_pages()
@audit.for_role(access.may_view, view="training_plan_list")
def plan_list(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    context = {"plans": list(selectors.plan_rows(actor)), "may_plan": access.may_plan(actor)}
    return render(request, "trainingplans/pages/plan_list.html", context)


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="trainingplans:plan_list")
def plan_create(request: TsunaguRequest) -> HttpResponse:
    actor = audit.require_role(request.actor, access.may_plan, view="training_plan_create")
    return form_page(
        request,
        PlanForm(posted(request)),
        "trainingplans/pages/plan_form.html",
        save=lambda data: services.plan_create(actor, **data),
        done=lambda plan: redirect("trainingplans:plan_detail", plan.pk),
        context={"plan": None},
        success=_("研修計画を作成しました。"),
        back="trainingplans:plan_list",
    )


@require_GET
@errors_as_pages()
def plan_detail(request: TsunaguRequest, plan_id: int) -> HttpResponse:
    """The plan against what was held; for the core center and the city, the needs panel."""
    actor = request.actor
    plan = access.access_plan(actor, plan_id)
    context = {
        "plan": plan,
        "progress": selectors.progress(plan),
        "may_change": access.may_change(actor, plan),
        "needs": selectors.needs(actor, plan) if access.sees_needs(actor) else None,
        "sources": NeedSource,
    }
    return render(request, "trainingplans/pages/plan_detail.html", context)


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="trainingplans:plan_list")
def plan_edit(request: TsunaguRequest, plan_id: int) -> HttpResponse:
    plan = access.access_plan(request.actor, plan_id, for_write=True)
    return form_page(
        request,
        PlanEditForm(posted(request), plan=plan),
        "trainingplans/pages/plan_form.html",
        save=lambda data: services.plan_update(request.actor, plan=plan, **data),
        done=lambda saved: redirect("trainingplans:plan_detail", saved.pk),
        context={"plan": plan},
        success=_("研修計画を変更しました。"),
        back="trainingplans:plan_list",
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="trainingplans:plan_list")
def item_create(request: TsunaguRequest, plan_id: int) -> HttpResponse:
    """Add a planned training; the needs panel's links fill the form in (`PREFILL`)."""
    plan = access.access_plan(request.actor, plan_id, for_write=True)
    initial = {k: request.GET[k][:200] for k in PREFILL if request.GET.get(k)}
    return form_page(
        request,
        ItemForm(posted(request), plan=plan, initial=initial),
        "trainingplans/pages/item_form.html",
        save=lambda data: services.item_create(request.actor, plan=plan, **data),
        done=lambda item: redirect("trainingplans:plan_detail", plan.pk),
        context={"plan": plan, "item": None},
        success=_("計画に研修を加えました。"),
        back="trainingplans:plan_list",
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="trainingplans:plan_list")
def item_edit(request: TsunaguRequest, item_id: int) -> HttpResponse:
    item = access.access_item(request.actor, item_id, for_write=True)
    return form_page(
        request,
        ItemForm(posted(request), plan=item.plan, item=item),
        "trainingplans/pages/item_form.html",
        save=lambda data: services.item_update(request.actor, item=item, **data),
        done=lambda saved: redirect("trainingplans:plan_detail", saved.plan_id),
        context={"plan": item.plan, "item": item},
        success=_("計画した研修を変更しました。"),
        back="trainingplans:plan_list",
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="trainingplans:plan_list")
def item_delete(request: TsunaguRequest, item_id: int) -> HttpResponse:
    """A GET asks to confirm; the POST removes the item from the plan."""
    item = access.access_item(request.actor, item_id, for_write=True)
    return confirm_action(
        request,
        "trainingplans/pages/item_delete.html",
        {"item": item},
        lambda: services.item_delete(request.actor, item=item),
        to=lambda plan: reverse("trainingplans:plan_detail", args=[plan.pk]),
        success=_("計画から研修を外しました。"),
        back="trainingplans:plan_list",
    )
