"""Referrals for the demo city みどり市 (`manage.py seed_demo`, after the casework).

- History: every time the core center joined a case team for joint support (tsunagu/demo/cases.py)
  it was asked first, so each such membership gets its joint-support request (共同支援依頼),
  sent a few days before, accepted the day it joined, its outcome reported and confirmed when
  the case closed (or still in progress).  A few complex cases also got a request the core
  center turned down.  That fills the statistics of seed 000 for several fiscal years.
- Now (late 2026-11), around office_a1 (相談支援センター あおば) and core1: a fresh request and
  one past its acknowledgement deadline in the core center's inbox, a completed one waiting for
  office_a1's confirmation, a referral (紹介) in progress at a planning office, a draft, and a
  request for advice from the community life hub (core1's second organization).
- ひだまり, a one-person planning office (seed 003): advice from the core center this year,
  given at a case conference core1 attended, a fresh request for advice, and advice asked of
  みどりの風 (so the core center's one-person-office page has counts it may not open).
- 相談支援センター かえで (office_b1) is on none of it.

Deterministic (one `random.Random`, fixed dates) and idempotent (nothing when any referral
exists).  Written with the ORM in bulk, as the casework is; like the other apps' demo data it
adds no audit row of its own (the city and the casework rows say the demo was seeded).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction

from tsunagu.accounts.models import User
from tsunagu.cases.models import (
    Case,
    CaseConference,
    CaseStatus,
    CaseTeamMember,
    ConferenceAttendee,
    ConferenceKind,
    SharingBasis,
    TeamRole,
)
from tsunagu.organizations.models import Membership, Organization
from tsunagu.people.models import HouseholdMember, Person, Relationship
from tsunagu.referrals.models import (
    BusinessStatus,
    Channel,
    Referral,
    ReferralKind,
    ReferralStatus,
    ReferralTransition,
    Side,
)
from tsunagu.referrals.services import build_summary

SEED = 5005
TOKYO = ZoneInfo("Asia/Tokyo")
CORE = "core-center"
AOBA = "office-aoba"
EXCLUDED = "office-kaede"
S = ReferralStatus
# Joint support that began before this is finished by now (the casework runs to 2026-11-20).
RECENT = dt.date(2026, 7, 1)

REASONS = (
    "支援チームの役割分担が定まらず、支援が途切れがちになっている。",
    "困難さの背景要因の見立てが難しく、支援方針が立てられない。",
    "サービスを導入しても生活上の問題が解決せず、次の手立てが見えない。",
    "家庭内に複数の要援護者がいて、当事業所だけでは対応しきれない。",
    "本人がサービスを拒否しており、関わりの糸口をつかめていない。",
)
REQUESTS = (
    "ケース会議への同席と、見立て・ニーズ整理の助言をお願いしたい。",
    "合同ケースレビューで事例として取り上げ、多角的な視点から助言をいただきたい。",
    "関係機関の調整とチーム形成を一緒に行っていただきたい。",
    "訪問に同行し、本人・家族との関係づくりを支えていただきたい。",
)
SUMMARIES = (
    "母と二人暮らし。母の入院をきっかけに生活が立ち行かなくなっている。",
    "長くひきこもりの状態が続き、家族以外との接点がない。",
    "金銭管理が難しく、滞納が重なっている。",
    "通所が途切れ、日中の居場所がなくなっている。",
)
OUTCOMES = (
    "ケース会議で見立てを共有し、各機関の役割を整理した。委託を主担当として支援を継続。",
    "合同ケースレビューで背景要因を整理し、支援方針を更新した。以後は定期的に情報共有する。",
    "同行訪問を重ね、本人が通所を再開した。共同支援は終了し、主担当が継続支援する。",
    "関係機関会議を開き、金銭管理の支援（日常生活自立支援事業）につないだ。",
)
REFUSALS = (
    "担当圏域の委託相談支援事業所で対応できる内容のため。まずは圏域の連絡会でご相談ください。",
    "現時点では情報が不足しているため。アセスメントの結果を添えて改めてご依頼ください。",
)


@dataclass
class Batch:
    referrals: list[Referral]
    transitions: list[tuple[Referral, ReferralTransition]]
    team: list[CaseTeamMember]


def _at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TOKYO)


def _subject(case: Case) -> Person | None:
    if case.person is not None:
        return case.person
    members = list(
        HouseholdMember.objects.filter(household_id=case.household_id or 0)
        .select_related("person")
        .order_by("pk")
    )
    # The member at the centre of the household, else the first recorded.
    centre = next((m for m in members if m.relationship == Relationship.SELF), None)
    chosen = centre or (members[0] if members else None)
    return chosen.person if chosen else None


def _person_of(case: Case) -> Person:
    assert case.person is not None  # noqa: S101  # _open_cases picks person cases
    return case.person


def _core_joins(
    batch: Batch, case: Case, core: Organization, core1: User, *, meeting: str, joined: dt.date
) -> CaseTeamMember:
    """The core center's officer joins the case's team for joint work, on the support
    meeting's basis (the request that asked for it is accepted the same day)."""
    member = CaseTeamMember(
        case=case,
        organization=core,
        worker=core1,
        role=TeamRole.JOINT,
        basis=SharingBasis.STATUTORY_MEETING,
        basis_note=meeting,
        joined_on=joined,
        added_by=core1,
    )
    batch.team.append(member)
    return member


