"""The demo city's community work (issue 21 items 1-3): a year of activities of the core
center and the two commissioned offices across every kind and ward, awareness events with
their questionnaire and the 障がい者サポーター who completed the training, and outreach leads
of あおば: one that becomes a consultation, one still followed, one closed.  Through the
services, so every step is audited.  Deterministic and idempotent: once an activity exists,
nothing is added.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from tsunagu.accounts.models import User
from tsunagu.community import services
from tsunagu.community.models import ActivityKind, CommunityActivity
from tsunagu.core.actor import Origin
from tsunagu.meetings.models import CommunityIssue
from tsunagu.organizations.actors import actor_for
from tsunagu.organizations.models import Area, Organization

ACCOUNTS = (("core2", "core-center"), ("office_a1", "office-aoba"), ("office_b1", "office-kaede"))
AREAS = (
    "midori-cd-honcho",
    "midori-cd-wakaba",
    "midori-cd-hamamachi",
    "midori-sd-sakuragaoka",
    "midori-chuo",
    "midori-higashi",
    "midori-nishi",
    "midori-kita",
)
TITLES = {
    ActivityKind.NETWORK: "民生委員児童委員協議会の定例会で相談窓口を説明",
    ActivityKind.OUTREACH: "ささえりあと合同で地域の見守り訪問",
    ActivityKind.RESOURCES: "まちづくりセンターで地域の集いの場を聞き取り",
    ActivityKind.AWARENESS: "障がい者サポーター研修",
    ActivityKind.DISASTER: "自主防災組織の避難訓練に参加",
    ActivityKind.LIFE_HUB: "地域生活支援拠点の運営会議（事務局）",
}
THEMES = ("supporter_training", "discrimination", "abuse_prevention", "service_information")
THEME_TITLES = {
    "supporter_training": "障がい者サポーター研修",
    "discrimination": "障害者差別解消法の出前講座（商店会）",
    "abuse_prevention": "虐待防止の研修（事業所向け）",
    "service_information": "福祉サービスの説明会（特別支援学校の保護者）",
}
AUDIENCES = {
    "supporter_training": ["residents", "schools"],
    "discrimination": ["firms"],
    "abuse_prevention": ["agencies"],
    "service_information": ["schools", "residents"],
}


def seed_and_summarise() -> str:
    if CommunityActivity.objects.exists():
        return "地域活動: 既存"
    origin = Origin.command("seed_demo community")
    actors = []
    for username, code in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        org = Organization.objects.filter(code=code).first()
        if user is None or org is None:
            return "地域活動: 機関・職員がないため省略"
        actors.append(actor_for(user, org, origin=origin))
    areas = [a for a in (Area.objects.filter(code=c).first() for c in AREAS) if a is not None]
    if not areas:
        return "地域活動: 地域がないため省略"
    issue = CommunityIssue.objects.order_by("pk").first()
    today = timezone.localdate()
    kinds = list(ActivityKind)
    made = 0
    with transaction.atomic():
        for month in range(12):
            for number, actor in enumerate(actors):
                step = month * len(actors) + number
                kind = kinds[step % len(kinds)]
                held_on = today - dt.timedelta(days=30 * month + 3 * number + 1)
                area = areas[step % len(areas)]
                fields: dict[str, Any] = {
                    "title": TITLES[kind],
                    "held_on": held_on,
                    "area": area,
                    "residents": 4 + step % 9,
                    "welfare_commissioners": 2 + step % 4,
                    "informal_partners": "町内会、ふれあいサロン" if step % 2 else "",
                    "resource_found": "住民の見守りグループ" if kind == "resources" else "",
                    "community_issue": issue if kind == "network" and month == 2 else None,
                }
                if kind == ActivityKind.AWARENESS:
                    theme = THEMES[(step // len(kinds)) % len(THEMES)]
                    students = 25 if "schools" in AUDIENCES[theme] else 0
                    services.awareness_create(
                        actor,
                        **{**fields, "title": THEME_TITLES[theme]},
                        theme=theme,
                        audiences=AUDIENCES[theme],
                        students=students,
                        firms=8 if theme == "discrimination" else 0,
                        supporters_completed=(
                            fields["residents"] + students if theme == "supporter_training" else 0
                        ),
                        questionnaire={
                            "understanding": {"much": 10 + step % 5, "some": 4, "same": 1},
                            "act": {"yes": 12, "unsure": 3},
                        },
                    )
                else:
                    services.activity_create(actor, kind=kind, **fields)
                made += 1
        aoba = actors[1]
        district = areas[0]
        lead = services.lead_create(
            aoba,
            label="Kさん（50代）",
            area=district,
            worried_by="welfare_commissioner",
            concern="母親が亡くなってから外に出ていない様子。食事がとれているか心配。",
            received_on=today - dt.timedelta(days=40),
            basis="consent",
            consent_given_on=today - dt.timedelta(days=40),
            consent_confirmed_by="本町地区の民生委員",
        )
        services.lead_contact(aoba, lead=lead, on=today - dt.timedelta(days=33))
        consultation = services.lead_connect(
            aoba,
            lead=lead,
            received_at=timezone.now() - dt.timedelta(days=30),
            main_concern="民生委員からのつなぎ。母親の死去後、外出が減り食事も不規則。",
        )
        services.activity_create(
            aoba,
            kind=ActivityKind.OUTREACH,
            title="民生委員と自宅を訪問し、相談につないだ",
            held_on=today - dt.timedelta(days=30),
            area=district,
            welfare_commissioners=1,
            consultation=consultation,
        )
        followed = services.lead_create(
            aoba,
            label="Tくん（中学生）",
            area=areas[3 % len(areas)],
            worried_by="school",
            concern="欠席が続き、家庭と連絡がとれないと学校が心配している。",
            received_on=today - dt.timedelta(days=12),
            basis="consent",
            consent_given_on=today - dt.timedelta(days=10),
            consent_confirmed_by="保護者（学校経由）",
        )
        services.lead_contact(aoba, lead=followed, on=today - dt.timedelta(days=5))
        closed = services.lead_create(
            aoba,
            label="Sさん",
            area=areas[1 % len(areas)],
            worried_by="neighbor",
            concern="夜に大きな声が聞こえると近所の人が心配している。",
            received_on=today - dt.timedelta(days=60),
            basis="consent",
            consent_given_on=today - dt.timedelta(days=58),
        )
        services.lead_close(
            aoba,
            lead=closed,
            reason="other_agency",
            note="地域包括支援センターが支援中",
            on=today - dt.timedelta(days=50),
        )
    return f"地域活動: {made + 1}件、アウトリーチ3件（1件は相談受付に）"
