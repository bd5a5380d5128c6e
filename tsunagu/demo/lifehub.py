"""The demo city's life hub and residents' activities (issue 21 items 4 and 8).

The core center (core1) records who fills each of the hub's five functions, enters three
residents' activities into the directory with their contact persons' consents (one for the
supporters and the residents, one for the supporters only, one whose public consent was
withdrawn), and keeps three emergency-acceptance requests: one accepted and ended, one
declined, one being arranged.  The hub's operating meeting is the meetings app's
「地域生活支援拠点 運営会議」 (demo/meetings.py), with the core center as secretariat.  Through
the services, so every step is audited.  Idempotent: once a role exists, nothing is added.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from tsunagu.accounts.models import User
from tsunagu.core.actor import Origin
from tsunagu.lifehub import services
from tsunagu.lifehub.models import HubRole
from tsunagu.organizations.actors import actor_for
from tsunagu.organizations.models import Area, Organization

ROLES = (
    ("consultation", "life-hub", "24時間の相談窓口（電話）", None),
    ("consultation", "core-center", "困難な事例の相談と共同支援", None),
    ("emergency", "gh-hidamari", "緊急時の短期入所（併設）", 2),
    ("emergency", "gh-kaze", "緊急時の体験・受け入れの居室", 1),
    ("experience", "gh-komorebi", "ひとり暮らし・グループホームの体験", None),
    ("specialists", "core-center", "強度行動障害の研修と人材の養成", None),
    ("community", "core-center", "運営会議の事務局・地域の体制づくり", None),
    ("community", "commissioner-honcho", "見守りと地域のつながり", None),
)
ACTIVITIES = (
    {
        "name": "ふれあいサロン ほのぼの",
        "kind": "salon",
        "group_name": "本町二丁目町内会 ほのぼの会",
        "area": "midori-honcho",
        "contact_name": "山吹 和子",
        "description": "毎週水曜の午後、集会所でお茶と体操。障がいのある方も歓迎です。",
        "scopes": ["network", "public"],
    },
    {
        "name": "見守りの会 けやき",
        "kind": "watch_over",
        "group_name": "けやき団地自治会",
        "area": "midori-wakaba",
        "contact_name": "柊 一郎",
        "description": "ひとり暮らしの方への声かけと安否の確認。",
        "scopes": ["network"],
    },
    {
        "name": "おすそわけ食堂",
        "kind": "food_support",
        "group_name": "浜町フードの会",
        "area": "midori-hamamachi",
        "contact_name": "榎 美樹",
        "description": "月2回の食事会と食品の配布。",
        "scopes": ["network", "public"],
        "withdraw": "public",
    },
)


def _org(code: str) -> Organization | None:
    return Organization.objects.filter(code=code).first()


def seed_and_summarise() -> str:
    if HubRole.objects.exists():
        return "地域生活支援拠点: 既存"
    core_user = User.objects.filter(username="core1").first()
    core_org = _org("core-center")
    if core_user is None or core_org is None:
        return "地域生活支援拠点: 基幹相談支援センターがないため省略"
    core = actor_for(core_user, core_org, origin=Origin.command("seed_demo lifehub"))
    today = timezone.localdate()
    roles = activities = requests = 0
    with transaction.atomic():
        for function, code, description, capacity in ROLES:
            org = _org(code)
            if org is None:
                continue
            services.role_add(
                core,
                function=function,
                organization=org,
                description=description,
                capacity=capacity,
                since=dt.date(2025, 4, 1),
            )
            roles += 1
        for spec in ACTIVITIES:
            activity = services.activity_create(
                core,
                name=str(spec["name"]),
                kind=str(spec["kind"]),
                group_name=str(spec["group_name"]),
                area=Area.objects.filter(code=str(spec["area"])).first(),
                contact_name=str(spec["contact_name"]),
                description=str(spec["description"]),
                consented_by_name=str(spec["contact_name"]),
                consented_by_role="代表",
                consented_on=today - dt.timedelta(days=60),
                method="書面",
                scopes=list(spec["scopes"]),
            )
            if "withdraw" in spec:
                services.consent_withdraw(
                    core,
                    activity=activity,
                    scope=str(spec["withdraw"]),
                    note="会の方針で、市民向けの掲載は見合わせたいとのこと。",
                )
            activities += 1
        now = timezone.now()
        office = _org("office-aoba")
        short_stay = _org("gh-hidamari")
        ended = services.emergency_receive(
            core,
            reason="caregiver_illness",
            situation="40代、知的障害（区分5）。同居の母が急病で入院。夜間の見守りが必要。",
            requesting_organization=office,
            received_at=now - dt.timedelta(days=40),
        )
        if short_stay is not None:
            services.emergency_accept(
                core, request=ended, accepted_by=short_stay, stay_from=today - dt.timedelta(days=40)
            )
            services.emergency_end(core, request=ended, stay_until=today - dt.timedelta(days=34))
        declined = services.emergency_receive(
            core,
            reason="behaviour",
            situation="20代、自閉症。本人の状態が不安定で、家族だけでは難しい。",
            requesting_organization=_org("plan-hidamari"),
            received_at=now - dt.timedelta(days=12),
        )
        services.emergency_decline(
            core, request=declined, reason="医療的な対応が必要で、受け入れ先の体制が整わなかった"
        )
        services.emergency_receive(
            core,
            reason="caregiver_absence",
            situation="60代、身体障害。介護者の親族の葬儀のため3日間。",
            requesting_organization=office,
            received_at=now - dt.timedelta(hours=5),
        )
        requests = 3
    return (
        f"地域生活支援拠点: 機能の担い手 {roles}件、住民の活動 {activities}件、"
        f"緊急時の受け入れ依頼 {requests}件"
    )
