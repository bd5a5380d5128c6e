"""Demo staffing for みどり市 (issue 17 item 6; seed 004 人員体制).

The city set each center's posts from 令和3年度 (when the centers became the network's hubs):
a 機能強化員, a 地域支援員 and a 相談員 each, two 相談員 in the west (さくら: 西区のみ相談員1名増).
Who fills them: the demo accounts where they hold the post, and a few staff who never sign in
(fictional names).  So that the staffing page has something to show:

- あおば's 地域支援員 left on 2026-09-30 and nobody has come since: the center is short now;
- さくら's 地域支援員 post was empty in June and July 2026 (two months) until the next came;
- かえで's 相談員 post was empty from 2025-10-01 to 2025-11-15, in the previous fiscal year.

Posts are set and filled through the services, as the city (city1), so each has its audit row.
Idempotent: once any post exists, nothing is added.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db import transaction

from tsunagu.accounts.models import User
from tsunagu.core.actor import Origin
from tsunagu.organizations import services
from tsunagu.organizations.actors import actor_for
from tsunagu.organizations.models import (
    JobTitle,
    Membership,
    Organization,
    PostKind,
    StaffingPost,
    SystemRole,
)

REQUIRED_FROM = dt.date(2021, 4, 1)  # 令和3年度: seed 004's commission began


@dataclass(frozen=True)
class Holder:
    username: str
    started_on: dt.date = REQUIRED_FROM
    ended_on: dt.date | None = None


@dataclass(frozen=True)
class PostSpec:
    organization: str
    kind: PostKind
    holders: tuple[Holder, ...]
    headcount: int = 1


CBO, CSW = JobTitle.CAPACITY_BUILDING_OFFICER, JobTitle.COMMUNITY_SUPPORT_WORKER

# Staff who fill a post but have no demo account: (username, name, reading, center, job).
STAFF = (
    ("core_soudan1", "松井 彩", "まつい あや", "core-center", JobTitle.COUNSELOR),
    (
        "aoba_kyoka1",
        "中村 裕子",
        "なかむら ゆうこ",
        "office-aoba",
        JobTitle.CAPACITY_BUILDING_OFFICER,
    ),
    ("aoba_chiiki1", "岡田 修", "おかだ おさむ", "office-aoba", CSW),
    (
        "kaede_kyoka1",
        "藤田 恵美",
        "ふじた えみ",
        "office-kaede",
        JobTitle.CAPACITY_BUILDING_OFFICER,
    ),
    (
        "kaede_chiiki1",
        "石井 大樹",
        "いしい だいき",
        "office-kaede",
        JobTitle.COMMUNITY_SUPPORT_WORKER,
    ),
    ("kaede_soudan1", "原 由紀", "はら ゆき", "office-kaede", JobTitle.COUNSELOR),
    (
        "sakura_kyoka1",
        "小川 智子",
        "おがわ ともこ",
        "office-sakura",
        JobTitle.CAPACITY_BUILDING_OFFICER,
    ),
    (
        "sakura_chiiki1",
        "長谷川 亮",
        "はせがわ りょう",
        "office-sakura",
        JobTitle.COMMUNITY_SUPPORT_WORKER,
    ),
    (
        "sakura_chiiki2",
        "今井 真由",
        "いまい まゆ",
        "office-sakura",
        JobTitle.COMMUNITY_SUPPORT_WORKER,
    ),
)

POSTS = (
    PostSpec("core-center", PostKind.CAPACITY_BUILDING_OFFICER, (Holder("core1"),)),
    PostSpec("core-center", PostKind.COMMUNITY_SUPPORT_WORKER, (Holder("core2"),)),
    PostSpec("core-center", PostKind.COUNSELOR, (Holder("core_soudan1"),)),
    PostSpec("office-aoba", PostKind.CAPACITY_BUILDING_OFFICER, (Holder("aoba_kyoka1"),)),
    PostSpec(
        "office-aoba",
        PostKind.COMMUNITY_SUPPORT_WORKER,
        (Holder("aoba_chiiki1", ended_on=dt.date(2026, 9, 30)),),
    ),
    PostSpec("office-aoba", PostKind.COUNSELOR, (Holder("office_a1"),)),
    PostSpec("office-kaede", PostKind.CAPACITY_BUILDING_OFFICER, (Holder("kaede_kyoka1"),)),
    PostSpec("office-kaede", PostKind.COMMUNITY_SUPPORT_WORKER, (Holder("kaede_chiiki1"),)),
    PostSpec(
        "office-kaede",
        PostKind.COUNSELOR,
        (
            Holder("kaede_soudan1", ended_on=dt.date(2025, 9, 30)),
            Holder("office_b1", started_on=dt.date(2025, 11, 16)),
        ),
    ),
    PostSpec("office-sakura", PostKind.CAPACITY_BUILDING_OFFICER, (Holder("sakura_kyoka1"),)),
    PostSpec(
        "office-sakura",
        PostKind.COMMUNITY_SUPPORT_WORKER,
        (
            Holder("sakura_chiiki1", ended_on=dt.date(2026, 5, 31)),
            Holder("sakura_chiiki2", started_on=dt.date(2026, 8, 1)),
        ),
    ),
    PostSpec(
        "office-sakura",
        PostKind.COUNSELOR,
        (Holder("sakura_staff1"), Holder("sakura_staff2")),
        headcount=2,
    ),
)


def _ensure_staff(orgs: dict[str, Organization], created: Counter[str]) -> None:
    for username, name, kana, org_code, job in STAFF:
        if User.objects.filter(username=username).exists():
            continue
        user = User(
            username=username,
            full_name=name,
            full_name_kana=kana,
            email=f"{username}@example.jp",
        )
        user.set_unusable_password()  # fills a post, never signs in
        user.save()
        Membership.objects.create(
            user=user,
            organization=orgs[org_code],
            job_title=job,
            role=SystemRole.STAFF,
            is_primary=True,
        )
        created["staff"] += 1


def seed_staffing() -> Counter[str]:
    created: Counter[str] = Counter()
    city_user = User.objects.filter(username="city1").first()
    if StaffingPost.objects.exists() or city_user is None:
        return created
    orgs = {
        o.code: o for o in Organization.objects.filter(code__in={p.organization for p in POSTS})
    }
    city = actor_for(city_user, origin=Origin.command("seed_demo"))
    with transaction.atomic():
        _ensure_staff(orgs, created)
        for spec in POSTS:
            organization = orgs[spec.organization]
            post = services.staffing_post_create(
                city,
                organization=organization,
                kind=spec.kind,
                headcount=spec.headcount,
                required_from=REQUIRED_FROM,
            )
            created["post"] += 1
            for holder in spec.holders:
                membership = Membership.objects.filter(
                    user__username=holder.username, organization=organization
                ).first()
                if membership is None:  # an account the casework did not create
                    continue
                services.staffing_assignment_add(
                    city,
                    post=post,
                    membership=membership,
                    started_on=holder.started_on,
                    ended_on=holder.ended_on,
                )
                created["assignment"] += 1
    return created


def seed_and_summarise() -> str:
    created = seed_staffing()
    if not created.total():
        return "人員配置: 作成済みのため、新たに作成したものはありません。"
    return (
        f"人員配置を作成しました: 配置{created['post']}件、担当者{created['assignment']}件"
        f"（サインインしない職員{created['staff']}人）"
    )
