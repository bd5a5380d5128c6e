"""Demo curricula for みどり市 (issue 18 item 2; seed 001): two curricula built by the core
center from the year of trainings already seeded (tsunagu/demo/trainings.py), with workers at
different stages.

- 相談支援従事者の段階別研修: 共通研修 → 対人援助コミュニケーション研修 → 重層的支援体制強化研修
  (seed 001).  Last fiscal year's sessions of the first two are seeded here too, as held, with
  their attendance: so some workers finished stage 1 last year, some are in stage 2 or 3 now,
  and 伊藤 (office_a2) is done, his last stage met by learning at the prefecture (approved).
- 主任相談支援専門員をめざす研修: field courses this year, then community and rights work
  whose trainings are still to come (what to take next); 田中 (office_a1) entered the
  prefecture's abuse-prevention course, which waits for the core center's approval.

田中 is あおば's 管理者 (job title; seed_demo's accounts), so signing in as office_a1 shows the
office-manager view: her own staff's progress (`/curricula/<id>/overview/`).

Everything goes through the services as the real users (core1 for the center, each office's
staff for its registrations and learning), so each step has its audit row.  Idempotent: once
any curriculum exists, nothing is added.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from tsunagu.accounts.models import User
from tsunagu.core.actor import Actor, Origin
from tsunagu.core.dates import fiscal_year, fiscal_year_range
from tsunagu.curricula import services
from tsunagu.curricula.models import Curriculum, Requirement, Stage
from tsunagu.demo.trainings import OFFICE_KINDS, _members
from tsunagu.organizations.actors import actor_for
from tsunagu.organizations.models import Membership, Organization, OrganizationKind
from tsunagu.trainings import services as trainings
from tsunagu.trainings.models import TrainingEvent

# (stage, requirement, the theme of this year's demo training that meets it)
SEED_001 = (
    ("共通研修", "相談支援従事者の共通研修", "相談支援従事者の共通研修（制度と倫理）"),
    (
        "対人援助コミュニケーション研修",
        "対人援助コミュニケーション研修",
        "対人援助コミュニケーション研修",
    ),
    ("重層的支援体制強化研修", "重層的支援体制強化研修", "重層的支援体制強化研修（世帯を支える）"),
)
CHIEF = (
    # One field course of the two is enough for the first stage.
    (
        "専門コース別研修",
        "専門コース別研修（1コース以上）",
        "強度行動障害のある人の支援（事例検討）",
    ),
    ("専門コース別研修", "専門コース別研修（1コース以上）", "医療的ケア児と家族の相談支援"),
    ("地域づくりと権利擁護", "虐待対応", "虐待対応の基本と事実確認"),
    ("地域づくりと権利擁護", "ひきこもり支援と地域資源", "ひきこもり支援と地域資源（見学）"),
)


def _evidence(name: str) -> SimpleUploadedFile:
    """A one-page PDF standing for a scanned certificate."""
    pdf = (
        b"%PDF-1.4\n"
        b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return SimpleUploadedFile(name, pdf, content_type="application/pdf")


def _build(
    actor: Actor, name: str, description: str, rows: tuple[tuple[str, str, str], ...]
) -> tuple[Curriculum, list[Requirement]]:
    curriculum = services.curriculum_create(actor, name=name, description=description)
    stages: dict[str, Stage] = {}
    found: dict[tuple[str, str], Requirement] = {}
    for stage_name, requirement_name, theme in rows:
        stage = stages.get(stage_name)
        if stage is None:
            stage = stages[stage_name] = services.stage_add(
                actor, curriculum=curriculum, name=stage_name
            )
        requirement = found.get((stage_name, requirement_name))
        if requirement is None:
            requirement = found[(stage_name, requirement_name)] = services.requirement_add(
                actor, stage=stage, name=requirement_name
            )
        for event in TrainingEvent.objects.filter(theme=theme):
            services.requirement_event_link(actor, requirement=requirement, event=event)
    return curriculum, list(found.values())


def _last_year_session(
    core: Actor, origin: Origin, theme: str, held_on: dt.date, attendees: list[Membership]
) -> TrainingEvent:
    """Last year's session of a course, as the center ran it: announced, registered by each
    office for its own staff, attendance taken, certificates issued."""
    event = trainings.event_create(
        core,
        theme=f"{theme}（前年度）",
        kind="lecture",
        held_on=held_on,
        starts_at=dt.time(13, 30),
        ends_at=dt.time(16, 30),
        format="in_person",
        place="みどり市総合福祉センター 研修室",
        lecturers="高橋 一郎（みどり市障害者支援課）",
        target_kinds=list(OFFICE_KINDS),
        target_job_titles=["consultation_specialist", "counselor"],
        capacity=max(len(attendees), 1),
        status="announced",
    )
    made = [
        trainings.registration_create(
            actor_for(m.user, m.organization, origin=origin), event=event, membership=m
        )
        for m in attendees
    ]
    if made:
        trainings.attendance_record(core, event=event, marks={r.pk: "attended" for r in made})
        trainings.certificates_issue(core, event=event)
    return event


@transaction.atomic
def seed_and_summarise(officer_username: str = "core1") -> str:
    if Curriculum.objects.exists():
        return "研修カリキュラム: 既にあります（追加なし）"
    core_org = Organization.objects.filter(kind=OrganizationKind.CORE_CENTER).order_by("pk").first()
    officer = User.objects.filter(username=officer_username).first()
    if core_org is None or officer is None or not TrainingEvent.objects.exists():
        return "研修カリキュラム: 基幹相談支援センターか研修がないため作成しません"
    origin = Origin.command("seed_demo curricula")
    core = actor_for(officer, core_org, origin=origin)
    members = _members(OFFICE_KINDS)
    done_user = User.objects.filter(username="office_a2").first()
    pending_user = User.objects.filter(username="office_a1").first()

    # Last fiscal year's sessions of stages 1 and 2: two thirds of the staff took the common
    # course, a third the communication course too (伊藤 among them).
    last_start, _ = fiscal_year_range(fiscal_year(timezone.localdate()) - 1)
    first = [m for i, m in enumerate(members) if i % 3 != 2 or m.user == done_user]
    second = [m for i, m in enumerate(members) if i % 3 == 0 or m.user == done_user]
    common = _last_year_session(
        core, origin, SEED_001[0][2], last_start.replace(month=6, day=12), first
    )
    communication = _last_year_session(
        core, origin, SEED_001[1][2], last_start.replace(month=10, day=9), second
    )
    _seed001, steps = _build(
        core,
        "相談支援従事者の段階別研修",
        "共通研修から始め、対人援助の技術、世帯を支える重層的支援へと段階を進みます"
        "（シード001）。各段階の研修に出席するか、同等の学習が承認されると修了です。",
        SEED_001,
    )
    services.requirement_event_link(core, requirement=steps[0], event=common)
    services.requirement_event_link(core, requirement=steps[1], event=communication)
    _chief, chief_steps = _build(
        core,
        "主任相談支援専門員をめざす研修",
        "専門コース別の研修で支援の幅を広げ、地域づくりと権利擁護を学びます。"
        "主任相談支援専門員研修の受講の前に修了しておくことを勧めます。",
        CHIEF,
    )
    learning = 0
    if done_user is not None:
        # His last stage, met at the prefecture's course and approved by the center.
        own = actor_for(done_user, None, origin=origin)
        entered = services.learning_create(
            own,
            worker=done_user,
            requirement=steps[2],
            course_name="重層的支援体制整備事業 従事者研修（みどり県）",
            provider="みどり県 地域福祉課",
            completed_on=last_start.replace(month=12, day=4),
            evidence=_evidence("修了証_重層的支援.pdf"),
        )
        services.learning_review(core, learning=entered, decision="approved", note="修了証を確認")
        learning += 1
    if pending_user is not None:
        own = actor_for(pending_user, None, origin=origin)
        services.learning_create(
            own,
            worker=pending_user,
            requirement=chief_steps[1],
            course_name="障害者虐待防止・権利擁護研修",
            provider="みどり県 障害福祉課",
            completed_on=last_start.replace(month=11, day=20),
            evidence=_evidence("修了証_虐待防止.pdf"),
        )
        learning += 1
    return f"研修カリキュラム: 2件（前年度の研修 2件、同等の学習 {learning}件）"
