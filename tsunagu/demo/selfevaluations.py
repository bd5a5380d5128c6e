"""The demo city's self-evaluation of its consultation offices (issue 19 item 5; seed 003
障害者相談支援事業所運営自己評価): the city department's criteria for last fiscal year and this
one (this year's copied from last year's, with one item added), every consultation office's
evaluation of last year submitted and commented on by the core center, and this year a mix:
some submitted (one with the center's comments released, one returned for revision), some
drafts, some not begun.

Made through the services, as the city's manager (city1), each office's first writer and the
core center's officer (core1), so every step is audited.  Deterministic: the scores follow from
the office's place in the list.  Idempotent: once this year's criteria exist, nothing is added.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from tsunagu.accounts.models import User
from tsunagu.core.actor import Actor, Origin
from tsunagu.core.dates import fiscal_year, fiscal_year_label
from tsunagu.organizations.actors import actor_for
from tsunagu.organizations.models import Membership, Organization, OrganizationKind
from tsunagu.selfevaluations import services
from tsunagu.selfevaluations.models import EVALUATED_KINDS, CriteriaSet, SelfEvaluation

SCALE = ["できていない", "一部できている", "おおむねできている", "十分できている"]
GUIDANCE = (
    "この1年の事業所の運営を、職員で話し合って振り返ってください。"
    "各項目は「評価の観点」を参考に4段階で評価し、根拠となる取組みや課題をコメントに書きます。"
    "個人が分かることは書かないでください。提出後は基幹相談支援センターが所見を返します。"
)
AREAS: list[tuple[str, list[tuple[str, str, str]]]] = [
    (
        "運営体制",
        [
            (
                "1-1",
                "運営方針を職員で共有し、年に1回以上見直している",
                "方針の文書、見直しの記録。",
            ),
            ("1-2", "個人情報の管理と記録の保管の手順を定め、守っている", "手順書、点検の記録。"),
            ("1-3", "苦情・相談を受け付け、対応を記録している", "苦情受付の掲示、対応記録。"),
        ],
    ),
    (
        "相談支援の実践",
        [
            (
                "2-1",
                "本人の意向と「心の動く場面」を計画に反映している",
                "計画への記載、本人の言葉。",
            ),
            ("2-2", "モニタリングを計画どおりに行い、計画を見直している", "実施率、見直しの件数。"),
            (
                "2-3",
                "支援困難な事例を一人で抱えず、センターや関係機関に相談している",
                "相談の記録。",
            ),
        ],
    ),
    (
        "地域との連携",
        [
            ("3-1", "区の相談支援ネットワーク会議に参加している", "出席の記録（年4回以上）。"),
            ("3-2", "地域課題を協議会・部会に提起している", "提起した地域課題。"),
            ("3-3", "医療・教育・高齢など分野を越えた機関と連携している", "連携した機関。"),
        ],
    ),
    (
        "人材育成",
        [
            ("4-1", "職員ごとに研修の計画を立て、受講を支えている", "研修計画、受講記録。"),
            ("4-2", "事例検討やスーパービジョンの機会を設けている", "開催・参加の記録。"),
        ],
    ),
]
ADDED = ("4-3", "虐待防止と権利擁護の研修を全職員が受けている", "受講者の数と時期。")
COMMENTS = {
    1: "取組みが十分でなく、来年度の課題としています。",
    2: "一部の職員・事例にとどまっています。",
    3: "おおむねできていますが、記録に残す点が課題です。",
    4: "職員全体で取り組めています。",
}
CENTER_LOW = "センターの研修や事例検討会も活用して、取組みを広げていきましょう。"
CENTER_OVERALL = (
    "1年の取組みを丁寧に振り返っていただきました。地域との連携に強みがあります。"
    "次年度は人材育成の計画づくりを一緒に進めましょう。"
)


def _score(office_index: int, item_index: int, year_offset: int) -> int:
    """1〜4, varied by office and item; this year a little higher on some items."""
    base = 1 + (office_index * 3 + item_index * 5) % 4
    if year_offset and (office_index + item_index) % 3 == 0:
        base = min(4, base + 1)
    return base


def _writer(office: Organization, origin: Origin) -> Actor | None:
    membership = (
        Membership.objects.current()
        .filter(organization=office, user__is_active=True)
        .exclude(role="read_only")
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return actor_for(membership.user, office, origin=origin) if membership else None


def _make_set(city: Actor, year: int, copy_from: CriteriaSet | None) -> CriteriaSet:
    title = f"{fiscal_year_label(year)} 障害者相談支援事業所運営自己評価"
    if copy_from is not None:
        criteria = services.set_create(city, fiscal_year=year, title=title, copy_from=copy_from)
        area = criteria.areas.get(name="人材育成")
        services.item_create(city, area=area, code=ADDED[0], text=ADDED[1], guidance=ADDED[2])
    else:
        criteria = services.set_create(
            city, fiscal_year=year, title=title, guidance=GUIDANCE, scale_labels=SCALE
        )
        for name, items in AREAS:
            area = services.area_create(city, criteria=criteria, name=name)
            for code, text, guidance in items:
                services.item_create(city, area=area, code=code, text=text, guidance=guidance)
    return services.set_publish(city, criteria=criteria)


def _fill(
    actor: Actor, evaluation: SelfEvaluation, index: int, year_offset: int, *, upto: int | None
) -> SelfEvaluation:
    answers = {}
    for i, answer in enumerate(
        evaluation.answers.select_related("item").order_by("item__area__position", "item__position")
    ):
        if upto is not None and i >= upto:
            break
        score = _score(index, i, year_offset)
        answers[answer.item_id] = {"score": score, "comment": COMMENTS[score]}
    return services.evaluation_save(
        actor,
        evaluation=evaluation,
        answers=answers,
        overall_comment="職員全員で話し合って振り返りました。記録と研修の計画づくりが課題です。"
        if upto is None
        else "",
    )


def _review(core: Actor, evaluation: SelfEvaluation, *, release: bool) -> None:
    comments = {a.item_id: CENTER_LOW for a in evaluation.answers.all() if (a.score or 0) <= 1}
    services.evaluation_review(
        core, evaluation=evaluation, comments=comments, center_comment=CENTER_OVERALL
    )
    if release:
        services.evaluation_release(core, evaluation=evaluation)


@transaction.atomic
def seed_and_summarise() -> str:
    year = fiscal_year(timezone.localdate())
    origin = Origin.command("seed_demo selfevaluations")
    city_user = User.objects.filter(username="city1").first()
    core_user = User.objects.filter(username="core1").first()
    core_org = Organization.objects.filter(kind=OrganizationKind.CORE_CENTER).order_by("pk").first()
    city_org = (
        Organization.objects.filter(kind=OrganizationKind.CITY_DEPARTMENT).order_by("pk").first()
    )
    if city_user is None or core_user is None or core_org is None or city_org is None:
        return "自己評価: 市担当課・基幹相談支援センターがないため作成しません"
    if CriteriaSet.objects.filter(fiscal_year=year).exists():
        return "自己評価: 既にあります（追加なし）"
    city = actor_for(city_user, city_org, origin=origin)
    core = actor_for(core_user, core_org, origin=origin)
    last = CriteriaSet.objects.filter(fiscal_year=year - 1).first() or _make_set(
        city, year - 1, None
    )
    current = _make_set(city, year, last)
    offices = Organization.objects.filter(kind__in=EVALUATED_KINDS, is_active=True).order_by("code")
    counts = {"submitted": 0, "draft": 0, "not_started": 0, "returned": 0}
    last_submitted = dt.datetime(year, 3, 10, 1, 0, tzinfo=dt.UTC)
    for index, office in enumerate(offices):
        actor = _writer(office, origin)
        if actor is None:
            continue
        previous = services.evaluation_start(actor, criteria=last)
        previous = _fill(actor, previous, index, 0, upto=None)
        previous = services.evaluation_submit(actor, evaluation=previous)
        _review(core, previous, release=True)
        # Last year's was submitted and answered last March, not today.
        SelfEvaluation.objects.filter(pk=previous.pk).update(
            submitted_at=last_submitted, center_released_at=last_submitted + dt.timedelta(days=14)
        )
        state = index % 3
        if state == 2:
            counts["not_started"] += 1
            continue
        evaluation = services.evaluation_start(actor, criteria=current)
        if state == 1:
            _fill(actor, evaluation, index, 1, upto=5)
            counts["draft"] += 1
            continue
        evaluation = _fill(actor, evaluation, index, 1, upto=None)
        evaluation = services.evaluation_submit(actor, evaluation=evaluation)
        if index == 0:
            _review(core, evaluation, release=True)
        elif index == 3:
            services.evaluation_return(
                core,
                evaluation=evaluation,
                reason="2-2 のコメントに、モニタリングの実施率の根拠を書き足してください。",
            )
            counts["returned"] += 1
            continue
        counts["submitted"] += 1
    return (
        f"自己評価: {year - 1}年度と{year}年度の評価基準、{len(offices)}事業所の前年度の評価"
        f"（提出・所見あり）、今年度は提出 {counts['submitted']}・差し戻し {counts['returned']}"
        f"・作成中 {counts['draft']}・未着手 {counts['not_started']}"
    )
