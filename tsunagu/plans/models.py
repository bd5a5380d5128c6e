"""Household assessment (アセスメント), support plans (サービス等利用計画 / 支援計画) with the
role of every agency, contingency (Xデー) plans, monitoring (モニタリング) and tasks.

Everything here hangs off a case and is reached only through the case's visibility
(tsunagu/plans/access.py builds on tsunagu/cases/access.py).  Assessments and plans are
versioned: a new version is a new row, and the old ones stay as they were.
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

# --- Assessment -------------------------------------------------------------------------------


class Assessment(TimeStampedModel):
    """One household-wide assessment of a case on a date; `revision` counts its versions."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="assessments")
    assessed_on = BoundedDateField(_("アセスメント日"))
    revision = models.PositiveIntegerField(_("版"), default=1)
    interactions = models.TextField(
        _("世帯員のニーズの影響しあい"),
        blank=True,
        help_text=_("例: 母の入院で本人の通所が途切れる、兄の借金が家計を圧迫している。"),
    )
    risks = models.TextField(_("リスク"), blank=True)
    household_strengths = models.TextField(_("世帯の強み"), blank=True)
    summary = models.TextField(_("総合的な分析"), blank=True)
    revision_reason = models.CharField(_("見直しの理由"), max_length=200, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("アセスメント")
        verbose_name_plural = _("アセスメント")
        ordering = ["-assessed_on", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "assessed_on", "revision"], name="assessment_revision_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessed_on:%Y-%m-%d} ({self.revision})"


# The life domains of one member's section, in the order the form and the print show them.
SECTION_FIELDS = (
    "health",
    "daily_living",
    "money",
    "housing",
    "relationships",
    "work_or_school",
    "strengths",
    "wishes",
    "motivating_moments",
)


class AssessmentSection(models.Model):
    """What one household member's life looks like, in their own domains and words."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="sections")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    relationship = models.CharField(_("続柄"), max_length=40, blank=True)
    health = models.TextField(_("健康・医療"), blank=True)
    daily_living = models.TextField(_("日常生活"), blank=True)
    money = models.TextField(_("お金"), blank=True)
    housing = models.TextField(_("住まい"), blank=True)
    relationships = models.TextField(_("人間関係"), blank=True)
    work_or_school = models.TextField(_("仕事・学校"), blank=True)
    strengths = models.TextField(_("強み"), blank=True)
    wishes = models.TextField(_("こう暮らしたい（本人の希望）"), blank=True)
    motivating_moments = models.TextField(
        _("心の動く場面"), blank=True, help_text=_("本人の気持ちが動く場面、好きなこと。")
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("世帯員ごとのアセスメント")
        verbose_name_plural = _("世帯員ごとのアセスメント")
        ordering = ["assessment", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "person"], name="assessment_section_one_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment} / {self.person_id}"

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name).strip() for name in SECTION_FIELDS)


# --- Support plan -----------------------------------------------------------------------------


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("案")
    AGREED = "agreed", _("合意済み")
    SUPERSEDED = "superseded", _("改定済み")


class MonitoringFrequency(models.TextChoices):
    MONTHLY = "monthly", _("毎月")
    EVERY_3_MONTHS = "every_3_months", _("3か月ごと")
    EVERY_6_MONTHS = "every_6_months", _("6か月ごと")
    CUSTOM = "custom", _("日付を指定")


MONTHS_BETWEEN_MONITORINGS = {
    MonitoringFrequency.MONTHLY: 1,
    MonitoringFrequency.EVERY_3_MONTHS: 3,
    MonitoringFrequency.EVERY_6_MONTHS: 6,
}


class AgreementMethod(models.TextChoices):
    SIGNATURE = "signature", _("署名")
    SEAL = "seal", _("記名押印")
    ORAL = "oral", _("口頭（記録あり）")
    PROXY = "proxy", _("代理人の署名")


class SupportPlan(TimeStampedModel):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="support_plans")
    version = models.PositiveIntegerField(_("版"), default=1)
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("もとにした版"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_versions",
    )
    status = models.CharField(
        _("状態"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    person_wishes = models.TextField(_("利用者の生活に対する意向（本人）"), blank=True)
    family_wishes = models.TextField(_("家族の意向"), blank=True)
    overall_policy = models.TextField(_("総合的な援助の方針"), blank=True)
    long_term_goal = models.TextField(_("長期目標"), blank=True)
    short_term_goal = models.TextField(_("短期目標"), blank=True)
    period_start = BoundedDateField(_("計画開始日"))
    period_end = BoundedDateField(_("計画終了日"))
    # The plan's own date, printed as 計画作成日 on the forms: a plan written up on paper and
    # entered later keeps the day it was made, not the day it was saved.
    drafted_on = BoundedDateField(_("計画作成日"), default=timezone.localdate)
    monitoring_frequency = models.CharField(
        _("モニタリング期間"),
        max_length=16,
        choices=MonitoringFrequency.choices,
        default=MonitoringFrequency.EVERY_3_MONTHS,
    )
    monitoring_dates = models.JSONField(
        _("モニタリング実施予定日"),
        default=list,
        blank=True,
        help_text=_("「日付を指定」のときの予定日（YYYY-MM-DD）。"),
    )
    weekly_notes = models.TextField(_("週単位以外のサービス"), blank=True)
    weekly_activities = models.TextField(_("主な日常生活上の活動"), blank=True)
    agreed_on = BoundedDateField(_("同意日"), null=True, blank=True)
    agreement_method = models.CharField(
        _("同意の方法"), max_length=16, choices=AgreementMethod.choices, blank=True
    )
    agreement_note = models.CharField(_("同意の記録"), max_length=200, blank=True)
    change_reason = models.CharField(_("改定の理由"), max_length=200, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    lock_version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("支援計画")
        verbose_name_plural = _("支援計画")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="support_plan_version_unique"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="support_plan_period_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(status="agreed") | Q(agreed_on__isnull=False),
                name="agreed_plan_has_agreement_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} 第{self.version}版"

    @property
    def is_draft(self) -> bool:
        return self.status == PlanStatus.DRAFT


class SupportKind(models.TextChoices):
    FORMAL = "formal", _("公的サービス")
    INFORMAL = "informal", _("インフォーマルな支援")


class ServiceType(models.TextChoices):
    """障害福祉サービス等の種類 (the formal services a plan item names most often)."""

    HOME_HELP = "home_help", _("居宅介護")
    SEVERE_VISITING_CARE = "severe_visiting_care", _("重度訪問介護")
    ACCOMPANIED_OUTING = "accompanied_outing", _("同行援護")
    BEHAVIOUR_SUPPORT = "behaviour_support", _("行動援護")
    DAILY_LIFE_CARE = "daily_life_care", _("生活介護")
    SHORT_STAY = "short_stay", _("短期入所")
    GROUP_HOME = "group_home", _("共同生活援助")
    INDEPENDENCE_TRAINING = "independence_training", _("自立訓練")
    EMPLOYMENT_TRANSITION = "employment_transition", _("就労移行支援")
    EMPLOYMENT_A = "employment_a", _("就労継続支援A型")
    EMPLOYMENT_B = "employment_b", _("就労継続支援B型")
    EMPLOYMENT_RETENTION = "employment_retention", _("就労定着支援")
    INDEPENDENT_LIVING_ASSISTANCE = "independent_living_assistance", _("自立生活援助")
    COMMUNITY_SETTLEMENT = "community_settlement", _("地域定着支援")
    MOBILITY_SUPPORT = "mobility_support", _("移動支援")
    DAY_CENTER = "day_center", _("地域活動支援センター")
    VISITING_NURSING = "visiting_nursing", _("訪問看護")
    OUTPATIENT = "outpatient", _("通院・医療")
    LONG_TERM_CARE = "long_term_care", _("介護保険サービス")
    LIVELIHOOD = "livelihood", _("生活困窮者自立支援")
    GUARDIANSHIP = "guardianship", _("日常生活自立支援事業・成年後見")
    OTHER = "other", _("その他")


class PlanItem(models.Model):
    """One row of the plan: a need, its goal, and who does what by when."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="items")
    priority = models.PositiveSmallIntegerField(_("優先順位"), default=1)
    need = models.TextField(_("解決すべき課題（本人のニーズ）"))
    goal = models.TextField(_("支援目標"))
    target_date = BoundedDateField(_("達成時期"), null=True, blank=True)
    support_kind = models.CharField(
        _("支援の種類"), max_length=16, choices=SupportKind.choices, default=SupportKind.FORMAL
    )
    service_type = models.CharField(
        _("サービスの種類"), max_length=40, choices=ServiceType.choices, blank=True
    )
    amount = models.CharField(
        _("量・頻度"), max_length=100, blank=True, help_text=_("例: 週3回、月22日、1回2時間")
    )
    informal_support = models.CharField(
        _("インフォーマルな支援の内容"),
        max_length=200,
        blank=True,
        help_text=_("例: 民生委員の見守り、家族会への参加"),
    )
    responsible_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("担当機関"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_items",
    )
    responsible_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("担当者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The service from the social-resource directory (issue 16, item 7): the printed plan names
    # its provider.  PROTECT, and the directory retires a resource (status 廃止) instead of
    # deleting it; the names are also kept as they were when chosen, so a renamed or retired
    # resource leaves an old plan reading as it was agreed.
    resource = models.ForeignKey(
        "directory.SocialResource",
        verbose_name=_("提供するサービス（社会資源）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_items",
    )
    resource_name = models.CharField(_("サービスの名称"), max_length=200, blank=True)
    provider_name = models.CharField(_("提供事業者名"), max_length=200, blank=True)
    responsible_name = models.CharField(
        _("担当者名（機関外）"),
        max_length=100,
        blank=True,
        help_text=_("家族、近所の人、民生委員など、機関に属さない支え手。"),
    )
    person_role = models.CharField(
        _("本人の役割"), max_length=200, blank=True, help_text=_("例: 朝8時に自分で起きる")
    )
    evaluation_date = BoundedDateField(_("評価時期"), null=True, blank=True)
    notes = models.CharField(_("留意事項"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("支援計画の項目")
        verbose_name_plural = _("支援計画の項目")
        ordering = ["plan", "priority", "pk"]
        constraints = [
            # An item names an organization of the network, a resource of the directory, or a
            # person by text (an informal helper).
            models.CheckConstraint(
                condition=Q(responsible_organization__isnull=False)
                | Q(resource__isnull=False)
                | ~Q(responsible_name=""),
                name="plan_item_names_who_is_responsible",
            ),
            # A linked resource always carries the names it had when chosen.
            models.CheckConstraint(
                condition=Q(resource__isnull=True) | (~Q(resource_name="") & ~Q(provider_name="")),
                name="plan_item_resource_keeps_its_names",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} / {self.priority}"

    @property
    def support_label(self) -> str:
        """The support as the plan names it: the type, the directory resource's name
        (when it says more than the type) and the amount."""
        if self.support_kind == SupportKind.INFORMAL:
            parts = [self.informal_support]
            if self.resource_name and self.resource_name not in self.informal_support:
                parts.append(self.resource_name)
            return " ".join(p for p in parts if p)
        return " ".join(p for p in (self.service_name, self.amount) if p)

    @property
    def service_name(self) -> str:
        """The service type and the resource's name, each said once (「就労継続支援B型
        ひだまり工房」 rather than the type twice)."""
        kind = str(self.get_service_type_display()) if self.service_type else ""
        name = self.resource_name
        if name and kind and kind in name:
            return name
        return " ".join(p for p in (kind, name) if p)

    @property
    def responsible_label(self) -> str:
        org = self.responsible_organization.name if self.responsible_organization else ""
        worker = self.responsible_worker.full_name if self.responsible_worker else ""
        return " ".join(p for p in (org, worker or self.responsible_name) if p)

    @property
    def provider_label(self) -> str:
        """提供事業者名（担当者名）: the directory provider first, then who is responsible (the
        team organization and worker, or the informal helper by name)."""
        responsible = self.responsible_label
        if not self.provider_name:
            return responsible
        if not responsible or responsible == self.provider_name:
            return self.provider_name
        return f"{self.provider_name}（{responsible}）"


class Weekday(models.IntegerChoices):
    MONDAY = 0, pgettext_lazy("weekday", "月")
    TUESDAY = 1, pgettext_lazy("weekday", "火")
    WEDNESDAY = 2, pgettext_lazy("weekday", "水")
    THURSDAY = 3, pgettext_lazy("weekday", "木")
    FRIDAY = 4, pgettext_lazy("weekday", "金")
    SATURDAY = 5, pgettext_lazy("weekday", "土")
    SUNDAY = 6, pgettext_lazy("weekday", "日")


class WeeklyScheduleEntry(models.Model):
    """A row of the 週間計画表: what happens when in an ordinary week."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="weekly")
    weekday = models.PositiveSmallIntegerField(_("曜日"), choices=Weekday.choices)
    start_time = models.TimeField(_("開始"))
    end_time = models.TimeField(_("終了"))
    activity = models.CharField(_("活動・サービス"), max_length=100)
    provider = models.CharField(_("提供者"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("週間計画")
        verbose_name_plural = _("週間計画")
        ordering = ["plan", "weekday", "start_time", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")),
                name="weekly_entry_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M} {self.activity}"


# --- Contingency (Xデー) ----------------------------------------------------------------------


class ContingencyTrigger(TimeStampedModel):
    """A change the team prepares for (母の入院, 家賃滞納3か月, 主介護者の死亡)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="contingencies")
    description = models.CharField(_("きっかけとなる出来事"), max_length=200)
    preparation = models.TextField(
        _("今から備えておくこと"), blank=True, help_text=_("予防的支援として今できること。")
    )
    happened_on = BoundedDateField(_("発生日"), null=True, blank=True)
    happened_note = models.TextField(_("発生時の状況"), blank=True)
    happened_reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("Xデーの備え")
        verbose_name_plural = _("Xデーの備え")
        ordering = ["case", "pk"]

    def __str__(self) -> str:
        return self.description

    @property
    def has_happened(self) -> bool:
        return self.happened_on is not None


class ContingencyAction(models.Model):
    """What one organization has agreed to do when the trigger happens."""

    trigger = models.ForeignKey(
        ContingencyTrigger, on_delete=models.CASCADE, related_name="actions"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("対応する機関"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    contact_name = models.CharField(_("連絡先の担当者"), max_length=100, blank=True)
    contact_phone = models.CharField(_("連絡先の電話番号"), max_length=20, blank=True)
    action = models.TextField(_("取り決めた対応"))
    days_to_act = models.PositiveSmallIntegerField(_("対応の期限（発生から何日以内）"), default=1)

    class Meta:
        verbose_name = _("Xデーの対応")
        verbose_name_plural = _("Xデーの対応")
        ordering = ["trigger", "pk"]

    def __str__(self) -> str:
        return f"{self.trigger} / {self.organization_id}"


# --- Monitoring -------------------------------------------------------------------------------


class Achievement(models.TextChoices):
    ACHIEVED = "achieved", _("達成")
    PARTLY = "partly", _("一部達成")
    NOT_YET = "not_yet", _("未達成")
    NOT_ASSESSED = "not_assessed", _("評価できず")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("満足")
    MOSTLY = "mostly", _("おおむね満足")
    UNSURE = "unsure", _("どちらともいえない")
    DISSATISFIED = "dissatisfied", _("不満")
    NOT_EXPRESSED = "not_expressed", _("表明なし")


class MonitoringStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("予定")
    DONE = "done", _("実施済み")
    CANCELLED = "cancelled", _("取り消し")


class Monitoring(TimeStampedModel):
    """One scheduled review of an agreed plan; the report fills it in."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="monitorings")
    due_on = BoundedDateField(_("実施予定日"))
    status = models.CharField(
        _("状態"),
        max_length=16,
        choices=MonitoringStatus.choices,
        default=MonitoringStatus.SCHEDULED,
    )
    conducted_on = BoundedDateField(_("実施日"), null=True, blank=True)
    conducted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    conducted_by_organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    overall = models.TextField(_("全体の状況"), blank=True)
    person_words = models.TextField(_("本人の言葉"), blank=True)
    satisfaction = models.CharField(
        _("本人の満足度"), max_length=16, choices=Satisfaction.choices, blank=True
    )
    plan_change_needed = models.BooleanField(_("計画の変更が必要"), default=False)
    next_steps = models.TextField(_("今後の支援"), blank=True)

    class Meta:
        verbose_name = _("モニタリング")
        verbose_name_plural = _("モニタリング")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["status", "due_on"]),
            # The due lists (plans.selectors.monitorings_due_listed, the home page) go from the
            # organization's cases to their plans, then to each plan's monitorings still
            # scheduled by a date: this finds those without reading the ones done.
            models.Index(fields=["plan", "status", "due_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.due_on:%Y-%m-%d}"

    @property
    def is_overdue(self) -> bool:
        return self.status == MonitoringStatus.SCHEDULED and self.due_on < timezone.localdate()


class MonitoringGoalReport(models.Model):
    """How one plan item went since the plan or the last monitoring."""

    monitoring = models.ForeignKey(
        Monitoring, on_delete=models.CASCADE, related_name="goal_reports"
    )
    plan_item = models.ForeignKey(PlanItem, on_delete=models.PROTECT, related_name="reports")
    what_happened = models.TextField(_("支援の提供状況・経過"), blank=True)
    achievement = models.CharField(
        _("目標の達成度"), max_length=16, choices=Achievement.choices, blank=True
    )
    person_words = models.TextField(_("本人の感想・言葉"), blank=True)
    satisfaction = models.CharField(
        _("本人の満足度"), max_length=16, choices=Satisfaction.choices, blank=True
    )
    what_should_change = models.TextField(_("今後の課題・変更すべきこと"), blank=True)

    class Meta:
        verbose_name = _("目標ごとのモニタリング")
        verbose_name_plural = _("目標ごとのモニタリング")
        ordering = ["monitoring", "plan_item__priority", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["monitoring", "plan_item"], name="monitoring_goal_report_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.monitoring} / {self.plan_item_id}"


# --- Tasks ------------------------------------------------------------------------------------


class TaskStatus(models.TextChoices):
    OPEN = "open", _("未着手")
    IN_PROGRESS = "in_progress", _("対応中")
    DONE = "done", _("完了")
    CANCELLED = "cancelled", _("取り消し")


class TaskSource(models.TextChoices):
    PLAN = "plan", _("支援計画")
    CONTINGENCY = "contingency", _("Xデー")
    MONITORING = "monitoring", _("モニタリング")
    MEETING = "meeting", _("会議")
    NOTE = "note", _("支援経過")
    MANUAL = "manual", _("手入力")


OPEN_TASK_STATUSES = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)


def one_line(text: str, limit: int) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def plan_task_title(goal: str) -> str:
    return _("支援計画: %(goal)s") % {"goal": one_line(goal, 80)}


def monitoring_task_title(goal: str) -> str:
    return _("モニタリング: %(goal)s") % {"goal": one_line(goal, 80)}


def contingency_task_title(event: str) -> str:
    return _("Xデー対応: %(event)s") % {"event": one_line(event, 80)}


def next_contact_task_title(kind_label: str) -> str:
    """A note's next contact.  No word of the note itself: a restricted note's text must not
    reach the team through its task."""
    return _("次回の連絡（%(kind)sの記録から）") % {"kind": kind_label}


class Task(TimeStampedModel):
    title = models.CharField(_("件名"), max_length=200)
    description = models.TextField(_("内容"), blank=True)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    owner_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("担当機関"),
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    owner_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("担当者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    due_on = BoundedDateField(_("期限"), null=True, blank=True)
    status = models.CharField(
        _("状態"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    source = models.CharField(
        _("発生元"), max_length=16, choices=TaskSource.choices, default=TaskSource.MANUAL
    )
    plan_item = models.ForeignKey(
        PlanItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    contingency_action = models.ForeignKey(
        ContingencyAction, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    monitoring = models.ForeignKey(
        Monitoring, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    # The progress note whose next-contact date (次回連絡予定日) made this task.
    progress_note = models.ForeignKey(
        "records.ProgressNote",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completion_note = models.CharField(_("完了メモ"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("タスク")
        verbose_name_plural = _("タスク")
        ordering = [models.F("due_on").asc(nulls_last=True), "pk"]
        indexes = [
            models.Index(fields=["owner_organization", "status", "due_on"]),
            models.Index(fields=["owner_worker", "status", "due_on"]),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        """The title in the reader's language (issue 16, item 13).

        A task made from a plan item, a monitoring or an X-day is titled from what it came from
        each time it is read, so that a task made by someone working in Japanese reads in English
        for a colleague working in English.  The stored `title` stays as it was written (the API
        gives it); a task typed by hand, or one whose source is gone, shows it.  The list's
        selector brings the plan item and the trigger in the same query.
        """
        if self.plan_item_id is not None and self.plan_item is not None:
            if self.source == TaskSource.PLAN:
                return plan_task_title(self.plan_item.goal)
            if self.source == TaskSource.MONITORING:
                return monitoring_task_title(self.plan_item.goal)
        if (
            self.source == TaskSource.CONTINGENCY
            and self.contingency_action_id is not None
            and self.contingency_action is not None
        ):
            return contingency_task_title(self.contingency_action.trigger.description)
        if (
            self.source == TaskSource.NOTE
            and self.progress_note_id is not None
            and self.progress_note is not None
        ):
            return next_contact_task_title(self.progress_note.get_kind_display())
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_TASK_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < timezone.localdate()
