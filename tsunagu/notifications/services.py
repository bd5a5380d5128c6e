"""Writes of notifications: created by the apps above (`notify`), read and set by their user.

`notify` runs in the caller's transaction, so a notification exists exactly when the event it
tells of was committed.  It stores the event kind and the target's label and id, nothing of the
target's text (models.py).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.mail import send_mail
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from tsunagu.accounts import recheck
from tsunagu.accounts.models import User
from tsunagu.core.http import site_url
from tsunagu.notifications.models import Notification, NotificationKind, NotificationSetting
from tsunagu.organizations.models import Membership

if TYPE_CHECKING:
    from tsunagu.core.actor import Actor

UNREAD_KEY = "notifications_unread"


def organization_staff(organization_id: int) -> list[User]:
    """The active users currently working for an organization: who hears of an event addressed
    to the organization rather than to one worker."""
    return [
        m.user
        for m in Membership.objects.current()
        .filter(organization_id=organization_id, user__is_active=True)
        .select_related("user")
        .order_by("user__username")
    ]


def notify(
    *,
    recipients: Iterable[User | None],
    kind: NotificationKind | str,
    target: models.Model,
    caused_by: User | None = None,
) -> list[Notification]:
    """One notification per recipient (each once; never the user who caused the event, never
    an inactive account) about `target`."""
    if kind not in NotificationKind.values:
        raise ValueError(kind)
    seen: set[int] = set()
    rows: list[Notification] = []
    for user in recipients:
        if user is None or not user.is_active or user.pk in seen:
            continue
        if caused_by is not None and user.pk == caused_by.pk:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                recipient=user,
                kind=kind,
                target_type=target._meta.label_lower,
                target_id=target.pk,
                caused_by=caused_by,
            )
        )
    return Notification.objects.bulk_create(rows)


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def unread_count_cached(session: SessionBase, user: User) -> int:
    """The bell's number, read again at most every ACCESS_RECHECK_SECONDS (accounts.recheck):
    one small query per interval rather than per page."""
    count = recheck.remembered(session, UNREAD_KEY, user)
    if isinstance(count, int):
        return count
    count = unread_count(user)
    recheck.remember(session, UNREAD_KEY, user, count)
    return count


def forget_unread_count(session: SessionBase) -> None:
    recheck.forget(session, UNREAD_KEY)


def notification_mark(actor: Actor, *, notification: Notification, read: bool) -> Notification:
    notification.read_at = timezone.now() if read else None
    notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(actor: Actor) -> int:
    return Notification.objects.filter(recipient=actor.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def setting_for(user: User) -> NotificationSetting:
    """The user's setting, or the default (unsaved) when they never chose: a GET writes nothing."""
    found = NotificationSetting.objects.filter(user=user).first()
    return found or NotificationSetting(user=user)


@transaction.atomic
def setting_save(actor: Actor, *, daily_digest: bool) -> NotificationSetting:
    setting, _created = NotificationSetting.objects.update_or_create(
        user=actor.user, defaults={"daily_digest": daily_digest}
    )
    return setting


# --- The daily digest (management command `send_digests`) ----------------------------------


def _digest_mail(user: User, counts: Counter[str]) -> tuple[str, str]:
    # Kinds and counts only: an e-mail cannot check who reads it, so no names, no case titles.
    total = sum(counts.values())
    subject = _("【つなぐ】未読の通知が%(count)s件あります") % {"count": total}
    lines = [
        f"- {NotificationKind(kind).label}: {count}"
        for kind, count in sorted(counts.items(), key=lambda item: item[0])
    ]
    body = _(
        "%(name)s さん\n\n未読の通知が%(count)s件あります。\n\n%(lines)s\n\n"
        "内容はつなぐの通知一覧（%(url)s）で確認してください。\n"
        "このメールは通知の設定で止められます。\n"
    ) % {
        "name": user.full_name or user.username,
        "count": total,
        "lines": "\n".join(lines),
        "url": site_url(reverse("notifications:list")),
    }
    return subject, body


def send_digests(*, now: dt.datetime | None = None, dry_run: bool = False) -> list[User]:
    """One e-mail to each user who asked for the daily digest and has unread notifications not
    yet in a digest; those notifications are then marked as digested, so a second run on the
    same day sends nothing new.  Returns the users mailed."""
    moment = now or timezone.now()
    mailed: list[User] = []
    settings_rows = NotificationSetting.objects.filter(
        daily_digest=True, user__is_active=True
    ).select_related("user")
    for setting in settings_rows:
        user = setting.user
        pending = Notification.objects.filter(
            recipient=user, read_at__isnull=True, digested_at__isnull=True
        )
        counts = Counter(pending.values_list("kind", flat=True))
        if not counts or not user.email:
            continue
        mailed.append(user)
        if dry_run:
            continue
        with override(settings.LANGUAGE_CODE):
            subject, body = _digest_mail(user, counts)
        with transaction.atomic():
            pending.update(digested_at=moment)
            setting.last_digest_at = moment
            setting.save(update_fields=["last_digest_at"])
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return mailed
