"""A center's community work beside casework (seed 004; issue 21 items 1-3).

- `CommunityActivity`: one activity of a center — network building, outreach, gathering the
  area's resources, awareness, disaster preparation, life-hub work — with its area, partners,
  participants by kind (counts only) and what came of it (a consultation, a resource, a
  community issue).
- `OutreachLead`: someone a 民生委員, a school or a neighbour is worried about, recorded with
  the least personal data possible (a label, the area, who is worried and why) and a lawful
  basis the database can check (ADR 0008's shape: consent with its date, or an emergency
  with an end date and a reviewer), followed until it becomes a consultation or is closed.
- `AwarenessEvent`: the awareness side of an activity (theme, audiences, the short
  questionnaire's counts, the 障がい者サポーター who completed the training), with its
  materials (`AwarenessMaterial`, stored like every attachment).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.core.models import StoredAttachment, TimeStampedModel
from tsunagu.core.storage import extension_for, private_storage
from tsunagu.core.validators import BoundedDateField


class ActivityKind(models.TextChoices):
    NETWORK = "network", _("関係機関・地域とのネットワークづくり")
    OUTREACH = "outreach", _("アウトリーチ")
    RESOURCES = "resources", _("社会資源の把握")
    AWARENESS = "awareness", _("普及啓発")
    DISASTER = "disaster", _("防災")
    LIFE_HUB = "life_hub", _("地域生活支援拠点")


# The kinds of participant counted on every activity (a count each, never a name).
PARTICIPANT_FIELDS: tuple[tuple[str, object], ...] = (
    ("residents", _("住民")),
    ("students", _("児童・生徒・学生")),
    ("firms", _("企業・事業所")),
    ("welfare_commissioners", _("民生委員・児童委員")),
    ("others", _("その他")),
)


class CommunityActivity(TimeStampedModel):
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("実施機関"),
        on_delete=models.PROTECT,
        related_name="community_activities",
    )
    kind = models.CharField(_("活動の種類"), max_length=16, choices=ActivityKind.choices)
    held_on = BoundedDateField(_("実施日"))
    title = models.CharField(_("活動名"), max_length=120)
    area = models.ForeignKey(
        "organizations.Area",
        verbose_name=_("地域"),
        on_delete=models.PROTECT,
        related_name="community_activities",
    )
    partners = models.ManyToManyField(
        "organizations.Organization",
        verbose_name=_("連携した機関"),
        related_name="community_partnerships",
        blank=True,
    )
    informal_partners = models.CharField(
        _("連携した団体（インフォーマル）"),
        max_length=300,
        blank=True,
        help_text=_(
            "町内会、サロン、ボランティア団体など、機関の一覧にない団体。読点で区切ります。"
        ),
    )
    residents = models.PositiveIntegerField(_("住民"), default=0)
    students = models.PositiveIntegerField(_("児童・生徒・学生"), default=0)
    firms = models.PositiveIntegerField(_("企業・事業所"), default=0)
    welfare_commissioners = models.PositiveIntegerField(_("民生委員・児童委員"), default=0)
    others = models.PositiveIntegerField(_("その他"), default=0)
    description = models.TextField(
        _("内容"),
        blank=True,
        help_text=_("個人が特定される情報は書かないでください。"),
    )
    consultation = models.ForeignKey(
        "cases.Consultation",
        verbose_name=_("つながった相談"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="community_activities",
    )
    resource_found = models.CharField(_("把握した社会資源"), max_length=200, blank=True)
    community_issue = models.ForeignKey(
        "meetings.CommunityIssue",
        verbose_name=_("提起した地域課題"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="community_activities",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("地域活動")
        verbose_name_plural = _("地域活動")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["organization", "held_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def participants(self) -> int:
        return sum(int(getattr(self, name)) for name, _label in PARTICIPANT_FIELDS)

    @property
    def informal_partner_list(self) -> list[str]:
        parts = self.informal_partners.replace("，", "、").replace(",", "、").split("、")
        return [p.strip() for p in parts if p.strip()]


# --- Awareness --------------------------------------------------------------------------------


class AwarenessTheme(models.TextChoices):
    SUPPORTER_TRAINING = "supporter_training", _("障がい者サポーター研修")
    DISCRIMINATION = "discrimination", _("障害者差別解消法")
    ABUSE_PREVENTION = "abuse_prevention", _("虐待防止")
    SERVICE_INFORMATION = "service_information", _("福祉サービスの情報提供")
    OTHER = "other", _("その他")


class Audience(models.TextChoices):
    RESIDENTS = "residents", _("住民")
    SCHOOLS = "schools", _("学校")
    FIRMS = "firms", _("企業・事業所")
    WELFARE_COMMISSIONERS = "welfare_commissioners", _("民生委員・児童委員")
    AGENCIES = "agencies", _("関係機関")
    OTHER = "other", _("その他")


# The short questionnaire every awareness event may count (counts per answer, never who).
QUESTIONS: tuple[tuple[str, object, tuple[tuple[str, object], ...]], ...] = (
    (
        "understanding",
        _("障がいや今日のテーマへの理解は深まりましたか"),
        (
            ("much", _("とても深まった")),
            ("some", _("少し深まった")),
            ("same", _("変わらない")),
        ),
    ),
    (
        "act",
        _("今日のことを地域や職場で生かしたいですか"),
        (
            ("yes", _("生かしたい")),
            ("unsure", _("わからない")),
            ("no", _("生かさない")),
        ),
    ),
)


class AwarenessEvent(TimeStampedModel):
    activity = models.OneToOneField(
        CommunityActivity, on_delete=models.CASCADE, related_name="awareness"
    )
    theme = models.CharField(_("テーマ"), max_length=24, choices=AwarenessTheme.choices)
    audiences = models.JSONField(_("対象"), default=list, blank=True)
    supporters_completed = models.PositiveIntegerField(
        _("障がい者サポーター（修了者）"),
        default=0,
        help_text=_("障がい者サポーター研修を修了した人数。"),
    )
    # {"understanding": {"much": 12, ...}, "act": {...}}: the keys of QUESTIONS only.
    questionnaire = models.JSONField(_("アンケートの結果"), default=dict, blank=True)

    class Meta:
        verbose_name = _("普及啓発")
        verbose_name_plural = _("普及啓発")
        constraints = [
            models.CheckConstraint(
                condition=Q(theme="supporter_training") | Q(supporters_completed=0),
                name="supporters_only_from_supporter_training",
            )
        ]

    def __str__(self) -> str:
        return str(self.activity)

    @property
    def audience_labels(self) -> list[str]:
        labels = dict(Audience.choices)
        return [str(labels[a]) for a in self.audiences if a in labels]


def material_path(instance: AwarenessMaterial, filename: str) -> str:
    # As for note attachments: the stored name is the hash, never what the user typed.
    return (
        f"community/{timezone.now():%Y/%m}/{instance.sha256}.{extension_for(instance.content_type)}"
    )


class AwarenessMaterial(StoredAttachment):
    """A handout or slide deck of an awareness event (no person data)."""

    event = models.ForeignKey(AwarenessEvent, on_delete=models.PROTECT, related_name="materials")
    file = models.FileField(upload_to=material_path, storage=private_storage)

    class Meta(StoredAttachment.Meta):
        verbose_name = _("普及啓発の資料")
        verbose_name_plural = _("普及啓発の資料")


# --- Outreach ---------------------------------------------------------------------------------


class WorriedBy(models.TextChoices):
    WELFARE_COMMISSIONER = "welfare_commissioner", _("民生委員・児童委員")
    SCHOOL = "school", _("学校")
    NEIGHBOR = "neighbor", _("近隣住民")
    FAMILY = "family", _("家族・親族")
    ELDERLY_CENTER = "elderly_center", _("地域包括支援センター")
    AGENCY = "agency", _("その他の関係機関")
    OTHER = "other", _("その他")


class LeadBasis(models.TextChoices):
    CONSENT = "consent", _("本人の同意")
    EMERGENCY = "emergency", _("緊急（生命・身体の保護、個人情報保護法27条1項2号）")


class LeadStatus(models.TextChoices):
    OPEN = "open", _("対応中")
    CONNECTED = "connected", _("相談につないだ")
    CLOSED = "closed", _("終了")


class CloseReason(models.TextChoices):
    NO_NEED = "no_need", _("支援の必要がなかった")
    DECLINED = "declined", _("本人が望まなかった")
    OTHER_AGENCY = "other_agency", _("他の機関が対応している")
    UNREACHABLE = "unreachable", _("転居・連絡がつかない")
    BASIS_ENDED = "basis_ended", _("共有の根拠が終わった")
    OTHER = "other", _("その他")


class OutreachLead(TimeStampedModel):
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("受けた機関"),
        on_delete=models.PROTECT,
        related_name="outreach_leads",
    )
    label = models.CharField(
        _("呼び名"),
        max_length=20,
        help_text=_("イニシャルなど。氏名・住所・電話番号は書きません。"),
    )
    area = models.ForeignKey(
        "organizations.Area",
        verbose_name=_("地域"),
        on_delete=models.PROTECT,
        related_name="outreach_leads",
    )
    worried_by = models.CharField(_("心配している人"), max_length=24, choices=WorriedBy.choices)
    worried_by_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("心配している機関"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    concern = models.CharField(
        _("心配していること"),
        max_length=500,
        help_text=_("必要なことだけを短く。病名や家族の事情の詳細は書きません。"),
    )
    received_on = BoundedDateField(_("受けた日"))
    basis = models.CharField(_("記録の根拠"), max_length=16, choices=LeadBasis.choices)
    consent_given_on = BoundedDateField(_("同意を得た日"), null=True, blank=True)
    consent_confirmed_by = models.CharField(
        _("同意を確かめた人"), max_length=100, blank=True, help_text=_("例: 担当の民生委員。")
    )
    emergency_ends_on = BoundedDateField(
        _("緊急の根拠の終了日"),
        null=True,
        blank=True,
        help_text=_("この日を過ぎると、同意に切り替えない限り対応を記録できません。"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("確認する職員（基幹相談支援センター）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    first_contact_on = BoundedDateField(_("初めて会えた日"), null=True, blank=True)
    status = models.CharField(
        _("状況"), max_length=16, choices=LeadStatus.choices, default=LeadStatus.OPEN
    )
    consultation = models.OneToOneField(
        "cases.Consultation",
        verbose_name=_("つないだ相談"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outreach_lead",
    )
    closed_on = BoundedDateField(_("終了日"), null=True, blank=True)
    close_reason = models.CharField(
        _("終了の理由"), max_length=16, choices=CloseReason.choices, blank=True
    )
    close_note = models.CharField(_("終了の補足"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("アウトリーチ")
        verbose_name_plural = _("アウトリーチ")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(basis="consent") | Q(consent_given_on__isnull=False),
                name="lead_consent_basis_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(basis="emergency")
                | Q(emergency_ends_on__isnull=False, reviewer__isnull=False),
                name="lead_emergency_basis_has_end_and_reviewer",
            ),
            models.CheckConstraint(
                condition=~Q(status="connected") | Q(consultation__isnull=False),
                name="connected_lead_names_its_consultation",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | (Q(closed_on__isnull=False) & ~Q(close_reason="")),
                name="closed_lead_says_why",
            ),
            models.CheckConstraint(
                condition=Q(first_contact_on__isnull=True)
                | Q(first_contact_on__gte=models.F("received_on")),
                name="lead_contact_after_received",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def basis_holds_on(self, day: dt.date) -> bool:
        if self.basis == LeadBasis.EMERGENCY:
            return self.emergency_ends_on is not None and self.emergency_ends_on >= day
        return self.consent_given_on is not None

    @property
    def basis_holds(self) -> bool:
        return self.basis_holds_on(timezone.localdate())

    @property
    def days_to_first_contact(self) -> int | None:
        if self.first_contact_on is None:
            return None
        return (self.first_contact_on - self.received_on).days
