"""Demo supervision for みどり市 (issue 18 item 5; seed 002: the offices gather regularly at the
core center for supervision): a year of monthly group sessions at the core center and a few
individual ones, cases presented de-identified with their themes, the supervisor's advice, items
carried to the next session and followed up there, and one case linked on a lawful basis — an
office's case whose team the core center has joined — with the advice written on the case record
because the office chose so.

Everything goes through the services: the sessions and the advice as the core center's officer
(core1, the supervisor), the presentations and the note as each office's own staff, so each step
has its audit row.  Idempotent: once any session exists, nothing is added.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from tsunagu.accounts.models import User
from tsunagu.cases.access import active_team_members
from tsunagu.cases.models import Case, CaseStatus
from tsunagu.core.actor import Actor, Origin
from tsunagu.organizations.actors import actor_for
from tsunagu.organizations.models import Membership, Organization, OrganizationKind, SystemRole
from tsunagu.supervision import services
from tsunagu.supervision.models import PresentedCase, SupervisionSession

OFFICE_KINDS = (
    OrganizationKind.COMMISSIONED_OFFICE,
    OrganizationKind.DESIGNATED_PLANNING_OFFICE,
    OrganizationKind.CHILD_PLANNING_OFFICE,
)

# (summary, themes, question, advice, follow-up point or "").  Summaries are de-identified:
# age band, household and situation, never a name, address or date of birth.
CASES: tuple[tuple[str, list[str], str, str, str], ...] = (
    (
        "40代男性。80代の母と二人暮らし。10年以上ほぼ外出がなく、母の入院を機に相談が入った。",
        ["hikikomori", "family_8050"],
        "本人と会えないまま母の退院が近づいている。関係づくりの糸口を相談したい。",
        "母の退院支援の場に本人宛ての手紙を託すなど、会わずにできる接点から始める。"
        "地域包括支援センターと役割を分け、母の支援を窓口に世帯を見立てる。",
        "母の退院後の世帯の様子と、本人からの反応",
    ),
    (
        "20代男性。知的障害と強度行動障害。グループホームで他害があり、退去を求められている。",
        ["severe_behaviour"],
        "行動の背景の見立てと、次の住まいの探し方を相談したい。",
        "記録を ABC（きっかけ・行動・結果）で一か月取り、環境調整から試す。"
        "発達障害者支援センターのコンサルテーションを使い、事業所の職員を孤立させない。",
        "記録から見えた行動のきっかけ",
    ),
    (
        "10代後半女性。医療的ケア（経管栄養）があり、特別支援学校の卒業後の通い先がない。",
        ["medical_care_child", "medical_care"],
        "卒業後の日中活動の場をどう確保するか。",
        "看護職員のいる生活介護を圏域で洗い出し、足りなければ自立支援協議会の地域課題に"
        "上げる。家族のレスパイトも同時に計画に入れる。",
        "",
    ),
    (
        "30代女性。統合失調症で長期入院中。退院の意向はあるが、家族は同居を望んでいない。",
        ["psychiatric_transition"],
        "地域移行の進め方と、家族との調整。",
        "地域移行支援の事業所を早めにチームに入れ、体験宿泊から始める。家族には"
        "同居以外の暮らし方を具体的に示し、負担の不安を聞き取る。",
        "体験宿泊の日程と本人の感想",
    ),
    (
        "50代男性。軽度知的障害。万引きを繰り返し、執行猶予中。就労継続支援B型に通所。",
        ["offending"],
        "再犯を防ぐ支援の組み立てを相談したい。",
        "地域生活定着支援センターと連携し、金銭管理と日中の居場所を厚くする。"
        "本人の困りごと（空腹・孤立）から行動の意味を見立てる。",
        "",
    ),
    (
        "60代女性と30代の娘。娘に発達障害の疑い。家計が破綻し、家賃の滞納が続いている。",
        ["poverty_debt", "developmental"],
        "世帯全体の支援の入り口をどこにするか。",
        "生活困窮者自立支援の窓口と合同で面談し、家計改善支援から入る。娘の受診は"
        "本人の困りごとが語られてから勧める。",
        "家計改善支援の面談の結果",
    ),
    (
        "20代男性。交通事故の後の高次脳機能障害。復職を試みたが続かず、家族が疲れている。",
        ["brain_injury"],
        "家族支援と本人の次の目標について。",
        "高次脳機能障害支援拠点機関の評価を受け、できることの確認から目標を立て直す。"
        "家族会を紹介する。",
        "",
    ),
    (
        "40代女性。アルコール依存症。断酒が続かず、子の養育に不安がある。",
        ["addiction", "abuse"],
        "子どもの安全の確認と、本人の治療への動機づけ。",
        "要保護児童対策地域協議会の枠組みで子の安全を確かめる。本人には責めずに"
        "困りごとを聞き、専門医療機関への同行を申し出る。",
        "子の安全確認の結果と受診の有無",
    ),
)

LINKED_SUMMARY = (
    "30代。家族の入院を機に暮らしが不安定になっている。短期入所の体験を予定しているが、"
    "本人の不安が強い。"
)
LINKED_ADVICE = (
    "体験の前に短期入所先の職員と自宅で顔を合わせる機会をつくる。"
    "本人が落ち着ける物を持参し、一泊目は短く終える計画にする。"
)


def _writers(offices: list[Organization]) -> dict[int, Membership]:
    found: dict[int, Membership] = {}
    members = (
        Membership.objects.current()
        .filter(organization__in=offices)
        .exclude(role=SystemRole.READ_ONLY)
        .select_related("user", "organization")
        .order_by("organization_id", "user__username")
    )
    for membership in members:
        found.setdefault(membership.organization_id, membership)
    return found


def _monthly_days(today: dt.date, months: int = 12) -> list[dt.date]:
    """The third Thursday of each of the last `months` months, each on or before today."""
    days = []
    year, month = today.year, today.month
    for _ in range(months + 1):
        first = dt.date(year, month, 1)
        day = first + dt.timedelta(days=(3 - first.weekday()) % 7 + 14)
        if day <= today:
            days.append(day)
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return sorted(days[:months])


def _linkable_case(core: Organization, offices: list[Organization]) -> Case | None:
    """An open case led by one of the offices, whose team the core center is on today."""
    core_on = active_team_members().filter(organization=core).values("case_id")
    return (
        Case.objects.filter(pk__in=core_on, lead_organization__in=offices)
        .exclude(status=CaseStatus.CLOSED)
        .order_by("pk")
        .first()
    )


def _advise(core_actor: Actor, item: PresentedCase, advice: str, point: str) -> None:
    services.advice_record(core_actor, item=item, advice=advice, follow_up_point=point)


@transaction.atomic
def seed_and_summarise(officer_username: str = "core1") -> str:
    if SupervisionSession.objects.exists():
        return "スーパービジョン: 既にあります（追加なし）"
    core = Organization.objects.filter(kind=OrganizationKind.CORE_CENTER).order_by("pk").first()
    officer = User.objects.filter(username=officer_username).first()
    if core is None or officer is None:
        return "スーパービジョン: 基幹相談支援センターがないため作成しません"
    origin = Origin.command("seed_demo supervision")
    core_actor = actor_for(officer, core, origin=origin)
    offices = list(
        Organization.objects.active()
        .filter(kind__in=OFFICE_KINDS, has_accounts=True)
        .order_by("code")
    )
    writers = _writers(offices)
    presenters = [o for o in offices if o.pk in writers]
    if not presenters:
        return "スーパービジョン: 事業所の職員がいないため作成しません"
    office_actor = {o.pk: actor_for(writers[o.pk].user, o, origin=origin) for o in presenters}
    today = timezone.localdate()
    sessions: list[SupervisionSession] = []
    items = carried = followed = 0
    previous: list[tuple[PresentedCase, str]] = []
    for index, held_on in enumerate(_monthly_days(today)):
        session = services.session_create(
            core_actor,
            kind="group",
            held_on=held_on,
            place="みどり市基幹相談支援センター 相談室",
            supervisor=officer,
            offices=offices,
            workers=[writers[o.pk].user for o in presenters],
        )
        sessions.append(session)
        # Last month's items with a point to check come back, and are followed up here.
        for item, point in previous:
            again = services.item_carry(
                office_actor[item.presenting_office_id], item=item, to_session=session
            )
            carried += 1
            if held_on < today - dt.timedelta(days=3):
                services.item_follow_up(
                    core_actor,
                    item=again,
                    result=f"前回の助言をもとに取り組んだ。{point}について報告があり、"
                    "支援の方向は変えずに続ける。",
                )
                followed += 1
        previous = []
        for turn in range(2):
            summary, themes, question, advice, point = CASES[(index * 2 + turn) % len(CASES)]
            office = presenters[(index + turn) % len(presenters)]
            item = services.item_create(
                office_actor[office.pk],
                session=session,
                presenting_office=office,
                summary=summary,
                themes=themes,
                question=question,
            )
            items += 1
            _advise(core_actor, item, advice, point)
            if point and index < 11:
                previous.append((item, point))
    # A few individual sessions, for offices that asked for one.
    individual = 0
    for months_ago, office in zip((10, 6, 2), presenters * 3, strict=False):
        held_on = today - dt.timedelta(days=30 * months_ago + 5)
        session = services.session_create(
            core_actor,
            kind="individual",
            held_on=held_on,
            place="オンライン",
            supervisor=officer,
            offices=[office],
            workers=[writers[office.pk].user],
        )
        summary, themes, question, advice, _point = CASES[(months_ago + 3) % len(CASES)]
        item = services.item_create(
            office_actor[office.pk],
            session=session,
            presenting_office=office,
            summary=summary,
            themes=themes,
            question=question,
        )
        _advise(core_actor, item, advice, "")
        items += 1
        individual += 1
    linked = _seed_linked(core_actor, core, presenters, office_actor, sessions)
    return (
        f"スーパービジョン: グループ {len(sessions)}回、個別 {individual}回"
        f"（提示事例 {items + linked}件、持ち越し {carried}件、フォローアップ {followed}件、"
        f"支援ケースと紐づけ {linked}件）"
    )


def _seed_linked(
    core_actor: Actor,
    core: Organization,
    presenters: list[Organization],
    office_actor: dict[int, Actor],
    sessions: list[SupervisionSession],
) -> int:
    """The one linked case: the core center is on the team of an office's case, so the office
    presents it linked; the supervisor's advice goes on the case record at the office's
    choice."""
    case = _linkable_case(core, presenters)
    if case is None or not sessions:
        return 0
    session = sessions[-1]
    actor = office_actor[case.lead_organization_id]
    item = services.item_create(
        actor,
        session=session,
        presenting_office=case.lead_organization,
        summary=LINKED_SUMMARY,
        themes=["family_8050"],
        question="短期入所の体験に向けた本人の不安への関わり方。",
        case=case,
    )
    _advise(core_actor, item, LINKED_ADVICE, "")
    services.advice_to_case(actor, item=item)
    return 1
