from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tsunagu.core import dates
from tsunagu.core.validators import date_in_range, date_range_message

logger = logging.getLogger(__name__)


@require_GET
def date_echo(request: HttpRequest) -> JsonResponse:
    """What a date entry reads in the typed text (`?text=R7.4.1`), for the echo under the field:
    {"date": "2025-04-01", "echo": "＝ 2025年4月1日（令和7年）"}, or {"error": the reason}.
    The form field itself decides at submit; this only shows the user the same answer early."""
    text = request.GET.get("text", "")[:40]
    if not text.strip():
        return JsonResponse({"date": None, "echo": ""})
    try:
        day = dates.parse_date(text)
    except dates.DateParseError as exc:
        return JsonResponse({"date": None, "error": exc.message})
    if not date_in_range(day):
        return JsonResponse({"date": None, "error": date_range_message()})
    return JsonResponse({"date": day.isoformat(), "echo": dates.parsed_date_echo(day)})


@login_not_required
@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("health check: database unreachable")
        return JsonResponse({"status": "error", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


# The API's answer for an error: its code and message, JSON instead of a page.
API_ERRORS = {
    400: ("bad_request", "不正なリクエストです。"),
    403: ("forbidden", "権限がありません。"),
    404: ("not_found", "見つかりません。"),
    500: ("server_error", "サーバーでエラーが発生しました。"),
}


def error_page(
    request: HttpRequest, template: str, status: int, *, message: str = "", code: str = ""
) -> HttpResponse:
    context = {"request_id": getattr(request, "request_id", ""), "message": message}
    if request.path.startswith("/api/"):
        default_code, default_message = API_ERRORS[status]
        error = {
            "code": code or default_code,
            "message": message or default_message,
            "request_id": context["request_id"],
        }
        return JsonResponse(
            {"error": error}, status=status, json_dumps_params={"ensure_ascii": False}
        )
    if status in (400, 500):
        # No context processors: they touch the session and the database, which may be the
        # reason for the error; a 400 may come before sign-in was even looked at (a bad Host
        # header is refused before the authentication middleware runs).
        return HttpResponse(loader.get_template(template).render(context), status=status)
    return render(request, template, context, status=status)


@login_not_required
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, "400.html", 400)


def value_out_of_range(request: HttpRequest) -> HttpResponse:
    """A value the database refused (BadInputMiddleware.process_exception): 400."""
    return error_page(
        request,
        "400.html",
        400,
        message=str(_("入力された値が長すぎるか、扱える範囲を超えています。")),
        code="validation_error",
    )


def bad_characters(request: HttpRequest) -> HttpResponse:
    """NUL or a lone surrogate in the input (BadInputMiddleware): 400, in the API's shape."""
    return error_page(
        request,
        "400.html",
        400,
        message=str(
            _(
                "入力に使えない文字（NUL文字や壊れた文字）が含まれています。"
                "取り除いて送り直してください。"
            )
        ),
        code="bad_characters",
    )


@login_not_required
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, "404.html", 404)


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    return error_page(request, "500.html", 500)


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(
        request, "403_csrf.html", {"request_id": getattr(request, "request_id", "")}, status=403
    )
