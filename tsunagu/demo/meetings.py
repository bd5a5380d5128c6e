"""Demo meetings for みどり市, fiscal year 2026 (令和8年度): the layers of seeds 003 and 004.

- macro: みどり市障害者自立支援協議会 (May/October/February) and its 地域部会 and 相談支援部会;
- meso: each ward's 障がい福祉ネットワーク会議 (at least 4 a year; 東区's is deliberately short:
  two held and none scheduled, so the compliance view flags it), 中央区's 実務者ネットワーク会議,
  the monthly 相談支援機能強化員連絡会議, the ひきこもり支援協議会 and the 地域生活支援拠点
  運営会議;
- micro: a statutory support meeting, a case conference and a case study session on demo cases;
- community issues at different stages of the pipeline, each step at its meeting.

Built through the services, as the secretariats would build it.  Deterministic (fixed dates,
fixed order) and idempotent: nothing is made when any meeting body exists.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import Counter
from typing import Any

from django.db import transaction
from django.utils import timezone

from tsunagu.accounts.models import User
from tsunagu.cases.access import active_team_members
from tsunagu.cases.models import Case, CaseStatus, ConferenceKind, MeetingFormat
from tsunagu.core.actor import Actor, Origin
from tsunagu.core.errors import Invalid
from tsunagu.meetings import services
from tsunagu.meetings.models import (
    BodyKind,
    FrequencyKind,
    IssueSource,
    Level,
    Meeting,
    MeetingBody,
    MeetingStatus,
)
from tsunagu.organizations.actors import actor_for
from tsunagu.organizations.models import Area, Organization

# The demo casework stops here (tsunagu/demo/cases.py); meetings after it are still scheduled.
LAST_DAY = dt.date(2026, 11, 20)


def _actor(username: str, org_code: str) -> Actor:
    """The user acting for the organization, as the screens would act."""
    return actor_for(
        User.objects.get(username=username),
        Organization.objects.get(code=org_code),
        origin=Origin.command("seed_demo"),
    )


def _at(day: dt.date, hour: int = 14) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


# (key, name, kind, level, parent key, area code, frequency, count or months, secretariats,
#  members, purpose)
BODIES: tuple[tuple[Any, ...], ...] = (
    (
        "council",
        "みどり市障害者自立支援協議会",
        BodyKind.COUNCIL,
        Level.MACRO,
        None,
        "midori",
        FrequencyKind.MONTHS,
        [5, 10, 2],
        ("city-disability", "core-center"),
        (
            "office-aoba",
            "office-kaede",
            "office-sakura",
            "ward-chuo",
            "ward-higashi",
            "ward-nishi",
            "ikuseikai",
        ),
        "進捗状況の管理・評価、困難事例の共有、地域課題の対応策の検討と承認。",
    ),
    (
        "area_sub",
        "地域部会",
        BodyKind.SUBCOMMITTEE,
        Level.MACRO,
        "council",
        "midori",
        FrequencyKind.AT_LEAST,
        2,
        ("city-disability", "core-center"),
        ("office-aoba", "office-kaede", "office-sakura", "plan-hidamari"),
        "各区自立支援協議会の取組みの共有と、地域課題の検討。",
    ),
    (
        "consultation_sub",
        "相談支援部会",
        BodyKind.SUBCOMMITTEE,
        Level.MACRO,
        "council",
        "midori",
        FrequencyKind.AT_LEAST,
        6,
        ("core-center",),
        ("office-aoba", "office-kaede", "office-sakura", "plan-hidamari", "plan-tsumugi"),
        "相談支援専門員のスキルアップと、計画相談を支える体制の検討。",
    ),
    (
        "chuo_council",
        "中央区自立支援協議会",
        BodyKind.WARD_COUNCIL,
        Level.MESO,
        "council",
        "midori-chuo",
        FrequencyKind.AT_LEAST,
        2,
        ("ward-chuo", "core-center"),
        ("office-aoba", "plan-hidamari", "life-hub", "elderly-honcho"),
        "区内の障害児者の支援体制に関する課題の把握と共有。",
    ),
    (
        "chuo_practitioners",
        "中央区 実務者ネットワーク会議",
        BodyKind.PRACTITIONER_NETWORK,
        Level.MESO,
        "chuo_council",
        "midori-chuo",
        FrequencyKind.AT_LEAST,
        4,
        ("ward-chuo", "core-center"),
        ("office-aoba", "plan-hidamari", "life-hub", "elderly-honcho"),
        "実務者が地域の現状を話し合い、チームアプローチを円滑にし、地域課題を抽出する。",
    ),
    (
        "chuo_network",
        "中央区障がい福祉ネットワーク会議",
        BodyKind.WARD_NETWORK,
        Level.MESO,
        None,
        "midori-chuo",
        FrequencyKind.AT_LEAST,
        4,
        ("core-center", "ward-chuo"),
        ("office-aoba", "plan-hidamari", "plan-kokoro", "life-hub"),
        "区内での相談支援の充実に向けた連絡協力体制（概ね四半期ごと、年4回以上）。",
    ),
    (
        "higashi_network",
        "東区障がい福祉ネットワーク会議",
        BodyKind.WARD_NETWORK,
        Level.MESO,
        None,
        "midori-higashi",
        FrequencyKind.AT_LEAST,
        4,
        ("core-center", "ward-higashi"),
        ("office-kaede", "plan-tsumugi", "hikikomori-center"),
        "区内での相談支援の充実に向けた連絡協力体制（概ね四半期ごと、年4回以上）。",
    ),
    (
        "nishi_network",
        "西区障がい福祉ネットワーク会議",
        BodyKind.WARD_NETWORK,
        Level.MESO,
        None,
        "midori-nishi",
        FrequencyKind.AT_LEAST,
        4,
        ("core-center", "ward-nishi"),
        ("office-sakura", "plan-midorinokaze"),
        "区内での相談支援の充実に向けた連絡協力体制（概ね四半期ごと、年4回以上）。",
    ),
    (
        "officer_liaison",
        "相談支援機能強化員連絡会議",
        BodyKind.OFFICER_LIAISON,
        Level.MESO,
        None,
        "midori",
        FrequencyKind.MONTHLY,
        0,
        ("core-center",),
        ("office-aoba", "office-kaede", "office-sakura", "city-disability"),
        "各区ネットワーク会議の進捗、対応困難ケース、各種会議の出席状況の共有（月1回）。",
    ),
    (
        "hikikomori",
        "ひきこもり支援協議会",
        BodyKind.HIKIKOMORI_COUNCIL,
        Level.MESO,
        None,
        "midori",
        FrequencyKind.AT_LEAST,
        2,
        ("hikikomori-center", "core-center"),
        ("office-kaede", "elderly-honcho", "city-disability"),
        "ひきこもりの状態にある人と家族への支援の連携。",
    ),
    (
        "life_hub",
        "地域生活支援拠点 運営会議",
        BodyKind.LIFE_HUB_OPERATIONS,
        Level.MESO,
        None,
        "midori",
        FrequencyKind.AT_LEAST,
        4,
        ("life-hub", "core-center"),
        ("office-aoba", "plan-hidamari", "city-disability"),
        "緊急時の受け入れ・体験の機会・専門的人材の確保の運営状況の確認。",
    ),
)

# body key → (day, status, agenda, minutes, decisions)
MEETINGS: dict[str, tuple[tuple[dt.date, str, str], ...]] = {
    "council": (
        (dt.date(2026, 5, 22), "令和7年度の取組み報告\n今年度の部会の進め方", "各部会の計画を承認"),
        (dt.date(2026, 10, 23), "部会の中間報告\n地域課題の提起", "短期入所の課題を地域部会で検討"),
        (dt.date(2027, 2, 19), "今年度の報告\n次年度の計画", ""),
    ),
    "area_sub": (
        (dt.date(2026, 7, 14), "各区の取組みの共有", "指定特定を支える体制を各区で協議する"),
        (dt.date(2026, 11, 10), "短期入所の受け皿の検討", "市に報告し、体験利用の枠を検討"),
    ),
    "consultation_sub": tuple(
        (dt.date(2026, m, 8) if m >= 4 else dt.date(2027, m, 8), "事例検討\n研修の企画", "")
        for m in (4, 6, 8, 10, 12, 2)
    ),
    "chuo_council": (
        (dt.date(2026, 6, 18), "区内の状況の共有", ""),
        (dt.date(2027, 1, 21), "今年度のまとめ", ""),
    ),
    "chuo_practitioners": (
        (dt.date(2026, 5, 13), "各機関の近況", ""),
        (dt.date(2026, 8, 12), "8050世帯の支援の共有", "地域包括支援センターとの連携を強める"),
        (dt.date(2026, 11, 11), "短期入所の空き状況", "空き状況を毎月共有する"),
        (dt.date(2027, 2, 10), "今年度のふりかえり", ""),
    ),
    "chuo_network": (
        (dt.date(2026, 5, 20), "利用者・サービスの状況の共有", ""),
        (dt.date(2026, 8, 19), "困難事例への相互協力", "短期入所の課題を部会に上げる"),
        (dt.date(2026, 11, 18), "地域課題の集約", "区自立支援協議会に報告"),
        (dt.date(2027, 2, 17), "今年度のまとめ", ""),
    ),
    # Deliberately short: two held, none scheduled — 4 required.
    "higashi_network": (
        (dt.date(2026, 6, 24), "利用者・サービスの状況の共有", ""),
        (dt.date(2026, 10, 28), "ひきこもり支援との連携", ""),
    ),
    "nishi_network": (
        (dt.date(2026, 5, 27), "利用者・サービスの状況の共有", ""),
        (dt.date(2026, 8, 26), "移動支援の事業所不足", ""),
        (dt.date(2026, 11, 25), "地域課題の集約", ""),
        (dt.date(2027, 2, 24), "今年度のまとめ", ""),
    ),
    "officer_liaison": tuple(
        (
            dt.date(2026, m, 3) if m >= 4 else dt.date(2027, m, 3),
            "各区ネットワーク会議の進捗\n対応困難ケース",
            "",
        )
        for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)
    ),
    "hikikomori": (
        (dt.date(2026, 7, 7), "支援の状況の共有", ""),
        (dt.date(2027, 1, 12), "家族会との連携", ""),
    ),
    "life_hub": (
        (dt.date(2026, 4, 16), "緊急時の受け入れ体制", ""),
        (dt.date(2026, 7, 16), "体験の機会の実績", ""),
        (dt.date(2026, 10, 15), "緊急時の受け入れ実績", ""),
        (dt.date(2027, 1, 14), "今年度のまとめ", ""),
    ),
}

CHUO_PLACE = "みどり市中央区役所 第1会議室"


def _bodies(created: Counter[str]) -> dict[str, MeetingBody]:
    city = _actor("city1", "city-disability")
    orgs = {o.code: o for o in Organization.objects.all()}
    areas = {a.code: a for a in Area.objects.all()}
    bodies: dict[str, MeetingBody] = {}
    for (
        key,
        name,
        kind,
        level,
        parent,
        area,
        frequency,
        amount,
        secretariats,
        members,
        purpose,
    ) in BODIES:
        bodies[key] = services.body_create(
            actor=city,
            data={
                "name": name,
                "kind": kind,
                "level": level,
                "parent": bodies[parent] if parent else None,
                "area": areas.get(area),
                "purpose": purpose,
                "frequency_kind": frequency,
                "frequency_count": amount if frequency == FrequencyKind.AT_LEAST else 0,
                "frequency_months": amount if frequency == FrequencyKind.MONTHS else [],
            },
            secretariats=[orgs[c] for c in secretariats if c in orgs],
            members=[orgs[c] for c in members if c in orgs],
        )
        created["body"] += 1
    return bodies


def _meetings(bodies: dict[str, MeetingBody], created: Counter[str]) -> dict[str, list[Meeting]]:
    core = _actor("core1", "core-center")
    core_center = Organization.objects.get(code="core-center")
    made: dict[str, list[Meeting]] = {}
    for key, rows in MEETINGS.items():
        body = bodies[key]
        made[key] = []
        for n, (day, agenda, decisions) in enumerate(rows, start=1):
            meeting = services.meeting_create(
                actor=core,
                body=body,
                data={
                    "title": f"第{n}回 {body.name}",
                    "starts_at": _at(day),
                    "ends_at": _at(day, 16),
                    "format": MeetingFormat.HYBRID if n % 2 else MeetingFormat.IN_PERSON,
                    "place": CHUO_PLACE,
                    "agenda": agenda,
                },
            )
            created["meeting"] += 1
            if day <= LAST_DAY:
                services.meeting_record(
                    actor=core,
                    meeting=meeting,
                    version=meeting.version,
                    data={
                        "status": MeetingStatus.HELD,
                        "minutes": agenda.replace("\n", "、") + "について各機関から報告があった。",
                        "decisions": decisions,
                    },
                    attendees=list(body.member_organizations.all()[:4]),
                )
                if decisions:
                    services.action_item_add(
                        actor=core,
                        meeting=meeting,
                        title=f"「{decisions}」の準備",
                        owner_organization=core_center,
                        due_on=day + dt.timedelta(days=30),
                    )
                    created["action"] += 1
            made[key].append(meeting)
    return made


def _conferences(created: Counter[str]) -> Case | None:
    cases = list(
        Case.objects.filter(
            lead_organization__code="office-aoba",
            lead_worker__username="office_a1",
            status__in=[CaseStatus.SUPPORT, CaseStatus.MONITORING, CaseStatus.PLANNING],
        ).order_by("pk")[:3]
    )
    lead = _actor("office_a1", "office-aoba")
    kinds = (
        ConferenceKind.STATUTORY_SUPPORT_MEETING,
        ConferenceKind.CASE_CONFERENCE,
        ConferenceKind.CASE_STUDY_SESSION,
    )
    for case, kind, day in zip(
        cases,
        kinds,
        (dt.date(2026, 9, 15), dt.date(2026, 10, 20), dt.date(2026, 11, 11)),
        strict=False,
    ):
        conference = services.conference_create(
            actor=lead,
            case=case,
            data={
                "kind": kind,
                "held_at": _at(day, 10),
                "format": MeetingFormat.IN_PERSON,
                "place": "相談支援センター あおば 相談室",
                "purpose": "支援の役割分担と、家族が入院したときの備え。",
            },
        )
        services.conference_record(
            actor=lead,
            conference=conference,
            data={
                "discussion": (
                    "通所は安定している。家族の体調の変化に備え、短期入所の体験を進める。"
                ),
                "decisions": "短期入所の体験利用を調整する（相談支援センター あおば）。",
                "supervisor_name": "山本 恵" if kind != ConferenceKind.CASE_CONFERENCE else "",
                "supervisor_profession": "精神科医"
                if kind != ConferenceKind.CASE_CONFERENCE
                else "",
                "supervisor_advice": "本人のペースを大切に、関係づくりを先に。"
                if kind != ConferenceKind.CASE_CONFERENCE
                else "",
            },
        )
        team = [
            m.organization
            for m in active_team_members(on=LAST_DAY)
            .filter(case=case)
            .exclude(organization_id=case.lead_organization_id)
            .select_related("organization")
            .order_by("pk")
        ]
        for org in team[:2]:
            attendee = services.attendee_add(
                actor=lead, conference=conference, organization=org, name=f"{org.name} 担当"
            )
            if kind == ConferenceKind.STATUTORY_SUPPORT_MEETING:
                services.attendee_pledge(
                    actor=lead, attendee=attendee, pledged_by_name=f"{org.name} 担当"
                )
        if kind == ConferenceKind.CASE_STUDY_SESSION:
            conference = services.summary_generate(actor=lead, conference=conference)
            # A draft that still names someone is left for the author to review on screen.
            with contextlib.suppress(Invalid):
                services.summary_review(actor=lead, conference=conference, text=conference.summary)
        created["conference"] += 1
    return cases[0] if cases else None


ISSUES: tuple[tuple[str, str, str, str, dt.date, tuple[tuple[str, str, int], ...]], ...] = (
    # title, theme, area code, description, the day it was raised (before its first meeting),
    # steps: (stage, meeting body key, meeting index)
    (
        "医療的ケアのある人の短期入所先が区内に足りない",
        "respite",
        "midori-chuo",
        "家族の入院や冠婚葬祭のときに、医療的ケアのある人を受け入れる短期入所先が区内に"
        "少なく、区外の事業所を探すことが続いている。",
        dt.date(2026, 5, 8),
        (
            ("shared_meso", "chuo_network", 0),
            ("under_study", "area_sub", 0),
            ("proposed", "council", 1),
            ("action", "area_sub", 1),
        ),
    ),
    (
        "8050世帯で親の入院時に本人の生活が立ち行かなくなる",
        "household",
        "midori-chuo",
        "高齢の親と暮らす障害のある人が、親の入院をきっかけに食事や金銭管理に困る例が"
        "複数の事業所から報告されている。",
        dt.date(2026, 7, 29),
        (("shared_meso", "chuo_practitioners", 1),),
    ),
    (
        "移動支援の事業所が西区に少ない",
        "mobility",
        "midori-nishi",
        "通院や余暇の外出に使える移動支援の事業所が少なく、利用を待っている人がいる。",
        dt.date(2026, 10, 15),
        (),
    ),
    (
        "生活介護の開所時間が短く、家族が働き続けにくい",
        "daytime",
        "midori-chuo",
        "15時で終わる生活介護が多く、家族の就労の妨げになっている。",
        # Raised before the network meeting of 5/20 where the first development came from.
        dt.date(2026, 5, 11),
        (
            ("shared_meso", "chuo_network", 1),
            ("under_study", "area_sub", 1),
        ),
    ),
)


def _issues(meetings: dict[str, list[Meeting]], case: Case | None, created: Counter[str]) -> None:
    lead = _actor("office_a1", "office-aoba")
    core = _actor("core1", "core-center")
    areas = {a.code: a for a in Area.objects.all()}
    for n, (title, theme, area, description, raised_on, steps) in enumerate(ISSUES):
        from_case = n == 0 and case is not None
        issue = services.issue_raise(
            actor=lead,
            data={
                "title": title,
                "theme": theme,
                "area": areas.get(area),
                "description": description,
                "source": IssueSource.CASE if from_case else IssueSource.SURVEY,
                "source_note": "" if from_case else "令和8年度 相談支援事業所アンケート",
            },
            source_case=case if from_case else None,
            raised_on=raised_on,
        )
        for stage, body_key, index in steps:
            meeting = meetings[body_key][index]
            services.issue_advance(
                actor=core,
                issue=issue,
                stage=stage,
                occurred_on=timezone.localtime(meeting.starts_at).date(),
                meeting=meeting,
                note="",
            )
        created["issue"] += 1


def seed_meetings() -> Counter[str]:
    created: Counter[str] = Counter()
    if MeetingBody.objects.exists():
        return created
    if User.objects.filter(username__in=["city1", "core1", "office_a1"]).count() != 3:
        return created
    with transaction.atomic():
        bodies = _bodies(created)
        meetings = _meetings(bodies, created)
        case = _conferences(created)
        _issues(meetings, case, created)
    return created


def seed_and_summarise() -> str:
    created = seed_meetings()
    if not created.total():
        return "会議: 作成済みのため、新たに作成したものはありません。"
    return (
        f"会議を作成しました: 会議体 {created['body']}件、会議 {created['meeting']}件、"
        f"アクション {created['action']}件、ケース会議 {created['conference']}件、"
        f"地域課題 {created['issue']}件"
    )
