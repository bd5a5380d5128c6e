"""Demo evaluations of day-service group homes (日中サービス支援型GH) for みどり市 (issue 19
item 6; seed 003 (2)): the 地域部会 is the place of evaluation.  Four homes, one evaluation at
each stage of this fiscal year — planned, visited, Q&A held with its report overdue — and one
home published last year that reports in writing (書面) this year.  かぜのおか's manager (gh1)
has an account and fills its self-evaluation herself; the others' forms come on paper and the
city enters them.

Everything goes through the services as the city department's official (city1) or the home's
own staff, so each step has its audit row.  Idempotent: once any evaluation exists, nothing is
added.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from tsunagu.accounts.models import User
from tsunagu.core.actor import Actor, Origin
from tsunagu.core.dates import fiscal_year
from tsunagu.grouphomes import services
from tsunagu.grouphomes.models import GroupHome, GroupHomeEvaluation
from tsunagu.meetings.models import BodyKind, Meeting, MeetingBody
from tsunagu.organizations.actors import actor_for
from tsunagu.organizations.models import Organization

# (code, opened days ago, capacity, units)
HOMES = (
    ("gh-hidamari", 420, 20, 2),
    ("gh-kaze", 500, 10, 1),
    ("gh-komorebi", 560, 20, 2),
    ("gh-yuzuriha", 1200, 15, 2),
)
OBSERVATIONS = {
    "community": (
        "自治会の清掃と夏祭りに利用者と職員が参加している。近隣への説明会は開所時の1回のみ。"
    ),
    "daytime": "日中は施設内での創作活動が中心。外部の日中活動に通う方は20名中4名。",
    "staffing": "日中2名・夜間2名の配置。常勤の看護職員はいない。",
    "wishes": "個別支援計画に本人の希望が書かれているが、外出の希望への対応は月1回程度。",
    "rights": "虐待防止委員会を年2回開催。身体拘束の記録は見当たらなかった。",
}
ANSWERS = {
    "community": "地域の行事への参加を年4回に増やす。近隣との懇談会を開きたい。",
    "daytime": "外部の生活介護・就労継続支援の利用を本人と相談している。",
    "staffing": "夜間の職員の確保が課題。",
    "rights": "全職員が虐待防止研修を受講した。",
}
FINDINGS = (
    "24時間の手厚い支援が行われている一方、日中の活動が施設内で完結しがちで、地域との交流や"
    "社会参加の機会を広げる余地がある。"
)
REPORT = (
    "重度化・高齢化した利用者への支援体制は整っている。\n"
    "一方で、日中活動が施設内で完結しがちであり、外部の日中活動の利用や地域行事への参加を"
    "計画的に進めることを求める。\n"
    "次年度は書面により、地域との交流の取組みの進捗を報告されたい。"
)


def _city() -> Actor:
    user = User.objects.get(username="city1")
    return actor_for(user, origin=Origin.command("seed_demo grouphomes"))


def _qa_meeting(body: MeetingBody, before: dt.date) -> Meeting | None:
    """The subcommittee's latest meeting on or before `before`, if the demo has one."""
    meetings = Meeting.objects.filter(body=body).order_by("-starts_at", "-pk")
    for meeting in meetings:
        if timezone.localtime(meeting.starts_at).date() <= before:
            return meeting
    return None


