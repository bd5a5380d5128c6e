"""A case of office A with an agreed plan, its items and monitoring: what a plain plan is
written from.  The person's name is read as recorded (月見里 陽菜 = ヤマナシ ヒナ), not as the
dictionary guesses (つきみさと はるな)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from tsunagu.cases.models import Case
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.people.tests.factories import PersonFactory
from tsunagu.plainplans import services
from tsunagu.plainplans.models import PlainPlan
from tsunagu.plans.models import SupportPlan
from tsunagu.plans.tests.factories import MonitoringFactory, PlanItemFactory, SupportPlanFactory

GOALS = "作業所に 週3日 かよいます。\nグループホームを 1回 ためします。"
PARTS = [
    {"who": "ひだまり工房（作業所）", "what": "月曜日と水曜日と金曜日に、いっしょに働きます。"},
    {"who": "お母さん", "what": "病院に いっしょに 行きます。"},
]


@dataclass
class World:
    case: Case
    plan: SupportPlan
    next_meeting: dt.date


def make_case(personas: Any) -> World:
    today = timezone.localdate()
    person = PersonFactory.create(
        family_name="月見里",
        given_name="陽菜",
        family_name_kana="ヤマナシ",
        given_name_kana="ヒナ",
        registered_by_organization=personas.office_a,
    )
    case = CaseFactory.create(
        person=person,
        lead_organization=personas.office_a,
        lead_worker=personas.counselor_a,
        opened_on=today - dt.timedelta(days=60),
    )
    plan = SupportPlanFactory.create(
        case=case,
        agreed=True,
        author=personas.counselor_a,
        period_start=today - dt.timedelta(days=30),
    )
    PlanItemFactory.create(plan=plan, priority=1, resource_name="ひだまり工房")
    PlanItemFactory.create(
        plan=plan,
        priority=2,
        support_kind="informal",
        service_type="",
        informal_support="母",
        amount="",
        goal="月1回の通院に付き添う。",
    )
    MonitoringFactory.create(plan=plan, due_on=today - dt.timedelta(days=1), status="done")
    upcoming = MonitoringFactory.create(plan=plan, due_on=today + dt.timedelta(days=20))
    MonitoringFactory.create(plan=plan, due_on=today + dt.timedelta(days=110))
    return World(case=case, plan=plan, next_meeting=upcoming.due_on)


def written(personas: Any, case: Case, *, goals: str = GOALS) -> PlainPlan:
    actor = actor_as(personas.counselor_a)
    draft = services.plain_plan_start(actor, case=case)
    return services.plain_plan_update(
        actor,
        plain_plan=draft,
        goals=goals,
        parts=PARTS,
        next_meeting_on=draft.next_meeting_on,
        next_meeting_note="家に 来ます。",
        kanji_grade=2,
    )


def released(personas: Any, case: Case, **family: Any) -> PlainPlan:
    return services.plain_plan_release(
        actor_as(personas.counselor_a), plain_plan=written(personas, case), **family
    )
