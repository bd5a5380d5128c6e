"""Closed-loop requests between organizations (紹介・共同支援依頼・移管・助言依頼).

A `Referral` is one request from the lead organization of a case to another organization, with
the minimal summary the requester chose to show before acceptance and the basis on which the
case is shared once it is accepted.  Its status follows FHIR Task as the HL7 SDOH referral
workflow uses it; "received / being reviewed" is a business status inside `requested`.  Every
move is a `ReferralTransition` row; the legal moves are in `tsunagu/referrals/rules.py`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tsunagu.core.models import TimeStampedModel
from tsunagu.core.validators import BoundedDateField


class ReferralKind(models.TextChoices):
    JOINT_SUPPORT = "joint_support", _("共同支援依頼")
    REFERRAL = "referral", _("紹介")
    TRANSFER = "transfer", _("移管")
    ADVICE = "advice", _("助言依頼")


class ReferralStatus(models.TextChoices):
    """FHIR Task.status (hyphens become underscores), plus `confirmed`: the requester has read
    the outcome report, which closes the loop (FHIR: completed, businessStatus loop-closed)."""

    DRAFT = "draft", _("下書き")
    REQUESTED = "requested", _("依頼中")
    ACCEPTED = "accepted", _("受理")
    REJECTED = "rejected", _("お断り")
    IN_PROGRESS = "in_progress", _("対応中")
    ON_HOLD = "on_hold", _("保留")
    COMPLETED = "completed", _("完了報告あり")
    FAILED = "failed", _("不成立")
    CANCELLED = "cancelled", _("取り下げ")
    CONFIRMED = "confirmed", _("完了確認済み")


# Statuses in which the receiver has accepted and the referral still stands: a case may be
# closed as "referred" only while one of its referrals is in one of these.
ACCEPTED_STATUSES = (
    ReferralStatus.ACCEPTED,
    ReferralStatus.IN_PROGRESS,
    ReferralStatus.ON_HOLD,
    ReferralStatus.COMPLETED,
    ReferralStatus.CONFIRMED,
)
# The loop is closed (nothing more will happen).
FINAL_STATUSES = (
    ReferralStatus.REJECTED,
    ReferralStatus.FAILED,
    ReferralStatus.CANCELLED,
    ReferralStatus.CONFIRMED,
)


class BusinessStatus(models.TextChoices):
    NONE = "", _("未確認")
    RECEIVED = "received", _("受付済み・検討中")


class SummaryField(models.TextChoices):
    """What the requester may show the receiver before acceptance (besides the free text)."""

    NAME = "name", _("氏名")
    AGE = "age", _("年齢（生年月日は含めません）")
    SEX = "sex", _("性別")
    AREA = "area", _("住まいの地域（区まで）")
    DISABILITY = "disability", _("障害種別・障害支援区分")
    HOUSEHOLD = "household", _("世帯の課題")
    DIFFICULTY = "difficulty", _("困難さの要因")


DEFAULT_SUMMARY_FIELDS = (SummaryField.AGE, SummaryField.SEX, SummaryField.AREA)


class Side(models.TextChoices):
    REQUESTER = "requester", _("依頼元")
    RECEIVER = "receiver", _("依頼先")
    SYSTEM = "system", _("システム")


class Channel(models.TextChoices):
    SCREEN = "screen", _("画面")
    API = "api", _("API")
    FHIR = "fhir", _("FHIR連携")


class Referral(TimeStampedModel):
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=pgettext_lazy("one case", "支援ケース"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("対象の方"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("世帯のケースでは、依頼の対象となる世帯員。"),
    )
    kind = models.CharField(_("種類"), max_length=16, choices=ReferralKind.choices)
    requesting_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("依頼元の機関"),
        on_delete=models.PROTECT,
        related_name="referrals_sent",
    )
    requesting_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("依頼者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    receiving_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("依頼先の機関"),
        on_delete=models.PROTECT,
        related_name="referrals_received",
    )
    receiving_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("依頼先の担当者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("依頼の理由"))
    request_text = models.TextField(_("依頼したいこと"))
    summary_fields = models.JSONField(_("先方に見せる項目"), default=list, blank=True)
    # What the receiver sees before accepting: taken from the case when the request is sent.
    summary = models.JSONField(_("概要（送信時点）"), default=dict, blank=True)
    summary_text = models.TextField(_("先方に伝える概要"))
    # A transfer (移管) only: what the old lead writes for the new one.  Read by the receiver
    # once it has accepted, in place of the old lead's restricted notes (ADR 0012).
    handover_summary = models.TextField(
        _("引継ぎの要約"),
        blank=True,
        help_text=_(
            "移管のときに必須です。受理した新しい主担当機関が読みます。"
            "限定公開の記録は引き継がれないため、必要なことはここに書いてください。"
        ),
    )
    basis = models.CharField(_("共有の根拠"), max_length=24, blank=True)
    consent = models.ForeignKey(
        "people.Consent",
        verbose_name=_("同意"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    basis_note = models.CharField(_("根拠の詳細"), max_length=200, blank=True)
    status = models.CharField(
        _("状態"), max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT
    )
    business_status = models.CharField(
        _("受付状況"), max_length=16, choices=BusinessStatus.choices, blank=True
    )
    status_reason = models.TextField(_("理由（お断り・不成立・取り下げ・保留）"), blank=True)
    outcome = models.TextField(_("結果の報告"), blank=True)
    requested_at = models.DateTimeField(_("依頼日時"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("受付日時"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("受理日時"), null=True, blank=True)
    decided_at = models.DateTimeField(_("受理・お断りの日時"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完了報告の日時"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("完了確認の日時"), null=True, blank=True)
    plan_item = models.ForeignKey(
        "plans.PlanItem",
        verbose_name=_("支援計画の項目"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
        help_text=_("依頼先に担ってほしい役割が書かれた、支援計画の項目。"),
    )
    team_member = models.ForeignKey(
        "cases.CaseTeamMember",
        verbose_name=_("支援チームへの参加"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # True when accepting this request is what put the receiver on the team (it was not on it
    # already): withdrawing the request after acceptance then ends that membership.
    joined_team = models.BooleanField(default=False, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("紹介・依頼")
        verbose_name_plural = _("紹介・依頼")
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["receiving_organization", "status"]),
            models.Index(fields=["requesting_organization", "status"]),
            models.Index(fields=["kind", "requested_at"]),
            models.Index(fields=["case", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(requesting_organization=models.F("receiving_organization")),
                name="referral_to_another_organization",
            ),
            models.CheckConstraint(
                condition=~Q(basis="consent") | Q(consent__isnull=False),
                name="referral_consent_basis_names_the_consent",
            ),
            models.CheckConstraint(
                # A draft may also be cancelled without ever being sent.
                condition=Q(status__in=["draft", "cancelled"]) | Q(requested_at__isnull=False),
                name="referral_sent_has_requested_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def is_acknowledged(self) -> bool:
        return self.status != ReferralStatus.REQUESTED or (
            self.business_status == BusinessStatus.RECEIVED
        )


class ReferralTransition(models.Model):
    """Who moved a referral, when, from what to what, and why.  Append-only."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("操作"), max_length=16)
    from_status = models.CharField(
        _("変更前"), max_length=16, choices=ReferralStatus.choices, blank=True
    )
    to_status = models.CharField(_("変更後"), max_length=16, choices=ReferralStatus.choices)
    from_business_status = models.CharField(max_length=16, blank=True)
    to_business_status = models.CharField(max_length=16, blank=True)
    reason = models.TextField(_("理由・報告"), blank=True)
    side = models.CharField(_("立場"), max_length=16, choices=Side.choices)
    channel = models.CharField(
        _("経路"), max_length=8, choices=Channel.choices, default=Channel.SCREEN
    )
    at = models.DateTimeField(_("日時"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    by_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("操作した機関"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("紹介・依頼の経過")
        verbose_name_plural = _("紹介・依頼の経過")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.from_status} → {self.to_status} ({self.action})"


class ReferralEscalation(models.Model):
    """A request not acknowledged within the deadline, raised to the receiver's managers.

    One per referral: running the escalation again never raises the same request twice."""

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="escalation")
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("依頼先の機関"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = BoundedDateField(_("受付の期限"))
    escalated_at = models.DateTimeField(_("通知日時"), default=timezone.now)
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("通知先"), related_name="+", blank=True
    )
    emails_sent = models.PositiveIntegerField(_("送信したメール"), default=0)

    class Meta:
        verbose_name = _("受付期限超過の通知")
        verbose_name_plural = _("受付期限超過の通知")
        ordering = ["-escalated_at", "-pk"]
        indexes = [models.Index(fields=["organization", "escalated_at"])]

    def __str__(self) -> str:
        return f"{self.referral_id} ({self.due_on:%Y-%m-%d})"


# --- Past requests brought in from a file (issue 17 item 9, ADR 0015) -----------------------


class RequesterKind(models.TextChoices):
    """The rows of seed 000's joint-support table (statistics.REQUESTER_GROUPS)."""

    COMMISSIONED = "commissioned", _("委託相談支援事業所")
    DESIGNATED = "designated", _("指定特定相談支援事業所")
    HUB = "hub", _("地域生活支援拠点")
    OTHER = "other", _("その他")


class TableCategory(models.TextChoices):
    """The columns of seed 000's joint-support table (statistics.CATEGORY_COLUMNS)."""

    PHYSICAL = "physical", _("身体")
    MENTAL = "mental", _("精神")
    INTELLECTUAL = "intellectual", _("知的")
    DEVELOPMENTAL = "developmental", _("発達")
    MULTIPLE = "multiple", _("重複")
    UNDIAGNOSED = "undiagnosed", _("診断なし")


class ImportedRequest(TimeStampedModel):
    """A request an organization received before it used Tsunagu, imported from its register.

    Only what the statistics count: the day, the requester's kind and the table's disability
    column, with the day of acceptance.  No person, no case, no text: nothing that could name
    anyone (ADR 0015).  The receiving organization is the one that imported it, and it alone
    kept the register, so a request is never counted by both of its ends."""

    receiving_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("依頼先の機関"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(
        _("種類"), max_length=16, choices=ReferralKind.choices, default=ReferralKind.JOINT_SUPPORT
    )
    requested_on = BoundedDateField(_("依頼日"))
    requester_kind = models.CharField(
        _("依頼元の種別"), max_length=16, choices=RequesterKind.choices
    )
    requester_name = models.CharField(_("依頼元の機関名"), max_length=200, blank=True)
    disability_category = models.CharField(
        _("障害種別"), max_length=16, choices=TableCategory.choices
    )
    accepted_on = BoundedDateField(_("受理日"), null=True, blank=True)
    reference = models.CharField(
        _("受付番号"),
        max_length=40,
        blank=True,
        help_text=_("元の台帳の番号。同じ番号を二度取り込むことはできません。"),
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("取り込んだ人"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("取り込んだ過去の依頼")
        verbose_name_plural = _("取り込んだ過去の依頼")
        ordering = ["-requested_on", "-pk"]
        indexes = [models.Index(fields=["kind", "requested_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["receiving_organization", "reference"],
                condition=~Q(reference=""),
                name="imported_request_reference_once",
                violation_error_message=_("この受付番号の依頼はすでに取り込まれています。"),
            ),
            models.CheckConstraint(
                condition=Q(accepted_on__isnull=True)
                | Q(accepted_on__gte=models.F("requested_on")),
                name="imported_request_accepted_after_request",
                violation_error_message=_("受理日は依頼日以降にしてください。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.requested_on:%Y-%m-%d}"
