"""Screens of the disaster app: thin; parse → access → service → render.

Which article of 災害対策基本法 each screen serves: docs/adr (disaster)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.core.errors import Invalid, TsunaguError
from tsunagu.core.exports import TABLE_FORMATS, table_response
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.printing import PdfUnavailable
from tsunagu.core.screens import action, errors_as_pages, form_page, posted
from tsunagu.disaster import access, offline, selectors, services
from tsunagu.disaster.forms import CampaignForm, CheckForm, CriteriaForm, PlanForm
from tsunagu.disaster.models import CheckState, Resolution
from tsunagu.organizations.models import Area
from tsunagu.people import protection

EXPORT_FORMATS = [(k, v) for k, v in TABLE_FORMATS if k != "pdf"]


def _area_of(request: TsunaguRequest) -> Area | None:
    raw = request.GET.get("area", "")
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise Http404
    area = Area.objects.filter(pk=int(raw)).first()
    if area is None:
        raise Http404
    return area


def _register(request: TsunaguRequest, template: str, view: str) -> HttpResponse:
    actor = request.actor
    area = _area_of(request)
    rows = list(selectors.register_rows(actor, area=area))
    audit.record_read(
        actor,
        view=view,
        person_ids=[e.person_id for e in rows],
        filters={"area": area.pk if area else ""},
    )
    context = {
        "rows": rows,
        # Whereabouts only through people.protection (hidden under DV protection).
        "contacts": protection.contacts_of(e.person for e in rows),
        "area": area,
        "areas": selectors.list_areas(),
        "oversees": access.oversees(actor),
        "may_manage": access.may_manage(actor),
        "criteria": services.current_criteria(),
        "printed_at": timezone.localtime(),
    }
    return render(request, template, context)


@require_GET
@errors_as_pages()
def register(request: TsunaguRequest) -> HttpResponse:
    return _register(request, "disaster/register.html", "disaster_register")


@require_GET
@errors_as_pages()
def register_print(request: TsunaguRequest) -> HttpResponse:
    return _register(request, "disaster/register_print.html", "disaster_register_print")


@require_POST
@errors_as_pages(back="disaster:register")
def register_build(request: TsunaguRequest) -> HttpResponse:
    return action(
        request,
        lambda: services.register_build(request.actor),
        to="disaster:register",
        success=lambda added: _("名簿に%(n)d人を追加しました。") % {"n": len(added)},
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="disaster:register")
def criteria(request: TsunaguRequest) -> HttpResponse:
    actor = audit.require_role(request.actor, access.may_manage, view="disaster_criteria")
    current = services.current_criteria()
    initial = (
        {
            "physical_grades": current.physical_grades,
            "intellectual_grades": current.intellectual_grades,
            "mental_grades": current.mental_grades,
            "min_support_category": current.min_support_category or "",
            "living_alone": current.living_alone,
            "medical_equipment": current.medical_equipment,
        }
        if current
        else {}
    )
    form = CriteriaForm(posted(request), initial=initial)
    return form_page(
        request,
        form,
        "disaster/form.html",
        save=lambda data: services.criteria_set(actor, **data),
        done=lambda saved: redirect("disaster:register"),
        context={"title": _("名簿掲載の基準"), "back": reverse("disaster:register")},
        success=_("基準を保存しました。"),
        back="disaster:register",
    )


@require_GET
@errors_as_pages()
def entry_detail(request: TsunaguRequest, entry_id: int) -> HttpResponse:
    actor = request.actor
    entry = access.access_entry(actor, entry_id)
    audit.record(
        action=Action.RECORD_VIEWED, actor=actor, target=entry, person_ids=[entry.person_id]
    )
    plan = getattr(entry, "plan", None)
    context = {"entry": entry, "plan": plan, "may_plan": access.may_plan(actor)}
    return render(request, "disaster/entry_detail.html", context)


@require_POST
@errors_as_pages(back="disaster:register")
def entry_consent(request: TsunaguRequest, entry_id: int) -> HttpResponse:
    entry = access.access_entry(request.actor, entry_id)
    given = request.POST.get("given") == "1"
    return action(
        request,
        lambda: services.consent_record(request.actor, entry=entry, given=given),
        to=reverse("disaster:entry_detail", args=[entry.pk]),
        success=_("同意を記録しました。") if given else _("同意の撤回を記録しました。"),
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="disaster:register")
def entry_plan(request: TsunaguRequest, entry_id: int) -> HttpResponse:
    entry = access.access_entry(request.actor, entry_id)
    plan = getattr(entry, "plan", None)
    initial = {f: getattr(plan, f) for f in services.PLAN_FIELDS} if plan else {}
    form = PlanForm(posted(request), initial=initial)
    back = reverse("disaster:entry_detail", args=[entry.pk])
    return form_page(
        request,
        form,
        "disaster/form.html",
        save=lambda data: services.plan_save(request.actor, entry=entry, **data),
        done=lambda saved: redirect(back),
        context={"title": _("個別避難計画"), "back": back, "entry": entry},
        success=_("個別避難計画を保存しました。"),
        back=back,
    )


@require_GET
@errors_as_pages()
def campaign_list(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    campaigns = access.campaigns_visible_to(actor).prefetch_related("areas")
    context = {"campaigns": campaigns, "may_manage": access.may_manage(actor)}
    return render(request, "disaster/campaign_list.html", context)


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="disaster:campaign_list")
def campaign_create(request: TsunaguRequest) -> HttpResponse:
    actor = audit.require_role(request.actor, access.may_manage, view="disaster_campaign_declare")
    form = CampaignForm(posted(request))
    return form_page(
        request,
        form,
        "disaster/form.html",
        save=lambda data: services.campaign_declare(actor, **data),
        done=lambda campaign: redirect("disaster:campaign_detail", campaign.pk),
        context={"title": _("安否確認を始める"), "back": reverse("disaster:campaign_list")},
        success=_("安否確認を始めました。"),
        back="disaster:campaign_list",
    )


@require_GET
@errors_as_pages()
def campaign_detail(request: TsunaguRequest, campaign_id: int) -> HttpResponse:
    """Live progress per area: counts only, for the core center and the city."""
    actor = request.actor
    campaign = access.access_campaign(actor, campaign_id)
    audit.record(action=Action.RECORD_VIEWED, actor=actor, target=campaign)
    conflicts = services.open_conflicts(campaign) if access.oversees(actor) else []
    if conflicts:
        audit.record_read(
            actor,
            view="disaster_campaign_conflicts",
            person_ids=sorted({c.entry.person_id for c in conflicts}),
            target=campaign,
        )
    context = {
        "campaign": campaign,
        "conflicts": conflicts,
        "may_settle": access.may_plan(actor),
        "progress": selectors.progress(actor, campaign),
        "states": CheckState.choices,
        "may_manage": access.may_manage(actor),
        "may_record": access.may_record(actor, campaign),
        "formats": EXPORT_FORMATS,
        "oversees": access.oversees(actor),
    }
    return render(request, "disaster/campaign_detail.html", context)


def _check_page(
    request: TsunaguRequest, campaign_id: int, form: CheckForm | None, status: int = 200
) -> HttpResponse:
    actor = request.actor
    campaign = access.access_campaign(actor, campaign_id)
    rows = selectors.campaign_rows(actor, campaign)
    audit.record_read(
        actor,
        view="disaster_campaign_check",
        person_ids=[r.entry.person_id for r in rows],
        target=campaign,
    )
    may_record = access.may_record(actor, campaign)
    context = {
        "campaign": campaign,
        "rows": rows,
        "states": CheckState.choices,
        "may_record": may_record,
        "form": form,
        "offline": offline.bundle(request, campaign, rows, may_record=may_record),
    }
    return render(request, "disaster/campaign_check.html", context, status=status)


@require_GET
@errors_as_pages()
def campaign_check(request: TsunaguRequest, campaign_id: int) -> HttpResponse:
    """The phone-width screen: the not yet reached first, one big button per state."""
    return _check_page(request, campaign_id, None)


@require_POST
@errors_as_pages(back="disaster:campaign_list")
def campaign_record(request: TsunaguRequest, campaign_id: int) -> HttpResponse:
    actor = request.actor
    campaign = access.access_campaign(actor, campaign_id)
    form = CheckForm(request.POST)
    if not form.is_valid():
        return _check_page(request, campaign_id, form, status=400)
    entry = access.access_entry(actor, form.cleaned_data["entry"])
    data = form.cleaned_data
    base = data["base"]
    return action(
        request,
        lambda: services.check_record(
            actor,
            campaign=campaign,
            entry=entry,
            state=data["state"],
            evacuated_to=data["evacuated_to"],
            note=data["note"],
            # The page sends the version it showed (0: none yet); a form without it, none.
            base=services.NO_BASE if base is None else (base or None),
        ),
        to=reverse("disaster:campaign_check", args=[campaign.pk]),
        success=lambda check: (
            _("%(name)sさん: %(state)s")
            % {
                "name": check.entry.person.display_name,
                "state": check.get_state_display(),
            }
            if check.resolution != Resolution.OPEN
            else _("%(name)sさん: ほかの人が先に記録していたため、競合として記録しました。")
            % {"name": check.entry.person.display_name}
        ),
    )


@require_POST
@errors_as_pages(back="disaster:campaign_list")
def campaign_sync(request: TsunaguRequest, campaign_id: int) -> HttpResponse:
    """The phone's queue, sent when the network returns (JSON in, JSON out; ADR 0020).  The
    screen's twin of POST /api/v1/disaster/campaigns/{id}/checks/batch, for the page's own
    script (the API takes bearer tokens only).  A campaign not of this organization is the
    404 page of every screen; the script reads the status only."""
    actor = request.actor
    campaign = access.access_campaign(actor, campaign_id)
    try:
        if request.content_type != "application/json":
            raise Invalid(_("送られた記録を読めませんでした。"))
        items = offline.parse_items(request.body)
        results = services.checks_sync(actor, campaign=campaign, items=items)
    except TsunaguError as exc:
        return JsonResponse(
            {"error": {"code": exc.code, "message": exc.message}}, status=exc.status
        )
    return JsonResponse({"results": [offline.result_json(r) for r in results]})


@require_POST
@errors_as_pages(back="disaster:campaign_list")
def conflict_settle(request: TsunaguRequest, campaign_id: int, check_id: int) -> HttpResponse:
    campaign = access.access_campaign(request.actor, campaign_id)
    keep = request.POST.get("keep", "")
    return action(
        request,
        lambda: services.conflict_settle(
            request.actor, campaign=campaign, check_id=check_id, keep=keep
        ),
        to=reverse("disaster:campaign_detail", args=[campaign.pk]),
        success=_("競合を解決しました。"),
    )


@login_not_required
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from /disaster/ so that its scope covers the check pages.
    Code only, no data: anyone may fetch it (a signed-out browser updating it must not get the
    sign-in page instead)."""
    response = render(request, "disaster/sw.js", offline.worker_context())
    response["Content-Type"] = "text/javascript; charset=utf-8"
    response["Cache-Control"] = "no-cache"
    return response


