"""The core center's yearly training plan (研修計画; issue 18 item 3; seed 004 研修企画).

A plan is one core center's for one fiscal year: the trainings it means to hold, each with the
month, the kind, whom it is for and the need it answers (a hearing or survey, a gap in the
curricula, a community issue, a theme few offices know in a ward, a training that drew more
than its places).  Each planned training is linked to the training events that held it, so the
plan can be read against what was held.  A plan names no person.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tsunagu.core.models import TimeStampedModel
from tsunagu.expertise.models import Theme
from tsunagu.organizations.models import Organization, OrganizationKind
from tsunagu.trainings.models import EventKind, TrainingEvent

FIRST_YEAR, LAST_YEAR = 2000, 2100
NOTE_MAX_LENGTH = 2000
# The months of a fiscal year in order, April to March.
FISCAL_MONTHS = (*range(4, 13), 1, 2, 3)


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("作成中")
    PUBLISHED = "published", _("公開")


class NeedSource(models.TextChoices):
    HEARING_SURVEY = "hearing_survey", _("ヒアリング・調査")
    CURRICULUM_GAP = "curriculum_gap", _("カリキュラムの未修了")
    COMMUNITY_ISSUE = "community_issue", _("地域課題")
    EXPERTISE_GAP = "expertise_gap", _("地域の専門性の不足")
    WAITING_LIST = "waiting_list", _("キャンセル待ちが出た研修")
    OTHER = "other", _("その他")


class TrainingPlan(TimeStampedModel):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("作成した機関"),
        on_delete=models.PROTECT,
        related_name="training_plans",
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    status = models.CharField(
        _("状態"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    note = models.TextField(
        _("方針・重点"),
        max_length=NOTE_MAX_LENGTH,
        blank=True,
        help_text=_("この年度の研修の方針や重点。個人が分かることは書かないでください。"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("研修計画")
        verbose_name_plural = _("研修計画")
        ordering = ["-fiscal_year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "fiscal_year"], name="one_training_plan_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.fiscal_year}"


class PlannedTraining(TimeStampedModel):
    plan = models.ForeignKey(
        TrainingPlan, verbose_name=_("研修計画"), on_delete=models.CASCADE, related_name="items"
    )
    theme = models.CharField(_("テーマ"), max_length=200)
    month = models.PositiveSmallIntegerField(
        _("予定月"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    kind = models.CharField(_("形式"), max_length=20, choices=EventKind.choices)
    target_kinds = models.JSONField(_("対象の機関種別"), default=list, blank=True)
    target_note = models.CharField(_("対象（補足）"), max_length=200, blank=True)
    need_source = models.CharField(_("必要性の根拠"), max_length=24, choices=NeedSource.choices)
    community_issue = models.ForeignKey(
        "meetings.CommunityIssue",
        verbose_name=_("もとの地域課題"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="planned_trainings",
    )
    expertise_theme = models.CharField(
        _("専門性の分野"), max_length=32, choices=Theme.choices, blank=True
    )
    need_note = models.TextField(
        _("根拠の説明"),
        max_length=1000,
        blank=True,
        help_text=_(
            "調査やヒアリングの名称、未修了の段階など。個人が分かることは書かないでください。"
        ),
    )
    events = models.ManyToManyField(
        TrainingEvent, verbose_name=_("開催した研修"), blank=True, related_name="planned_as"
    )

    class Meta:
        verbose_name = _("計画した研修")
        verbose_name_plural = _("計画した研修")
        ordering = ["plan", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(month__gte=1) & Q(month__lte=12), name="planned_training_month"
            ),
        ]

    def __str__(self) -> str:
        return self.theme

    def target_kind_labels(self) -> list[str]:
        labels = dict(OrganizationKind.choices)
        return [str(labels.get(k, k)) for k in self.target_kinds]

    @property
    def fiscal_order(self) -> int:
        """April is 0, March 11."""
        return (self.month - 4) % 12
