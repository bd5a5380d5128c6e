"""The demo core center's training plan for this fiscal year (issue 18 item 3; seed 004 研修
企画): the trainings it planned and why, each linked to the demo training that held it, one
answering a community issue, one a lack of expertise in 北区, one not held though its month has
passed, and the held trainings it did not plan left for the page to show.

Made through the services as the core center's officer (core1), so each step is audited.
Idempotent: once the year's plan exists, nothing is added.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from tsunagu.accounts.models import User
from tsunagu.core.actor import Origin
from tsunagu.core.dates import fiscal_year
from tsunagu.meetings.models import CommunityIssue, IssueStage
from tsunagu.organizations.actors import actor_for
from tsunagu.organizations.models import Organization, OrganizationKind
from tsunagu.trainingplans import selectors, services
from tsunagu.trainingplans.models import TrainingPlan
from tsunagu.trainings.models import TrainingEvent

OFFICES = ["commissioned_office", "designated_planning_office", "child_planning_office"]


@transaction.atomic
def seed_and_summarise(officer_username: str = "core1") -> str:
    year = fiscal_year(timezone.localdate())
    core = Organization.objects.filter(kind=OrganizationKind.CORE_CENTER).order_by("pk").first()
    officer = User.objects.filter(username=officer_username).first()
    if core is None or officer is None:
        return "研修計画: 基幹相談支援センターがないため作成しません"
    if TrainingPlan.objects.filter(organization=core, fiscal_year=year).exists():
        return "研修計画: 既にあります（追加なし）"
    actor = actor_for(officer, core, origin=Origin.command("seed_demo trainingplans"))
    plan = services.plan_create(
        actor,
        fiscal_year=year,
        note="共通研修・対人援助の基礎に加え、地域課題と区ごとの専門性の不足に応える研修を開きます。",
    )
    events = {e.theme: e for e in selectors.center_events(plan)}

    def event(prefix: str) -> list[TrainingEvent]:
        return [e for theme, e in events.items() if theme.startswith(prefix)][:1]

    def month_of(prefix: str, default: int) -> int:
        found = event(prefix)
        return found[0].held_on.month if found else default

    issue = (
        CommunityIssue.objects.exclude(stage=IssueStage.RESOLVED)
        .order_by("-theme", "pk")
        .filter(theme="behavior")
        .first()
        or CommunityIssue.objects.exclude(stage=IssueStage.RESOLVED).order_by("pk").first()
    )
    items: list[dict[str, Any]] = [
        {
            "theme": "相談支援従事者の共通研修（制度と倫理）",
            "month": month_of("相談支援従事者の共通研修", 4),
            "kind": "lecture",
            "need_source": "curriculum_gap",
            "need_note": "共通研修の段階を修了していない新任の職員が各事業所にいるため。",
            "events": event("相談支援従事者の共通研修"),
        },
        {
            "theme": "対人援助コミュニケーション研修",
            "month": month_of("対人援助コミュニケーション研修", 5),
            "kind": "group_work",
            "need_source": "hearing_survey",
            "need_note": "事業所へのヒアリング（前年度3月）で最も多く挙がった希望。",
            "events": event("対人援助コミュニケーション研修"),
        },
        {
            "theme": "強度行動障害のある人の支援（事例検討）",
            "month": month_of("強度行動障害", 7),
            "kind": "case_study",
            "need_source": "community_issue" if issue else "other",
            "community_issue": issue,
            "events": event("強度行動障害"),
        },
        {
            "theme": "医療的ケア児と家族の相談支援",
            "month": month_of("医療的ケア児", 9),
            "kind": "lecture",
            "need_source": "expertise_gap",
            "expertise_theme": "medical_care_child",
            "need_note": "北区・西区で医療的ケア児の支援を担える事業所が少ないため。",
            "events": event("医療的ケア児"),
        },
        {
            "theme": "触法・地域生活定着支援との連携",
            "month": 6,
            "kind": "lecture",
            "need_source": "expertise_gap",
            "expertise_theme": "offending",
            "need_note": "区ごとに相談できる事業所が1か所以下のため。",
        },
        {
            "theme": "8050世帯の支援と地域包括支援センターとの連携",
            "month": 2,
            "kind": "group_work",
            "need_source": "other",
            "need_note": "重層的支援体制の強化として。",
        },
    ]
    for fields in items:
        services.item_create(actor, plan=plan, target_kinds=OFFICES, **fields)
    services.plan_update(actor, plan=plan, status="published")
    return f"研修計画: {plan.fiscal_year}年度（計画した研修 {len(items)}件）"
