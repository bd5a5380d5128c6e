"""Screens of the life hub and the resident activities: parse → access → service → render."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.screens import action, errors_as_pages, form_page, posted
from tsunagu.lifehub import access, selectors, services
from tsunagu.lifehub.forms import (
    AcceptForm,
    ActivityForm,
    ConsentForm,
    DeclineForm,
    EmergencyForm,
    EndForm,
    RoleForm,
    WithdrawForm,
)
from tsunagu.lifehub.models import EmergencyRequest, EmergencyStatus, ResidentActivity

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# --- The hub ---------------------------------------------------------------------------------


@require_GET
@errors_as_pages()
def hub(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    bodies = list(selectors.operating_bodies())
    context = {
        "functions": selectors.hub_functions(),
        "bodies": bodies,
        "meetings": selectors.operating_meetings(actor, bodies),
        "may_manage": access.may_manage_hub(actor),
        "may_record": access.may_record_emergency(actor),
        "keeps_activities": access.may_keep_activities(actor),
    }
    return render(request, "lifehub/hub.html", context)


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="lifehub:hub")
def role_add(request: TsunaguRequest) -> HttpResponse:
    actor = audit.require_role(request.actor, access.may_manage_hub, view="lifehub_role_add")
    return form_page(
        request,
        RoleForm(posted(request)),
        "lifehub/form.html",
        save=lambda data: services.role_add(actor, **data),
        done=lambda role: redirect("lifehub:hub"),
        context={"title": _("拠点の機能を担う機関を加える"), "back": reverse("lifehub:hub")},
        success=_("拠点の機能を担う機関を加えました。"),
        back="lifehub:hub",
    )


@require_POST
@errors_as_pages(back="lifehub:hub")
def role_end(request: TsunaguRequest, role_id: int) -> HttpResponse:
    role = access.access_role(request.actor, role_id)
    return action(
        request,
        lambda: services.role_end(request.actor, role=role),
        to="lifehub:hub",
        success=_("役割を終了しました。"),
    )


# --- Emergency acceptance ----------------------------------------------------------------


@require_GET
@errors_as_pages()
def emergency_list(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    rows = list(selectors.emergency_rows(actor))
    audit.record_read(actor, view="lifehub_emergency_list", person_ids=[])
    context = {
        "rows": rows,
        "summary": selectors.emergency_summary(rows),
        "may_record": access.may_record_emergency(actor),
    }
    return render(request, "lifehub/emergency_list.html", context)


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="lifehub:emergency_list")
def emergency_create(request: TsunaguRequest) -> HttpResponse:
    actor = audit.require_role(
        request.actor, access.may_record_emergency, view="lifehub_emergency_receive"
    )
    form = EmergencyForm(posted(request), initial={"received_at": timezone.localtime()})
    return form_page(
        request,
        form,
        "lifehub/form.html",
        save=lambda data: services.emergency_receive(actor, **data),
        done=lambda created: redirect("lifehub:emergency_detail", created.pk),
        context={
            "title": _("緊急時の受け入れ依頼を受け付ける"),
            "back": reverse("lifehub:emergency_list"),
        },
        success=_("依頼を受け付けました。"),
        back="lifehub:emergency_list",
    )


def _emergency_context(request: TsunaguRequest, found: EmergencyRequest) -> dict[str, Any]:
    actor = request.actor
    may_handle = actor.can_write and (
        access.may_manage_hub(actor) or found.receiving_organization_id == actor.organization_id
    )
    return {
        "found": found,
        "may_handle": may_handle,
        "accept_form": AcceptForm(),
        "decline_form": DeclineForm(),
        "end_form": EndForm(initial={"stay_until": timezone.localdate()}),
        "statuses": EmergencyStatus,
    }


@require_GET
@errors_as_pages()
def emergency_detail(request: TsunaguRequest, request_id: int) -> HttpResponse:
    found = access.access_emergency(request.actor, request_id)
    audit.record(action=Action.RECORD_VIEWED, actor=request.actor, target=found)
    return render(request, "lifehub/emergency_detail.html", _emergency_context(request, found))


# Each step of a request at its detail page: its form (shown there as `<step>_form`), its
# service and what is said once it is recorded.
_STEPS: dict[str, tuple[type[forms.Form], Callable[..., EmergencyRequest], StrOrPromise]] = {
    "accept": (AcceptForm, services.emergency_accept, gettext_lazy("受け入れを記録しました。")),
    "decline": (
        DeclineForm,
        services.emergency_decline,
        gettext_lazy("受け入れできなかったことを記録しました。"),
    ),
    "end": (EndForm, services.emergency_end, gettext_lazy("受け入れの終了を記録しました。")),
}


@require_POST
@errors_as_pages(back="lifehub:emergency_list")
def emergency_step(request: TsunaguRequest, request_id: int, step: str) -> HttpResponse:
    """Accept, decline or end a request (`step`, from the URL conf): a refused form is shown
    again on the request's page."""
    form_class, run, said = _STEPS[step]
    found = access.access_emergency(request.actor, request_id)
    back = reverse("lifehub:emergency_detail", args=[found.pk])
    form_name = f"{step}_form"
    return form_page(
        request,
        form_class(posted(request)),
        "lifehub/emergency_detail.html",
        save=lambda data: run(request.actor, request=found, **data),
        done=lambda saved: redirect(back),
        context=lambda: {
            k: v for k, v in _emergency_context(request, found).items() if k != form_name
        },
        form_name=form_name,
        success=str(said),
        back=back,
    )


