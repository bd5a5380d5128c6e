"""What every API router shares: bearer-token auth, the error shape, the typed request."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from tsunagu.accounts.models import ApiToken
from tsunagu.core.errors import TsunaguError
from tsunagu.organizations.models import Membership


class ErrorBody(Schema):
    code: str
    message: str


class ErrorOut(Schema):
    error: ErrorBody


class BearerAuth(HttpBearer):
    """`Authorization: Bearer <token>`; the token carries the organization the client acts for."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        from tsunagu.accounts.services import api_token_authenticate

        api_token = api_token_authenticate(token)
        if api_token is None:
            return None
        request.user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]
        request.acting_membership = (  # type: ignore[attr-defined]
            Membership.objects.current()
            .filter(user=api_token.user, organization=api_token.organization)
            .select_related("organization")
            .first()
            if api_token.organization_id
            else None
        )
        return api_token


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    *,
    status: int,
    code: str,
    message: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if extra:
        body.update(extra)
    return api.create_response(request, {"error": body}, status=status)


def install_error_handlers(api: NinjaAPI) -> None:
    """Every error the API returns is `{"error": {"code", "message"}}` with the right status."""

    @api.exception_handler(TsunaguError)
    def _app_error(request: HttpRequest, exc: TsunaguError) -> HttpResponse:
        return error_response(api, request, status=exc.status, code=exc.code, message=exc.message)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = error_response(
            api,
            request,
            status=401,
            code="unauthorized",
            message="認証が必要です。有効なトークンを Authorization: Bearer で送ってください。",
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(ValidationError)
    def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields = [
            {"field": ".".join(str(p) for p in err.get("loc", ())[1:]), "message": err.get("msg")}
            for err in exc.errors
        ]
        return error_response(
            api,
            request,
            status=422,
            code="validation_error",
            message="入力内容に誤りがあります。",
            extra={"fields": fields},
        )

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        codes = {
            400: "bad_request",
            401: "unauthorized",
            403: "forbidden",
            404: "not_found",
            405: "method_not_allowed",
            409: "conflict",
            422: "invalid",
            429: "too_many_requests",
        }
        return error_response(
            api,
            request,
            status=exc.status_code,
            code=codes.get(exc.status_code, "error"),
            message=str(exc),
        )
