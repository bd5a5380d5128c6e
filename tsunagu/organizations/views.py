from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tsunagu.audit import services as audit
from tsunagu.core.dates import fiscal_year, fiscal_year_label
from tsunagu.core.errors import NotFound
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.lists import list_screen
from tsunagu.core.screens import errors_as_pages, form_page, posted
from tsunagu.organizations import selectors, services, staffing
from tsunagu.organizations.forms import (
    StaffingAssignmentEndForm,
    StaffingAssignmentForm,
    StaffingPostEditForm,
    StaffingPostForm,
)
from tsunagu.organizations.lists import OrganizationFilter, OrganizationTable
from tsunagu.organizations.models import Organization, StaffingPost


def _get_organization(organization_id: int) -> Organization:
    organization = selectors.organization_detail(organization_id)
    if organization is None:
        raise Http404
    return organization


def organization_list(request: TsunaguRequest) -> HttpResponse:
    return list_screen(
        request,
        rows=selectors.organization_rows(),
        filters=OrganizationFilter,
        table=OrganizationTable,
        template="organizations/pages/organization_list.html",
        partial="organizations/partials/organization_table.html",
    )


def organization_detail(request: TsunaguRequest, organization_id: int) -> HttpResponse:
    organization = _get_organization(organization_id)
    context = {
        "organization": organization,
        "members": selectors.organization_members(organization)
        if organization.has_accounts
        else [],
        "posts": staffing.posts_of(organization),
        "may_view_staffing": staffing.may_view(request.actor),
    }
    return render(request, "organizations/pages/organization_detail.html", context)


def area_list(request: TsunaguRequest) -> HttpResponse:
    return render(request, "organizations/pages/area_list.html", {"areas": selectors.area_tree()})


@require_POST
def switch_organization(request: TsunaguRequest) -> HttpResponse:
    try:
        organization_id = int(request.POST.get("organization", ""))
        membership = services.acting_organization_switch(
            request.actor, organization_id=organization_id
        )
        request.session[services.ACTING_ORGANIZATION_SESSION_KEY] = membership.organization_id
    except (ValueError, NotFound):
        messages.error(request, _("その組織には切り替えられません。"))
    else:
        messages.success(
            request, _("「%(name)s」として操作します。") % {"name": membership.organization.name}
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "dashboard:home"
    return redirect(target)


# --- Staffing (organizations/staffing.py) ------------------------------------------------


def _fiscal_years(today: dt.date) -> list[int]:
    """From the first year a post was required (or this one) to the next one."""
    first = StaffingPost.objects.order_by("required_from").values_list("required_from", flat=True)
    start = min(fiscal_year(first[0]), fiscal_year(today)) if first else fiscal_year(today)
    return list(range(start, fiscal_year(today) + 2))


@errors_as_pages()
@audit.for_role(staffing.may_view, view="staffing")
@require_GET
def staffing_page(request: TsunaguRequest) -> HttpResponse:
    """Each center's posts required against filled and the vacancies of a fiscal year: every
    center for the city and the core center, its own for a center, nobody else (404)."""
    actor = request.actor
    today = timezone.localdate()
    years = _fiscal_years(today)
    year, status, error = fiscal_year(today), 200, ""
    asked = unicodedata.normalize("NFKC", request.GET.get("year", "")).strip()  # ２０２６ too
    if asked:
        if re.fullmatch(r"[0-9]{4}", asked) and int(asked) in years:
            year = int(asked)
        else:
            status = 400
            error = _(
                "その年度は選べません。%(first)s から %(last)s までの年度を選んでください。"
            ) % {
                "first": fiscal_year_label(years[0]),
                "last": fiscal_year_label(years[-1]),
            }
    centers = staffing.staffing(actor, fiscal_year=year, today=today)
    counted = staffing.counted_range(year, today)
    context = {
        "centers": centers,
        "short_now": [c for c in centers if c.shortfall],
        "year": year,
        "year_label": fiscal_year_label(year),
        "years": [(y, fiscal_year_label(y)) for y in years],
        "counted": counted,
        "error": error,
        "today": today,
        "may_set_posts": staffing.may_set_posts(actor),
        "may_fill": {
            c.organization.pk for c in centers if staffing.may_fill(actor, c.organization)
        },
    }
    return render(request, "organizations/pages/staffing.html", context, status=status)


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="organizations:staffing")
def staffing_post_create(request: TsunaguRequest, organization_id: int) -> HttpResponse:
    center = staffing.access_center(request.actor, organization_id, for_posts=True)
    return form_page(
        request,
        StaffingPostForm(posted(request)),
        "organizations/pages/staffing_post_form.html",
        save=lambda data: services.staffing_post_create(request.actor, organization=center, **data),
        done=lambda post: redirect(_staffing_url(post.organization_id)),
        context={"center": center, "post": None},
        success=_("配置を追加しました。"),
        back="organizations:staffing",
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="organizations:staffing")
def staffing_post_edit(request: TsunaguRequest, post_id: int) -> HttpResponse:
    post = staffing.access_post(request.actor, post_id, for_write=True)
    return form_page(
        request,
        StaffingPostEditForm(posted(request), instance=post),
        "organizations/pages/staffing_post_form.html",
        save=lambda data: services.staffing_post_update(request.actor, post=post, **data),
        done=lambda saved: redirect(_staffing_url(saved.organization_id)),
        context={"center": post.organization, "post": post},
        success=_("配置を変更しました。"),
        back="organizations:staffing",
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="organizations:staffing")
def staffing_assignment_create(request: TsunaguRequest, post_id: int) -> HttpResponse:
    post = staffing.access_post(request.actor, post_id, for_fill=True)
    form = StaffingAssignmentForm(posted(request), members=staffing.members_who_may_fill(post))
    return form_page(
        request,
        form,
        "organizations/pages/staffing_assignment_form.html",
        save=lambda data: services.staffing_assignment_add(request.actor, post=post, **data),
        done=lambda saved: redirect(_staffing_url(post.organization_id)),
        context={"post": post, "assignment": None},
        success=_("担当者を記録しました。"),
        back="organizations:staffing",
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="organizations:staffing")
def staffing_assignment_end(request: TsunaguRequest, assignment_id: int) -> HttpResponse:
    assignment = staffing.access_assignment(request.actor, assignment_id)
    return form_page(
        request,
        StaffingAssignmentEndForm(posted(request), initial={"ended_on": assignment.ended_on}),
        "organizations/pages/staffing_assignment_form.html",
        save=lambda data: services.staffing_assignment_end(
            request.actor, assignment=assignment, **data
        ),
        done=lambda saved: redirect(_staffing_url(saved.post.organization_id)),
        context={"post": assignment.post, "assignment": assignment},
        success=_("最終勤務日を記録しました。"),
        back="organizations:staffing",
    )


def _staffing_url(organization_id: int) -> str:
    return f"{reverse('organizations:staffing')}#center-{organization_id}"
