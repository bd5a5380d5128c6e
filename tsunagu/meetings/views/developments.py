"""The resource development log (資源開発): screens of the log that used to live in the
directory.  A refusal answers the one refusal page and leaves the same access.denied row
(target type "directory") as it did there."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.audit import services as audit
from tsunagu.core.actor import Actor
from tsunagu.core.exports import csv_response
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.screens import form_page, posted, screen
from tsunagu.directory.models import SocialResource
from tsunagu.directory.screens import recorded, refused
from tsunagu.directory.sections import ResourceSection
from tsunagu.meetings import forms, selectors, services
from tsunagu.meetings.lists import DEVELOPMENT_COLUMNS
from tsunagu.meetings.models import DEVELOPMENT_TARGET_TYPE, ResourceDevelopment


def resource_developments_section(actor: Actor, resource: SocialResource) -> ResourceSection:
    """The developments of a resource, on its staff page in the directory (registered with
    `directory.sections` by MeetingsConfig.ready)."""
    return ResourceSection(
        template="meetings/partials/resource_developments.html",
        context={
            "developments": selectors.resource_developments(actor, resource),
            "can_see_issues": actor.organization_id is not None,
        },
    )


def _developments(actor: Actor) -> Any:
    return selectors.with_meeting_visibility(selectors.development_list(), actor)


@screen("GET")
def development_list(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    page = Paginator(_developments(actor), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/pages/development_list.html",
        {
            "page": page,
            "can_create": selectors.can_record_development(actor),
            "editable": {
                d.pk for d in page.object_list if selectors.can_edit_development(actor, d)
            },
            "can_see_issues": actor.organization_id is not None,
        },
    )


@screen("GET", "POST")
def development_create(request: TsunaguRequest) -> HttpResponse:
    back = reverse("meetings:development_list")
    if not selectors.can_record_development(request.actor):
        return refused(request, _("資源開発を記録する権限がありません。"), back)
    return _development_form(request, None, back)


@screen("GET", "POST")
def development_edit(request: TsunaguRequest, development_id: int) -> HttpResponse:
    development = selectors.development_detail(development_id)
    back = reverse("meetings:development_list")
    if not selectors.can_edit_development(request.actor, development):
        return refused(request, _("この資源開発の記録を編集する権限がありません。"), back)
    return _development_form(request, development, back)


def _development_form(
    request: TsunaguRequest, development: ResourceDevelopment | None, back: str
) -> HttpResponse:
    initial: dict[str, Any] = {"version": development.version} if development else {}
    issue = request.GET.get("community_issue", "")
    if development is None and issue.isdigit():
        # From a community issue's page: that issue preselected (the choices are still only
        # the issues the form offers the actor).
        initial["community_issue"] = int(issue)
    form = forms.DevelopmentForm(
        posted(request), instance=development, initial=initial, actor=request.actor
    )

    def save(data: dict[str, Any]) -> ResourceDevelopment:
        if development is None:
            return services.development_create(actor=request.actor, data=data)
        return services.development_update(
            actor=request.actor,
            development=development,
            expected_version=data.get("version") or development.version,
            changes=data,
        )

    return form_page(
        request,
        form,
        "meetings/pages/development_form.html",
        save=recorded(request, save),
        done=lambda saved: redirect("meetings:development_list"),
        context={"development": development},
        back=back,
        success=_("資源開発を記録しました。"),
    )


@screen("GET")
def development_export(request: TsunaguRequest) -> HttpResponse:
    developments = list(_developments(request.actor))
    audit.record(
        action="directory.developments_exported",
        actor=request.actor,
        target_type=DEVELOPMENT_TARGET_TYPE,
        detail={"rows": len(developments)},
    )
    return csv_response(
        filename=f"resource-developments-{timezone.localdate():%Y%m%d}.csv",
        header=[str(header) for header, _cell in DEVELOPMENT_COLUMNS],
        rows=([cell(d) for _header, cell in DEVELOPMENT_COLUMNS] for d in developments),
    )