@login_not_required
@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(offline.manifest(), json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@login_not_required
@require_GET
def offline_shell(request: HttpRequest) -> HttpResponse:
    """The page the service worker shows for a check page when the network is gone: no person
    data in it (the script fills it from the encrypted list on the device)."""
    return render(request, "disaster/offline_shell.html", {"states": CheckState.choices})


@require_POST
@errors_as_pages(back="disaster:campaign_list")
def campaign_close(request: TsunaguRequest, campaign_id: int) -> HttpResponse:
    campaign = access.access_campaign(request.actor, campaign_id)
    return action(
        request,
        lambda: services.campaign_close(request.actor, campaign=campaign),
        to=reverse("disaster:campaign_detail", args=[campaign.pk]),
        success=_("安否確認を終了しました。災害時の提供の根拠は終了しました。"),
    )


@require_GET
@errors_as_pages()
def campaign_export(request: TsunaguRequest, campaign_id: int) -> HttpResponse:
    actor = request.actor
    campaign = access.access_campaign(actor, campaign_id)
    fmt = request.GET.get("format", "csv")
    if fmt not in dict(EXPORT_FORMATS):
        raise Http404
    tables = selectors.export_tables(actor, campaign)
    try:
        response, _replaced = table_response(
            fmt, tables, stem=f"safety-check-{campaign.pk}", title=campaign.title
        )
    except PdfUnavailable:  # pragma: no cover - no PDF offered here
        raise Http404 from None
    return response
