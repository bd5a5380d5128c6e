"""Screens of the plan in plain words: thin; parse → access → service → render."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tsunagu.cases.access import access_case
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.screens import action, errors_as_pages, form_page, posted
from tsunagu.plainplans import access, checker, selectors, services
from tsunagu.plainplans.forms import AudienceForm, PlainPlanForm, ReleaseForm
from tsunagu.plainplans.models import Audience, PlainPlan, PlainPlanStatus


@require_GET
@errors_as_pages()
def case_plain_plans(request: TsunaguRequest, case_id: int) -> HttpResponse:
    case = access_case(request.actor, case_id)
    versions = selectors.plain_plan_list(request.actor, case=case)
    context = {
        "case": case,
        "versions": versions,
        "draft": next((v for v in versions if v.status == PlainPlanStatus.DRAFT), None),
    }
    return render(request, "plainplans/case.html", context)


@require_POST
@errors_as_pages()
def plain_plan_start(request: TsunaguRequest, case_id: int) -> HttpResponse:
    case = access_case(request.actor, case_id, for_write=True)
    back = reverse("plainplans:case", args=[case.pk])
    return action(
        request,
        lambda: services.plain_plan_start(request.actor, case=case),
        to=lambda made: reverse("plainplans:edit", args=[made.pk]),
        success=_("支援計画から下書きを作りました。やさしい日本語に書き直してください。"),
        failed_to=back,
        back=back,
    )


def _flag_rows(flags: list[checker.Flag], labels: dict[str, str]) -> list[dict[str, Any]]:
    return [{"flag": f, "field_label": labels.get(f.field, f.field)} for f in flags]


def _field_labels(form: PlainPlanForm | None, parts: int) -> dict[str, str]:
    labels = {"goals": _("目標"), "next_meeting_note": _("次に会うときのこと")}
    for i in range(1, parts + 1):
        labels[f"part-{i}-who"] = _("%(n)d: だれが") % {"n": i}
        labels[f"part-{i}-what"] = _("%(n)d: 何をするか") % {"n": i}
    return labels


@require_GET
@errors_as_pages()
def plain_plan_detail(request: TsunaguRequest, plain_plan_id: int) -> HttpResponse:
    plain_plan = access.access_plain_plan(request.actor, plain_plan_id)
    parts = selectors.plain_plan_parts(plain_plan)
    context = {
        "plain_plan": plain_plan,
        "parts": parts,
        "flags": _flag_rows(selectors.flags(plain_plan, parts), _field_labels(None, len(parts))),
        "release_form": ReleaseForm(
            initial={
                "family_goals": plain_plan.family_goals,
                "family_parts": plain_plan.family_parts,
                "family_meeting": plain_plan.family_meeting,
                "family_allowed_on": plain_plan.family_allowed_on,
                "family_allowed_note": plain_plan.family_allowed_note,
            }
        ),
    }
    return render(request, "plainplans/detail.html", context)


@require_http_methods(["GET", "POST"])
@errors_as_pages()
def plain_plan_edit(request: TsunaguRequest, plain_plan_id: int) -> HttpResponse:
    """The draft's words.  チェック (a submit named `check`) shows every flag of the text as
    typed, saving nothing; 保存 saves whatever the flags say."""
    plain_plan = access.access_plain_plan(request.actor, plain_plan_id, for_write=True)
    parts = selectors.plain_plan_parts(plain_plan)
    initial = {
        "goals": plain_plan.goals,
        "next_meeting_on": plain_plan.next_meeting_on,
        "next_meeting_note": plain_plan.next_meeting_note,
        "kanji_grade": plain_plan.kanji_grade,
    }
    form = PlainPlanForm(posted(request), initial=initial, parts=parts)
    context: dict[str, Any] = {"plain_plan": plain_plan, "checked": False}
    if request.method == "POST" and "check" in request.POST:
        status = 400
        if form.is_valid():
            status = 200
            texts = form.texts()
            flags = checker.check_fields(
                texts,
                grade=form.cleaned_data["kanji_grade"],
                names=list(plain_plan.person_readings),
            )
            context["flags"] = _flag_rows(flags, _field_labels(form, len(texts)))
            context["checked"] = True
        context["form"] = form
        return render(request, "plainplans/edit.html", context, status=status)
    return form_page(
        request,
        form,
        "plainplans/edit.html",
        save=lambda data: services.plain_plan_update(
            request.actor, plain_plan=plain_plan, **form.as_update()
        ),
        done=lambda saved: redirect("plainplans:detail", saved.pk),
        context=context,
        success=_("保存しました。"),
        back=reverse("plainplans:detail", args=[plain_plan.pk]),
    )


@require_GET
@errors_as_pages()
def plain_plan_preview(request: TsunaguRequest, plain_plan_id: int) -> HttpResponse:
    """Exactly what the person (or the family member: ?audience=family) will see."""
    plain_plan = access.access_plain_plan(request.actor, plain_plan_id)
    form = AudienceForm(request.GET)
    audience = Audience.PERSON
    if form.is_valid() and form.cleaned_data["audience"]:
        audience = Audience(form.cleaned_data["audience"])
    context = {
        "plain_plan": selectors.shown_as(plain_plan, audience),
        "audience": audience,
        "audience_form": form,
    }
    return render(
        request, "plainplans/preview.html", context, status=200 if form.is_valid() else 400
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages()
def plain_plan_release(request: TsunaguRequest, plain_plan_id: int) -> HttpResponse:
    plain_plan: PlainPlan = access.access_plain_plan(request.actor, plain_plan_id, for_write=True)
    form = ReleaseForm(posted(request))
    return form_page(
        request,
        form,
        "plainplans/release.html",
        save=lambda data: services.plain_plan_release(request.actor, plain_plan=plain_plan, **data),
        done=lambda released: redirect("plainplans:detail", released.pk),
        context={"plain_plan": plain_plan},
        success=_("本人に公開しました。"),
        back=reverse("plainplans:detail", args=[plain_plan.pk]),
    )
