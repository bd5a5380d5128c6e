"""The evaluation of 日中サービス支援型指定共同生活援助 (day-service group homes; issue 19 item 6;
seed 003 (2)).

The national government asks each municipality to evaluate how these homes run, because support
that is complete inside the home may narrow the residents' contact with the community.  The
city's 地域部会 (a subcommittee of the 自立支援協議会) is the place of evaluation:

1. the subcommittee chair and the city department visit the home (実地調査), about a year after
   it opens;
2. at the subcommittee meeting the home reports its operation and its self-evaluation;
3. the members and the home share the visit's results and hold questions and an exchange of
   views (質疑・意見交換);
4. the evaluators write their report, due some days after the Q&A, and publish it to the home
   and the council.

A home visited in an earlier year reports in writing (書面): no visit and no Q&A; the report
follows its written self-evaluation.  Each step is a service (services.py) that checks the order.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tsunagu.core.models import TimeStampedModel
from tsunagu.core.validators import BoundedDateField
from tsunagu.organizations.models import Organization

TEXT_MAX_LENGTH = 4000
REPORT_MAX_LENGTH = 20000
QA_MAX_ITEMS = 20
DEFAULT_REPORT_DUE_DAYS = 30
MAX_REPORT_DUE_DAYS = 365
FIRST_FISCAL_YEAR = 2018  # 平成30年度: the service was created


class GroupHome(TimeStampedModel):
    """A service provider that runs a 日中サービス支援型 group home, managed (designated and
    evaluated) by the city department."""

    organization = models.OneToOneField(
        Organization,
        verbose_name=_("事業所"),
        on_delete=models.PROTECT,
        related_name="group_home",
    )
    opened_on = BoundedDateField(_("開所日"))
    capacity = models.PositiveSmallIntegerField(_("定員"))
    units = models.PositiveSmallIntegerField(_("共同生活住居の数"), default=1)
    managed_by = models.ForeignKey(
        Organization,
        verbose_name=_("所管課"),
        on_delete=models.PROTECT,
        related_name="managed_group_homes",
    )
    note = models.TextField(_("備考"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("日中サービス支援型グループホーム")
        verbose_name_plural = _("日中サービス支援型グループホーム")
        ordering = ["organization__name_kana", "pk"]

    def __str__(self) -> str:
        return self.organization.name


class EvaluationPath(models.TextChoices):
    VISIT = "visit", _("実地調査")
    WRITTEN = "written", _("書面（過年度に実地調査済み）")


class Step(models.TextChoices):
    PLANNED = "planned", _("計画")
    VISITED = "visited", _("実地調査済み")
    SELF_EVALUATED = "self_evaluated", _("自己評価の受領")
    QA_HELD = "qa_held", _("質疑・意見交換済み")
    REPORT_WRITTEN = "report_written", _("報告書の作成済み")
    PUBLISHED = "published", _("公表済み")


# The steps of each path, in order.
STEPS: dict[str, tuple[str, ...]] = {
    EvaluationPath.VISIT: (
        Step.PLANNED,
        Step.VISITED,
        Step.SELF_EVALUATED,
        Step.QA_HELD,
        Step.REPORT_WRITTEN,
        Step.PUBLISHED,
    ),
    EvaluationPath.WRITTEN: (
        Step.PLANNED,
        Step.SELF_EVALUATED,
        Step.REPORT_WRITTEN,
        Step.PUBLISHED,
    ),
}


class Viewpoint(models.TextChoices):
    """The viewpoints of the visit and of the home's self-evaluation."""

    COMMUNITY = "community", _("地域との交流")
    DAYTIME = "daytime", _("日中活動")
    STAFFING = "staffing", _("人員体制")
    WISHES = "wishes", _("利用者の意向の尊重")
    RIGHTS = "rights", _("権利擁護（虐待防止・身体拘束の適正化）")
    HEALTH = "health", _("健康管理・医療との連携")
    TRANSITION = "transition", _("地域生活への移行・社会参加")


class SelfEvaluationSource(models.TextChoices):
    HOME = "home", _("事業所が入力")
    PAPER = "paper", _("紙の様式から市が入力")


