from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.request import RawPostDataException
from django.utils.cache import patch_cache_control

from tsunagu.core.validators import MAX_ID, has_bad_characters
from tsunagu.core.views import bad_characters, value_out_of_range

logger = logging.getLogger(__name__)
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_INCOMING_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")
_INTEGER = re.compile(r"^[+-]?[0-9]{19,}$")  # 19 digits and more may pass 2**63 - 1


def current_request_id() -> str:
    return _request_id.get()


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


class RequestIdMiddleware:
    """Gives every request an id, shown on error pages and in logs, so a user can quote it.

    An id set by a trusted proxy (X-Request-ID) is kept when it looks like one.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _INCOMING_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]  # set for every request here
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


def _strings(value: Any) -> Iterator[str]:
    """Every string in a parsed JSON document, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _submitted_strings(request: HttpRequest) -> Iterator[str]:
    yield request.path
    for key, values in request.GET.lists():
        yield key
        yield from values
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    content_type = request.content_type or ""
    if content_type == "application/json" or content_type.endswith("+json"):
        try:
            document = json.loads(request.body)
        except (ValueError, RawPostDataException):
            return  # not JSON: the API's parser answers that itself
        yield from _strings(document)
    elif content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        for key, values in request.POST.lists():
            yield key
            yield from values


class BadInputMiddleware:
    """Input no part of the stack can take, refused in one place before any view sees it.

    - NUL and lone UTF-16 surrogates in the path, the query string, a form or a JSON body: 400
      with a Japanese message (screens) or the API's error shape.  PostgreSQL refuses NUL and
      SQLite stores it silently; a surrogate cannot be encoded for the database or the JSON
      answer.  Refusing is clearer than stripping, which would store something else than what
      was typed.
    - An id in the path beyond the database's bigint range is an id that cannot exist: 404,
      as for any missing record (whether a `<int:...>` converter or a ninja path parameter).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any(has_bad_characters(text) for text in _submitted_strings(request)):
            return bad_characters(request)
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> None:
        for value in (*view_args, *view_kwargs.values()):
            if isinstance(value, str) and _INTEGER.match(value):
                digits = value.lstrip("+-").lstrip("0")
                if len(digits) > len(str(MAX_ID)) or int(digits or "0") > MAX_ID:
                    raise Http404
            elif isinstance(value, int) and not -MAX_ID <= value <= MAX_ID:
                raise Http404

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A value the database refused (too long for its column, a number past its range; the
        SQLite driver raises OverflowError past 64 bits) came from the input: 400, not 500.
        The API maps these itself (core.api); this covers the screens' forms."""
        if isinstance(exception, (DataError, OverflowError)):
            logger.warning("database refused a value: %s", exception)
            return value_out_of_range(request)
        return None


class NoStoreMiddleware:
    """Pages for signed-in users and API answers must never sit in a shared or browser cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith("/api/"):
            patch_cache_control(response, no_store=True, private=True)
        return response


class ApiMethodNotAllowedMiddleware:
    """django-ninja answers a method a path does not have with a plain-text 405; the API's
    errors are always `{"error": {"code", "message"}}`, so that one is rewritten too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            allowed = response.get("Allow", "")
            response = JsonResponse(
                {
                    "error": {
                        "code": "method_not_allowed",
                        "message": f"このURLでは {request.method} は使えません"
                        f"（使えるのは {allowed}）。",
                    }
                },
                status=405,
                json_dumps_params={"ensure_ascii": False},
            )
            response["Allow"] = allowed
        return response
