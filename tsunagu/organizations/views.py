from __future__ import annotations

import base64
import datetime as dt
import unicodedata
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tsunagu.audit import services as audit
from tsunagu.core.dates import fiscal_year, fiscal_year_label
from tsunagu.core.errors import Invalid, NotFound
from tsunagu.core.http import TsunaguRequest, safe_next
from tsunagu.core.lists import list_screen
from tsunagu.core.screens import errors_as_pages, form_page, posted, screen
from tsunagu.organizations import imports, management, selectors, services, staffing
from tsunagu.organizations.forms import (
    MembershipEndForm,
    MembershipGrantForm,
    OfficeImportForm,
    OrganizationForm,
    StaffingAssignmentEndForm,
    StaffingAssignmentForm,
    StaffingPostEditForm,
    StaffingPostForm,
)
from tsunagu.organizations.lists import (
    ManagedOrganizationFilter,
    ManagedOrganizationTable,
    OrganizationFilter,
    OrganizationTable,
)
from tsunagu.organizations.models import StaffingPost


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
    organization = selectors.organization_detail(organization_id)
    if organization is None:
        raise Http404
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
    return redirect(safe_next(request, request.POST.get("next"), "dashboard:home"))


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
        if asked in [str(y) for y in years]:
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


@screen("GET", "POST", back="organizations:staffing")
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


@screen("GET", "POST", back="organizations:staffing")
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


@screen("GET", "POST", back="organizations:staffing")
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


@screen("GET", "POST", back="organizations:staffing")
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


# --- Organizations and memberships managed in the app (organizations/management.py; ADR 0014)


def _organization_form(request: TsunaguRequest, initial: dict[str, Any] | None = None) -> Any:
    return OrganizationForm(
        posted(request),
        initial=initial,
        kinds=management.kinds_in_reach(request.actor),
        areas=management.areas_in_reach(request.actor),
    )


@screen("GET")
def manage_list(request: TsunaguRequest) -> HttpResponse:
    management.require_manager(request.actor, view="organization_manage_list")
    return list_screen(
        request,
        rows=management.managed_organization_rows(request.actor),
        filters=ManagedOrganizationFilter,
        table=ManagedOrganizationTable,
        template="organizations/pages/manage_list.html",
        partial="organizations/partials/organization_table.html",
        context={"may_import": management.may_import(request.actor)},
    )


@screen("GET", "POST", back="organizations:manage")
def manage_create(request: TsunaguRequest) -> HttpResponse:
    management.require_manager(request.actor, view="organization_create")
    return form_page(
        request,
        _organization_form(request, initial={"has_accounts": True}),
        "organizations/pages/manage_form.html",
        save=lambda data: services.organization_create(request.actor, **data),
        done=lambda organization: redirect("organizations:manage_detail", organization.pk),
        context={"organization": None},
        success=_("機関を登録しました。"),
        back="organizations:manage",
    )


@screen("GET", back="organizations:manage")
def manage_detail(request: TsunaguRequest, organization_id: int) -> HttpResponse:
    organization = management.access_managed_organization(request.actor, organization_id)
    context = {
        "organization": organization,
        "memberships": management.memberships_of_organization(organization),
        "managed_users": set(
            management.users_managed_by(request.actor).values_list("pk", flat=True)
        ),
    }
    return render(request, "organizations/pages/manage_detail.html", context)


@screen("GET", "POST", back="organizations:manage")
def manage_edit(request: TsunaguRequest, organization_id: int) -> HttpResponse:
    organization = management.access_managed_organization(request.actor, organization_id)
    return form_page(
        request,
        _organization_form(request, initial=OrganizationForm.initial_of(organization)),
        "organizations/pages/manage_form.html",
        save=lambda data: services.organization_update(
            request.actor, organization=organization, **data
        ),
        done=lambda saved: redirect("organizations:manage_detail", saved.pk),
        context={"organization": organization},
        success=_("機関の情報を変更しました。"),
        back="organizations:manage",
    )


@screen("GET", "POST", back="organizations:manage")
def membership_create(request: TsunaguRequest, organization_id: int) -> HttpResponse:
    organization = management.access_managed_organization(request.actor, organization_id)
    form = MembershipGrantForm(
        posted(request),
        users=management.users_managed_by(request.actor)
        .filter(is_active=True)
        .order_by("full_name_kana", "username"),
    )
    return form_page(
        request,
        form,
        "organizations/pages/membership_form.html",
        save=lambda data: services.membership_grant(
            request.actor, organization=organization, **data
        ),
        done=lambda membership: redirect("organizations:manage_detail", membership.organization_id),
        context={"organization": organization, "membership": None},
        success=_("所属を追加しました。"),
        back="organizations:manage",
    )


@screen("GET", "POST", back="organizations:manage")
def membership_end(request: TsunaguRequest, membership_id: int) -> HttpResponse:
    membership = management.access_managed_membership(request.actor, membership_id)
    return form_page(
        request,
        MembershipEndForm(posted(request), initial={"ended_on": timezone.localdate()}),
        "organizations/pages/membership_form.html",
        save=lambda data: services.membership_end(request.actor, membership=membership, **data),
        done=lambda ended: redirect("organizations:manage_detail", ended.organization_id),
        context={"organization": membership.organization, "membership": membership},
        success=_("所属を終了しました。記録は残ります。"),
        back="organizations:manage",
    )


@screen("GET", "POST", back="organizations:manage")
def office_import(request: TsunaguRequest) -> HttpResponse:
    """Step 1: a file → the dry run's preview (nothing saved), the file kept in the page.
    Step 2: "取り込む" → the same file imported, all or nothing."""
    management.require_manager(request.actor, view="organization_import", importing=True)
    commit = request.method == "POST" and request.POST.get("step") == "commit"
    # The confirmation posts the file kept in the page, not the file field: that one stays
    # empty (and without an error) for the next file.
    form = OfficeImportForm(None if commit else posted(request), request.FILES or None)
    context: dict[str, Any] = {"form": form, "outcome": None, "content": "", "error": ""}
    status = 200
    if request.method == "POST":
        raw: bytes | None = None
        if commit:
            try:
                raw = base64.b64decode(request.POST.get("content", ""), validate=True)
            except ValueError:  # binascii.Error too
                raw = None
            if not raw:
                context["error"] = _("取り込むファイルがありません。もう一度選んでください。")
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > imports.MAX_BYTES:
                context["error"] = _("ファイルが大きすぎます（1MBまで）。")
            else:
                raw = upload.read()
        if raw is not None:
            try:
                outcome = imports.office_list_import(request.actor, raw=raw, commit=commit)
            except Invalid as exc:
                context["error"] = exc.message
            else:
                if outcome.committed:
                    messages.success(
                        request,
                        _("取り込みました（新規 %(new)d件、更新 %(update)d件）。")
                        % {"new": outcome.count("new"), "update": outcome.count("update")},
                    )
                    return redirect("organizations:manage")
                context["outcome"] = outcome
                context["content"] = base64.b64encode(raw).decode("ascii")
                status = 400 if outcome.error_count else 200
        if context["error"] or (not commit and not form.is_valid()):
            status = 400
    return render(request, "organizations/pages/office_import.html", context, status=status)
