from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tsunagu.accounts.decorators import admin_required
from tsunagu.audit import chain
from tsunagu.audit import services as audit
from tsunagu.audit.forms import AuditFilterForm
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.audit.selectors import audit_event_list
from tsunagu.core.actor import Origin
from tsunagu.core.exports import csv_response
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.lists import query_without_page
from tsunagu.core.views import error_page

EXPORT_LIMIT = 100_000
EXPORT_COLUMNS: tuple[tuple[str, Callable[[AuditEvent], object]], ...] = (
    ("日時", lambda e: timezone.localtime(e.at).isoformat(timespec="seconds")),
    ("ユーザー名", lambda e: e.actor_username),
    ("所属", lambda e: e.organization.name if e.organization else ""),
    ("操作コード", lambda e: e.action),
    ("操作", lambda e: e.action_label),
    ("結果", lambda e: e.get_outcome_display()),
    ("対象の種類", lambda e: e.target_type),
    ("対象ID", lambda e: e.target_id),
    ("IPアドレス", lambda e: e.ip_address or ""),
    ("リクエストID", lambda e: e.request_id),
)


def _filters(form: AuditFilterForm) -> dict[str, object]:
    return form.cleaned_data if form.is_valid() else {}


@admin_required
def event_list(request: TsunaguRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    # Who looked at the log is itself logged: administrators watch each other too.
    audit.record(
        action=Action.AUDIT_VIEWED,
        actor=request.actor,
        detail={"query": request.GET.urlencode()[:500]},
    )
    page = Paginator(audit_event_list(filters=_filters(form)), 50).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query": query_without_page(request)}
    return render(
        request, "audit/pages/event_list.html", context, status=400 if form.errors else 200
    )


@admin_required
def event_export(request: TsunaguRequest) -> HttpResponse:
    filters = _filters(AuditFilterForm(request.GET or None))
    events = audit_event_list(filters=filters)[:EXPORT_LIMIT]
    with transaction.atomic():
        audit.record(
            action=Action.AUDIT_EXPORTED,
            actor=request.actor,
            detail={"filters": {k: str(v) for k, v in filters.items() if v}},
        )
    return csv_response(
        filename=f"audit-{timezone.localdate():%Y%m%d}.csv",
        header=[header for header, _cell in EXPORT_COLUMNS],
        rows=(
            [cell(e) for _header, cell in EXPORT_COLUMNS] for e in events.iterator(chunk_size=2000)
        ),
    )


@admin_required
@require_http_methods(["GET", "POST"])
def chain_state(request: TsunaguRequest) -> HttpResponse:
    """The hash chain: its head, the last verification, and a button to verify now.

    Verifying reads every row, so it runs only when asked (POST), never on a page load; its
    result is itself a row of the log, which is how the screen knows the last one."""
    result = None
    if request.method == "POST":
        result = chain.verify()
        audit.record(
            action=Action.AUDIT_VERIFIED,
            actor=request.actor,
            outcome="success" if result.ok else "failed",
            detail={
                "ok": result.ok,
                "checked": result.checked,
                "first_broken_id": result.first_broken_id,
                "reason": result.reason,
                "head": f"{result.head[0]}:{result.head[1]}" if result.head else "",
            },
        )
    last = (
        AuditEvent.objects.filter(action=Action.AUDIT_VERIFIED)
        .select_related("actor")
        .order_by("-id")
        .first()
    )
    return render(
        request,
        "audit/pages/chain.html",
        {"result": result, "last": last, "head": chain.head()},
        status=200 if result is None or result.ok else 409,
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
    return error_page(request, "403.html", 403)