@transaction.atomic
def seed() -> list[GroupHomeEvaluation]:
    if GroupHomeEvaluation.objects.exists():
        return []
    city = _city()
    body = MeetingBody.objects.filter(kind=BodyKind.SUBCOMMITTEE, name="地域部会").first()
    if body is None:
        return []
    today = timezone.localdate()
    year = fiscal_year(today)
    homes: list[GroupHome] = []
    for code, days, capacity, units in HOMES:
        org = Organization.objects.get(code=code)
        home = GroupHome.objects.filter(organization=org).first() or services.home_create(
            city,
            organization=org,
            opened_on=today - dt.timedelta(days=days),
            capacity=capacity,
            units=units,
        )
        homes.append(home)
    evaluators = [city.user]
    chair = User.objects.filter(username="office_a1").first()  # あおば's manager: the chair
    if chair is not None:
        evaluators.append(chair)
    core = User.objects.filter(username="core1").first()
    if core is not None:
        evaluators.append(core)
    made = []

    def plan(
        home: GroupHome, *, fy: int, path: str = "visit", planned: dt.date | None = None
    ) -> GroupHomeEvaluation:
        return services.evaluation_plan(
            city,
            home=home,
            fiscal_year=fy,
            path=path,
            body=body,
            evaluators=evaluators,
            visit_planned_on=planned,
        )

    hidamari, kaze, komorebi, yuzuriha = homes
    # 1. ひだまりの家: opened a year ago, the visit is planned for next month.
    made.append(plan(hidamari, fy=year, planned=today + dt.timedelta(days=30)))
    # 2. かぜのおか: visited; its staff (gh1) fill the self-evaluation next.
    evaluation = plan(kaze, fy=year, planned=today - dt.timedelta(days=14))
    made.append(
        services.visit_record(
            city,
            evaluation=evaluation,
            visited_on=today - dt.timedelta(days=14),
            observations=OBSERVATIONS,
            findings=FINDINGS,
        )
    )
    # 3. こもれび: Q&A held at the subcommittee 45 days ago; the report (due in 30) is late.
    qa_day = today - dt.timedelta(days=45)
    evaluation = plan(komorebi, fy=year, planned=qa_day - dt.timedelta(days=40))
    evaluation = services.visit_record(
        city,
        evaluation=evaluation,
        visited_on=qa_day - dt.timedelta(days=40),
        observations=OBSERVATIONS,
        findings=FINDINGS,
    )
    evaluation = services.self_evaluation_receive(
        city,
        evaluation=evaluation,
        received_on=qa_day - dt.timedelta(days=10),
        answers=ANSWERS,
        summary="利用者20名（平均年齢52歳、支援区分5・6が7割）。日中は施設内で過ごす方が多い。",
    )
    made.append(
        services.qa_record(
            city,
            evaluation=evaluation,
            held_on=qa_day,
            meeting=_qa_meeting(body, qa_day),
            items=[
                {
                    "question": "外部の日中活動に通う方を増やすために、何が必要か。",
                    "answer": "送迎の体制と、本人の意向の確認を計画的に進めたい。",
                },
                {
                    "question": "地域の方が訪ねてくる機会はあるか。",
                    "answer": "年1回の見学会のみ。自治会と相談して増やしたい。",
                },
            ],
        )
    )
    # 4. ゆずりは: visited and published last year; reports in writing (書面) this year.
    evaluation = plan(yuzuriha, fy=year - 1, planned=today - dt.timedelta(days=400))
    evaluation = services.visit_record(
        city,
        evaluation=evaluation,
        visited_on=today - dt.timedelta(days=400),
        observations=OBSERVATIONS,
        findings=FINDINGS,
    )
    evaluation = services.self_evaluation_receive(
        city,
        evaluation=evaluation,
        received_on=today - dt.timedelta(days=390),
        answers=ANSWERS,
        summary="利用者15名。日中は生活介護に通う方が半数。",
    )
    evaluation = services.qa_record(
        city,
        evaluation=evaluation,
        held_on=today - dt.timedelta(days=380),
        items=[{"question": "夜間の体制は十分か。", "answer": "2名体制で対応している。"}],
    )
    evaluation = services.report_write(city, evaluation=evaluation, text=REPORT)
    made.append(services.publish(city, evaluation=evaluation))
    written = plan(yuzuriha, fy=year, path="written")
    made.append(
        services.self_evaluation_receive(
            city,
            evaluation=written,
            received_on=today - dt.timedelta(days=7),
            answers={
                "community": "地域の夏祭りに出店し、近隣との懇談会を2回開いた。",
                "daytime": "外部の日中活動に通う方が8名に増えた。",
            },
            summary="昨年度の評価を受け、地域との交流の取組みを進めた。",
        )
    )
    return made


def seed_and_summarise() -> str:
    made = seed()
    if not made:
        return "日中サービス支援型GHの評価: 既存のデータあり（追加なし）"
    steps = "、".join(f"{e.home.organization.name}={e.get_step_display()}" for e in made)
    return f"日中サービス支援型GHの評価: {len(made)}件（{steps}）。事業所のアカウント: gh1"
