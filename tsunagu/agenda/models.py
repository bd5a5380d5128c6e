"""A user's calendar feed (.ics): a secret address that a calendar app on a phone polls.

Only the SHA-256 of the secret is kept (as `accounts.ApiToken` keeps its tokens), so the address
is shown once, when it is made.  The feed reads as the user acting for `organization`, with the
scope chosen when it was made; it stops when it is revoked, when the user is disabled or signed
out everywhere (`epoch`), and when the membership ends.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    MINE = "mine", _("自分の予定")
    ORGANIZATION = "organization", _("所属機関の予定")


class CalendarFeedQuerySet(models.QuerySet["CalendarFeed"]):
    def active(self) -> CalendarFeedQuerySet:
        return self.filter(revoked_at__isnull=True)


class CalendarFeed(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("所属"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    scope = models.CharField(_("表示する予定"), max_length=16, choices=Scope.choices)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    epoch = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("作成日時"), default=timezone.now)
    revoked_at = models.DateTimeField(_("停止日時"), null=True, blank=True)
    last_fetched_at = models.DateTimeField(_("最後に読み込まれた日時"), null=True, blank=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("カレンダー配信")
        verbose_name_plural = _("カレンダー配信")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
