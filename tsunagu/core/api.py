"""What every API router shares: the error shape, pagination, the typed request.  The
bearer-token auth that builds the Actor is `accounts.api_auth.BearerAuth`."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast, overload

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.operation import Operation
from ninja.pagination import PageNumberPagination, paginate
from ninja.parser import Parser
from ninja.signature.utils import get_typed_signature
from pydantic import ValidationError as PydanticValidationError

from tsunagu.core.errors import TsunaguError
from tsunagu.core.paging import page_with_count
from tsunagu.core.schemas import Out

logger = logging.getLogger(__name__)

ViewT = TypeVar("ViewT", bound=Callable[..., Any])


class ErrorBody(Out):
    code: str
    message: str


class ErrorOut(Out):
    error: ErrorBody


# What a route that writes may answer besides its success: refused, not found, a conflict with
# the stored state (a version, a state machine), or input the schema or the service refused.
ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 100
PAGE_SIZE = 50


@dataclass(frozen=True)
class Listing:
    """What a list route whose page needs more than its rows hands to `Pagination`: the rows
    (a queryset or a list) and what to do with the rows served, such as the read-audit row
    naming exactly their persons.  The route's schema turns the rows into JSON."""

    rows: QuerySet[Any] | Sequence[Any]
    on_page: Callable[[list[Any]], None] | None = None
    # The page's query counts the rows too (core.paging), for a queryset whose WHERE is
    # costly and whose rows are one per record (no `distinct()`).
    count_with_page: bool = False


class Pagination(PageNumberPagination):
    """The one pagination of every list under /api/v1/: `?page=&page_size=` in, and
    `{"count", "page", "pages", "next", "previous", "results"}` out.  Inputs are bounded (422
    beyond them: `page=2**63` made an OFFSET the database cannot take, a 500); a page past the
    last is empty.  Links are the path and query of this API, without the host, so that they
    hold behind a proxy.  A route returns its rows (model instances, which the response
    schema reads) or a `Listing`."""

    items_attribute = "results"

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="1から始まるページ番号")
        page_size: int | None = Field(
            None, ge=1, le=MAX_PAGE_SIZE, description="1ページの件数（省略時は既定の件数）"
        )

    class Output(Schema):
        count: int = Field(description="全体の件数")
        page: int
        pages: int = Field(description="ページ数（0件でも1）")
        next: str | None = Field(description="次のページ（なければ null）")
        previous: str | None = Field(description="前のページ（なければ null）")
        results: list[Any]

    def __init__(self, *, page_size: int = PAGE_SIZE, **kwargs: Any) -> None:
        super().__init__(page_size=page_size, max_page_size=MAX_PAGE_SIZE, **kwargs)

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        listing = queryset if isinstance(queryset, Listing) else Listing(queryset)
        size = self._get_page_size(pagination.page_size)
        number = pagination.page
        offset = (number - 1) * size
        if listing.count_with_page and isinstance(listing.rows, QuerySet):
            rows, count = page_with_count(listing.rows, offset=offset, limit=size)
        else:
            count = self._items_count(listing.rows)  # type: ignore[arg-type]  # len() of a list
            rows = list(listing.rows[offset : offset + size])
        pages = max(1, math.ceil(count / size))
        if listing.on_page is not None:
            listing.on_page(rows)
        return {
            "count": count,
            "page": number,
            "pages": pages,
            "next": _page_link(request, number + 1) if number < pages else None,
            "previous": _page_link(request, min(number - 1, pages)) if number > 1 else None,
            self.items_attribute: rows,
        }


@overload
def paginated(view: ViewT, /) -> ViewT: ...
@overload
def paginated(*, page_size: int = PAGE_SIZE) -> Callable[[ViewT], ViewT]: ...
def paginated(view: ViewT | None = None, /, *, page_size: int = PAGE_SIZE) -> Any:
    """`@paginated` (or `@paginated(page_size=20)`) under a list route: ninja's `@paginate`
    with `Pagination`.  The view's signature is resolved against its own module first, since
    ninja reads the wrapper's globals, where names such as `Literal` or `Year` of a
    postponed annotation do not exist."""

    def wrap(func: ViewT) -> ViewT:
        signature = get_typed_signature(func)
        wrapped = paginate(Pagination, page_size=page_size)(func)
        wrapped.__signature__ = signature
        return cast(ViewT, wrapped)

    return wrap(view) if view is not None else wrap


def _page_link(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return f"{request.path}?{query.urlencode()}"


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


_response_models: dict[Any, type[Schema] | None] = {}
_build_response_model = Operation._create_response_model


def _shared_response_model(operation: Operation, response: Any) -> type[Schema] | None:
    """ninja's own response model for `response`, built once per type and shared by every
    operation and status code that answers with it."""
    try:
        return _response_models[response]
    except KeyError:
        model = _response_models[response] = _build_response_model(operation, response)
        return model
    except TypeError:  # a type that cannot be a key: its own model, as ninja makes it
        return _build_response_model(operation, response)


def build_schemas_on_demand() -> None:
    """What the API's schemas hold in every worker (ADR 0007, issue 15).  Called from
    `CoreConfig.ready`, before any router declares a route; the OpenAPI document is the same
    byte for byte (core/tests/test_api_memory.py).

    - ninja wraps each answer of each operation in a model of its own (`NinjaResponseSchema`,
      one field, `response`), so the four `ERRORS` of some 400 routes made 1,556 models, each
      with its pydantic validator and serializer compiled, about 18 MB.  The model depends
      only on the type it wraps: routes that answer with the same type now share it.
    - A schema's validator and serializer are compiled when it is first used, not when its
      class is declared (pydantic's `defer_build`): a worker holds those of the routes it
      serves, about 8 MB less for one that serves only screens.  The parameter models ninja
      builds for each route are still compiled at once, as they must be to read a request."""
    Operation._create_response_model = _shared_response_model  # type: ignore[method-assign,assignment]
    Schema.model_config["defer_build"] = True


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
