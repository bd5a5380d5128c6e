"""A notification is its recipient's alone: anyone else's id answers 404, audited."""

from __future__ import annotations

from django.db.models import QuerySet

from tsunagu.audit import services as audit
from tsunagu.core.actor import Actor
from tsunagu.core.errors import NotFound
from tsunagu.notifications.models import Notification


def notifications_visible_to(actor: Actor) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=actor.user)


def access_notification(actor: Actor, notification_id: object) -> Notification:
    try:
        pk = int(str(notification_id))
        found = notifications_visible_to(actor).filter(pk=pk).first()
    except (ValueError, OverflowError):
        found = None
    if found is None:
        audit.record_denial(
            actor,
            target_type="notifications.notification",
            target_id=str(notification_id)[:64],
            reason="not the recipient",
        )
        raise NotFound("見つかりません。")
    return found
