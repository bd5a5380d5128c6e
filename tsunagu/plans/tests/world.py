"""A plan world built through the services, as the screens would build it: a person and her
mother, a case of office A with the core center and a day-activity provider on its team, an
agreed plan with items for the three organizations and a weekly schedule, its monitorings (the
first one reported), a contingency trigger with an action, and tasks.

Used by the API, export and FHIR tests of this app (and by the access matrix).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from tsunagu.cases.models import Case, CaseStatus, SharingBasis, TeamRole
from tsunagu.cases.tests.factories import CaseFactory, TeamMemberFactory
from tsunagu.organizations.models import Organization, OrganizationKind
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.organizations.tests.factories import OrganizationFactory
from tsunagu.people.models import Person, Relationship
from tsunagu.people.tests.factories import (
    HouseholdFactory,
    HouseholdMemberFactory,
    PersonFactory,
)
from tsunagu.plans import services
from tsunagu.plans.models import (
    Assessment,
    ContingencyAction,
    ContingencyTrigger,
    Monitoring,
    MonitoringFrequency,
    PlanItem,
    ServiceType,
    SupportKind,
    SupportPlan,
    Task,
    TaskSource,
    Weekday,
)


@dataclass
class PlanWorld:
    person: Person
    mother: Person
    case: Case
    provider: Organization  # みどり作業所, on the team through a support meeting
    assessment: Assessment
    plan: SupportPlan  # agreed
    items: list[PlanItem]  # office A, the core center, the provider (and an informal one)
    monitoring: Monitoring  # the first, reported
    next_monitoring: Monitoring  # still scheduled
    trigger: ContingencyTrigger
    action: ContingencyAction
    task: Task  # office A's part of the plan


def build_plan_world(personas) -> PlanWorld:
    today = timezone.localdate()
    office_a = personas.office_a
    lead = actor_as(personas.counselor_a, office_a)
    person = PersonFactory.create(
        family_name="佐藤",
        given_name="花子",
        family_name_kana="サトウ",
        given_name_kana="ハナコ",
        birth_date=dt.date(1994, 7, 15),
        sex="female",
        support_category="3",
        recipient_numbers="0412345678",
        registered_by_organization=office_a,
    )
    mother = PersonFactory.create(
        family_name="佐藤",
        given_name="恵子",
        family_name_kana="サトウ",
        given_name_kana="ケイコ",
        birth_date=dt.date(1962, 3, 3),
        sex="female",
        registered_by_organization=office_a,
    )
    household = HouseholdFactory.create(name="佐藤さん世帯", registered_by_organization=office_a)
    HouseholdMemberFactory.create(household=household, person=person)
    HouseholdMemberFactory.create(
        household=household, person=mother, relationship=Relationship.MOTHER
    )
    case = CaseFactory.create(
        person=person,
        household=household,
        title="佐藤花子さんの支援",
        status=CaseStatus.SUPPORT,
        lead_organization=office_a,
        lead_worker=personas.counselor_a,
        opened_on=today - dt.timedelta(days=200),
    )
    TeamMemberFactory.create(
        case=case,
        organization=personas.core_center,
        worker=personas.core_officer,
        role=TeamRole.JOINT,
        basis=SharingBasis.STATUTORY_MEETING,
        added_by=personas.counselor_a,
        joined_on=today - dt.timedelta(days=150),
    )
    provider = OrganizationFactory.create(
        code="midori-sagyosho",
        name="就労継続支援B型 みどり作業所",
        kind=OrganizationKind.SERVICE_PROVIDER,
        phone="022-234-5678",
    )
    TeamMemberFactory.create(
        case=case,
        organization=provider,
        role=TeamRole.SERVICE,
        basis=SharingBasis.STATUTORY_MEETING,
        added_by=personas.counselor_a,
        joined_on=today - dt.timedelta(days=150),
    )
    assessment = services.assessment_save(
        actor=lead,
        case=case,
        assessed_on=today - dt.timedelta(days=120),
        based_on=0,
        data={
            "interactions": "母の通院が増え、本人の通所の送り出しが難しい日がある。",
            "risks": "母が入院すると本人を支える人がいない。",
            "household_strengths": "民生委員の見守りがあり、近所に親しい人がいる。",
            "summary": "本人の通所を軸に、母の体調の変化に備える。",
        },
        sections=[
            {
                "person_id": person.pk,
                "wishes": "グループホームで暮らしてみたい。",
                "motivating_moments": "作業所で自分の絵が飾られたとき。",
                "strengths": "絵を描くのが得意。",
            },
            {"person_id": mother.pk, "health": "腰痛で通院中。"},
        ],
    )
    start = today - dt.timedelta(days=100)
    plan = services.plan_create(
        actor=lead,
        case=case,
        data={
            "person_wishes": "作業所に通い続けて、いつか一人暮らしをしてみたい。",
            "family_wishes": "自分が元気なうちに、本人が安心して暮らせる場所を見つけたい。",
            "overall_policy": "本人の「絵を描くこと」を生かしながら通所を安定させ、"
            "母の入院などの変化に支援チームで備える。",
            "long_term_goal": "グループホームでの生活を体験し、暮らし方を自分で選べる。",
            "short_term_goal": "週3日の通所を続け、短期入所を1回体験する。",
            "period_start": start,
            "period_end": start + dt.timedelta(days=364),
            "monitoring_frequency": MonitoringFrequency.MONTHLY,
            "monitoring_dates": [],
            "weekly_activities": "朝8時起床。夕方は自宅で絵を描く。",
            "weekly_notes": "月1回 通院（母が付き添い）。",
        },
    )
    rows = [
        {
            "priority": 1,
            "need": "日中に安心して過ごせる場所がほしい。",
            "goal": "作業所に週3日通い続ける。",
            "target_date": start + dt.timedelta(days=180),
            "support_kind": SupportKind.FORMAL,
            "service_type": ServiceType.EMPLOYMENT_B,
            "amount": "週3日（月13日）",
            "responsible_organization": provider,
            "person_role": "朝8時に自分で起きて、送迎の車に乗る。",
            "evaluation_date": start + dt.timedelta(days=90),
            "notes": "体調の悪い日は作業所に電話する。",
        },
        {
            "priority": 2,
            "need": "母が入院したときも家で困らないようにしたい。",
            "goal": "短期入所を1回体験する。",
            "target_date": start + dt.timedelta(days=270),
            "support_kind": SupportKind.FORMAL,
            "service_type": ServiceType.SHORT_STAY,
            "amount": "年1回 2泊3日",
            "responsible_organization": office_a,
            "responsible_worker": personas.counselor_a,
            "person_role": "見学に行って、泊まってみたい所を選ぶ。",
            "evaluation_date": start + dt.timedelta(days=180),
        },
        {
            "priority": 3,
            "need": "お金のことを自分でも分かるようになりたい。",
            "goal": "月の小遣いを自分で管理できる。",
            "support_kind": SupportKind.FORMAL,
            "service_type": ServiceType.GUARDIANSHIP,
            "amount": "月2回",
            "responsible_organization": personas.core_center,
            "person_role": "小遣い帳をつける。",
        },
        {
            "priority": 4,
            "need": "近所に話せる人がいてほしい。",
            "goal": "民生委員と月1回顔を合わせる。",
            "support_kind": SupportKind.INFORMAL,
            "informal_support": "民生委員の見守り訪問",
            "responsible_name": "民生委員 鈴木さん",
        },
    ]
    for row in rows:
        services.plan_item_save(actor=lead, plan=plan, data=row)
    services.weekly_entry_add(
        actor=lead,
        plan=plan,
        weekday=Weekday.MONDAY,
        start_time=dt.time(9, 30),
        end_time=dt.time(15, 30),
        activity="作業所",
        provider="みどり作業所",
    )
    services.weekly_entry_add(
        actor=lead,
        plan=plan,
        weekday=Weekday.WEDNESDAY,
        start_time=dt.time(9, 30),
        end_time=dt.time(15, 30),
        activity="作業所",
        provider="みどり作業所",
    )
    services.weekly_entry_add(
        actor=lead,
        plan=plan,
        weekday=Weekday.SATURDAY,
        start_time=dt.time(14, 0),
        end_time=dt.time(16, 0),
        activity="絵画教室",
        provider="市民センター",
    )
    plan = services.plan_agree(
        actor=lead,
        plan=plan,
        agreed_on=start,
        method="signature",
        note="本人と母が同席し、署名をもらった。",
    )
    items = list(plan.items.order_by("priority"))
    monitorings = list(plan.monitorings.order_by("due_on"))
    first = monitorings[0]
    first, _new = services.monitoring_report(
        actor=lead,
        monitoring=first,
        conducted_on=first.due_on,
        data={
            "overall": "通所は安定している。母の腰痛が悪化し、送り出しが負担になっている。",
            "person_words": "作業所は楽しい。",
            "satisfaction": "mostly",
            "plan_change_needed": False,
            "next_steps": "短期入所先の見学を来月に行う。",
        },
        goal_reports={
            items[0].pk: {
                "what_happened": "週3日通所できた。雨の日に1回休んだ。",
                "achievement": "partly",
                "person_words": "もっと絵を描きたい。",
                "satisfaction": "satisfied",
                "what_should_change": "送迎の時間を15分遅らせる。",
            },
            items[1].pk: {
                "what_happened": "見学先の候補を2か所に絞った。",
                "achievement": "not_yet",
                "person_words": "ちょっと不安。",
                "satisfaction": "unsure",
                "what_should_change": "",
            },
        },
    )
    trigger = services.contingency_create(
        actor=lead,
        case=case,
        description="母の入院",
        preparation="短期入所先を事前に見学しておく。",
    )
    action = services.contingency_action_add(
        actor=lead,
        trigger=trigger,
        organization=personas.core_center,
        action="緊急の短期入所を調整し、本人に付き添う。",
        contact_name="田中 一郎",
        contact_phone="022-123-4567",
        days_to_act=1,
    )
    task = Task.objects.get(plan_item=items[1], source=TaskSource.PLAN)
    return PlanWorld(
        person=person,
        mother=mother,
        case=case,
        provider=provider,
        assessment=assessment,
        plan=plan,
        items=items,
        monitoring=first,
        next_monitoring=monitorings[1],
        trigger=trigger,
        action=action,
        task=task,
    )
