"""The demo city's evacuation-support list and one open safety check (issue 20 items 6, 7).

The city department (city1) sets the criteria (手帳1・2級, 療育A, 精神1級, 区分4以上) and builds
the list from the demo persons; every other person consents to normal-time sharing; the core
center (core1) writes two 個別避難計画; the city declares a safety check for 中央区 with the
core center and the 民生委員 named, and the core center records a few states; a ward
officer's phone sends one from an older version: a conflict for the core center to settle.
Through the services, so every step is audited.  Deterministic and idempotent: once a
campaign exists, nothing is added.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction

from tsunagu.accounts.models import User
from tsunagu.core.actor import Actor, Origin
from tsunagu.disaster import access, services
from tsunagu.disaster.models import Campaign, CheckState
from tsunagu.organizations.actors import actor_for
from tsunagu.organizations.models import Area, Organization, OrganizationKind

STATES = (CheckState.SAFE, CheckState.EVACUATED, CheckState.NEEDS_HELP, CheckState.NOT_REACHED)
PLANS = (
    {
        "helpers": "隣家の住民（自主防災組織）、担当の相談支援専門員",
        "destination": "本町小学校（福祉避難スペース）",
        "belongings": "お薬手帳、常用薬3日分、補聴器の電池",
        "medical_needs": "服薬の時間を守る。",
        "contact": "姉（市内在住）",
    },
    {
        "helpers": "民生委員、同じマンションの管理人",
        "destination": "中央区福祉避難所（みどり福祉センター）",
        "belongings": "車いすの充電器、吸引器",
        "medical_needs": "たん吸引が必要。電源の確保。",
        "contact": "訪問看護ステーション",
    },
)


def seed_and_summarise() -> str:
    if Campaign.objects.exists():
        return "避難支援: 既存"
    origin = Origin.command("seed_demo disaster")
    city_user = User.objects.filter(username="city1").first()
    core_user = User.objects.filter(username="core1").first()
    city_org = (
        Organization.objects.filter(kind=OrganizationKind.CITY_DEPARTMENT).order_by("pk").first()
    )
    core_org = Organization.objects.filter(kind=OrganizationKind.CORE_CENTER).order_by("pk").first()
    ward = Area.objects.filter(code="midori-chuo").first()
    if not (city_user and core_user and city_org and core_org and ward):
        return "避難支援: 市・基幹・中央区がないため省略"
    city = actor_for(city_user, city_org, origin=origin)
    core = actor_for(core_user, core_org, origin=origin)
    with transaction.atomic():
        services.criteria_set(
            city,
            physical_grades=["1", "2"],
            intellectual_grades=["A"],
            mental_grades=["1"],
            min_support_category=4,
            living_alone=False,
            medical_equipment=True,
        )
        entries = sorted(services.register_build(city), key=lambda e: e.person_id)
        for number, entry in enumerate(entries):
            if number % 2 == 0:
                services.consent_record(city, entry=entry, given=True)
        for entry, plan in zip(entries, PLANS, strict=False):
            services.plan_save(core, entry=entry, **plan)
        commissioners = Organization.objects.filter(
            kind=OrganizationKind.WELFARE_COMMISSIONER
        ).order_by("pk")
        campaign = services.campaign_declare(
            city,
            title="台風第10号による大雨（デモ）",
            areas=[ward],
            workers=[core_org, *commissioners],
        )
        listed = list(access.campaign_entries(campaign).order_by("person_id"))
        for entry, state in zip(listed, STATES, strict=False):
            services.check_record(
                core,
                campaign=campaign,
                entry=entry,
                state=state,
                evacuated_to="本町小学校" if state == CheckState.EVACUATED else "",
            )
        conflicts = _conflict(city, campaign, listed[:1])
    return (
        f"避難支援: 名簿{len(entries)}人、安否確認1件（中央区、対象{len(listed)}人、"
        f"記録{min(len(listed), len(STATES))}件、競合{conflicts}件）"
    )


def _conflict(helper: Actor, campaign: Campaign, entries: list[Any]) -> int:
    """A ward officer's phone, offline since before the core center's first state, sends
    another state for the same person from the version it saw (none): a conflict for the core
    center to settle on the campaign page (ADR 0020)."""
    if not entries or not access.may_record(helper, campaign):
        return 0
    item = services.SyncItem(
        client_id=uuid.uuid5(uuid.NAMESPACE_URL, "tsunagu-demo/disaster/conflict"),
        entry_id=entries[0].pk,
        state=CheckState.NEEDS_HELP,
        base=None,
        note="玄関先で会えた。足が不自由で避難所まで歩けない。",
    )
    results = services.checks_sync(helper, campaign=campaign, items=[item])
    return sum(1 for r in results if r.status == "conflict")
