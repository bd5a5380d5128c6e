"""The signed-in person's notifications over JSON (a phone app's bell): the same selectors and
services as the screens.  A token acts for its own user, so it reads that user's inbox only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Router, Schema

from tsunagu.core.api import ErrorOut, Listing, paginated
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.schemas import Out
from tsunagu.notifications import selectors, services
from tsunagu.notifications.access import access_notification
from tsunagu.notifications.models import Notification

router = Router(tags=["notifications"])


class NotificationOut(Out):
    id: int = Field(alias="notification.pk")
    kind: str = Field(alias="notification.kind")
    kind_label: str = Field(alias="notification.get_kind_display")
    title: str = Field(
        description="読む人に見えるケース・依頼の名前（見られなくなったものは伏せる）"
    )
    url: str = Field(description="画面のURL（見られなくなったものは空）")
    created_at: dt.datetime = Field(alias="notification.created_at")
    read_at: dt.datetime | None = Field(alias="notification.read_at")


class MarkIn(Schema):
    read: bool = True


class MarkedOut(Out):
    id: int
    read_at: dt.datetime | None


class MarkedAllOut(Out):
    count: int = Field(description="既読にした件数")


@router.get(
    "/notifications",
    response={200: list[NotificationOut], 422: ErrorOut},
    summary="自分あての通知（新しい順）",
    url_name="notification_list",
)
@paginated(page_size=selectors.NOTIFICATIONS_PER_PAGE)
def notification_list(request: TsunaguRequest, unread: bool = False) -> Listing:
    actor = request.actor

    def render_page(shown: list[Any]) -> None:
        # The page's rows become what the reader may see of each target (the registry), and
        # the persons their titles name are on the record, as on the screen.
        rows = selectors.rows_for(actor, shown)
        selectors.record_rows_shown(actor, rows, view="notifications.api.list")
        shown[:] = rows

    return Listing(selectors.notification_list(actor, unread_only=unread), on_page=render_page)


@router.post(
    "/notifications/{notification_id}/read",
    response={200: MarkedOut, 404: ErrorOut, 422: ErrorOut},
    summary="通知を既読（read=false で未読）にする",
    url_name="notification_mark",
)
def notification_mark(
    request: TsunaguRequest, notification_id: int, payload: MarkIn
) -> Notification:
    notification = access_notification(request.actor, notification_id)
    return services.notification_mark(request.actor, notification=notification, read=payload.read)


@router.post(
    "/notifications/read-all",
    response={200: MarkedAllOut},
    summary="自分あての通知をすべて既読にする",
    url_name="notification_mark_all_read",
)
def notification_mark_all_read(request: TsunaguRequest) -> dict[str, int]:
    return {"count": services.notifications_mark_all_read(request.actor)}