class GroupHomeEvaluation(TimeStampedModel):
    home = models.ForeignKey(
        GroupHome, verbose_name=_("事業所"), on_delete=models.PROTECT, related_name="evaluations"
    )
    fiscal_year = models.PositiveIntegerField(_("年度"))
    path = models.CharField(_("評価の方法"), max_length=16, choices=EvaluationPath.choices)
    step = models.CharField(_("段階"), max_length=20, choices=Step.choices, default=Step.PLANNED)
    body = models.ForeignKey(
        "meetings.MeetingBody",
        verbose_name=_("評価の場（部会）"),
        on_delete=models.PROTECT,
        related_name="group_home_evaluations",
    )
    evaluators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("評価者"),
        related_name="group_home_evaluations",
    )
    visit_planned_on = BoundedDateField(_("実地調査の予定日"), null=True, blank=True)
    report_due_days = models.PositiveSmallIntegerField(
        _("報告書の期限（日数）"),
        default=DEFAULT_REPORT_DUE_DAYS,
        help_text=_("質疑・意見交換（書面は自己評価の受領）から何日以内に報告書を作るか。"),
    )
    # 1. The visit.
    visited_on = BoundedDateField(_("実地調査日"), null=True, blank=True)
    visit_observations = models.JSONField(_("観点ごとの所見"), default=dict, blank=True)
    visit_findings = models.TextField(_("実地調査の結果"), max_length=TEXT_MAX_LENGTH, blank=True)
    visit_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # 2. The home's self-evaluation.
    self_evaluation = models.JSONField(_("自己評価"), default=dict, blank=True)
    self_evaluation_summary = models.TextField(
        _("実施状況の報告"), max_length=TEXT_MAX_LENGTH, blank=True
    )
    self_evaluation_on = BoundedDateField(_("自己評価の受領日"), null=True, blank=True)
    self_evaluation_source = models.CharField(
        _("入力の方法"), max_length=8, choices=SelfEvaluationSource.choices, blank=True
    )
    self_evaluation_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # 3. The Q&A at the subcommittee.
    qa_meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("部会の会議"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="group_home_evaluations",
    )
    qa_held_on = BoundedDateField(_("質疑・意見交換の日"), null=True, blank=True)
    qa_items = models.JSONField(_("質疑・意見交換"), default=list, blank=True)
    qa_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # 4. The evaluators' report.
    report_due_on = BoundedDateField(_("報告書の期限"), null=True, blank=True)
    report_text = models.TextField(_("評価報告書"), max_length=REPORT_MAX_LENGTH, blank=True)
    report_written_on = BoundedDateField(_("報告書の作成日"), null=True, blank=True)
    report_written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    # 5. Publication to the home and the council.
    published_at = models.DateTimeField(_("公表日時"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("日中サービス支援型グループホームの評価")
        verbose_name_plural = _("日中サービス支援型グループホームの評価")
        ordering = ["-fiscal_year", "home__organization__name_kana", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["home", "fiscal_year"], name="one_group_home_evaluation_per_year"
            )
        ]
        indexes = [models.Index(fields=["step", "report_due_on"])]

    def __str__(self) -> str:
        return f"{self.home} {self.fiscal_year}"

    @property
    def steps(self) -> tuple[str, ...]:
        return STEPS[self.path]

    @property
    def next_step(self) -> str | None:
        order = self.steps
        index = order.index(self.step)
        return order[index + 1] if index + 1 < len(order) else None

    def reached(self, step: str) -> bool:
        order = self.steps
        return step in order and order.index(self.step) >= order.index(step)

    @property
    def is_published(self) -> bool:
        return self.step == Step.PUBLISHED

    def observations(self) -> list[tuple[str, str, str]]:
        """(viewpoint label, visit observation, self-evaluation) per viewpoint."""
        return [
            (
                str(label),
                str(self.visit_observations.get(value, "")),
                str(self.self_evaluation.get(value, "")),
            )
            for value, label in Viewpoint.choices
        ]
