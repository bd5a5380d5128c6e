"""A hearing round of the core center with the world a test needs: office A heard in a held
individual hearing with notes, a finding, a direction, and the city council (the city
department a member) with a meeting held yesterday."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from tsunagu.hearings import services
from tsunagu.hearings.models import Direction, Finding, Hearing, HearingRound, HearingStatus
from tsunagu.meetings.models import BodyKind, Level, Meeting, MeetingBody
from tsunagu.meetings.tests.factories import MeetingBodyFactory, MeetingFactory, _local
from tsunagu.organizations.tests.actors import actor_as


@dataclass
class HearingWorld:
    round: HearingRound
    hearing: Hearing
    finding: Finding
    direction: Direction
    council: MeetingBody
    meeting: Meeting


def make_council(personas) -> tuple[MeetingBody, Meeting]:
    council = MeetingBodyFactory.create(
        name="みどり市障害者自立支援協議会",
        kind=BodyKind.COUNCIL,
        level=Level.MACRO,
        secretariats=[personas.core_center],
        members=[personas.city],
    )
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    meeting = MeetingFactory.create(
        body=council,
        title="第2回障害者自立支援協議会",
        starts_at=_local(yesterday, 14),
        created_by=personas.core_officer,
    )
    return council, meeting


def make_hearings(personas, *, adopted: bool = False) -> HearingWorld:
    council, meeting = make_council(personas)
    core = actor_as(personas.core_officer)
    round_ = services.round_create(
        core,
        title="令和6年度 指定特定へのヒアリング",
        fiscal_year=2024,
        purpose="計画相談支援の実態と人材育成の課題を把握する。",
        questions=["困難ケースの支援で困っていること", "事業所内の人材育成の状況"],
        council=council,
    )
    hearing = services.hearing_create(
        core,
        round_=round_,
        kind="individual",
        held_on=timezone.localdate() - dt.timedelta(days=30),
        offices=[personas.office_a],
        interviewers=[personas.core_officer],
        place="事業所を訪問",
        participants="管理者\n相談支援専門員",
    )
    hearing = services.hearing_status(core, hearing=hearing, status=HearingStatus.HELD)
    first, second = hearing.round.questions.order_by("position")
    services.notes_write(
        core,
        hearing=hearing,
        answers={
            first.pk: "計画相談の件数が多く、困難ケースに時間を割けない。",
            second.pk: "OJTが中心。",
        },
        free_notes="次年度も継続して聞き取る。",
    )
    finding = services.finding_create(
        core,
        round_=round_,
        text="計画相談の業務量が多く、困難ケースの支援に時間を割けないという声が複数の事業所からあった。",
        themes=["consultation"],
        hearings=[hearing],
    )
    direction = services.direction_create(
        core,
        round_=round_,
        title="困難ケースの事例検討を研修に組み込む",
        text="評価・研修部会で、困難ケースの見立てを学ぶ事例検討を研修に組み込む。",
        theme="consultation",
        findings=[finding],
    )
    if adopted:
        direction = services.direction_adopt(
            core,
            direction=direction,
            adopted_on=timezone.localdate(meeting.starts_at),
            meeting=meeting,
        )
    return HearingWorld(round_, hearing, finding, direction, council, meeting)
