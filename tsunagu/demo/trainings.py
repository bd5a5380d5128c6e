"""Demo trainings for みどり市 (issue 18 item 1; seed 000 研修, seed 004 研修企画): a fiscal
year of the core center's trainings.  Those already held have their registrations, attendance
and certificates; those to come are open, one of them full with a waiting list.

Everything goes through the services, as the core center's officer (core1), and the offices'
registrations as their own staff, so each step has its audit row.  Idempotent: once any
training exists, nothing is added.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from tsunagu.accounts.models import User
from tsunagu.core.actor import Origin
from tsunagu.core.dates import fiscal_year as fiscal_year_of
from tsunagu.core.dates import fiscal_year_range
from tsunagu.organizations.actors import actor_for
from tsunagu.organizations.models import (
    Membership,
    Organization,
    OrganizationKind,
    SystemRole,
)
from tsunagu.trainings import services
from tsunagu.trainings.models import TrainingEvent

LECTURE, CASE_STUDY, GROUP_WORK, SITE_VISIT = "lecture", "case_study", "group_work", "site_visit"
OFFICE_KINDS = [
    OrganizationKind.COMMISSIONED_OFFICE.value,
    OrganizationKind.DESIGNATED_PLANNING_OFFICE.value,
    OrganizationKind.CHILD_PLANNING_OFFICE.value,
]

# (month offset from April, day, theme, kind, format, lecturers, capacity)
PROGRAM = (
    (
        0,
        24,
        "相談支援従事者の共通研修（制度と倫理）",
        LECTURE,
        "in_person",
        "高橋 一郎（みどり市障害者支援課）",
        40,
    ),
    (
        1,
        22,
        "対人援助コミュニケーション研修",
        GROUP_WORK,
        "in_person",
        "山田 花子（みどり福祉大学）",
        30,
    ),
    (
        3,
        10,
        "強度行動障害のある人の支援（事例検討）",
        CASE_STUDY,
        "hybrid",
        "佐々木 健（発達障害者支援センター）",
        24,
    ),
    (
        5,
        18,
        "医療的ケア児と家族の相談支援",
        LECTURE,
        "online",
        "小林 真理（みどり市立病院 小児科）",
        60,
    ),
    (
        7,
        6,
        "重層的支援体制強化研修（世帯を支える）",
        GROUP_WORK,
        "in_person",
        "井上 直子（みどり市社会福祉協議会）\n岡田 修（相談支援センター あおば）",
        30,
    ),
    (
        9,
        15,
        "ひきこもり支援と地域資源（見学）",
        SITE_VISIT,
        "in_person",
        "ひきこもり地域支援センター 職員",
        2,
    ),
    (10, 19, "虐待対応の基本と事実確認", LECTURE, "hybrid", "弁護士 森田 誠（みどり弁護士会）", 50),
)


def _members(kinds: list[str]) -> list[Membership]:
    return list(
        Membership.objects.current()
        .filter(organization__kind__in=kinds, organization__has_accounts=True)
        .exclude(role=SystemRole.READ_ONLY)
        .select_related("organization", "user")
        .order_by("organization__code", "user__username")
    )


@transaction.atomic
def seed_and_summarise(officer_username: str = "core1") -> str:
    if TrainingEvent.objects.exists():
        return "研修: 既にあります（追加なし）"
    core = Organization.objects.filter(kind=OrganizationKind.CORE_CENTER).order_by("pk").first()
    officer = User.objects.filter(username=officer_username).first()
    if core is None or officer is None:
        return "研修: 基幹相談支援センターがないため作成しません"
    origin = Origin.command("seed_demo trainings")
    core_actor = actor_for(officer, core, origin=origin)
    today = timezone.localdate()
    start, _end = fiscal_year_range(fiscal_year_of(today))
    members = _members(OFFICE_KINDS)
    events = registrations = attended = 0
    for index, (months, day, theme, kind, fmt, lecturers, capacity) in enumerate(PROGRAM):
        month = (start.month - 1 + months) % 12 + 1
        year = start.year + (start.month - 1 + months) // 12
        held_on = dt.date(year, month, day)
        event = services.event_create(
            core_actor,
            theme=theme,
            kind=kind,
            held_on=held_on,
            starts_at=dt.time(13, 30),
            ends_at=dt.time(16, 30),
            format=fmt,
            place="みどり市総合福祉センター 研修室" if fmt != "online" else "オンライン（Zoom）",
            lecturers=lecturers,
            target_kinds=OFFICE_KINDS,
            target_job_titles=["consultation_specialist", "counselor"],
            capacity=capacity,
            status="announced",
        )
        events += 1
        # Each office registers a rotating share of its own staff; everyone asks for the small
        # site visit, which fills up and keeps a waiting list.
        chosen = [m for i, m in enumerate(members) if (i + index) % 2 == 0] or members
        if capacity < len(members):
            chosen = members
        made = []
        for membership in chosen:
            office_actor = actor_for(membership.user, membership.organization, origin=origin)
            made.append(
                services.registration_create(office_actor, event=event, membership=membership)
            )
            registrations += 1
        if held_on <= today and made:
            marks = {
                r.pk: ("absent" if i % 4 == 3 else "attended")
                for i, r in enumerate(made)
                if r.status == "registered"
            }
            services.attendance_record(core_actor, event=event, marks=marks)
            attended += sum(1 for m in marks.values() if m == "attended")
            if any(m == "attended" for m in marks.values()):
                services.certificates_issue(core_actor, event=event)
    return f"研修: {events}件（申込 {registrations}件、出席 {attended}件）"
