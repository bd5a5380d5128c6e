"""Demo plan in plain words for みどり市 (issue 22 item 2): one person, living with their
mother, whose counselor rewrote the agreed plan in やさしい日本語 and released it, the person
allowing their mother to see the goals and the next meeting (not what each helper does).

The person is `demo_case()`'s: the first open case (by id) with an agreed plan whose household
has the person and a mother living together.  The portal's demo (issue 22 item 1) invites that
person and that mother.  Through the services with an Actor, so each step has its audit row.
Idempotent: once any plain plan exists, nothing is added.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tsunagu.cases.models import Case, CaseStatus
from tsunagu.core.actor import Origin
from tsunagu.organizations.actors import actor_for
from tsunagu.organizations.models import Membership
from tsunagu.people.models import HouseholdMember, Relationship
from tsunagu.plainplans import services
from tsunagu.plainplans.models import PlainPlan
from tsunagu.plans.models import PlanStatus, ServiceType, SupportKind

GOALS = "\n".join(
    [
        "毎日 元気に すごします。",
        "自分の ペースで 働きます。",
        "こまったときは、すぐに 相談します。",
    ]
)
# What a kind of service does, said plainly; an item of another kind keeps its words.
PLAIN_PARTS = {
    ServiceType.EMPLOYMENT_B: "いっしょに 働きます。体調が 悪い日は 休めます。",
    ServiceType.EMPLOYMENT_A: "いっしょに 働きます。お給料が 出ます。",
    ServiceType.DAILY_LIFE_CARE: "昼間に いっしょに 活動します。",
    ServiceType.HOME_HELP: "家に 来て、そうじや 料理を 手伝います。",
    ServiceType.GROUP_HOME: "グループホームで くらしを 手伝います。",
    ServiceType.SHORT_STAY: "お母さんが いないときに、とまる 場所です。",
    ServiceType.DAY_CENTER: "週に 1回 かよって、話を します。",
}
INFORMAL_PART = "いっしょに くらして、話を 聞きます。"
MEETING_NOTE = "家に 来て、話を 聞きます。「どう？」と 聞きます。"


def demo_case() -> Case | None:
    """The demo's case for the plan in plain words (and the portal's invitations)."""
    mothers = HouseholdMember.objects.current().filter(
        relationship=Relationship.MOTHER, lives_together=True
    )
    return (
        Case.objects.exclude(status=CaseStatus.CLOSED)
        .filter(
            support_plans__status=PlanStatus.AGREED,
            household__members__in=mothers,
            lead_worker__isnull=False,
        )
        .select_related("person", "lead_worker", "lead_organization")
        .order_by("pk")
        .first()
    )


@transaction.atomic
def seed_and_summarise() -> str:
    if PlainPlan.objects.exists():
        return "わかりやすい計画: 既にあります（追加なし）"
    case = demo_case()
    if case is None:
        return "わかりやすい計画: 母と暮らす本人の合意済みの計画がないため作成しません"
    membership = (
        Membership.objects.current()
        .filter(user=case.lead_worker, organization=case.lead_organization)
        .first()
    )
    if membership is None:
        return "わかりやすい計画: 担当者の所属がないため作成しません"
    actor = actor_for(
        membership.user, membership.organization, origin=Origin.command("seed_demo plainplans")
    )
    draft = services.plain_plan_start(actor, case=case)
    parts = []
    for part in draft.parts.select_related("plan_item"):
        item = part.plan_item
        what = part.what
        if item is not None and item.support_kind == SupportKind.INFORMAL:
            what = INFORMAL_PART
        elif item is not None and item.service_type in PLAIN_PARTS:
            what = PLAIN_PARTS[ServiceType(item.service_type)]
        parts.append({"who": part.who, "what": what, "plan_item": item})
    services.plain_plan_update(
        actor,
        plain_plan=draft,
        goals=GOALS,
        parts=parts,
        next_meeting_on=draft.next_meeting_on,
        next_meeting_note=MEETING_NOTE,
        kanji_grade=3,
    )
    services.plain_plan_release(
        actor,
        plain_plan=draft,
        family_goals=True,
        family_meeting=True,
        family_allowed_on=timezone.localdate(),
        family_allowed_note="お母さんには、目標と次に会う日を見せてよい（本人の言葉）。",
    )
    return f"わかりやすい計画: {case.person} さんに公開しました（母は目標と次に会う日）"
