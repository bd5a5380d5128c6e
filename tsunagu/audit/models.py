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


class Action(models.TextChoices):
    LOGIN = "auth.login", _("サインイン")
    LOGOUT = "auth.logout", _("サインアウト")
    LOGIN_FAILED = "auth.login_failed", _("サインイン失敗")
    LOCKED_OUT = "auth.locked_out", _("ロックアウト")
    OTP_VERIFIED = "auth.otp_verified", _("2段階認証成功")
    OTP_FAILED = "auth.otp_failed", _("2段階認証失敗")
    OTP_ENROLLED = "auth.otp_enrolled", _("2段階認証の設定")
    RECOVERY_CODES_ISSUED = "auth.recovery_codes_issued", _("リカバリーコード発行")
    PASSWORD_CHANGED = "auth.password_changed", _("パスワード変更")
    PASSWORD_CHECK_FAILED = "auth.password_check_failed", _("現在のパスワードの誤り")
    SESSION_EXPIRED = "auth.session_expired", _("セッション期限切れ")
    ACCESS_DENIED = "access.denied", _("アクセス拒否")
    ORGANIZATION_SWITCHED = "org.switched", _("所属の切り替え")
    USER_CREATED = "user.created", _("アカウントの作成")
    USER_DISABLED = "user.disabled", _("アカウントの無効化")
    USER_ENABLED = "user.enabled", _("アカウントの有効化")
    USER_SESSIONS_ENDED = "user.sessions_ended", _("セッションの強制終了")
    USER_UNLOCKED = "user.unlocked", _("ロック解除")
    USER_2FA_RESET = "user.2fa_reset", _("2段階認証のリセット")
    AUDIT_VIEWED = "audit.viewed", _("監査ログの閲覧")
    AUDIT_EXPORTED = "audit.exported", _("監査ログの出力")
    API_TOKEN_ISSUED = "api.token_issued", _("APIトークン発行")
    API_TOKEN_REVOKED = "api.token_revoked", _("APIトークン失効")
    API_TOKEN_REFUSED = "api.token_refused", _("APIトークン発行拒否")
    RECORD_VIEWED = "record.viewed", _("記録の閲覧")
    RECORD_CREATED = "record.created", _("記録の作成")
    RECORD_UPDATED = "record.updated", _("記録の更新")
    RECORD_DELETED = "record.deleted", _("記録の削除")
    DEMO_SEEDED = "system.demo_seeded", _("デモデータ投入")
    CASE_STATUS_CHANGED = "case.status_changed", _("ケースの状態変更")
    TEAM_MEMBER_ADDED = "case.team_added", _("支援チームへの追加")
    TEAM_MEMBER_LEFT = "case.team_left", _("支援チームからの離脱")
    BREAK_GLASS_OPENED = "access.break_glass", _("緊急アクセス")
    BREAK_GLASS_REVIEWED = "access.break_glass_reviewed", _("緊急アクセスの確認")
    SHARING_BASIS_CONVERTED = "case.basis_converted", _("共有の根拠の切り替え")
    SHARING_BASIS_ENDED = "case.basis_ended", _("共有の根拠の終了")
    SHARING_BASIS_REVIEWED = "case.basis_reviewed", _("緊急の共有の確認")
    ACCESS_LOG_VIEWED = "record.access_log_viewed", _("閲覧記録の確認")
    ATTACHMENT_DOWNLOADED = "record.attachment_downloaded", _("添付ファイルのダウンロード")
    RECORDS_LISTED = "record.listed", _("一覧・検索での閲覧")
    AUDIT_VERIFIED = "audit.verified", _("監査ログの改ざん検証")
    BACKUP_CREATED = "system.backup_created", _("バックアップの作成")
    BACKUP_RESTORED = "system.backup_restored", _("バックアップからの復元")
    ATTACHMENTS_ENCRYPTED = "system.attachments_encrypted", _("添付ファイルの暗号化")


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
        from tsunagu.audit.actions import action_label  # the registry reads Action from here

        return action_label(self.action)
