"""Factories for the plans app: realistic Japanese data, written straight to the tables.

Tests that are about the rules go through the services; these are for building a world.
"""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from tsunagu.accounts.tests.factories import UserFactory
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.organizations.tests.factories import OrganizationFactory
from tsunagu.plans.models import (
    Achievement,
    AgreementMethod,
    Assessment,
    AssessmentSection,
    ContingencyAction,
    ContingencyTrigger,
    Monitoring,
    MonitoringFrequency,
    MonitoringGoalReport,
    PlanItem,
    PlanStatus,
    Satisfaction,
    ServiceType,
    SupportKind,
    SupportPlan,
    Task,
    TaskSource,
    Weekday,
    WeeklyScheduleEntry,
)


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    case = factory.SubFactory(CaseFactory)
    assessed_on = factory.LazyFunction(timezone.localdate)
    revision = 1
    interactions = "母の入院で本人の日中の居場所が途切れやすい。兄の借金が家計を圧迫している。"
    risks = "母が倒れたときに本人を支える人がいない。"
    household_strengths = "近所の民生委員とのつながりがあり、母は相談できる人がいる。"
    summary = "本人の通所を軸に、母の通院と家計の立て直しを同時に進める必要がある。"
    author = factory.SubFactory(UserFactory)
    author_organization = factory.SelfAttribute("case.lead_organization")


class AssessmentSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessmentSection

    assessment = factory.SubFactory(AssessmentFactory)
    person = factory.SelfAttribute("assessment.case.person")
    relationship = "本人"
    health = "てんかんの服薬あり。月1回の通院は母が付き添っている。"
    daily_living = "朝は起きられない日がある。食事は母が用意している。"
    money = "障害基礎年金2級。金銭管理は母。"
    housing = "市営住宅で母と二人暮らし。"
    relationships = "母との関係は良好。兄とは疎遠。"
    work_or_school = "就労継続支援B型に週3日通所。"
    strengths = "絵を描くのが得意で、作業所の仲間から頼られている。"
    wishes = "いつかグループホームで一人暮らしの練習をしたい。"
    motivating_moments = "作業所で自分の絵が飾られたとき、とてもうれしそうだった。"


class SupportPlanFactory(factory.django.DjangoModelFactory):
    """A draft plan of one year from today, with 3-monthly monitoring."""

    class Meta:
        model = SupportPlan

    case = factory.SubFactory(CaseFactory)
    version = 1
    status = PlanStatus.DRAFT
    person_wishes = "作業所に通い続けて、いつか一人暮らしをしてみたい。"
    family_wishes = "母: 自分が元気なうちに、本人が暮らせる場所を見つけておきたい。"
    overall_policy = (
        "本人の「絵を描くこと」を生かしながら通所を安定させ、母の入院などの変化に備えて"
        "支援チームで役割を分担する。"
    )
    long_term_goal = "グループホームでの生活を体験し、自分に合った暮らし方を選べる。"
    short_term_goal = "週3日の通所を続け、短期入所を1回体験する。"
    period_start = factory.LazyFunction(timezone.localdate)
    period_end = factory.LazyAttribute(lambda p: p.period_start + dt.timedelta(days=364))
    monitoring_frequency = MonitoringFrequency.EVERY_3_MONTHS
    weekly_activities = "朝8時起床、週3日作業所、夕方は自宅で絵を描く。"
    weekly_notes = "月1回 通院（母が付き添い）。"
    author = factory.SubFactory(UserFactory)
    author_organization = factory.SelfAttribute("case.lead_organization")

    class Params:
        agreed = factory.Trait(
            status=PlanStatus.AGREED,
            agreed_on=factory.LazyFunction(timezone.localdate),
            agreement_method=AgreementMethod.SIGNATURE,
        )


class PlanItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanItem

    plan = factory.SubFactory(SupportPlanFactory)
    priority = factory.Sequence(lambda n: n % 5 + 1)
    need = "日中に安心して過ごせる場所がほしい。"
    goal = "作業所に週3日通い続ける。"
    target_date = factory.LazyAttribute(lambda i: i.plan.period_end)
    support_kind = SupportKind.FORMAL
    service_type = ServiceType.EMPLOYMENT_B
    amount = "週3日（月13日）"
    responsible_organization = factory.SelfAttribute("plan.case.lead_organization")
    person_role = "朝8時に自分で起きて、送迎の車に乗る。"
    evaluation_date = factory.LazyAttribute(lambda i: i.plan.period_start + dt.timedelta(days=90))
    notes = "体調の悪い日は無理をせず、作業所に電話で伝える。"


class WeeklyScheduleEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WeeklyScheduleEntry

    plan = factory.SubFactory(SupportPlanFactory)
    weekday = Weekday.MONDAY
    start_time = dt.time(9, 30)
    end_time = dt.time(15, 30)
    activity = "就労継続支援B型"
    provider = "みどり作業所"


class ContingencyTriggerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContingencyTrigger

    case = factory.SubFactory(CaseFactory)
    description = "母の入院"
    preparation = "短期入所先を事前に見学し、受給者証に短期入所の支給量を入れておく。"
    created_by = factory.SubFactory(UserFactory)


class ContingencyActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContingencyAction

    trigger = factory.SubFactory(ContingencyTriggerFactory)
    organization = factory.SelfAttribute("trigger.case.lead_organization")
    contact_name = "田中 一郎"
    contact_phone = "022-123-4567"
    action = "短期入所の利用調整を行い、本人に付き添って入所する。"
    days_to_act = 1


class MonitoringFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Monitoring

    plan = factory.SubFactory(SupportPlanFactory, agreed=True)
    due_on = factory.LazyAttribute(lambda m: m.plan.period_start + dt.timedelta(days=90))


class MonitoringGoalReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonitoringGoalReport

    monitoring = factory.SubFactory(MonitoringFactory)
    plan_item = factory.SubFactory(PlanItemFactory, plan=factory.SelfAttribute("..monitoring.plan"))
    what_happened = "週3日の通所を続けられた。雨の日に1回休んだ。"
    achievement = Achievement.PARTLY
    person_words = "作業所は楽しい。もっと絵を描きたい。"
    satisfaction = Satisfaction.MOSTLY
    what_should_change = "送迎の時間を15分遅らせてもらえるよう作業所と調整する。"


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    title = "短期入所先の見学日程を調整する"
    description = "本人と母の都合のよい日を2つ聞いて、事業所に連絡する。"
    case = factory.SubFactory(CaseFactory)
    owner_organization = factory.LazyAttribute(
        lambda t: t.case.lead_organization if t.case else OrganizationFactory.create()
    )
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=7))
    source = TaskSource.MANUAL
    created_by = factory.SubFactory(UserFactory)