def _referral(
    batch: Batch,
    *,
    case: Case,
    person: Person,
    kind: str,
    requester: User,
    receiver: Organization,
    receiver_worker: User | None,
    rng: random.Random,
    sent: dt.datetime,
    steps: list[tuple[str, dt.datetime]],
    basis: str,
    consent_id: int | None = None,
    basis_note: str = "",
    reason: str = "",
    outcome: str = "",
    summary_text: str = "",
    send: bool = True,
) -> Referral:
    """A referral and its transitions: `steps` are (action, when) after the request."""
    fields = ["age", "sex", "area"] + (["disability"] if rng.random() < 0.5 else [])
    summary = build_summary(case, person, fields)
    if "age" in summary:
        summary["age"] = person.age_on(sent.date())
    referral = Referral(
        case=case,
        person=person,
        kind=kind,
        requesting_organization=case.lead_organization,
        requesting_worker=requester,
        receiving_organization=receiver,
        receiving_worker=receiver_worker,
        reason=reason or rng.choice(REASONS),
        request_text=rng.choice(REQUESTS),
        summary_text=summary_text or rng.choice(SUMMARIES),
        summary_fields=fields,
        summary=summary,
        basis=basis,
        consent_id=consent_id,
        basis_note=basis_note,
        status=S.DRAFT,
    )
    batch.referrals.append(referral)
    created_at = sent - dt.timedelta(minutes=30)
    referral.created_at = created_at

    def add(
        action: str, to: str, when: dt.datetime, side: str, by: User | None, text: str = ""
    ) -> None:
        from_status, from_business = referral.status, referral.business_status
        referral.status = to
        batch.transitions.append(
            (
                referral,
                ReferralTransition(
                    action=action,
                    from_status=from_status,
                    to_status=to,
                    from_business_status=from_business,
                    to_business_status=referral.business_status,
                    reason=text,
                    side=side,
                    channel=Channel.SCREEN,
                    at=when,
                    by=by,
                    by_organization=(
                        case.lead_organization if side == Side.REQUESTER else receiver
                    ),
                ),
            )
        )

    add("create", S.DRAFT, created_at, Side.REQUESTER, requester)
    if not send:
        return referral
    referral.requested_at = sent
    add("request", S.REQUESTED, sent, Side.REQUESTER, requester)
    for action, when in steps:
        if action == "acknowledge":
            referral.business_status = BusinessStatus.RECEIVED
            referral.acknowledged_at = when
            add(action, S.REQUESTED, when, Side.RECEIVER, receiver_worker)
        elif action == "accept":
            referral.accepted_at = referral.decided_at = when
            referral.acknowledged_at = referral.acknowledged_at or when
            add(action, S.ACCEPTED, when, Side.RECEIVER, receiver_worker)
        elif action == "reject":
            referral.decided_at = when
            referral.acknowledged_at = referral.acknowledged_at or when
            referral.status_reason = outcome
            add(action, S.REJECTED, when, Side.RECEIVER, receiver_worker, outcome)
        elif action == "start":
            add(action, S.IN_PROGRESS, when, Side.RECEIVER, receiver_worker)
        elif action == "complete":
            referral.outcome = outcome
            referral.completed_at = when
            add(action, S.COMPLETED, when, Side.RECEIVER, receiver_worker, outcome)
        elif action == "confirm":
            referral.confirmed_at = when
            add(action, S.CONFIRMED, when, Side.REQUESTER, requester)
    return referral


