"""Staff screens of the portal (/portal/): the lead organization invites the person and, on
the person's consent, a supporter; prints the one-time code; ends access; sees the requests
and check-ins.  Thin: parse → access → service → render."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tsunagu.core.http import TsunaguRequest
from tsunagu.core.screens import action, errors_as_pages, form_page, posted
from tsunagu.portal import access, codes, selectors, services
from tsunagu.portal.forms import CodeIssueForm, InviteForm
from tsunagu.portal.models import PortalAccount, PortalInvitation


def _code_page(
    request: TsunaguRequest, account: PortalAccount, invitation: PortalInvitation, code: str
) -> HttpResponse:
    return render(
        request,
        "portal/staff/code.html",
        {
            "account": account,
            "case": account.case,
            "invitation": invitation,
            "code": codes.grouped(code),
            "portal_url": request.build_absolute_uri("/my/start/"),
        },
    )


@require_GET
@errors_as_pages()
def case_portal(request: TsunaguRequest, case_id: int) -> HttpResponse:
    case = access.access_portal_case(request.actor, case_id)
    return render(
        request,
        "portal/staff/case.html",
        {
            "case": case,
            "accounts": selectors.case_accounts(case),
            "requests": selectors.case_requests(case),
            "checkins": selectors.case_checkins(case),
            "form": InviteForm(),
            "code_form": CodeIssueForm(),
            "can_write": request.actor.can_write and case.is_open,
        },
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages()
def invite(request: TsunaguRequest, case_id: int) -> HttpResponse:
    case = access.access_portal_case(request.actor, case_id, for_write=True)

    def save(data: dict[str, Any]) -> Any:
        return services.portal_invite(request.actor, case=case, **data)

    return form_page(
        request,
        InviteForm(posted(request)),
        "portal/staff/invite.html",
        save=save,
        done=lambda result: _code_page(request, result[0], result[1], result[2]),
        context={"case": case},
    )


@require_POST
@errors_as_pages()
def code_issue(request: TsunaguRequest, account_id: int) -> HttpResponse:
    account = access.access_portal_account(request.actor, account_id, for_write=True)
    return form_page(
        request,
        CodeIssueForm(posted(request)),
        "portal/staff/invite.html",
        save=lambda data: services.portal_code_issue(request.actor, account=account, **data),
        done=lambda result: _code_page(request, account, result[0], result[1]),
        context={"case": account.case, "account": account},
    )


@require_POST
@errors_as_pages()
def account_end(request: TsunaguRequest, account_id: int) -> HttpResponse:
    account = access.access_portal_account(request.actor, account_id, for_write=True)
    return action(
        request,
        lambda: services.portal_account_end(
            request.actor, account=account, reason=request.POST.get("reason", "")
        ),
        to=reverse("portal_staff:case", kwargs={"case_id": account.case_id}),
        success=_("ポータルの利用を終了しました。"),
    )


@require_POST
@errors_as_pages()
def request_answered(request: TsunaguRequest, request_id: int) -> HttpResponse:
    portal_request = access.access_portal_request(request.actor, request_id, for_write=True)
    return action(
        request,
        lambda: services.portal_request_answer(request.actor, request=portal_request),
        to=reverse("portal_staff:case", kwargs={"case_id": portal_request.case_id}),
        success=_("対応済みにしました。"),
    )
