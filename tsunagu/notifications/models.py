"""In-app notifications (issue 16): an event kind and the object it is about, never its text.

The title is rendered when the recipient reads it, through the access rules of the app that owns
the target (`notifications.registry`), so that a notification tells nothing to someone who may
no longer see the case it is about.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    TEAM_ADDED = "team_added", _("支援チームに追加されました")
    REFERRAL_ARRIVED = "referral_arrived", _("紹介・共同支援依頼が届きました")
    REFERRAL_ACCEPTED = "referral_accepted", _("依頼が受理されました")
    REFERRAL_RETURNED = "referral_returned", _("依頼がお断りされました")
    REFERRAL_OVERDUE = "referral_overdue", _("受付期限を過ぎた依頼があります")
    TASK_ASSIGNED = "task_assigned", _("タスクが割り当てられました")
    MONITORING_DUE = "monitoring_due", _("モニタリングの時期です")
    NOTE_MENTION = "note_mention", _("支援経過記録でメンションされました")
    BOARD_MENTION = "board_mention", _("掲示板でメンションされました")
    TRAINING_ANNOUNCED = "training_announced", _("研修の募集が始まりました")
    SURVEY_SENT = "survey_sent", _("調査への回答の依頼が届きました")
    SURVEY_REMINDER = "survey_reminder", _("調査の回答期限が近づいています（未提出）")
    GROUPHOME_REPORT_OVERDUE = "grouphome_report_overdue", _("GH評価の報告書の期限を過ぎています")
    CHECKIN_ARRIVED = "checkin_arrived", _("本人から「どう？」の答えが届きました")
    PORTAL_REQUEST = "portal_request", _("本人・家族からポータルで問い合わせが届きました")
    ABUSE_FACT_FINDING_OVERDUE = (
        "abuse_fact_finding_overdue",
        _("虐待の通報の事実確認が期限を過ぎています"),
    )


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("種類"), max_length=32, choices=NotificationKind.choices)
    # The target by model label and id ("cases.case", 12): the app that owns the model renders
    # it for the reader (registry), so no title, name or text is stored here.
    target_type = models.CharField(max_length=64)
    target_id = models.PositiveBigIntegerField()
    caused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("日時"), default=timezone.now)
    read_at = models.DateTimeField(_("既読日時"), null=True, blank=True)
    digested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The bell: the recipient's unread count, one index range.
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notif_unread_recipient",
            ),
            models.Index(fields=["recipient", "created_at"]),
            models.Index(fields=["kind", "target_type", "target_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.target_type}#{self.target_id}"


class NotificationSetting(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_setting"
    )
    daily_digest = models.BooleanField(
        _("毎日のまとめメールを受け取る"),
        default=False,
        help_text=_("未読の通知があるとき、1日1回、件数と種類だけをメールでお知らせします。"),
    )
    last_digest_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("通知の設定")
        verbose_name_plural = _("通知の設定")

    def __str__(self) -> str:
        return str(self.user_id)