# --- Resident activities ------------------------------------------------------------------


@require_GET
@errors_as_pages()
def activity_list(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    rows = list(selectors.activity_rows(actor))
    audit.record_read(actor, view="lifehub_activity_list", person_ids=[])
    context = {"rows": rows, "may_keep": access.may_keep_activities(actor)}
    return render(request, "lifehub/activity_list.html", context)


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="lifehub:activity_list")
def activity_create(request: TsunaguRequest) -> HttpResponse:
    actor = audit.require_role(
        request.actor, access.may_keep_activities, view="lifehub_activity_create"
    )
    return form_page(
        request,
        ActivityForm(posted(request), initial={"consented_on": timezone.localdate()}),
        "lifehub/form.html",
        save=lambda data: services.activity_create(actor, **data),
        done=lambda created: redirect("lifehub:activity_detail", created.pk),
        context={"title": _("住民の活動を登録する"), "back": reverse("lifehub:activity_list")},
        success=_("住民の活動を社会資源に登録しました。"),
        back="lifehub:activity_list",
    )


def _activity_context(request: TsunaguRequest, activity: ResidentActivity) -> dict[str, Any]:
    return {
        "activity": activity,
        "consents": list(selectors.activity_consents(activity)),
        "standing": selectors.standing_scopes(activity),
        "may_keep": access.may_keep_activities(request.actor),
        "consent_form": ConsentForm(initial={"consented_on": timezone.localdate()}),
        "withdraw_form": WithdrawForm(),
    }


@require_GET
@errors_as_pages()
def activity_detail(request: TsunaguRequest, activity_id: int) -> HttpResponse:
    activity = access.access_activity(request.actor, activity_id)
    audit.record(action=Action.RECORD_VIEWED, actor=request.actor, target=activity)
    return render(request, "lifehub/activity_detail.html", _activity_context(request, activity))


@require_POST
@errors_as_pages(back="lifehub:activity_list")
def consent_give(request: TsunaguRequest, activity_id: int) -> HttpResponse:
    activity = access.access_activity(request.actor, activity_id)
    back = reverse("lifehub:activity_detail", args=[activity.pk])
    return form_page(
        request,
        ConsentForm(posted(request)),
        "lifehub/activity_detail.html",
        save=lambda data: services.consent_give(request.actor, activity=activity, **data),
        done=lambda saved: redirect(back),
        context=lambda: {
            k: v for k, v in _activity_context(request, activity).items() if k != "consent_form"
        },
        form_name="consent_form",
        success=_("同意を記録しました。"),
        back=back,
    )


@require_POST
@errors_as_pages(back="lifehub:activity_list")
def consent_withdraw(request: TsunaguRequest, activity_id: int) -> HttpResponse:
    activity = access.access_activity(request.actor, activity_id)
    back = reverse("lifehub:activity_detail", args=[activity.pk])
    return form_page(
        request,
        WithdrawForm(posted(request)),
        "lifehub/activity_detail.html",
        save=lambda data: services.consent_withdraw(request.actor, activity=activity, **data),
        done=lambda saved: redirect(back),
        context=lambda: {
            k: v for k, v in _activity_context(request, activity).items() if k != "withdraw_form"
        },
        form_name="withdraw_form",
        success=_("同意の撤回を記録しました。掲載をただちに止めました。"),
        back=back,
    )
