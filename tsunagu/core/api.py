"""What every API router shares: bearer-token auth, the error shape, the typed request."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import PageNumberPagination
from ninja.parser import Parser
from ninja.security import HttpBearer
from pydantic import ValidationError as PydanticValidationError

from tsunagu.accounts.models import ApiToken
from tsunagu.core.errors import TsunaguError
from tsunagu.organizations.models import Membership

logger = logging.getLogger(__name__)


class ErrorBody(Schema):
    code: str
    message: str


class ErrorOut(Schema):
    error: ErrorBody


class Pagination(PageNumberPagination):
    """ninja's page-number pagination with bounds (422 beyond them): `page=2**63` made an
    OFFSET the database cannot take (500)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=1_000)


class NotAnObject(ValueError):
    """A JSON body that is a string, a number, a list or null where an object is expected."""


class ObjectParser(Parser):
    """Every request body of this API is a JSON object.  Without this, ninja hands `"abc"` to
    the schema, which reads attributes off the string (`"abc".title()` became a task title)."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise NotAnObject
        return data


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

    @api.exception_handler(DjangoValidationError)
    def _model_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        # A model's full_clean() that a service did not turn into Invalid itself.
        return error_response(
            api,
            request,
            status=422,
            code="validation_error",
            message=" ".join(str(m) for m in exc.messages) or "入力内容に誤りがあります。",
        )

    @api.exception_handler(PydanticValidationError)
    def _schema_invalid(request: HttpRequest, exc: PydanticValidationError) -> HttpResponse:
        # A schema a route builds itself (a PATCH merged onto the stored values and validated
        # again): the same 422 as for the request's own body.
        fields = [
            {"field": ".".join(str(p) for p in err.get("loc", ())), "message": err.get("msg")}
            for err in exc.errors()
        ]
        return error_response(
            api,
            request,
            status=422,
            code="validation_error",
            message="入力内容に誤りがあります。",
            extra={"fields": fields},
        )

    @api.exception_handler(DataError)
    @api.exception_handler(OverflowError)
    def _data_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # The database refused a value (too long for its column, a number past its range;
        # SQLite's driver raises OverflowError for an integer past 64 bits): the input's fault,
        # so a 422 rather than a 500; logged, since a schema should have refused it first.
        logger.warning("database refused a value: %s", exc)
        return error_response(
            api,
            request,
            status=422,
            code="validation_error",
            message="入力された値が長すぎるか、扱える範囲を超えています。",
        )

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc.__cause__, NotAnObject):  # raised by ObjectParser, wrapped by ninja
            return error_response(
                api,
                request,
                status=422,
                code="validation_error",
                message="リクエストの本文は JSON のオブジェクト（{...}）にしてください。",
            )
        if exc.status_code == 400 and exc.__cause__ is not None:  # the body is not JSON at all
            return error_response(
                api,
                request,
                status=400,
                code="bad_request",
                message="リクエストの本文を JSON として読めません。",
            )
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
