"""The person's own way in (本人ポータル, issue 22): accounts, one-time invitation codes, portal
sessions, the sign-in throttle, どう？ check-ins and the questions the person sends the team.

Nothing here is a staff account: a portal account is bound to one person's case, signs in with
its own cookie under /my/ (middleware.py) and never becomes a `User` (ADR 0024).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.core.models import TimeStampedModel
from tsunagu.core.validators import BoundedDateField


class AccountKind(models.TextChoices):
    PERSON = "person", _("本人")
    SUPPORTER = "supporter", _("家族・支援者")


class Section(models.TextChoices):
    """What a portal account may open.  The person opens all; a supporter what the person
    allowed when they consented."""

    PLAN = "plan", _("わたしの計画")
    CHECKIN = "checkin", _("どう？（ようすを伝える）")
    ACCESS = "access", _("だれが記録を見たか")
    RIGHTS = "rights", _("わたしの権利・同意")


class AccountStatus(models.TextChoices):
    INVITED = "invited", _("招待中")
    ACTIVE = "active", _("利用中")
    ENDED = "ended", _("終了")


class EndReason(models.TextChoices):
    COUNSELOR = "counselor", _("相談員が終了")
    PERSON = "person", _("本人が終了")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("同意の撤回")


class Rhythm(models.TextChoices):
    WEEKLY = "weekly", _("毎週")
    BIWEEKLY = "biweekly", _("2週間ごと")
    MONTHLY = "monthly", _("毎月")
    BEFORE_MONITORING = "before_monitoring", _("モニタリングの前に")


class PortalAccount(TimeStampedModel):
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("ケース"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("本人"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("種類"), max_length=16, choices=AccountKind.choices)
    # What the portal calls them ("さくらさん", "お母さん"): no username to remember.
    display_name = models.CharField(_("呼び方"), max_length=60)
    relationship = models.CharField(_("本人との関係"), max_length=40, blank=True)
    sections = models.JSONField(_("見てよいもの"), default=list)
    # The short id the person types with their passphrase when no passkey is at hand.
    portal_id = models.CharField(_("ポータル番号"), max_length=9, unique=True)
    password = models.CharField(max_length=256, blank=True, editable=False)
    status = models.CharField(
        _("状態"), max_length=16, choices=AccountStatus.choices, default=AccountStatus.INVITED
    )
    rhythm = models.CharField(
        _("どう？の間隔"), max_length=24, choices=Rhythm.choices, default=Rhythm.BEFORE_MONITORING
    )
    # A supporter's access rests on the person's own consent, recorded here by the counselor
    # (what, when, how); withdrawing it ends the access.
    consent_obtained_on = BoundedDateField(_("本人の同意日"), null=True, blank=True)
    consent_method = models.CharField(_("同意の方法"), max_length=40, blank=True)
    consent_expires_on = BoundedDateField(_("同意の期限"), null=True, blank=True)
    consent_withdrawn_at = models.DateTimeField(_("同意の撤回日時"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    invited_by_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(_("終了日時"), null=True, blank=True)
    end_reason = models.CharField(
        _("終了の理由"), max_length=24, choices=EndReason.choices, blank=True
    )
    # Bumped on every end and passphrase change: every portal session of the account ends.
    session_epoch = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("ポータルの利用者")
        verbose_name_plural = _("ポータルの利用者")
        ordering = ["case", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="person") | Q(consent_obtained_on__isnull=False),
                name="portal_supporter_needs_consent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.portal_id})"

    def may_open(self, section: str) -> bool:
        return self.kind == AccountKind.PERSON or section in self.sections


class PortalPasskey(models.Model):
    """A passkey of a portal account (WebAuthn, accounts/passkeys.py): signs in with one tap,
    no portal id to remember.  It opens only a live account (`access.live_problem`)."""

    account = models.ForeignKey(PortalAccount, on_delete=models.CASCADE, related_name="passkeys")
    credential_id = models.CharField(max_length=1400, unique=True)
    public_key = models.BinaryField()
    sign_count = models.PositiveBigIntegerField(default=0)
    # What the person sees in their list ("この電話", the device's kind when known).
    label = models.CharField(_("なまえ"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("つくった日"), default=timezone.now)
    last_used_at = models.DateTimeField(_("さいごに使った日"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"passkey {self.pk} of {self.account_id}"


class Channel(models.TextChoices):
    PAPER = "paper", _("紙で手渡し・郵送")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("メール")


class PortalInvitation(models.Model):
    """A one-time code.  Only its first four characters (to find it and to throttle guesses)
    and a keyed hash of the whole are stored; the code itself is shown once."""

    account = models.ForeignKey(PortalAccount, on_delete=models.CASCADE, related_name="invitations")
    prefix = models.CharField(max_length=4, db_index=True)
    code_hash = models.CharField(max_length=64, unique=True)
    channel = models.CharField(_("渡し方"), max_length=16, choices=Channel.choices)
    destination = models.CharField(_("送り先"), max_length=254, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField(_("有効期限"))
    used_at = models.DateTimeField(_("使用日時"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("取り消し日時"), null=True, blank=True)
    sent_at = models.DateTimeField(_("送信日時"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.prefix}-… ({self.account_id})"


class PortalSession(models.Model):
    """A portal sign-in: the cookie carries a random token, the table its hash."""

    account = models.ForeignKey(PortalAccount, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    epoch = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"portal session {self.pk}"


class PortalAttempt(models.Model):
    """Failed code or passphrase guesses per key (code prefix, address, portal id)."""

    key = models.CharField(max_length=80, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.key}: {self.failures}"


class Mood(models.TextChoices):
    GOOD = "good", _("いい")
    OKAY = "okay", _("まあまあ")
    NOT_GOOD = "not_good", _("あまりよくない")
    BAD = "bad", _("つらい")


CHECKIN_TEXT_MAX = 2000


class CheckIn(models.Model):
    """One どう？: the person's (or an allowed supporter's) own answer, on the case's timeline
    as a note of kind person_voice and in the next monitoring record."""

    account = models.ForeignKey(PortalAccount, on_delete=models.PROTECT, related_name="checkins")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    mood = models.CharField(_("どう？"), max_length=16, choices=Mood.choices)
    better = models.TextField(_("よくなったこと"), blank=True, max_length=CHECKIN_TEXT_MAX)
    hard = models.TextField(_("こまっていること"), blank=True, max_length=CHECKIN_TEXT_MAX)
    to_team = models.TextField(_("チームに伝えたいこと"), blank=True, max_length=CHECKIN_TEXT_MAX)
    note = models.OneToOneField(
        "records.ProgressNote", on_delete=models.PROTECT, related_name="+", null=True
    )
    # The monitoring it feeds: the case's next scheduled one when it was sent.
    monitoring = models.ForeignKey(
        "plans.Monitoring", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("日時"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.created_at:%Y-%m-%d} {self.mood}"


class RequestKind(models.TextChoices):
    ACCESS_QUESTION = "access_question", _("記録を見たことについての質問")
    CONSENT_CHANGE = "consent_change", _("同意を変えたい")
    DISCLOSURE = "disclosure", _("記録を見たい（開示の請求）")
    OTHER = "other", _("その他")


REQUEST_TEXT_MAX = 2000


class PortalRequest(models.Model):
    """A question or a request from the portal to the counselor: never a change by itself."""

    account = models.ForeignKey(PortalAccount, on_delete=models.PROTECT, related_name="requests")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("種類"), max_length=24, choices=RequestKind.choices)
    text = models.TextField(_("内容"), max_length=REQUEST_TEXT_MAX, blank=True)
    # The audit row asked about (an access question) or the consent meant.
    audit_event_id = models.BigIntegerField(null=True, blank=True)
    consent_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("日時"), default=timezone.now)
    answered_at = models.DateTimeField(_("対応日時"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"
