"""Demo plans for みどり市: assessments, agreed support plans with the team's roles, monitoring
(most of it reported, some of it due or overdue), contingency plans for the 8050 households,
and the tasks they create.

Built through the services, as a counselor would build them, so that the demo obeys every rule
of the real screens (items name organizations on the team, monitoring follows the plan, tasks
go to the organizations named).  Deterministic and idempotent: nothing is made when any plan
exists.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass

from django.db import transaction

from tsunagu.cases.access import active_team_members
from tsunagu.cases.models import Case, CaseStatus
from tsunagu.core.actor import Actor, Origin
from tsunagu.directory.models import ResourceStatus, SocialResource
from tsunagu.organizations.actors import actor_for
from tsunagu.people.models import HouseholdConcern
from tsunagu.plans import selectors, services
from tsunagu.plans.models import MonitoringFrequency, ServiceType, SupportKind, SupportPlan
from tsunagu.plans.schedule import add_months

SEED = 20261201
# The demo casework stops here (tsunagu/demo/cases.py), so every date is fixed.
LAST_DAY = dt.date(2026, 11, 20)
PLANNED_STATUSES = (CaseStatus.PLANNING, CaseStatus.SUPPORT, CaseStatus.MONITORING)
MAX_PLANS = 40


@dataclass(frozen=True)
class Need:
    need: str
    goal: str
    service: str
    amount: str
    role: str


NEEDS: dict[str, list[Need]] = {
    "default": [
        Need(
            "日中に安心して過ごせる場所がほしい。",
            "日中活動の場に週3日通い続ける。",
            ServiceType.DAILY_LIFE_CARE,
            "週3日（月13日）",
            "朝8時に起きて、送迎の車に乗る。",
        ),
        Need(
            "家の中のことを少しずつ自分でできるようになりたい。",
            "ヘルパーと一緒に週2回、夕食を作る。",
            ServiceType.HOME_HELP,
            "週2回 1回1.5時間",
            "献立を一つ自分で決める。",
        ),
        Need(
            "お金のことで困らないようにしたい。",
            "月の生活費を週ごとに分けて使える。",
            ServiceType.GUARDIANSHIP,
            "月2回",
            "レシートを袋に入れて取っておく。",
        ),
    ],
    "mental": [
        Need(
            "体調を崩さずに暮らしたい。",
            "月2回の通院と服薬を続ける。",
            ServiceType.VISITING_NURSING,
            "週1回 訪問看護",
            "薬カレンダーに印をつける。",
        ),
        Need(
            "人と話せる場所がほしい。",
            "地域活動支援センターに週1回顔を出す。",
            ServiceType.DAY_CENTER,
            "週1回",
            "行けない日は電話で伝える。",
        ),
    ],
    "employment": [
        Need(
            "働いて自分のお金を得たい。",
            "就労継続支援B型で週4日作業する。",
            ServiceType.EMPLOYMENT_B,
            "週4日（月17日）",
            "作業日誌を自分でつける。",
        ),
    ],
}
INFORMAL = Need(
    "近所に顔見知りをつくりたい。",
    "町内のサロンに月1回参加する。",
    "",
    "",
    "サロンの日をカレンダーに書く。",
)
ACTIONS = {
    "lead": "本人の安否を確認し、短期入所などの受け入れ先を調整する。",
    "core_center": "緊急時の受け入れ先を一緒に探し、支援会議を招集する。",
    "elderly_support_center": "親の介護保険サービスと入院中の手続きを調整する。",
    "hospital": "入院時に本人の状況を病棟に伝え、退院の調整に加わる。",
    "ward_office": "支給量の変更を急ぎで決定する。",
    "service_provider": "通所の時間を延ばし、日中の居場所を確保する。",
    "other": "連絡を受けたら当日中に本人宅を訪問する。",
}
TRIGGERS = [
    ("母の入院", "短期入所先を事前に見学し、受給者証に短期入所の支給量を入れておく。"),
    ("主介護者の死亡", "成年後見の利用について、今のうちに本人と家族で話し合っておく。"),
    ("家賃滞納3か月", "家計の状況を毎月一緒に確認し、生活困窮の窓口とつないでおく。"),
]


def _actor_for(case: Case) -> Actor:
    """The case's lead worker, acting for the lead, as the screens would act."""
    assert case.lead_worker is not None  # noqa: S101  # the query asks for one
    return actor_for(
        case.lead_worker, case.lead_organization_id, origin=Origin.command("seed_demo")
    )


def _needs_for(case: Case, rng: random.Random) -> list[Need]:
    person = case.person
    category = person.primary_category if person else ""
    pool = list(NEEDS["default"])
    if category == "mental":
        pool = NEEDS["mental"] + pool[:1]
    if person and person.birth_date and LAST_DAY.year - person.birth_date.year < 50:
        pool += NEEDS["employment"]
    rng.shuffle(pool)
    return pool[: rng.randint(2, 3)]