def _history(batch: Batch, rng: random.Random, core: Organization) -> None:
    """The core center's joint-support memberships, each with the request that began it."""
    members = (
        CaseTeamMember.objects.filter(organization=core, role=TeamRole.JOINT)
        .exclude(case__lead_organization=core)
        .exclude(case__lead_worker__isnull=True)
        .select_related("case__lead_organization", "case__lead_worker", "case__person", "worker")
        .order_by("case_id", "pk")
    )
    for member in members:
        case = member.case
        person = _subject(case)
        assert case.lead_worker is not None  # noqa: S101  # filtered above
        if person is None:
            continue
        accepted = _at(member.joined_on, rng.choice((10, 11, 14, 15)))
        sent = accepted - dt.timedelta(days=rng.choice((1, 2, 3, 5, 8)), hours=rng.randint(0, 4))
        steps = [
            ("acknowledge", sent + dt.timedelta(hours=rng.randint(2, 20))),
            ("accept", accepted),
            ("start", accepted + dt.timedelta(days=rng.randint(1, 7))),
        ]
        outcome = rng.choice(OUTCOMES)
        end = case.closed_on or member.left_on
        if end is None and member.joined_on < RECENT:
            # Joint support is a stretch of months, not the life of the case: the older ones
            # were reported and confirmed while the case went on.
            end = min(member.joined_on + dt.timedelta(days=rng.randint(60, 180)), RECENT)
        if end is not None:
            completed = _at(end, 16) - dt.timedelta(days=rng.randint(3, 20))
            completed = max(completed, steps[-1][1] + dt.timedelta(days=1))
            steps += [
                ("complete", completed),
                ("confirm", completed + dt.timedelta(days=rng.randint(1, 4))),
            ]
        referral = _referral(
            batch,
            case=case,
            person=person,
            kind=ReferralKind.JOINT_SUPPORT,
            requester=case.lead_worker,
            receiver=core,
            receiver_worker=member.worker,
            rng=rng,
            sent=sent,
            steps=steps,
            basis=member.basis,
            consent_id=member.consent_id,
            basis_note=member.basis_note,
            outcome=outcome,
        )
        referral.team_member = member


def _refusals(batch: Batch, rng: random.Random, core: Organization, core_user: User) -> None:
    """A few complex cases the core center was asked about and turned down."""
    already = {m.case_id for m in CaseTeamMember.objects.filter(organization=core)}
    cases = [
        c
        for c in Case.objects.filter(is_complex=True, lead_worker__isnull=False)
        .exclude(lead_organization=core)
        .exclude(lead_organization__code=EXCLUDED)
        .select_related("lead_organization", "lead_worker", "person")
        .order_by("pk")
        if c.pk not in already
    ]
    for case in rng.sample(cases, min(4, len(cases))):
        person = _subject(case)
        if person is None or case.lead_worker is None:
            continue
        sent = _at(case.opened_on + dt.timedelta(days=rng.randint(10, 40)), 13)
        _referral(
            batch,
            case=case,
            person=person,
            kind=ReferralKind.JOINT_SUPPORT,
            requester=case.lead_worker,
            receiver=core,
            receiver_worker=core_user,
            rng=rng,
            sent=sent,
            steps=[("reject", sent + dt.timedelta(days=rng.randint(1, 3)))],
            basis=SharingBasis.STATUTORY_MEETING,
            basis_note="圏域の支援会議（社会福祉法106条の6）にて共有",
            outcome=rng.choice(REFUSALS),
        )


def _support_meetings(team: list[CaseTeamMember]) -> None:
    """The statutory support meeting each support-meeting basis names: held the morning the
    organization joined, attended by the lead and it, both pledges recorded (106条の6第5項)."""
    for member in team:
        if member.basis != SharingBasis.STATUTORY_MEETING or member.conference_id is not None:
            continue
        held_at = _at(member.joined_on, 9)
        conference = CaseConference.objects.create(
            case=member.case,
            kind=ConferenceKind.STATUTORY_SUPPORT_MEETING,
            organizer=member.case.lead_organization,
            held_at=held_at,
            purpose=member.basis_note,
            created_by=member.added_by,
        )
        for org in (member.case.lead_organization, member.organization):
            ConferenceAttendee.objects.create(
                conference=conference,
                organization=org,
                name=f"{org.short_name or org.name} 担当",
                pledged_at=held_at,
                pledged_by_name=f"{org.short_name or org.name} 担当",
                pledge_recorded_by=member.added_by,
            )
        member.conference = conference


