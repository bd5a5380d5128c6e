"""Demo trainings for みどり市 (issue 18 item 1; seed 000 研修, seed 004 研修企画): a fiscal
year of the core center's trainings, each with the fields of practice it covers (強度行動障害 on
the case study).  Those already held have their registrations, attendance, certificates, a
handout (PDF) and every attendee's anonymous questionnaire answer; those to come are open, one
of them full with a waiting list.

Everything goes through the services, as the core center's officer (core1), the offices'
registrations and the answers as their own staff, so each step has its audit row.
Idempotent: once any training exists no event is added, and the follow-ups (themes, handouts,
answers) are added only where missing, so a city seeded before they existed gets them too.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html

from tsunagu.accounts.models import User
from tsunagu.core.actor import Actor, Origin
from tsunagu.core.dates import fiscal_year as fiscal_year_of
from tsunagu.core.dates import fiscal_year_range
from tsunagu.core.printing import PdfUnavailable, render_pdf
from tsunagu.organizations.actors import actor_for
from tsunagu.organizations.models import (
    Membership,
    Organization,
    OrganizationKind,
    SystemRole,
)
from tsunagu.trainings import services
from tsunagu.trainings.models import (
    Attendance,
    EventStatus,
    Registration,
    RegistrationStatus,
    TrainingEvent,
)

logger = logging.getLogger(__name__)

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

# The fields of practice (expertise.models.Theme) each event of PROGRAM covers, by its theme:
# an attendee's completion counts for their office in the expertise directory.
THEMES = {
    "相談支援従事者の共通研修（制度と倫理）": [],
    "対人援助コミュニケーション研修": ["developmental"],
    "強度行動障害のある人の支援（事例検討）": ["severe_behaviour", "developmental"],
    "医療的ケア児と家族の相談支援": ["medical_care_child", "medical_care"],
    "重層的支援体制強化研修（世帯を支える）": ["family_8050", "poverty_debt"],
    "ひきこもり支援と地域資源（見学）": ["hikikomori"],
    "虐待対応の基本と事実確認": ["abuse"],
}

# The questionnaire answers, given in turn by the attendees of each held event: satisfaction,
# usefulness, comment, topics wanted, themes wanted.  Nothing in them names anyone.
ANSWERS: tuple[tuple[int, int, str, str, list[str]], ...] = (
    (
        5,
        5,
        "具体的な事例で、明日からの支援に生かせると感じました。",
        "家族支援の進め方",
        ["family_8050"],
    ),
    (4, 4, "グループでの意見交換が参考になりました。", "", ["hikikomori"]),
    (4, 5, "", "医療機関との連携の実際", ["medical_care"]),
    (3, 3, "時間が短く、質疑の時間がもう少し欲しかったです。", "", []),
    (5, 4, "他の事業所の工夫を知ることができました。", "触法の方の地域生活", ["offending"]),
    (2, 3, "オンラインの音声が聞き取りにくい時間がありました。", "", ["severe_behaviour"]),
)


def _members(kinds: list[str]) -> list[Membership]:
    return list(
        Membership.objects.current()
        .filter(organization__kind__in=kinds, organization__has_accounts=True)
        .exclude(role=SystemRole.READ_ONLY)
        .select_related("organization", "user")
        .order_by("organization__code", "user__username")
    )


def _handout(event: TrainingEvent) -> bytes | None:
    """A one-page handout of the event, as the project prints (core/printing.py)."""
    html = format_html(
        '<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>{}</title></head>'
        "<body><h1>{}</h1><p>{}</p><p>{}</p><h2>本日の流れ</h2><ol><li>講義</li>"
        "<li>グループでの意見交換</li><li>質疑応答</li></ol>"
        "<p>この資料に個人の情報は含まれていません。</p></body></html>",
        event.theme,
        event.theme,
        f"{event.held_on:%Y年%m月%d日} {event.starts_at:%H:%M}〜{event.ends_at:%H:%M}",
        "、".join(event.lecturer_lines()),
    )
    try:
        return render_pdf(str(html), css="core/print/page.css")
    except PdfUnavailable:
        logger.warning("demo trainings: no PDF renderer, handouts not added")
        return None


def _follow_ups(core_actor: Actor, origin: Origin) -> dict[str, int]:
    """Themes on the events, a handout on each held event and the questionnaire answers of
    its attendees, wherever they are missing."""
    added = {"themes": 0, "materials": 0, "answers": 0}
    for event in TrainingEvent.objects.filter(organizer_id=core_actor.organization_id):
        wanted = THEMES.get(event.theme)
        if wanted and not event.themes:
            services.event_update(core_actor, event=event, themes=wanted)
            added["themes"] += 1
    held = TrainingEvent.objects.filter(
        organizer_id=core_actor.organization_id, status=EventStatus.HELD
    ).order_by("held_on", "pk")
    for event in held:
        if not event.materials.exists():
            pdf = _handout(event)
            if pdf is not None:
                upload = SimpleUploadedFile(
                    f"{event.theme}_資料.pdf", pdf, content_type="application/pdf"
                )
                services.materials_add(core_actor, event=event, files=[upload])
                added["materials"] += 1
        attendees = Registration.objects.filter(
            event=event,
            status=RegistrationStatus.REGISTERED,
            attendance=Attendance.ATTENDED,
            questionnaire_answered=False,
        ).select_related("worker", "organization", "event")
        for index, registration in enumerate(attendees.order_by("pk")):
            satisfaction, usefulness, comment, topics, themes = ANSWERS[
                (index + event.pk) % len(ANSWERS)
            ]
            services.questionnaire_answer(
                actor_for(registration.worker, registration.organization, origin=origin),
                registration=registration,
                satisfaction=satisfaction,
                usefulness=usefulness,
                comment=comment,
                topics_wanted=topics,
                topic_themes=themes,
            )
            added["answers"] += 1
    return added


def _follow_up_summary(added: dict[str, int]) -> str:
    return (
        f"分野 {added['themes']}件・資料 {added['materials']}件・"
        f"アンケート回答 {added['answers']}件"
    )


@transaction.atomic
def follow_ups_and_summarise(officer_username: str = "core1") -> str:
    """The follow-ups again, for the trainings seeded after this module's (the curricula's
    past-year sessions): "" when nothing was missing."""
    core = Organization.objects.filter(kind=OrganizationKind.CORE_CENTER).order_by("pk").first()
    officer = User.objects.filter(username=officer_username).first()
    if core is None or officer is None:
        return ""
    origin = Origin.command("seed_demo trainings")
    added = _follow_ups(actor_for(officer, core, origin=origin), origin)
    if not any(added.values()):
        return ""
    return f"研修: {_follow_up_summary(added)}を追加"


def seed_and_summarise(officer_username: str = "core1") -> str:
    core = Organization.objects.filter(kind=OrganizationKind.CORE_CENTER).order_by("pk").first()
    officer = User.objects.filter(username=officer_username).first()
    if core is None or officer is None:
        if TrainingEvent.objects.exists():
            return "研修: 既にあります（追加なし）"
        return "研修: 基幹相談支援センターがないため作成しません"
    origin = Origin.command("seed_demo trainings")
    core_actor = actor_for(officer, core, origin=origin)
    if TrainingEvent.objects.exists():
        added = _follow_ups(core_actor, origin)
        if not any(added.values()):
            return "研修: 既にあります（追加なし）"
        return f"研修: 既にあります（{_follow_up_summary(added)}を追加）"
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
            themes=THEMES.get(theme, []),
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
    added = _follow_ups(core_actor, origin)
    return (
        f"研修: {events}件（申込 {registrations}件、出席 {attended}件、"
        f"{_follow_up_summary(added)}）"
    )
