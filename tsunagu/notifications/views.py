"""The notification list, opening one, read/unread, and the per-user digest setting."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tsunagu.core.errors import NotFound
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.screens import action, form_page, posted
from tsunagu.notifications import selectors, services
from tsunagu.notifications.access import access_notification
from tsunagu.notifications.forms import NotificationSettingForm
from tsunagu.notifications.models import Notification


def _notification(request: TsunaguRequest, notification_id: int) -> Notification:
    try:
        return access_notification(request.actor, notification_id)
    except NotFound:
        raise Http404 from None


@require_GET
def notification_list(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    unread_only = request.GET.get("show") == "unread"
    paginator = Paginator(
        selectors.notification_list(actor, unread_only=unread_only),
        selectors.NOTIFICATIONS_PER_PAGE,
    )
    page = paginator.get_page(request.GET.get("page"))
    rows = selectors.rows_for(actor, list(page.object_list))
    selectors.record_rows_shown(actor, rows, view="notifications.list")
    # The list is the fresh truth: the bell catches up with it now.
    services.forget_unread_count(request.session)
    return render(
        request,
        "notifications/pages/list.html",
        {
            "page": page,
            "rows": rows,
            "unread_only": unread_only,
            "query": "show=unread" if unread_only else "",
        },
    )


@require_POST
def notification_open(request: TsunaguRequest, notification_id: int) -> HttpResponse:
    """Mark as read and go to what it is about, if the reader may still see it."""
    notification = _notification(request, notification_id)
    services.notification_mark(request.actor, notification=notification, read=True)
    services.forget_unread_count(request.session)
    row = selectors.rows_for(request.actor, [notification])[0]
    return redirect(row.url or "notifications:list")


@require_POST
def notification_mark(request: TsunaguRequest, notification_id: int) -> HttpResponse:
    notification = _notification(request, notification_id)
    read = request.POST.get("read") != "0"
    services.forget_unread_count(request.session)
    return action(
        request,
        lambda: services.notification_mark(request.actor, notification=notification, read=read),
        to="notifications:list",
    )


@require_POST
def notification_mark_all(request: TsunaguRequest) -> HttpResponse:
    services.forget_unread_count(request.session)
    return action(
        request,
        lambda: services.notifications_mark_all_read(request.actor),
        to="notifications:list",
        success=lambda count: _("%(count)s件を既読にしました。") % {"count": count},
    )


@require_http_methods(["GET", "POST"])
def notification_settings(request: TsunaguRequest) -> HttpResponse:
    setting = services.setting_for(request.user)
    return form_page(
        request,
        NotificationSettingForm(posted(request), instance=setting),
        "notifications/pages/settings.html",
        save=lambda data: services.setting_save(
            request.actor, daily_digest=bool(data["daily_digest"])
        ),
        done=lambda _setting: redirect("notifications:settings"),
        success=_("通知の設定を保存しました。"),
    )
