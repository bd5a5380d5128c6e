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

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.core.actor import Origin
from tsunagu.core.http import TsunaguRequest
from tsunagu.meetings import selectors as meetings_selectors
from tsunagu.plans import selectors as plans_selectors
from tsunagu.referrals import selectors as referrals_selectors

logger = logging.getLogger(__name__)


def home(request: TsunaguRequest) -> HttpResponse:
    """The dashboard: who you act for, and your own recent sign-in activity (to spot misuse)."""
    actor = request.actor
    recent_signins = list(
        AuditEvent.objects.filter(
            actor=request.user, action__in=[Action.LOGIN, Action.LOGIN_FAILED]
        ).order_by("-at")[:5]
    )
    failed_since_last = AuditEvent.objects.filter(
        actor_username=request.user.username, action=Action.LOGIN_FAILED
    ).filter(at__gte=recent_signins[1].at if len(recent_signins) > 1 else request.user.date_joined)
    return render(
        request,
        "core/pages/home.html",
        {
            "recent_signins": recent_signins,
            "failed_since_last": failed_since_last.count(),
            "plans_dashboard": plans_selectors.dashboard(actor=actor),
            **referrals_selectors.dashboard(actor),
            **meetings_selectors.dashboard(actor),
        },
    )


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


def _error_page(
    request: HttpRequest, template: str, status: int, *, message: str = "", code: str = ""
) -> HttpResponse:
    context = {"request_id": getattr(request, "request_id", ""), "message": message}
    if request.path.startswith("/api/"):
        messages = {
            400: "不正なリクエストです。",
            403: "権限がありません。",
            404: "見つかりません。",
            500: "サーバーでエラーが発生しました。",
        }
        return JsonResponse(
            {
                "error": {
                    "code": code
                    or {
                        400: "bad_request",
                        403: "forbidden",
                        404: "not_found",
                        500: "server_error",
                    }[status],
                    "message": message or messages[status],
                    "request_id": context["request_id"],
                }
            },
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    if status in (400, 500):
        # No context processors: they touch the session and the database, which may be the
        # reason for the error; a 400 may come before sign-in was even looked at (a bad Host
        # header is refused before the authentication middleware runs).
        return HttpResponse(loader.get_template(template).render(context), status=status)
    return render(request, template, context, status=status)


@login_not_required
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, "400.html", 400)


def value_out_of_range(request: HttpRequest) -> HttpResponse:
    """A value the database refused (BadInputMiddleware.process_exception): 400."""
    return _error_page(
        request,
        "400.html",
        400,
        message=str(_("入力された値が長すぎるか、扱える範囲を超えています。")),
        code="validation_error",
    )


def bad_characters(request: HttpRequest) -> HttpResponse:
    """NUL or a lone surrogate in the input (BadInputMiddleware): 400, in the API's shape."""
    return _error_page(
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
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    audit.record_denial(
        getattr(request, "actor", None),
        origin=Origin.of(request),
        target_type="view",
        target_id=request.path[:64],
        reason=str(exception or "")[:200],
    )
    return _error_page(request, "403.html", 403)


@login_not_required
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, "404.html", 404)


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    return _error_page(request, "500.html", 500)


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(
        request, "403_csrf.html", {"request_id": getattr(request, "request_id", "")}, status=403
    )
