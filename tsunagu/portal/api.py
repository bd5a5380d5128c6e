"""The staff side of the portal in the API (the screens' twins): invite, issue a code, end
access, list accounts and requests, mark a request answered.  The person's own portal has no
API: it is screens only, under /my/, and a portal cookie gets 404 on every API path."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Router, Schema, Status

from tsunagu.core.api import ERRORS, ErrorOut, paginated
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.schemas import Out
from tsunagu.core.validators import SaneDate
from tsunagu.portal import access, codes, selectors, services

router = Router(tags=["portal"])


PortalAccountKindValue = Literal["person", "supporter"]
PortalSectionValue = Literal["plan", "checkin", "access", "rights"]
PortalChannelValue = Literal["paper", "sms", "email"]


class PortalAccountOut(Out):
    id: int
    case_id: int
    kind: str
    display_name: str
    relationship: str
    sections: list[str]
    portal_id: str
    status: str
    consent_obtained_on: dt.date | None
    consent_expires_on: dt.date | None
    ended_at: dt.datetime | None
    end_reason: str


class PortalInviteIn(Schema):
    kind: PortalAccountKindValue
    display_name: str = Field(..., min_length=1, max_length=60)
    relationship: str = Field("", max_length=40)
    sections: list[PortalSectionValue] = Field(default_factory=list, max_length=4)
    consent_obtained_on: SaneDate | None = None
    consent_method: str = Field("", max_length=40)
    consent_expires_on: SaneDate | None = None
    channel: PortalChannelValue
    destination: str = Field("", max_length=254)


class PortalCodeIn(Schema):
    channel: PortalChannelValue
    destination: str = Field("", max_length=254)


class PortalCodeOut(Schema):
    account: PortalAccountOut
    code: str = Field(description="一度だけ返します（保存されるのはハッシュだけ）。")
    expires_at: dt.datetime


class PortalEndIn(Schema):
    reason: Literal["counselor", "consent_withdrawn"] = "counselor"


class PortalRequestOut(Out):
    id: int
    account_id: int
    kind: str
    text: str
    audit_event_id: int | None
    consent_id: int | None
    created_at: dt.datetime
    answered_at: dt.datetime | None


@router.get(
    "/portal/cases/{case_id}/accounts",
    response={200: list[PortalAccountOut], 404: ErrorOut, 422: ErrorOut},
    summary="ケースのポータル利用者（主担当機関）",
    url_name="portal_accounts",
)
@paginated
def account_list(request: TsunaguRequest, case_id: int) -> Any:
    case = access.access_portal_case(request.actor, case_id)
    return selectors.case_accounts(case)


@router.post(
    "/portal/cases/{case_id}/accounts",
    response={201: PortalCodeOut, **ERRORS},
    summary="本人・家族をポータルに招待し、一度だけ使えるコードを出す",
    url_name="portal_invite",
)
def invite(
    request: TsunaguRequest, case_id: int, payload: PortalInviteIn
) -> Status[dict[str, Any]]:
    case = access.access_portal_case(request.actor, case_id, for_write=True)
    account, invitation, code = services.portal_invite(request.actor, case=case, **payload.dict())
    return Status(
        201,
        {"account": account, "code": codes.grouped(code), "expires_at": invitation.expires_at},
    )


@router.post(
    "/portal/accounts/{account_id}/codes",
    response={201: PortalCodeOut, **ERRORS},
    summary="新しいコードを出す（前のコードは使えなくなる）",
    url_name="portal_code_issue",
)
def code_issue(
    request: TsunaguRequest, account_id: int, payload: PortalCodeIn
) -> Status[dict[str, Any]]:
    account = access.access_portal_account(request.actor, account_id, for_write=True)
    invitation, code = services.portal_code_issue(
        request.actor, account=account, channel=payload.channel, destination=payload.destination
    )
    return Status(
        201,
        {"account": account, "code": codes.grouped(code), "expires_at": invitation.expires_at},
    )


@router.post(
    "/portal/accounts/{account_id}/end",
    response={200: PortalAccountOut, **ERRORS},
    summary="ポータルの利用を終わらせる",
    url_name="portal_account_end",
)
def account_end(request: TsunaguRequest, account_id: int, payload: PortalEndIn) -> Any:
    account = access.access_portal_account(request.actor, account_id, for_write=True)
    return services.portal_account_end(request.actor, account=account, reason=payload.reason)


@router.get(
    "/portal/cases/{case_id}/requests",
    response={200: list[PortalRequestOut], 404: ErrorOut, 422: ErrorOut},
    summary="ポータルからの問い合わせ・依頼",
    url_name="portal_requests",
)
@paginated
def request_list(request: TsunaguRequest, case_id: int) -> Any:
    case = access.access_portal_case(request.actor, case_id)
    return selectors.case_requests(case)


@router.post(
    "/portal/requests/{request_id}/answered",
    response={200: PortalRequestOut, **ERRORS},
    summary="問い合わせを対応済みにする",
    url_name="portal_request_answered",
)
def request_answered(request: TsunaguRequest, request_id: int) -> Any:
    portal_request = access.access_portal_request(request.actor, request_id, for_write=True)
    return services.portal_request_answer(request.actor, request=portal_request)
