"""What the audit log says happened: the core `Action`s, and the actions an app defines for
itself (the log stores any action string), each registered here with its label, so that the
audit screen names it and offers it as a filter like the core ones.  An app registers at import
of the module that writes it.  `tsunagu.audit.models` re-exports `Action`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise


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


_LABELS: dict[str, StrOrPromise] = {}


def register_action(code: str, label: StrOrPromise) -> str:
    """`ACTION_X = register_action("app.x", _("…"))`: the code, now known by its label."""
    _LABELS[code] = label
    return code


def action_label(code: str) -> str:
    try:
        return str(Action(code).label)
    except ValueError:
        label = _LABELS.get(code)
        return str(label) if label is not None else code


def action_choices() -> list[tuple[str, str]]:
    """Every action the screen can filter by: the core ones, then the apps' by label."""
    registered = sorted(((code, str(label)) for code, label in _LABELS.items()), key=lambda c: c[1])
    return [(code, str(label)) for code, label in Action.choices] + registered
