from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tsunagu.core.errors import NotFound
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.lists import list_screen
from tsunagu.organizations import selectors, services
from tsunagu.organizations.lists import OrganizationFilter, OrganizationTable
from tsunagu.organizations.models import Organization


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
