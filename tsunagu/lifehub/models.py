"""The life hub (地域生活支援拠点) and the residents' own activities (issue 21 items 4 and 8).

- A `ResidentActivity` is an activity run by residents (a salon, a watch-over group, food
  support, transport help), entered into the social-resource directory as an informal resource.
  It is shown to the supporters (the plans' resource picker) and to residents (the public
  directory) only while its contact person's consent to that publication stands: each consent
  is a `PublicationConsent` row saying who agreed, when, to what, who recorded it; a withdrawal
  ends it at once (directory/holds.py).
- A `HubRole` is an organization filling one of the life hub's five functions.
- An `EmergencyRequest` is one request for emergency acceptance (緊急時の受け入れ): received,
  accepted where or declined, and how long the stay lasted.  It carries no name: the person's
  record stays in the case of the office that asked (ADR 0025).
The hub's operating meeting (運営会議) is a `meetings.MeetingBody` of kind
`life_hub_operations` with the core center as its secretariat.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tsunagu.core.models import TimeStampedModel
from tsunagu.core.validators import BoundedDateField


class ResidentActivityKind(models.TextChoices):
    SALON = "salon", _("サロン・居場所")
    WATCH_OVER = "watch_over", _("見守り")
    FOOD_SUPPORT = "food_support", _("食の支援")
    TRANSPORT_HELP = "transport_help", _("移動・送迎の手助け")
    OTHER = "other", _("その他の生活支援")


# The directory's informal service type each kind is listed under.
KIND_TERMS = {
    ResidentActivityKind.SALON: "salon",
    ResidentActivityKind.WATCH_OVER: "volunteer",
    ResidentActivityKind.FOOD_SUPPORT: "childrens-cafeteria",
    ResidentActivityKind.TRANSPORT_HELP: "volunteer",
    ResidentActivityKind.OTHER: "other-informal",
}


class ResidentActivity(TimeStampedModel):
    resource = models.OneToOneField(
        "directory.SocialResource",
        verbose_name=_("社会資源"),
        on_delete=models.PROTECT,
        related_name="resident_activity",
    )
    kind = models.CharField(_("活動の種類"), max_length=20, choices=ResidentActivityKind.choices)
    group_name = models.CharField(_("運営する住民のグループ"), max_length=200)
    area = models.ForeignKey(
        "organizations.Area",
        verbose_name=_("地域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contact_name = models.CharField(_("連絡担当の方"), max_length=100)
    contact_phone = models.CharField(_("連絡先の電話"), max_length=20, blank=True)
    recorded_by_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("登録した機関"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("住民の活動")
        verbose_name_plural = _("住民の活動")
        ordering = ["group_name", "pk"]

    def __str__(self) -> str:
        return self.group_name


class PublicationScope(models.TextChoices):
    NETWORK = "network", _("支援者に紹介する（支援計画の社会資源として選べる）")
    PUBLIC = "public", _("市民向けの社会資源のページに載せる")


class PublicationConsent(models.Model):
    activity = models.ForeignKey(
        ResidentActivity, on_delete=models.CASCADE, related_name="consents"
    )
    scope = models.CharField(_("同意の範囲"), max_length=10, choices=PublicationScope.choices)
    consented_by_name = models.CharField(_("同意した方"), max_length=100)
    consented_by_role = models.CharField(
        _("同意した方の立場"), max_length=100, blank=True, help_text=_("例: 代表、世話役。")
    )
    consented_on = BoundedDateField(_("同意の日"))
    method = models.CharField(
        _("確認の方法"), max_length=100, blank=True, help_text=_("例: 書面、口頭（電話）。")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("記録日時"), auto_now_add=True)
    withdrawn_on = BoundedDateField(_("撤回の日"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回を記録した日時"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_note = models.CharField(_("撤回について"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("掲載への同意")
        verbose_name_plural = _("掲載への同意")
        ordering = ["activity", "scope", "-consented_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "scope"],
                condition=Q(withdrawn_at__isnull=True),
                name="lifehub_one_standing_consent_per_scope",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.consented_by_name}"

    @property
    def is_standing(self) -> bool:
        return self.withdrawn_at is None


class HubFunction(models.TextChoices):
    CONSULTATION = "consultation", _("相談")
    EMERGENCY = "emergency", _("緊急時の受け入れ・対応（短期入所）")
    EXPERIENCE = "experience", _("体験の機会・場")
    SPECIALISTS = "specialists", _("専門的人材の確保・養成")
    COMMUNITY = "community", _("地域の体制づくり")


class HubRole(TimeStampedModel):
    function = models.CharField(_("機能"), max_length=16, choices=HubFunction.choices)
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("担う機関"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.CharField(_("担う内容"), max_length=300, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("受け入れの枠（床）"),
        null=True,
        blank=True,
        help_text=_("緊急時の受け入れを担う事業所の、緊急用の床の数。"),
    )
    since = BoundedDateField(_("開始日"))
    ended_on = BoundedDateField(_("終了日"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("拠点の機能を担う機関")
        verbose_name_plural = _("拠点の機能を担う機関")
        ordering = ["function", "organization__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["function", "organization"],
                condition=Q(ended_on__isnull=True),
                name="lifehub_one_current_role_per_function",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_function_display()}: {self.organization}"


class EmergencyStatus(models.TextChoices):
    RECEIVED = "received", _("受付（調整中）")
    ACCEPTED = "accepted", _("受け入れ中")
    DECLINED = "declined", _("受け入れできず")
    ENDED = "ended", _("受け入れ終了")


class EmergencyReason(models.TextChoices):
    CAREGIVER_ILLNESS = "caregiver_illness", _("介護者の急病・入院")
    CAREGIVER_ABSENCE = "caregiver_absence", _("介護者の不在（冠婚葬祭など）")
    BEHAVIOUR = "behaviour", _("本人の状態の急変")
    ABUSE = "abuse", _("虐待のおそれ")
    DISASTER = "disaster", _("災害")
    OTHER = "other", _("その他")


class EmergencyRequest(TimeStampedModel):
    received_at = models.DateTimeField(_("受付日時"))
    receiving_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("受け付けた機関"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requesting_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("依頼した機関"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("理由"), max_length=24, choices=EmergencyReason.choices)
    situation = models.TextField(
        _("状況（氏名は書きません）"),
        max_length=1000,
        help_text=_("年代・障害の種類・必要な支援など。本人の記録は依頼元のケースにあります。"),
    )
    status = models.CharField(
        _("状態"), max_length=10, choices=EmergencyStatus.choices, default=EmergencyStatus.RECEIVED
    )
    accepted_by = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("受け入れ先"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    stay_from = BoundedDateField(_("受け入れ開始日"), null=True, blank=True)
    stay_until = BoundedDateField(_("受け入れ終了日"), null=True, blank=True)
    decline_reason = models.CharField(_("受け入れできなかった理由"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("緊急時の受け入れ依頼")
        verbose_name_plural = _("緊急時の受け入れ依頼")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stay_until__isnull=True)
                | Q(stay_from__isnull=True)
                | Q(stay_until__gte=models.F("stay_from")),
                name="lifehub_stay_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.received_at:%Y-%m-%d}"

    @property
    def stay_days(self) -> int | None:
        """Nights counted as days, the first and last day included."""
        if self.stay_from is None or self.stay_until is None:
            return None
        return (self.stay_until - self.stay_from).days + 1
