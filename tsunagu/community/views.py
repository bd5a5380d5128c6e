"""Screens of the community app: thin; parse → access → service → render."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.community import access, selectors, services
from tsunagu.community.forms import (
    ActivityForm,
    AwarenessForm,
    AwarenessResultsForm,
    CloseForm,
    ConnectForm,
    ConsentForm,
    ContactForm,
    LeadForm,
    MaterialForm,
)
from tsunagu.community.models import (
    PARTICIPANT_FIELDS,
    QUESTIONS,
    ActivityKind,
    AwarenessEvent,
    CommunityActivity,
    LeadStatus,
)
from tsunagu.core.dates import fiscal_year
from tsunagu.core.errors import NotFound
from tsunagu.core.http import TsunaguRequest, stored_download
from tsunagu.core.screens import errors_as_pages, form_page, posted
from tsunagu.core.validators import MAX_YEAR, MIN_YEAR

ACTIVITY_KEYS = [n for n, _l in PARTICIPANT_FIELDS]


def _year(request: TsunaguRequest) -> int:
    raw = request.GET.get("fiscal_year", "")
    if not raw:
        return fiscal_year(timezone.localdate())
    if not raw.isdigit() or not MIN_YEAR <= int(raw) <= MAX_YEAR:
        raise Http404
    return int(raw)


def _scope(actor: Any) -> list[int] | None:
    if access.oversees(actor):
        return None
    return [actor.organization_id or 0]


@require_GET
@errors_as_pages()
def home(request: TsunaguRequest) -> HttpResponse:
    """The year's community work: counts by kind and month, by ward, the サポーター per ward,
    and the outreach figures of the acting organization."""
    actor = request.actor
    year = _year(request)
    figures = selectors.year_figures(
        year, organization_ids=_scope(actor), leads_of=actor.organization_id
    )
    audit.record(
        action=Action.RECORD_VIEWED,
        actor=actor,
        target_type="community.figures",
        target_id=year,
        detail={"scope": "all" if access.oversees(actor) else "own"},
    )
    context = {
        "figures": figures,
        "year": year,
        "years": selectors.figure_years(),
        "oversees": access.oversees(actor),
        "may_log": access.may_log(actor),
        "medians": selectors.median_days_by_year(actor.organization_id or 0),
    }
    return render(request, "community/home.html", context)


@require_GET
@errors_as_pages()
def activity_list(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    kind = request.GET.get("kind", "")
    if kind and kind not in ActivityKind.values:
        kind = ""
    year = _year(request)
    rows = list(selectors.activity_list(actor, kind=kind, year=year)[:500])
    context = {
        "rows": rows,
        "kind": kind,
        "kinds": ActivityKind.choices,
        "year": year,
        "years": selectors.figure_years(),
        "may_log": access.may_log(actor),
    }
    return render(request, "community/activity_list.html", context)


def _activity_data(data: dict[str, Any]) -> dict[str, Any]:
    return {
        k: data.get(k)
        for k in (
            "kind",
            "title",
            "held_on",
            "area",
            "partners",
            "informal_partners",
            *ACTIVITY_KEYS,
            "description",
            "consultation",
            "resource_found",
            "community_issue",
        )
        if k in data
    }


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="community:activity_list")
def activity_create(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    initial = {"kind": request.GET.get("kind", "")} if request.method == "GET" else None
    form = ActivityForm(posted(request), actor=actor, initial=initial)
    return form_page(
        request,
        form,
        "community/form.html",
        save=lambda data: services.activity_create(actor, **_activity_data(data)),
        done=lambda activity: redirect("community:activity_detail", activity.pk),
        context={"title": _("地域活動を記録する"), "back": reverse("community:activity_list")},
        success=_("地域活動を記録しました。"),
        back="community:activity_list",
    )


@require_GET
@errors_as_pages()
def activity_detail(request: TsunaguRequest, activity_id: int) -> HttpResponse:
    actor = request.actor
    activity = access.access_activity(actor, activity_id)
    shown = access.consultation_shown(actor, activity)
    person_ids = (
        [activity.consultation.person_id]
        if shown and activity.consultation and activity.consultation.person_id
        else []
    )
    audit.record(action=Action.RECORD_VIEWED, actor=actor, target=activity, person_ids=person_ids)
    event = AwarenessEvent.objects.filter(activity=activity).first()
    questionnaire = []
    if event is not None:
        for key, question, answers in QUESTIONS:
            counts = event.questionnaire.get(key, {})
            questionnaire.append(
                (str(question), [(str(label), counts.get(a, 0)) for a, label in answers])
            )
    context = {
        "activity": activity,
        "event": event,
        "questionnaire": questionnaire,
        "materials": list(selectors.event_materials(event)) if event else [],
        "consultation_shown": shown,
        "participants": [(label, getattr(activity, n)) for n, label in PARTICIPANT_FIELDS],
        "is_owner": activity.organization_id == actor.organization_id and actor.can_write,
    }
    return render(request, "community/activity_detail.html", context)


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="community:activity_list")
def activity_edit(request: TsunaguRequest, activity_id: int) -> HttpResponse:
    actor = request.actor
    activity = access.access_activity(actor, activity_id, for_write=True)
    initial = {
        "kind": activity.kind,
        "title": activity.title,
        "held_on": activity.held_on,
        "area": activity.area_id,
        "partners": list(activity.partners.values_list("pk", flat=True)),
        "informal_partners": activity.informal_partners,
        **{k: getattr(activity, k) for k in ACTIVITY_KEYS},
        "description": activity.description,
        "consultation": activity.consultation_id,
        "resource_found": activity.resource_found,
        "community_issue": activity.community_issue_id,
    }
    form = ActivityForm(posted(request), actor=actor, initial=initial)
    back = reverse("community:activity_detail", args=[activity.pk])
    return form_page(
        request,
        form,
        "community/form.html",
        save=lambda data: services.activity_update(
            actor, activity=activity, **_activity_data(data)
        ),
        done=lambda saved: redirect(back),
        context={"title": _("地域活動を直す"), "back": back},
        success=_("地域活動を保存しました。"),
        back=back,
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="community:activity_list")
def awareness_create(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    form = AwarenessForm(posted(request), actor=actor)

    def save(data: dict[str, Any]) -> AwarenessEvent:
        return services.awareness_create(
            actor,
            theme=data["theme"],
            audiences=data["audiences"],
            supporters_completed=data["supporters_completed"],
            questionnaire=form.questionnaire(),
            **{k: v for k, v in _activity_data(data).items() if k != "kind"},
        )

    return form_page(
        request,
        form,
        "community/awareness_form.html",
        save=save,
        done=lambda event: redirect("community:activity_detail", event.activity_id),
        context={"title": _("普及啓発を記録する"), "back": reverse("community:activity_list")},
        success=_("普及啓発を記録しました。"),
        back="community:activity_list",
    )


def _event_of(activity: CommunityActivity) -> AwarenessEvent:
    event = AwarenessEvent.objects.filter(activity=activity).first()
    if event is None:
        raise Http404
    return event


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="community:activity_list")
def awareness_results(request: TsunaguRequest, activity_id: int) -> HttpResponse:
    actor = request.actor
    activity = access.access_activity(actor, activity_id, for_write=True)
    event = _event_of(activity)
    initial: dict[str, Any] = {
        "theme": event.theme,
        "audiences": event.audiences,
        "supporters_completed": event.supporters_completed,
    }
    for key, _q, answers in QUESTIONS:
        for answer, _l in answers:
            initial[f"q_{key}_{answer}"] = event.questionnaire.get(key, {}).get(answer, 0)
    form = AwarenessResultsForm(posted(request), initial=initial)
    back = reverse("community:activity_detail", args=[activity.pk])
    return form_page(
        request,
        form,
        "community/form.html",
        save=lambda data: services.awareness_update(
            actor,
            event=event,
            theme=data["theme"],
            audiences=data["audiences"],
            supporters_completed=data["supporters_completed"],
            questionnaire=form.questionnaire(),
        ),
        done=lambda saved: redirect(back),
        context={"title": _("普及啓発の結果"), "back": back},
        success=_("普及啓発の結果を保存しました。"),
        back=back,
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="community:activity_list")
def materials_add(request: TsunaguRequest, activity_id: int) -> HttpResponse:
    actor = request.actor
    activity = access.access_activity(actor, activity_id, for_write=True)
    event = _event_of(activity)
    form = MaterialForm(posted(request), request.FILES if request.method == "POST" else None)
    back = reverse("community:activity_detail", args=[activity.pk])
    return form_page(
        request,
        form,
        "community/form.html",
        save=lambda data: services.materials_add(actor, event=event, files=data["uploads"]),
        done=lambda stored: redirect(back),
        context={"title": _("資料を追加する"), "back": back, "multipart": True},
        success=lambda stored: _("資料を%(n)s件追加しました。") % {"n": len(stored)},
        back=back,
    )


@require_GET
def material_download(request: TsunaguRequest, material_id: int) -> FileResponse:
    try:
        material = access.access_material(request.actor, material_id)
    except NotFound:
        raise Http404 from None
    response = stored_download(material)
    audit.record(
        action=Action.RECORD_VIEWED,
        actor=request.actor,
        target=material,
        detail={"event": material.event_id, "downloaded": True},
    )
    return response


# --- Outreach ---------------------------------------------------------------------------------


@require_GET
@errors_as_pages()
def lead_list(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    status = request.GET.get("status", "")
    if status and status not in LeadStatus.values:
        status = ""
    rows = list(selectors.lead_list(actor, status=status)[:500])
    audit.record_read(actor, view="community_lead_list", person_ids=[], filters={"status": status})
    context = {
        "rows": rows,
        "status": status,
        "statuses": LeadStatus.choices,
        "may_log": access.may_log(actor),
        "medians": selectors.median_days_by_year(actor.organization_id or 0),
    }
    return render(request, "community/lead_list.html", context)


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="community:lead_list")
def lead_create(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    form = LeadForm(posted(request))
    return form_page(
        request,
        form,
        "community/form.html",
        save=lambda data: services.lead_create(actor, **data),
        done=lambda lead: redirect("community:lead_detail", lead.pk),
        context={
            "title": _("アウトリーチを記録する"),
            "back": reverse("community:lead_list"),
            "intro": _(
                "心配されている人のことは、必要最小限だけを記録します。氏名・住所・電話番号は"
                "書かず、呼び名（イニシャルなど）と地域、誰がなぜ心配しているかを書きます。"
                "記録の根拠は、本人の同意か、生命・身体を守るための緊急（終了日と確認する職員を"
                "決めます）です。"
            ),
        },
        success=_("アウトリーチを記録しました。"),
        back="community:lead_list",
    )


@require_GET
@errors_as_pages()
def lead_detail(request: TsunaguRequest, lead_id: int) -> HttpResponse:
    actor = request.actor
    lead = access.access_lead(actor, lead_id)
    audit.record(action=Action.RECORD_VIEWED, actor=actor, target=lead)
    context = {
        "lead": lead,
        "may_write": actor.can_write and lead.status == LeadStatus.OPEN,
    }
    return render(request, "community/lead_detail.html", context)


def _lead_step(
    request: TsunaguRequest,
    lead_id: int,
    form_class: type,
    title: str,
    run: Any,
    success: str,
    submit_label: str = "",
) -> HttpResponse:
    actor = request.actor
    lead = access.access_lead(actor, lead_id, for_write=True)
    back = reverse("community:lead_detail", args=[lead.pk])
    form = form_class(posted(request))
    return form_page(
        request,
        form,
        "community/form.html",
        save=lambda data: run(actor, lead, data),
        done=lambda result: redirect(back),
        context={"title": title, "back": back, "lead": lead, "submit_label": submit_label},
        success=success,
        back=back,
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="community:lead_list")
def lead_contact(request: TsunaguRequest, lead_id: int) -> HttpResponse:
    return _lead_step(
        request,
        lead_id,
        ContactForm,
        _("初めて会えた日を記録する"),
        lambda actor, lead, data: services.lead_contact(actor, lead=lead, on=data["on"]),
        _("初めて会えた日を記録しました。"),
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="community:lead_list")
def lead_consent(request: TsunaguRequest, lead_id: int) -> HttpResponse:
    return _lead_step(
        request,
        lead_id,
        ConsentForm,
        _("本人の同意を記録する"),
        lambda actor, lead, data: services.lead_consent(
            actor, lead=lead, given_on=data["given_on"], confirmed_by=data["confirmed_by"]
        ),
        _("本人の同意を記録しました。"),
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="community:lead_list")
def lead_connect(request: TsunaguRequest, lead_id: int) -> HttpResponse:
    return _lead_step(
        request,
        lead_id,
        ConnectForm,
        _("相談につなぐ"),
        lambda actor, lead, data: services.lead_connect(
            actor, lead=lead, main_concern=data["main_concern"]
        ),
        _("相談受付を作り、相談につなぎました。"),
        submit_label=_("相談受付を作る"),
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="community:lead_list")
def lead_close(request: TsunaguRequest, lead_id: int) -> HttpResponse:
    return _lead_step(
        request,
        lead_id,
        CloseForm,
        _("アウトリーチを終了する"),
        lambda actor, lead, data: services.lead_close(
            actor, lead=lead, reason=data["reason"], note=data["note"], on=data["on"]
        ),
        _("アウトリーチを終了しました。"),
    )
