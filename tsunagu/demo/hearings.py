"""Demo hearings for みどり市 (issue 19 item 4; seed 003: 令和6年11～12月 基幹相談支援センター
による指定特定へのヒアリング → 令和7年1～2月 結果整理と方向性の検討 → 3月 自立支援協議会で
報告; seed 000: hearings and group interviews on difficult cases).

One round of the core center, 令和6年度 指定特定へのヒアリング, with a question guide; an
individual hearing of one designated office and a group interview of others, both held, with
notes per question; findings tagged by theme; directions resting on them, adopted at the
council's 令和6年度 第2回 meeting in March 2025 (recorded through the meetings services, as its
secretariat); one adopted direction raised as a community issue.

Everything goes through the services as the core center's officer (core1).  Idempotent: once
any round exists, nothing is added.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from tsunagu.accounts.models import User
from tsunagu.core.actor import Origin
from tsunagu.hearings import services
from tsunagu.hearings.models import HearingRound, HearingStatus
from tsunagu.meetings import services as meetings
from tsunagu.meetings.models import BodyKind, Meeting, MeetingBody, MeetingStatus
from tsunagu.organizations.actors import actor_for
from tsunagu.organizations.models import Membership, Organization, OrganizationKind

TITLE = "令和6年度 指定特定へのヒアリング"
PURPOSE = (
    "計画相談支援等に係る実態把握を目的とした調査の結果を踏まえ、指定特定相談支援事業所の"
    "困難ケースへの対応と人材育成の状況を聞き取り、評価・研修部会における令和7年度以降の"
    "取組みの方向性の検討に生かす。"
)
QUESTIONS = (
    "計画相談の件数と、そこに占める困難ケースの状況",
    "困難ケースの支援で難しいと感じること",
    "事業所内の人材育成（OJT・研修）の状況",
    "基幹相談支援センターや委託相談支援事業所に求める支援",
)
INDIVIDUAL_NOTES = (
    "相談支援専門員2名で約90件。うち困難ケースは1割ほどで、家族全体の課題を抱える世帯が多い。",
    "金銭管理や家族の不適切な対応が背景にあるケースで、見立てを更新し続ける時間が取れない。",
    "管理者が同行して教えているが、事例を振り返る時間は月に1回も取れていない。",
    "困ったときに事例を相談できる場と、同行してもらえる仕組みがほしい。",
)
GROUP_NOTES = (
    "3事業所とも一人職場または二人職場。1人あたり40～60件を担当している。",
    "医療中断や対人トラブルで地域生活が途切れるケースでは、関係機関の調整に時間がかかる。",
    "一人職場では事業所内で育成ができず、外部の研修が頼り。事例検討の研修を望む声が多い。",
    "基幹相談支援センターに、事例相談の窓口と定期的なグループ・スーパービジョンを望む。",
)
FINDINGS = (
    (
        "計画相談の業務量が多く、困難ケースの見立てを更新し続ける時間が取れないという声が"
        "複数の事業所からあった。",
        ["consultation"],
        "both",
    ),
    (
        "一人職場や二人職場では事業所内での人材育成が難しく、事例を通じて学ぶ機会が"
        "求められている。",
        ["consultation"],
        "group",
    ),
    (
        "金銭管理の困難や家族の不適切な対応など、複数の背景が重なる世帯への支援に難しさを"
        "感じている。",
        ["household", "rights"],
        "both",
    ),
)
# (title, text, theme, findings by number, taken up as a community issue)
DIRECTIONS = (
    (
        "困難ケースの事例検討を研修に組み込む",
        "評価・研修部会で、困難ケースの見立てを更新し続けることを学ぶ事例検討を、"
        "令和7年度以降の研修に組み込む。",
        "consultation",
        (0, 1),
        False,
    ),
    (
        "一人職場の相談支援専門員を支える事例相談の仕組みをつくる",
        "一人職場や二人職場の相談支援専門員が、困ったときに基幹相談支援センターへ事例相談"
        "できる仕組みと、定期的なグループ・スーパービジョンを整える。",
        "consultation",
        (1,),
        True,
    ),
)


def _council_meeting(council: MeetingBody, officer: User, core: Organization) -> Meeting | None:
    """The council's 令和6年度 第2回 meeting (March 2025), recorded as its secretariat."""
    day = dt.date(2025, 3, 21)
    existing = council.meetings.filter(starts_at__date=day).first()
    if existing is not None:
        return existing
    if not council.secretariats.filter(pk=core.pk).exists():
        return None
    actor = actor_for(officer, core, origin=Origin.command("seed_demo hearings"))
    starts = timezone.make_aware(dt.datetime.combine(day, dt.time(14, 0)))
    meeting = meetings.meeting_create(
        actor,
        body=council,
        data={
            "title": "令和6年度 第2回障害者自立支援協議会",
            "starts_at": starts,
            "ends_at": starts + dt.timedelta(hours=2),
            "place": "みどり市役所 第1会議室",
            "agenda": "各部会の取組みの報告\n令和7年度以降の取組みの方向性",
        },
    )
    return meetings.meeting_record(
        actor,
        meeting=meeting,
        version=meeting.version,
        data={
            "status": MeetingStatus.HELD,
            "minutes": "基幹相談支援センターによる指定特定へのヒアリングの結果と、"
            "令和7年度以降の取組みの方向性が報告された。",
            "decisions": "ヒアリングの結果に基づく方向性を承認",
        },
        attendees=list(council.secretariats.all()),
    )