def _directory() -> dict[str, list[SocialResource]]:
    """The demo directory's active resources by service-type term (tsunagu/demo/directory.py;
    seed_demo seeds its resources before the plans).  Empty when there is no directory."""
    resources: dict[str, list[SocialResource]] = {}
    for resource in (
        SocialResource.objects.filter(status=ResourceStatus.ACTIVE)
        .select_related("service_type")
        .order_by("hsds_id")
    ):
        resources.setdefault(resource.service_type.code, []).append(resource)
    return resources


def _pick(directory: dict[str, list[SocialResource]], code: str, n: int) -> SocialResource | None:
    """One resource of the term, spread over the cases (a plain rule: the shared random
    sequence stays as it was, and so does the rest of the demo)."""
    choices = directory.get(code, [])
    return choices[n % len(choices)] if choices else None


def _build(
    case: Case,
    rng: random.Random,
    created: Counter[str],
    directory: dict[str, list[SocialResource]] | None = None,
    n: int = 0,
) -> None:
    directory = directory or {}
    actor = _actor_for(case)
    if actor.membership is None:
        return
    team = [
        m.organization
        for m in active_team_members(on=LAST_DAY)
        .filter(case=case)
        .select_related("organization")
        .order_by("joined_on", "pk")
    ]
    others = [o for o in team if o.pk != case.lead_organization_id]
    start = max(case.opened_on + dt.timedelta(days=rng.randint(14, 45)), dt.date(2024, 4, 1))
    # The plan in force on the demo's last day: a year-long plan renewed each year.
    while add_months(start, 12) <= LAST_DAY:
        start = add_months(start, 12)
    if start > LAST_DAY - dt.timedelta(days=20):
        return
    subjects = selectors.assessment_subjects(case)
    if not subjects:
        return
    first, *rest = subjects
    services.assessment_save(
        actor=actor,
        case=case,
        assessed_on=start - dt.timedelta(days=7),
        based_on=0,
        data={
            "interactions": rng.choice(
                [
                    "親の高齢化で、本人の通所の送り出しが難しい日が増えている。",
                    "家計が苦しく、本人の年金が世帯の生活費に回っている。",
                    "きょうだいが遠方に住み、主介護者の負担が大きい。",
                ]
            ),
            "risks": rng.choice(
                [
                    "主介護者が倒れたときに本人を支える人がいない。",
                    "服薬が途切れると入院になりやすい。",
                ]
            ),
            "household_strengths": "近所に親しい人がいて、民生委員の見守りがある。",
            "summary": "本人の希望を軸に、家族の変化に備えて支援チームで役割を分ける。",
        },
        sections=[
            {
                "person_id": first[0].pk,
                "wishes": rng.choice(
                    [
                        "今の家で暮らし続けたい。",
                        "いつかグループホームで暮らしてみたい。",
                        "働いて自分のお金で好きな物を買いたい。",
                    ]
                ),
                "motivating_moments": rng.choice(
                    [
                        "好きな電車の話をするとき、表情が明るくなる。",
                        "作業所で自分の作品が飾られたとき、とてもうれしそうだった。",
                        "飼い猫の話になると、自分から話し始める。",
                    ]
                ),
                "strengths": "決まったことをこつこつ続けられる。",
            },
            *[{"person_id": p.pk, "health": "通院中。"} for p, _label in rest[:2]],
        ],
    )
    created["assessment"] += 1
    frequency = (
        MonitoringFrequency.MONTHLY if case.is_complex else MonitoringFrequency.EVERY_3_MONTHS
    )
    plan = services.plan_create(
        actor=actor,
        case=case,
        data={
            "person_wishes": "自分のペースで、今の暮らしを続けたい。",
            "family_wishes": "親が元気なうちに、本人が安心できる暮らし方を見つけたい。",
            "overall_policy": "本人の好きなことを手がかりに日中の居場所を安定させ、"
            "家族の状況の変化に支援チームで備える。",
            "long_term_goal": "自分に合った暮らし方を、自分で選べるようになる。",
            "short_term_goal": "日中活動を続け、困ったときに相談できる人を増やす。",
            "period_start": start,
            "period_end": add_months(start, 12) - dt.timedelta(days=1),
            "monitoring_frequency": frequency,
            "monitoring_dates": [],
            "weekly_activities": "平日は日中活動、週末は家族と過ごす。",
            "weekly_notes": "月1回 通院。",
        },
    )
    needs = _needs_for(case, rng)
    first_provider = ""
    for priority, need in enumerate(needs, start=1):
        org = others[(priority - 1) % len(others)] if others else case.lead_organization
        # The provider of the service, from the directory (issue 16, item 7): the team
        # organization stays responsible for the item, the provider delivers the service.
        resource = _pick(directory, selectors.SERVICE_TYPE_TERMS.get(need.service, ""), n)
        if priority == 1 and resource is not None:
            first_provider = resource.provider.name
        services.plan_item_save(
            actor=actor,
            plan=plan,
            data={
                "priority": priority,
                "need": need.need,
                "goal": need.goal,
                "target_date": add_months(start, 6),
                "support_kind": SupportKind.FORMAL,
                "service_type": need.service,
                "amount": need.amount,
                "informal_support": "",
                "responsible_organization": org,
                "responsible_worker": case.lead_worker
                if org.pk == case.lead_organization_id
                else None,
                "resource": resource,
                "responsible_name": "",
                "person_role": need.role,
                "evaluation_date": add_months(start, 6),
                "notes": "",
            },
        )
    services.plan_item_save(
        actor=actor,
        plan=plan,
        data={
            "priority": 9,
            "need": INFORMAL.need,
            "goal": INFORMAL.goal,
            "target_date": None,
            "support_kind": SupportKind.INFORMAL,
            "service_type": "",
            "amount": "",
            "informal_support": "民生委員の声かけ、町内会のサロン",
            "responsible_organization": None,
            "responsible_worker": None,
            "resource": _pick(directory, "salon", n),
            "responsible_name": "地区の民生委員",
            "person_role": INFORMAL.role,
            "evaluation_date": None,
            "notes": "",
        },
    )
    provider = first_provider or (others[0] if others else case.lead_organization).name
    for weekday in rng.sample(range(5), 3):
        services.weekly_entry_add(
            actor=actor,
            plan=plan,
            weekday=weekday,
            start_time=dt.time(9, 30),
            end_time=dt.time(15, 30),
            activity=str(ServiceType(needs[0].service).label),
            provider=provider,
        )
    services.weekly_entry_add(
        actor=actor,
        plan=plan,
        weekday=5,
        start_time=dt.time(14, 0),
        end_time=dt.time(16, 0),
        activity="地域のサロン",
        provider="地区の民生委員",
    )
    services.plan_agree(
        actor=actor, plan=plan, agreed_on=start, method="signature", note="本人が署名。"
    )
    created["plan"] += 1
    # Report the monitorings that fell due before the demo's last day, but leave the latest
    # one open in every fourth plan: the dashboard then shows overdue monitoring.
    due = list(plan.monitorings.filter(due_on__lte=LAST_DAY).order_by("due_on"))
    if due and rng.random() < 0.25:
        due = due[:-1]
    items = list(plan.items.order_by("priority"))
    for monitoring in due:
        services.monitoring_report(
            actor=actor,
            monitoring=monitoring,
            conducted_on=monitoring.due_on,
            data={
                "overall": rng.choice(
                    [
                        "大きな変化はなく、日中活動を続けられている。",
                        "体調を崩した時期があったが、今は落ち着いている。",
                        "家族の通院が増え、送り出しの負担が大きくなっている。",
                    ]
                ),
                "person_words": rng.choice(["楽しい。", "少し疲れる。", "続けたい。"]),
                "satisfaction": rng.choice(["satisfied", "mostly", "unsure"]),
                "plan_change_needed": False,
                "next_steps": "今の支援を続ける。",
            },
            goal_reports={
                item.pk: {
                    "what_happened": "予定どおり支援を受けられた。",
                    "achievement": rng.choice(["achieved", "partly", "not_yet"]),
                    "person_words": "",
                    "satisfaction": rng.choice(["satisfied", "mostly"]),
                    "what_should_change": "",
                }
                for item in items[:2]
            },
        )
        created["monitoring"] += 1
    if _is_8050(case):
        description, preparation = rng.choice(TRIGGERS)
        trigger = services.contingency_create(
            actor=actor, case=case, description=description, preparation=preparation
        )
        for org in [case.lead_organization, *others[:2]]:
            services.contingency_action_add(
                actor=actor,
                trigger=trigger,
                organization=org,
                action=ACTIONS["lead"]
                if org.pk == case.lead_organization_id
                else ACTIONS.get(org.kind, ACTIONS["other"]),
                days_to_act=1,
            )
        created["contingency"] += 1


