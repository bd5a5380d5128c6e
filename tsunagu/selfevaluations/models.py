"""The yearly self-evaluation of the consultation offices (障害者相談支援事業所運営自己評価;
issue 19 item 5; seed 003 評価・研修部会, run by its 企画委員会).

The city department sets the criteria for a fiscal year (`CriteriaSet`): areas (運営体制,
相談支援の実践, ...) and items under them, each scored on the set's scale (1 to N, a label per
level).  A set is drafted, then published, and a published set is frozen: the offices'
answers are read against it.  A new year starts from a copy of the last one; an item keeps its
`code` through the copies, which is how the comparison across years lines the years up.

Each consultation office fills one `SelfEvaluation` per published set: a score and a comment per
item and an overall comment, saved as a draft, then submitted once.  The core center serving the
office (or the city) may return it for revision with a reason.  The core center writes its own
comments per item and overall, which the office reads once the center releases them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tsunagu.core.dates import fiscal_year_label
from tsunagu.core.models import TimeStampedModel
from tsunagu.organizations.models import Organization, OrganizationKind

FIRST_YEAR, LAST_YEAR = 2000, 2100
MIN_LEVELS, MAX_LEVELS = 2, 10
TEXT_MAX = 2000
LABEL_MAX = 40

# The offices that evaluate themselves: every consultation office of the network.
EVALUATED_KINDS = (
    OrganizationKind.COMMISSIONED_OFFICE,
    OrganizationKind.DESIGNATED_PLANNING_OFFICE,
    OrganizationKind.CHILD_PLANNING_OFFICE,
    OrganizationKind.COMMUNITY_TRANSITION_OFFICE,
)


class SetStatus(models.TextChoices):
    DRAFT = "draft", _("作成中")
    PUBLISHED = "published", _("公開")


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", _("作成中")
    SUBMITTED = "submitted", _("提出済み")
    RETURNED = "returned", _("差し戻し")


class CriteriaSet(TimeStampedModel):
    fiscal_year = models.PositiveSmallIntegerField(
        _("年度"),
        unique=True,
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
    )
    title = models.CharField(_("名称"), max_length=200)
    guidance = models.TextField(
        _("記入の手引き"),
        max_length=TEXT_MAX,
        blank=True,
        help_text=_("評価の目的、記入のしかた、提出期限など。"),
    )
    scale_labels = models.JSONField(
        _("評価の段階"),
        default=list,
        help_text=_("1から順に、各段階の説明。"),
    )
    status = models.CharField(
        _("状態"), max_length=16, choices=SetStatus.choices, default=SetStatus.DRAFT
    )
    published_at = models.DateTimeField(_("公開日時"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("自己評価の評価基準")
        verbose_name_plural = _("自己評価の評価基準")
        ordering = ["-fiscal_year"]

    def __str__(self) -> str:
        return self.title

    @property
    def year_label(self) -> str:
        """令和8年度."""
        return fiscal_year_label(self.fiscal_year)

    @property
    def is_published(self) -> bool:
        return self.status == SetStatus.PUBLISHED

    @property
    def levels(self) -> list[tuple[int, str]]:
        return [(i, str(label)) for i, label in enumerate(self.scale_labels, start=1)]

    @property
    def top(self) -> int:
        return len(self.scale_labels)


class CriteriaArea(TimeStampedModel):
    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("評価基準"), on_delete=models.CASCADE, related_name="areas"
    )
    position = models.PositiveSmallIntegerField(_("順番"), default=1)
    name = models.CharField(_("領域"), max_length=100)

    class Meta:
        verbose_name = _("評価の領域")
        verbose_name_plural = _("評価の領域")
        ordering = ["criteria_set", "position", "pk"]

    def __str__(self) -> str:
        return self.name


class CriteriaItem(TimeStampedModel):
    area = models.ForeignKey(
        CriteriaArea, verbose_name=_("領域"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveSmallIntegerField(_("順番"), default=1)
    code = models.CharField(
        _("項目番号"),
        max_length=20,
        help_text=_("例: 1-2。翌年度に引き継ぐと同じ番号で年度を比べます。"),
    )
    text = models.CharField(_("評価項目"), max_length=300)
    guidance = models.TextField(
        _("評価の観点"),
        max_length=TEXT_MAX,
        blank=True,
        help_text=_("どのような状態ならどの段階か、確かめる資料など。"),
    )

    class Meta:
        verbose_name = _("評価項目")
        verbose_name_plural = _("評価項目")
        ordering = ["area__position", "area_id", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class SelfEvaluation(TimeStampedModel):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("事業所"),
        on_delete=models.PROTECT,
        related_name="self_evaluations",
    )
    criteria_set = models.ForeignKey(
        CriteriaSet,
        verbose_name=_("評価基準"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    status = models.CharField(
        _("状態"), max_length=16, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT
    )
    overall_comment = models.TextField(_("全体の振り返り"), max_length=TEXT_MAX, blank=True)
    submitted_at = models.DateTimeField(_("提出日時"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    return_reason = models.TextField(_("差し戻しの理由"), max_length=TEXT_MAX, blank=True)
    returned_at = models.DateTimeField(_("差し戻し日時"), null=True, blank=True)
    center_comment = models.TextField(
        _("基幹相談支援センターの所見"), max_length=TEXT_MAX, blank=True
    )
    center_organization = models.ForeignKey(
        Organization,
        verbose_name=_("所見を書いたセンター"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    center_released_at = models.DateTimeField(_("所見の公開日時"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("自己評価")
        verbose_name_plural = _("自己評価")
        ordering = ["-criteria_set__fiscal_year", "organization__name_kana", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "criteria_set"], name="one_self_evaluation_per_set"
            ),
            models.CheckConstraint(
                condition=~Q(status="submitted") | Q(submitted_at__isnull=False),
                name="self_evaluation_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.criteria_set.fiscal_year}"

    @property
    def is_editable_by_office(self) -> bool:
        return self.status in (EvaluationStatus.DRAFT, EvaluationStatus.RETURNED)

    @property
    def is_released(self) -> bool:
        return self.center_released_at is not None


class EvaluationAnswer(TimeStampedModel):
    evaluation = models.ForeignKey(
        SelfEvaluation, verbose_name=_("自己評価"), on_delete=models.CASCADE, related_name="answers"
    )
    item = models.ForeignKey(
        CriteriaItem, verbose_name=_("評価項目"), on_delete=models.PROTECT, related_name="answers"
    )
    score = models.PositiveSmallIntegerField(
        _("評価"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    comment = models.TextField(_("コメント"), max_length=TEXT_MAX, blank=True)
    center_comment = models.TextField(
        _("基幹相談支援センターの所見"), max_length=TEXT_MAX, blank=True
    )

    class Meta:
        verbose_name = _("自己評価の回答")
        verbose_name_plural = _("自己評価の回答")
        ordering = ["item__area__position", "item__position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "item"], name="one_answer_per_item"),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} {self.item.code}"
