from __future__ import annotations

import datetime as dt

from django.contrib.auth import authenticate
from django.db.models import QuerySet
from django.http import HttpResponse, JsonResponse
from django_otp import match_token
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from tsunagu.accounts import services, throttle
from tsunagu.accounts.models import ApiToken, User
from tsunagu.audit import services as audit
from tsunagu.audit.models import Action, Outcome
from tsunagu.core.actor import Origin
from tsunagu.core.api import ErrorOut
from tsunagu.core.errors import Forbidden, TsunaguError
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.schemas import Out
from tsunagu.core.validators import Id
from tsunagu.organizations.models import Membership

router = Router(tags=["auth"])


class Unauthorized(TsunaguError):
    code = "invalid_credentials"
    status = 401


class TokenIn(Schema):
    username: str
    password: str
    otp: str | None = None
    organization: Id | None = None


class TokenOut(Out):
    token: str
    expires_at: dt.datetime


class MembershipOut(Out):
    organization_id: int
    organization_name: str = Field(alias="organization.name")
    kind: str = Field(alias="organization.kind")
    job_title: str
    role: str


class MeOut(Out):
    """Read from the token: its user, and the organization it acts for."""

    id: int = Field(alias="user.pk")
    username: str = Field(alias="user.username")
    full_name: str = Field(alias="user.full_name")
    acting_organization_id: int | None = Field(alias="organization_id")
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_memberships(token: ApiToken) -> QuerySet[Membership]:
        return Membership.objects.current().filter(user=token.user).select_related("organization")


def _refuse(request: TsunaguRequest, user: User, code: str) -> None:
    audit.record(
        action=Action.API_TOKEN_REFUSED,
        origin=Origin.of(request),
        user=user,
        outcome=Outcome.DENIED,
        detail={"reason": code},
    )


def _wait_response(wait: int) -> HttpResponse:
    response = JsonResponse(
        {"error": {"code": "locked_out", "message": throttle.wait_message(wait)}},
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


@router.post(
    "/token",
    auth=None,
    response={200: TokenOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="トークンの発行",
)
def token_issue(request: TsunaguRequest, payload: TokenIn) -> TokenOut | HttpResponse:
    """ユーザー名とパスワード（2段階認証を設定している場合は確認コードも）でトークンを発行します。

    失敗が続くと、同じユーザー名・接続元からの試行は少しずつ長く待たされます（429、
    `Retry-After` ヘッダーに待つ秒数）。サインイン画面と同じ数え方です。"""
    attempt = throttle.attempt_for(request, payload.username)
    wait = throttle.wait_seconds(attempt)
    if wait:
        throttle.record_refusal(request, attempt, wait)
        return _wait_response(wait)
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        wait = throttle.record_failure(attempt)
        if wait:
            throttle.record_refusal(request, attempt, wait)
            return _wait_response(wait)
        raise Unauthorized("ユーザー名またはパスワードが正しくありません。")
    assert isinstance(user, User)  # noqa: S101  # our only user model
    throttle.record_success(attempt, user=user)
    if services.has_second_factor(user):
        if not payload.otp:
            _refuse(request, user, "otp_required")
            raise Unauthorized("確認コード（otp）が必要です。", code="otp_required")
        if match_token(user, payload.otp.strip().replace(" ", "").lower()) is None:
            _refuse(request, user, "invalid_otp")
            raise Unauthorized("確認コードが正しくありません。", code="invalid_otp")
    elif services.requires_2fa(user):
        _refuse(request, user, "otp_enrollment_required")
        raise Forbidden(
            "2段階認証の設定が必要です。先にブラウザでサインインして設定してください。",
            code="otp_enrollment_required",
        )
    memberships = Membership.objects.current().filter(user=user).select_related("organization")
    if payload.organization is not None:
        membership = memberships.filter(organization_id=payload.organization).first()
        if membership is None:
            _refuse(request, user, "not_a_member")
            raise Forbidden("所属していない組織です。", code="not_a_member")
    else:
        membership = memberships.first()
    issued = services.api_token_issue(
        origin=Origin.of(request),
        user=user,
        organization=membership.organization if membership else None,
    )
    return TokenOut(token=issued.raw, expires_at=issued.token.expires_at)


@router.delete("/token", response={204: None}, summary="トークンの失効")
def token_revoke(request: TsunaguRequest) -> Status[None]:
    """今使っているトークンを失効させます。"""
    token = request.auth  # type: ignore[attr-defined]
    assert isinstance(token, ApiToken)  # noqa: S101  # BearerAuth returns ApiToken
    services.api_token_revoke(request.actor, token=token)
    return Status(204, None)


@router.get("/me", response=MeOut, summary="自分の情報")
def me(request: TsunaguRequest) -> ApiToken:
    token = request.auth  # type: ignore[attr-defined]
    if not isinstance(token, ApiToken):
        raise HttpError(401, "認証が必要です。")
    return token