def _is_8050(case: Case) -> bool:
    household = case.household
    return household is not None and HouseholdConcern.EIGHTY_FIFTY in (household.concerns or [])


def seed_plans() -> Counter[str]:
    created: Counter[str] = Counter()
    if SupportPlan.objects.exists():
        return created
    rng = random.Random(SEED)  # noqa: S311  # demo data, not secrets: reproducible on purpose
    open_cases = (
        Case.objects.filter(status__in=PLANNED_STATUSES, lead_worker__isnull=False)
        .select_related("person", "household", "lead_organization", "lead_worker")
        .order_by("pk")
    )
    # The 8050 households first: their plans are the ones with an Xデー to prepare for.
    cases = sorted(open_cases, key=lambda c: (not _is_8050(c), c.pk))[:MAX_PLANS]
    directory = _directory()
    with transaction.atomic():
        for n, case in enumerate(cases):
            _build(case, rng, created, directory, n)
    return created


def seed_and_summarise() -> str:
    created = seed_plans()
    if not created.total():
        return "支援計画: 作成済みのため、新たに作成したものはありません。"
    return (
        f"支援計画を作成しました: アセスメント {created['assessment']}件、"
        f"計画 {created['plan']}件、モニタリング記録 {created['monitoring']}件、"
        f"Xデーの備え {created['contingency']}件"
    )
