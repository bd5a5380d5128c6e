"""Demo surveys for みどり市 (issue 19): the core center's survey of the commissioned offices
(seed 000: caseload, difficult cases by disability, the problems staff feel, requests), sent,
answered and submitted by every office and closed, some free texts reviewed; and the city's
実態調査 of the designated planning offices (seed 003) for last fiscal year (closed) and this
one (open: most offices submitted, one still drafting, one not started), so that the year-on-year
comparison and the reminders have something to show.

Everything goes through the services: the surveys as the core center's officer (core1) and the
city department (city1), the answers as each office's own staff, so each step has its audit row.
Answers bound to the records are prefilled from each office's own cases; one office corrects its
figure.  Idempotent: once any survey exists, nothing is added.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from tsunagu.accounts.models import User
from tsunagu.core.actor import Actor, Origin
from tsunagu.core.dates import fiscal_year, fiscal_year_range
from tsunagu.meetings import deidentify
from tsunagu.organizations.actors import actor_for
from tsunagu.organizations.models import Membership, Organization, OrganizationKind, SystemRole
from tsunagu.surveys import census, kinds, services
from tsunagu.surveys.models import Question, Survey

PROBLEMS = (
    "計画相談の業務が増え、困難ケースに割く時間がない",
    "障害児者の支援経験が豊富な職員が不足している",
    "見立て（背景要因の理解）が難しい",
    "支援チームで方針と役割を共有するのが難しい",
    "本人がサービスを拒否する",
)
REQUESTS = (
    "困難ケースを一緒に考えられる合同ケースレビューの回数を増やしてほしい。",
    "夜間・休日に相談できる窓口の情報を事業所間で共有したい。",
    "経験の浅い職員向けに、見立ての研修を続けてほしい。",
    "計画相談の件数が多く、委託の相談に時間を割けない実情を市に知ってほしい。",
)
CENSUS_REQUESTS = (
    "一人事業所で、行き詰まったときに相談できる場がほしい。",
    "区自立支援協議会で指定特定の事業所どうしが顔を合わせる機会を増やしてほしい。",
    "サービス担当者会議の調整の負担が大きい。",
)


def _writers(offices: list[Organization]) -> dict[int, User]:
    found: dict[int, User] = {}
    for m in (
        Membership.objects.current()
        .filter(organization__in=offices)
        .exclude(role=SystemRole.READ_ONLY)
        .select_related("user")
        .order_by("organization_id", "user__username")
    ):
        found.setdefault(m.organization_id, m.user)
    return found


def _offices(kinds: tuple[str, ...]) -> list[Organization]:
    return list(
        Organization.objects.active().filter(kind__in=kinds, has_accounts=True).order_by("code")
    )


def _codes(survey: Survey) -> dict[str, Question]:
    return {q.code or str(q.position): q for q in survey.questions.all()}


def _top_cases(actor: Actor, *, count: int) -> list[dict[str, object]]:
    """The office's own open cases with the most difficulty factors, each with a summary that
    passes the de-identification check: the drafted one, or one written from the factors."""
    cases = sorted(
        (c for c in kinds.own_open_cases(actor) if c.difficulty_factors),
        key=lambda c: (-len(c.difficulty_factors), c.pk),
    )
    rows: list[dict[str, object]] = []
    for case in cases:
        if len(rows) == count:
            break
        written = (
            "【困難さの要因】"
            + "、".join(kinds.factor_label(k) for k in case.difficulty_factors)
            + "。\n【状況】複数の背景が重なり合い、支援の見立てを更新しながら関わっている。"
        )
        for summary in (deidentify.generate_summary(case), written):
            if not deidentify.check(summary, case):
                rows.append({"case_id": case.pk, "summary": summary, "keep": {}})
                break
    return rows


def _office_survey(center: Actor, offices: list[Organization], origin: Origin) -> Survey:
    today = timezone.localdate()
    survey = services.survey_create(
        center,
        title="委託相談支援事業所における困難ケースの実態調査",
        purpose=(
            "委託相談支援事業所が支援している困難ケースの数と特徴、職員が感じる支援上の問題点を"
            "把握し、合同ケースレビューと勉強会の企画に生かすため（調査票の後にヒアリングを"
            "行います）。"
        ),
        fiscal_year=fiscal_year(today),
        deadline=today,
    )
    add = services.question_add
    caseload = add(
        center,
        survey=survey,
        kind="number",
        text="担当している支援ケースの数（委託）",
        required=True,
        prefill_key="open_caseload",
    )
    add(
        center,
        survey=survey,
        kind="number",
        text="そのうち、困難ケースの数",
        help_text="困難さの要因が記録されているケースの数を記録から入力しています。",
        prefill_key="complex_cases_in_year",
    )
    add(
        center,
        survey=survey,
        kind="table",
        text="今年度の相談受付件数（障害種別）",
        prefill_key="consultations_by_disability",
    )
    grade = add(
        center,
        survey=survey,
        kind="table",
        text="困難ケースの数（障害種別 × 障害支援区分）",
        rows=["身体", "知的", "精神", "発達"],
        columns=["区分なし・1〜2", "区分3〜4", "区分5〜6"],
    )
    problems = add(
        center,
        survey=survey,
        kind="multiple",
        text="困難ケースの支援で職員が感じている問題点（いくつでも）",
        choices=PROBLEMS,
    )
    trend = add(
        center,
        survey=survey,
        kind="single",
        text="昨年度と比べて、困難ケースは",
        choices=["増えた", "変わらない", "減った"],
    )
    wishes = add(center, survey=survey, kind="text", text="基幹相談支援センター・市への要望")
    top = add(
        center,
        survey=survey,
        kind="cases",
        text="困難さの強い上位10ケースの概要",
        help_text="支援中のケースから困難さの強い順に選び、匿名化した概要を添えてください。",
        max_rows=10,
    )
    services.recipients_set(center, survey=survey, organizations=offices)
    services.survey_send(center, survey=survey)
    writers = _writers(offices)
    for index, office in enumerate(offices):
        user = writers.get(office.pk)
        if user is None:
            continue
        actor = actor_for(user, office, origin=origin)
        response = survey.responses.get(organization=office)
        answers: dict[int, object] = {
            grade.pk: [
                [index % 2, 1 + index % 3, index % 2],
                [1, 2 + index % 2, 1 + index % 3],
                [2 + index % 2, 1, index % 2],
                [index % 3, 1, 0],
            ],
            problems.pk: [PROBLEMS[i] for i in range(len(PROBLEMS)) if (i + index) % 3 != 2],
            trend.pk: ["増えた", "変わらない", "増えた"][index % 3],
            wishes.pk: REQUESTS[index % len(REQUESTS)],
        }
        # A first save prefills from the records; the first office then corrects its count.
        services.response_save(actor, response=response, answers={})
        answers[top.pk] = _top_cases(actor, count=2 + (index // 2) % 2)
        if index == 0:
            prefilled = response.answers.get(question=caseload).prefilled
            answers[caseload.pk] = int(prefilled or 0) + 2
        services.response_save(actor, response=response, answers=answers, submit=True)
    for index, response in enumerate(survey.responses.order_by("organization__code")):
        if index < 2:
            text = response.answers.filter(question=wishes).first()
            if text is not None:
                services.answer_review(center, answer=text)
    services.survey_close(center, survey=survey)
    return survey


def _census_answers(codes: dict[str, Question], index: int, year_offset: int) -> dict[int, object]:
    full = 1 + (index + year_offset) % 3
    return {
        codes["staff_full_time"].pk: full,
        codes["staff_part_time"].pk: (index + 1) % 2,
        codes["one_person_office"].pk: "はい" if full == 1 else "いいえ",
        codes["difficulties"].pk: [
            choice
            for i, choice in enumerate(census.DIFFICULTIES)
            if (i + index + year_offset) % 3 == 0 or (full == 1 and i == 0)
        ],
        codes["requests"].pk: CENSUS_REQUESTS[(index + year_offset) % len(CENSUS_REQUESTS)],
    }


def _census(
    city: Actor, offices: list[Organization], origin: Origin, *, year: int, current: bool
) -> Survey:
    today = timezone.localdate()
    survey = census.census_create(city, fiscal_year=year, deadline=today + dt.timedelta(days=10))
    services.survey_send(city, survey=survey)
    codes = _codes(survey)
    writers = _writers(offices)
    for index, office in enumerate(offices):
        user = writers.get(office.pk)
        if user is None:
            continue
        if current and index == len(offices) - 1:
            continue  # not started: the reminders go to this office
        actor = actor_for(user, office, origin=origin)
        response = survey.responses.get(organization=office)
        submit = not (current and index == len(offices) - 2)  # one office still drafting
        services.response_save(
            actor,
            response=response,
            answers=_census_answers(codes, index, 0 if current else 1),
            submit=submit,
        )
        if not submit:
            continue
        text = response.answers.filter(question=codes["requests"]).first()
        if text is not None and index % 2 == 0:
            services.answer_review(city, answer=text)
    if not current:
        # Last year's survey was due in the autumn and has long been closed.
        deadline = fiscal_year_range(year)[0] + dt.timedelta(days=200)
        services.survey_update(city, survey=survey, deadline=deadline)
        services.survey_close(city, survey=survey)
    return survey


@transaction.atomic
def seed_and_summarise(center_username: str = "core1", city_username: str = "city1") -> str:
    if Survey.objects.exists():
        return "調査: 既にあります（追加なし）"
    core = Organization.objects.filter(kind=OrganizationKind.CORE_CENTER).order_by("pk").first()
    city_org = (
        Organization.objects.filter(kind=OrganizationKind.CITY_DEPARTMENT).order_by("pk").first()
    )
    officer = User.objects.filter(username=center_username).first()
    official = User.objects.filter(username=city_username).first()
    if core is None or city_org is None or officer is None or official is None:
        return "調査: 基幹相談支援センターまたは市担当課がないため作成しません"
    origin = Origin.command("seed_demo surveys")
    center = actor_for(officer, core, origin=origin)
    city = actor_for(official, city_org, origin=origin)
    commissioned = _offices((OrganizationKind.COMMISSIONED_OFFICE,))
    planning = [o for o in census.census_recipients() if o.has_accounts]
    office_survey = _office_survey(center, commissioned, origin)
    this_year = fiscal_year(timezone.localdate())
    _census(city, planning, origin, year=this_year - 1, current=False)
    _census(city, planning, origin, year=this_year, current=True)
    return (
        f"調査: 基幹相談支援センターの調査（{office_survey.responses.count()}事業所・提出済み）、"
        f"実態調査（{this_year - 1}年度・{this_year}年度、指定特定{len(planning)}事業所）"
    )
