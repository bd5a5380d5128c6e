"""Reads of notifications, with their titles rendered for the reader (registry)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tsunagu.audit import services as audit
from tsunagu.core.actor import Actor
from tsunagu.notifications.access import notifications_visible_to
from tsunagu.notifications.models import Notification
from tsunagu.notifications.registry import Shown, render_targets

NOTIFICATIONS_PER_PAGE = 30


@dataclass(frozen=True)
class Row:
    notification: Notification
    shown: Shown | None  # None: the reader may no longer see the target

    @property
    def title(self) -> str:
        return self.shown.title if self.shown else _("閲覧できなくなった通知")

    @property
    def url(self) -> str:
        return self.shown.url if self.shown else ""


def notification_list(actor: Actor, *, unread_only: bool = False) -> QuerySet[Notification]:
    queryset = notifications_visible_to(actor).select_related("caused_by")
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset


def rows_for(actor: Actor, notifications: Sequence[Notification]) -> list[Row]:
    shown = render_targets(actor, ((n.target_type, n.target_id) for n in notifications))
    return [Row(n, shown.get((n.target_type, n.target_id))) for n in notifications]


def record_rows_shown(actor: Actor, rows: Sequence[Row], *, view: str) -> None:
    """A list that names persons in its titles is a read of their data (audit.record_read)."""
    person_ids = {pk for row in rows if row.shown for pk in row.shown.person_ids}
    audit.record_read(actor, view=view, person_ids=person_ids)
