"""The append-only audit log.

Rows are written only through `tsunagu.audit.record()`, each chained to the one before by a hash
(chain.py).  The queryset refuses update and delete, the database refuses UPDATE and DELETE with
triggers (migrations 0002 and 0003), on PostgreSQL the app's role may only INSERT and SELECT
(`manage.py audit_roles`), and no screen offers either.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.audit.actions import Action, action_label

__all__ = ["Action", "AuditEvent", "AuditEventQuerySet", "Outcome"]


class Outcome(models.TextChoices):
    SUCCESS = "success", _("成功")
    DENIED = "denied", _("拒否")
    FAILED = "failed", _("失敗")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError("The audit log is append-only.")

    def delete(self) -> NoReturn:  # refusing is the point
        raise PermissionError("The audit log is append-only.")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("日時"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # What the person typed on a failed sign-in, or the actor's username at the time.
    actor_username = models.CharField(_("ユーザー名"), max_length=150, blank=True)
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("所属"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    outcome = models.CharField(
        _("結果"), max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS
    )
    target_type = models.CharField(_("対象の種類"), max_length=64, blank=True)
    target_id = models.CharField(_("対象ID"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IPアドレス"), null=True, blank=True)
    user_agent = models.CharField(_("ブラウザ"), max_length=256, blank=True)
    request_id = models.CharField(_("リクエストID"), max_length=64, blank=True)
    detail = models.JSONField(_("詳細"), default=dict, blank=True)
    # The persons whose data the request showed (ids only), for lists and searches.
    person_ids = models.JSONField(_("表示した本人"), default=list, blank=True)
    # The hash chain (see chain.py): the previous row's hash and this row's.
    prev_hash = models.CharField(_("前の行のハッシュ"), max_length=64, blank=True, editable=False)
    row_hash = models.CharField(_("ハッシュ"), max_length=64, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("監査ログ")
        verbose_name_plural = _("監査ログ")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "at"]),
            models.Index(fields=["actor", "at"]),
            models.Index(fields=["organization", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.actor_username}"

    @property
    def action_label(self) -> str:
        return action_label(self.action)