@transaction.atomic
def seed_and_summarise(officer_username: str = "core1") -> str:
    if HearingRound.objects.exists():
        return "ヒアリング: 既にあります（追加なし）"
    core = Organization.objects.filter(kind=OrganizationKind.CORE_CENTER).order_by("pk").first()
    officer = User.objects.filter(username=officer_username).first()
    council = (
        MeetingBody.objects.filter(kind=BodyKind.COUNCIL, is_active=True).order_by("pk").first()
    )
    offices = list(
        Organization.objects.active()
        .filter(kind=OrganizationKind.DESIGNATED_PLANNING_OFFICE)
        .order_by("code")[:4]
    )
    if core is None or officer is None or len(offices) < 2:
        return "ヒアリング: 基幹相談支援センターか指定特定相談支援事業所がないため作成しません"
    actor = actor_for(officer, core, origin=Origin.command("seed_demo hearings"))
    colleagues = list(
        User.objects.filter(
            pk__in=Membership.objects.current().filter(organization=core).values("user_id")
        ).order_by("username")[:2]
    )
    round_ = services.round_create(
        actor,
        title=TITLE,
        fiscal_year=2024,
        purpose=PURPOSE,
        questions=QUESTIONS,
        council=council,
    )
    questions = list(round_.questions.order_by("position"))
    individual = services.hearing_create(
        actor,
        round_=round_,
        kind="individual",
        held_on=dt.date(2024, 11, 20),
        format="visit",
        place="事業所を訪問",
        offices=offices[:1],
        interviewers=colleagues,
        participants="管理者\n相談支援専門員",
    )
    group = services.hearing_create(
        actor,
        round_=round_,
        kind="group",
        held_on=dt.date(2024, 12, 11),
        format="online",
        place="オンライン（ビデオ会議）",
        offices=offices[1:],
        interviewers=colleagues,
        participants="各事業所の相談支援専門員（1名ずつ）",
    )
    for hearing, notes, shared in (
        (individual, INDIVIDUAL_NOTES, True),
        (group, GROUP_NOTES, False),
    ):
        hearing = services.hearing_status(actor, hearing=hearing, status=HearingStatus.HELD)
        services.notes_write(
            actor,
            hearing=hearing,
            answers={q.pk: text for q, text in zip(questions, notes, strict=True)},
            free_notes="",
        )
        services.hearing_status(actor, hearing=hearing, status=HearingStatus.NOTES_DONE)
        if shared:
            services.notes_share(actor, hearing=hearing, shared=True)
    sources = {"both": [individual, group], "group": [group]}
    findings = [
        services.finding_create(
            actor, round_=round_, text=text, themes=themes, hearings=sources[which]
        )
        for text, themes, which in FINDINGS
    ]
    meeting = _council_meeting(council, officer, core) if council is not None else None
    adopted_on = dt.date(2025, 3, 21)
    issues = 0
    for title, text, theme, cited, to_issue in DIRECTIONS:
        direction = services.direction_create(
            actor,
            round_=round_,
            title=title,
            text=text,
            theme=theme,
            findings=[findings[n] for n in cited],
        )
        direction = services.direction_adopt(
            actor, direction=direction, adopted_on=adopted_on, meeting=meeting
        )
        if to_issue:
            services.direction_to_issue(actor, direction=direction)
            issues += 1
    return (
        f"ヒアリング: 1件（ヒアリング2回、結果{len(findings)}件、"
        f"方向性{len(DIRECTIONS)}件を採択、うち地域課題{issues}件）"
    )
