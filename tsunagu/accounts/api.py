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
from tsunagu.core.errors import FieldErrors, Forbidden, TsunaguError
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.kana import KANA_PATTERN
from tsunagu.core.schemas import Out, model_field
from tsunagu.core.validators import Id, NonBlank
from tsunagu.organizations import management
from tsunagu.organizations.models import JobTitle, Membership, SystemRole

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


# --- Accounts managed by the city's and the core center's managers (ADR 0014) -------------

manage_router = Router(tags=["accounts"])


class AccountInviteIn(Schema):
    username: str = Field(..., pattern=r"^[a-zA-Z0-9_.-]{3,150}$")
    full_name: NonBlank = model_field(User, "full_name")
    full_name_kana: str = model_field(
        User, "full_name_kana", "", json_schema_extra={"pattern": f"(?:{KANA_PATTERN})|^$"}
    )
    email: str = model_field(User, "email", ..., description="招待を送るメールアドレス")
    organization_id: Id
    job_title: JobTitle
    role: SystemRole = SystemRole.STAFF
    otp: str = Field(..., max_length=16, description="操作する管理者自身の現在の確認コード")


class OwnCodeIn(Schema):
    otp: str = Field(..., max_length=16, description="操作する管理者自身の現在の確認コード")


class ManagedAccountOut(Out):
    id: int
    username: str
    full_name: str
    full_name_kana: str
    email: str
    is_active: bool
    has_password: bool
    has_second_factor: bool
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_has_password(user: User) -> bool:
        return user.has_usable_password()

    @staticmethod
    def resolve_has_second_factor(user: User) -> bool:
        return services.has_second_factor(user)

    @staticmethod
    def resolve_memberships(user: User) -> QuerySet[Membership]:
        return Membership.objects.current().filter(user=user).select_related("organization")


@manage_router.get(
    "/{user_id}",
    response={200: ManagedAccountOut, 404: ErrorOut},
    summary="管理するアカウント",
    url_name="managed_account_detail",
)
def managed_account_detail(request: TsunaguRequest, user_id: int) -> User:
    return management.access_managed_user(request.actor, user_id)


@manage_router.post(
    "",
    response={201: ManagedAccountOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="アカウントを作成し、パスワード設定のリンクを本人に送る",
    url_name="account_invite",
)
def account_invite(request: TsunaguRequest, payload: AccountInviteIn) -> Status[User]:
    management.require_manager(request.actor, view="account_create")
    organization = (
        management.organizations_managed_by(request.actor)
        .filter(pk=payload.organization_id, is_active=True)
        .first()
    )
    if organization is None:
        raise FieldErrors({"organization_id": "この組織にはアカウントを作成できません。"})
    data = payload.model_dump(exclude={"organization_id"})
    user = services.account_invite(request.actor, organization=organization, **data)
    return Status(201, user)


@manage_router.post(
    "/{user_id}/disable",
    response={200: ManagedAccountOut, 404: ErrorOut, 409: ErrorOut},
    summary="アカウントを無効にする（セッションとAPIトークンも終了）",
    url_name="account_disable",
)
def account_disable(request: TsunaguRequest, user_id: int) -> User:
    user = management.access_managed_user(request.actor, user_id)
    return services.account_disable(request.actor, user=user)


@manage_router.post(
    "/{user_id}/reset-2fa",
    response={200: ManagedAccountOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="2段階認証をリセットする（管理者自身の確認コードが必要）",
    url_name="account_reset_2fa",
)
def account_reset_2fa(request: TsunaguRequest, user_id: int, payload: OwnCodeIn) -> User:
    user = management.access_managed_user(request.actor, user_id)
    return services.account_reset_2fa(request.actor, user=user, otp=payload.otp)