def _open_cases(org: Organization, exclude: set[int]) -> list[Case]:
    return [
        c
        for c in Case.objects.filter(lead_organization=org, person__isnull=False)
        .exclude(status=CaseStatus.CLOSED)
        .select_related("lead_organization", "lead_worker", "person")
        .order_by("pk")
        if c.pk not in exclude
    ]


def _now(
    batch: Batch,
    rng: random.Random,
    orgs: dict[str, Organization],
    users: dict[str, User],
) -> None:
    """The loops open in late 2026-11, around office_a1 and core1."""
    aoba, core = orgs[AOBA], orgs[CORE]
    office_a1, core1, core2 = users["office_a1"], users["core1"], users["core2"]
    on_core_team = {m.case_id for m in CaseTeamMember.objects.filter(organization=core)}
    cases = _open_cases(aoba, on_core_team)
    if len(cases) < 5:
        return
    meeting = "令和8年度第8回 中央区支援会議（社会福祉法106条の6、11月26日）"
    fresh, late, completed, referred, draft = rng.sample(cases, 5)

    def lead(case: Case) -> User:
        return case.lead_worker or office_a1

    # New in the core center's inbox (not yet past its deadline on 2026-12-01).
    _referral(
        batch,
        case=fresh,
        person=_person_of(fresh),
        kind=ReferralKind.JOINT_SUPPORT,
        requester=lead(fresh),
        receiver=core,
        receiver_worker=None,
        rng=rng,
        sent=_at(dt.date(2026, 11, 27), 16, 20),
        steps=[],
        basis=SharingBasis.STATUTORY_MEETING,
        basis_note=meeting,
    )
    # Sent 11/16 and never marked received: past the deadline, `referrals_escalate` raises it.
    _referral(
        batch,
        case=late,
        person=_person_of(late),
        kind=ReferralKind.ADVICE,
        requester=lead(late),
        receiver=core,
        receiver_worker=None,
        rng=rng,
        sent=_at(dt.date(2026, 11, 16), 9, 40),
        steps=[],
        basis=SharingBasis.STATUTORY_MEETING,
        basis_note=meeting,
    )
    # Completed by the core center, waiting for office_a1 to confirm.
    joined = dt.date(2026, 10, 21)
    member = _core_joins(batch, completed, core, core1, meeting=meeting, joined=joined)
    done = _referral(
        batch,
        case=completed,
        person=_person_of(completed),
        kind=ReferralKind.JOINT_SUPPORT,
        requester=lead(completed),
        receiver=core,
        receiver_worker=core1,
        rng=rng,
        sent=_at(dt.date(2026, 10, 19), 11),
        steps=[
            ("acknowledge", _at(dt.date(2026, 10, 19), 15)),
            ("accept", _at(joined, 10)),
            ("start", _at(dt.date(2026, 10, 23), 10)),
            ("complete", _at(dt.date(2026, 11, 25), 17)),
        ],
        basis=SharingBasis.STATUTORY_MEETING,
        basis_note=meeting,
        outcome=OUTCOMES[0],
    )
    done.team_member = member
    # A referral (紹介) to a planning office, accepted and in progress.
    planning = orgs.get("plan-hidamari")
    planner = (
        Membership.objects.current()
        .filter(organization=planning)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    if planning is not None and planner is not None:
        member = CaseTeamMember(
            case=referred,
            organization=planning,
            worker=planner.user,
            role=TeamRole.OTHER,
            basis=SharingBasis.STATUTORY_MEETING,
            basis_note=meeting,
            joined_on=dt.date(2026, 11, 12),
            added_by=planner.user,
        )
        batch.team.append(member)
        ref = _referral(
            batch,
            case=referred,
            person=_person_of(referred),
            kind=ReferralKind.REFERRAL,
            requester=lead(referred),
            receiver=planning,
            receiver_worker=planner.user,
            rng=rng,
            sent=_at(dt.date(2026, 11, 10), 10),
            steps=[
                ("accept", _at(dt.date(2026, 11, 12), 11)),
                ("start", _at(dt.date(2026, 11, 12), 11, 5)),
            ],
            basis=SharingBasis.STATUTORY_MEETING,
            basis_note=meeting,
            summary_text="障害福祉サービスの利用計画の作成をお願いしたい。通所先の見学は済んでいる。",
        )
        ref.team_member = member
    # office_a1's draft, waiting for a basis before it can be sent.
    _referral(
        batch,
        case=draft,
        person=_person_of(draft),
        kind=ReferralKind.JOINT_SUPPORT,
        requester=office_a1,
        receiver=core,
        receiver_worker=core2,
        rng=rng,
        sent=_at(dt.date(2026, 11, 30), 17),
        steps=[],
        basis="",
        send=False,
    )
    # The community life hub (core1's second organization) asks office A for advice.
    hub = orgs.get("life-hub")
    hub_cases = _open_cases(hub, set()) if hub is not None else []
    if hub is not None and hub_cases:
        case = hub_cases[0]
        _referral(
            batch,
            case=case,
            person=_person_of(case),
            kind=ReferralKind.ADVICE,
            requester=lead(case),
            receiver=aoba,
            receiver_worker=office_a1,
            rng=rng,
            sent=_at(dt.date(2026, 11, 26), 14),
            steps=[("acknowledge", _at(dt.date(2026, 11, 27), 9, 30))],
            basis=SharingBasis.STATUTORY_MEETING,
            basis_note=meeting,
            summary_text="緊急時の短期入所先について、圏域の事業所の空き状況を教えてほしい。",
        )


def _one_person_office(
    batch: Batch, rng: random.Random, orgs: dict[str, Organization], users: dict[str, User]
) -> None:
    """ひだまり, a one-person office (seed 003, 一人事業所), leans on the network this year: advice
    from the core center given at a case conference core1 attended, a fresh request for advice
    in the core center's inbox, and advice it asked of a chief specialist's office."""
    hidamari, core, kaze = orgs.get("plan-hidamari"), orgs[CORE], orgs.get("plan-midorinokaze")
    helpers = [org for org in (core, kaze) if org is not None]
    on_their_teams = set(
        CaseTeamMember.objects.filter(organization__in=helpers).values_list("case_id", flat=True)
    )
    cases = _open_cases(hidamari, on_their_teams) if hidamari is not None else []
    if hidamari is None or len(cases) < 3:
        return
    core1 = users["core1"]
    advised, fresh, asked_kaze = rng.sample(cases, 3)
    counselor = advised.lead_worker or core1
    meeting = "令和8年度第6回 中央区支援会議（社会福祉法106条の6、9月4日）"
    advice = (
        "本人の拒否が強く、サービス導入の糸口がつかめない。一人事業所のため相談できる相手がいない。"
    )

    joined = dt.date(2026, 9, 9)
    on_team = _core_joins(batch, advised, core, core1, meeting=meeting, joined=joined)
    given = _referral(
        batch,
        case=advised,
        person=_person_of(advised),
        kind=ReferralKind.ADVICE,
        requester=counselor,
        receiver=core,
        receiver_worker=core1,
        rng=rng,
        sent=_at(dt.date(2026, 9, 8), 10),
        steps=[
            ("acknowledge", _at(dt.date(2026, 9, 8), 14)),
            ("accept", _at(joined, 10)),
            ("start", _at(joined, 10, 5)),
            ("complete", _at(dt.date(2026, 9, 30), 16)),
            ("confirm", _at(dt.date(2026, 10, 1), 9)),
        ],
        basis=SharingBasis.STATUTORY_MEETING,
        basis_note=meeting,
        reason=advice,
        outcome="ケース会議に同席し、関わりの糸口（本人の好きな作業）から訪問を組み立て直す方針を助言した。",
    )
    given.team_member = on_team
    conference = CaseConference.objects.create(
        case=advised,
        kind=ConferenceKind.CASE_CONFERENCE,
        organizer=hidamari,
        held_at=_at(dt.date(2026, 9, 24), 14),
        purpose="サービスを拒否する本人への関わり方",
        discussion="本人が関心を示す作業を手がかりに、訪問の回数と同行者を見直す。",
        decisions="基幹相談支援センターが次回訪問に同行する。1か月後に再度検討する。",
        created_by=counselor,
    )
    for org, name in ((hidamari, counselor.full_name), (core, core1.full_name)):
        ConferenceAttendee.objects.create(conference=conference, organization=org, name=name)
    _referral(
        batch,
        case=fresh,
        person=_person_of(fresh),
        kind=ReferralKind.ADVICE,
        requester=fresh.lead_worker or counselor,
        receiver=core,
        receiver_worker=None,
        rng=rng,
        sent=_at(dt.date(2026, 11, 24), 17),
        steps=[("acknowledge", _at(dt.date(2026, 11, 25), 9))],
        basis=SharingBasis.STATUTORY_MEETING,
        basis_note="令和8年度第8回 中央区支援会議（社会福祉法106条の6、11月19日）",
        reason="家族の入院が決まり、本人の短期入所先を急いで調整する必要がある。",
    )
    kaze_worker = (
        Membership.objects.current()
        .filter(organization=kaze)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    if kaze is not None and kaze_worker is not None:
        kaze_member = CaseTeamMember(
            case=asked_kaze,
            organization=kaze,
            worker=kaze_worker.user,
            role=TeamRole.OTHER,
            basis=SharingBasis.STATUTORY_MEETING,
            basis_note="令和8年度第4回 中央区支援会議（社会福祉法106条の6、7月10日）",
            joined_on=dt.date(2026, 7, 15),
            added_by=kaze_worker.user,
        )
        batch.team.append(kaze_member)
        asked = _referral(
            batch,
            case=asked_kaze,
            person=_person_of(asked_kaze),
            kind=ReferralKind.ADVICE,
            requester=asked_kaze.lead_worker or counselor,
            receiver=kaze,
            receiver_worker=kaze_worker.user,
            rng=rng,
            sent=_at(dt.date(2026, 7, 14), 11),
            steps=[
                ("accept", _at(dt.date(2026, 7, 15), 10)),
                ("complete", _at(dt.date(2026, 7, 28), 15)),
            ],
            basis=SharingBasis.STATUTORY_MEETING,
            basis_note="令和8年度第4回 中央区支援会議（社会福祉法106条の6、7月10日）",
            outcome="主任相談支援専門員として、モニタリングの頻度と記録の工夫を助言した。",
        )
        asked.team_member = kaze_member


@transaction.atomic
def seed_referrals() -> Counter[str]:
    """Create the demo referrals unless some referral already exists; return the counts."""
    created: Counter[str] = Counter()
    if Referral.objects.exists() or not Case.objects.exists():
        return created
    orgs = {o.code: o for o in Organization.objects.all()}
    users = {
        u.username: u for u in User.objects.filter(username__in=("office_a1", "core1", "core2"))
    }
    if CORE not in orgs or AOBA not in orgs or len(users) < 3:
        return created
    rng = random.Random(SEED)  # noqa: S311  # demo data, reproducible on purpose
    batch = Batch(referrals=[], transitions=[], team=[])
    _history(batch, rng, orgs[CORE])
    _refusals(batch, rng, orgs[CORE], users["core2"])
    _now(batch, rng, orgs, users)
    _one_person_office(batch, rng, orgs, users)
    _support_meetings(batch.team)
    CaseTeamMember.objects.bulk_create(batch.team)
    Referral.objects.bulk_create(batch.referrals, batch_size=500)
    # bulk_create sets auto_now(_add) to now: give each its demo dates back.
    for referral in batch.referrals:
        last = max((t.at for r, t in batch.transitions if r is referral), default=None)
        Referral.objects.filter(pk=referral.pk).update(
            created_at=referral.created_at, updated_at=last or referral.created_at
        )
    for referral, transition in batch.transitions:
        transition.referral = referral
    ReferralTransition.objects.bulk_create([t for _r, t in batch.transitions], batch_size=500)
    created.update(
        referral=len(batch.referrals),
        transition=len(batch.transitions),
        team_member=len(batch.team),
    )
    return created


def referrals_summary(created: Counter[str]) -> str:
    if not created.total():
        return "紹介・依頼: 作成済みのため、新たに作成したものはありません。"
    return f"紹介・依頼を作成しました: 依頼 {created['referral']}件、経過 {created['transition']}件"


def seed_and_summarise() -> str:
    """For `manage.py seed_demo`: seed, and the line it prints."""
    return referrals_summary(seed_referrals())
