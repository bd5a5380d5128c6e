"""A city-scale dataset for the benchmark (`manage.py seed_scale`, issue 7).

Everything is drawn from one `random.Random(seed)` and dated from `end` backwards, so the same
seed and end date give the same rows on SQLite and PostgreSQL.  Rows go in with `bulk_create`
in batches; the search index triggers are suspended for the load and the index is rebuilt in
one pass at the end (tsunagu/search/services.py).

What it makes, for P persons and N notes over Y fiscal years:
- areas (10 wards), organizations (one per ~2,000 persons, at least 6: a core center, planning
  and commissioned offices), 5 counselors each (demo password, 2FA optional in demo mode);
- persons (kana names for the kana search), households of 2-4 for a third of them;
- a case for 60% of persons (and one per household), led by an organization of its ward, with
  the lead on the team and, for one case in five, a second organization on a consent basis;
- notes spread over the cases and the years, authored by the lead's counselors;
- a formulation, an assessment (with a section per member), a support plan with monitorings
  (the last one due around `end`) and tasks for each case that is past intake;
- referrals between organizations for one case in twenty (tsunagu/referrals).
Meetings (tsunagu/meetings) are not generated yet: that app is still being written.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils import timezone

from tsunagu.accounts.models import User
from tsunagu.cases.models import Case, CaseStatus, CaseTeamMember, SharingBasis, TeamRole
from tsunagu.core.kana import normalize_kana
from tsunagu.organizations.models import (
    Area,
    AreaKind,
    JobTitle,
    Membership,
    Organization,
    OrganizationKind,
)
from tsunagu.people.models import Consent, Household, HouseholdMember, Person
from tsunagu.plans.models import (
    Assessment,
    AssessmentSection,
    Monitoring,
    MonitoringStatus,
    PlanStatus,
    SupportPlan,
    Task,
    TaskStatus,
)
from tsunagu.records.models import Formulation, NoteKind, ProgressNote
from tsunagu.search import services as search_index

M = TypeVar("M", bound=models.Model)

BATCH = 2000
USERS_PER_ORG = 5
PERSONS_PER_ORG = 2000
USERNAME = "scale-{org}-{n}"  # e.g. scale-3-1; the password is seed_demo's DEMO_PASSWORD
TZ = dt.timezone(dt.timedelta(hours=9))

FAMILY = [
    ("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("田中", "タナカ"),
    ("伊藤", "イトウ"), ("渡辺", "ワタナベ"), ("山本", "ヤマモト"), ("中村", "ナカムラ"),
    ("小林", "コバヤシ"), ("加藤", "カトウ"), ("吉田", "ヨシダ"), ("山田", "ヤマダ"),
    ("佐々木", "ササキ"), ("山口", "ヤマグチ"), ("松本", "マツモト"), ("井上", "イノウエ"),
    ("木村", "キムラ"), ("林", "ハヤシ"), ("斎藤", "サイトウ"), ("清水", "シミズ"),
]  # fmt: skip
GIVEN = [
    ("花子", "ハナコ"), ("太郎", "タロウ"), ("美咲", "ミサキ"), ("翔太", "ショウタ"),
    ("陽菜", "ヒナ"), ("蓮", "レン"), ("結衣", "ユイ"), ("大輝", "ダイキ"), ("さくら", "サクラ"),
    ("健太", "ケンタ"), ("愛", "アイ"), ("拓海", "タクミ"), ("由美", "ユミ"), ("誠", "マコト"),
    ("真央", "マオ"), ("悠斗", "ユウト"),
]  # fmt: skip
NOTE_OPENINGS = [
    "自宅を訪問。", "事業所で面談。", "母から電話。", "通院に同行。", "関係機関と連絡調整。",
    "ケース会議を開催。", "本人から電話。", "作業所を見学。",
]  # fmt: skip
NOTE_BODIES = [
    "本人は落ち着いた様子で、最近の生活について話してくれた。",
    "母の入院が決まり、本人の日中の過ごし方を相談した。",
    "兄の借金が家計を圧迫しており、家計相談窓口につなぐことにした。",
    "就労継続支援B型の通所が週3日で安定している。",
    "服薬の飲み忘れが続いているため、訪問看護の利用を提案した。",
    "グループホームの体験利用について、本人の希望を確認した。",
    "短期入所の空き状況を確認し、来月の利用を調整した。",
    "民生委員から、夜間に大きな声が聞こえるとの連絡があった。",
    "金銭管理について、日常生活自立支援事業の説明をした。",
    "通所先で仲間と絵を描く時間を楽しみにしているとのこと。",
    "父の退院後の介護について、地域包括支援センターと相談した。",
    "障害年金の更新手続きを一緒に確認した。",
]  # fmt: skip
NOTE_CLOSINGS = [
    "次回は来週訪問予定。", "様子を見て連絡する。", "計画の見直しを検討する。", "",
]  # fmt: skip


@dataclass
class Plan:
    persons: int
    notes: int
    years: int
    seed: int
    end: dt.date

    @property
    def organizations(self) -> int:
        return max(6, self.persons // PERSONS_PER_ORG)


@dataclass
class Summary:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, n: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + n


def _batches(items: Iterator[M], size: int = BATCH) -> Iterator[list[M]]:
    batch: list[M] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(model: type[M], rows: Iterator[M], summary: Summary) -> None:
    for batch in _batches(rows):
        model._default_manager.bulk_create(batch, batch_size=BATCH)
        summary.add(model._meta.label, len(batch))


def _insert_all(model: type[M], rows: Sequence[M], summary: Summary) -> list[M]:
    """Like `_insert`, keeping the rows (their primary keys set by the database)."""
    created: list[M] = model._default_manager.bulk_create(rows, batch_size=BATCH)
    summary.add(model._meta.label, len(created))
    return created


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9 + rng.randrange(9), rng.randrange(60)), TZ)


def _stamp(obj: M, when: dt.datetime) -> M:
    for name in ("created_at", "updated_at"):
        if hasattr(obj, name):
            setattr(obj, name, when)
    return obj


class ScaleSeeder:
    def __init__(self, plan: Plan, log: Callable[[str], Any]) -> None:
        self.plan = plan
        self.rng = random.Random(plan.seed)  # noqa: S311  # test data, not secrets
        self.log = log
        self.summary = Summary()
        self.start = dt.date(plan.end.year - plan.years, plan.end.month, 1)
        self.span = (plan.end - self.start).days

    def day(self, lo: dt.date | None = None) -> dt.date:
        first = lo or self.start
        return first + dt.timedelta(days=self.rng.randrange(max(1, (self.plan.end - first).days)))

    @transaction.atomic
    def run(self) -> Summary:
        search_index.search_index_suspend()
        self._network()
        self._people()
        self._cases()
        self._casework()
        self._notes()
        self.log("rebuilding the search index")
        search_index.search_index_rebuild()
        return self.summary

    # --- The network ------------------------------------------------------------------------

    def _network(self) -> None:
        wards = _insert_all(
            Area,
            [
                Area(code=f"scale-ward-{i}", name=f"第{i + 1}区", kind=AreaKind.WARD)
                for i in range(10)
            ],
            self.summary,
        )
        kinds = [OrganizationKind.CORE_CENTER] + [
            OrganizationKind.DESIGNATED_PLANNING_OFFICE
            if i % 2
            else OrganizationKind.COMMISSIONED_OFFICE
            for i in range(1, self.plan.organizations)
        ]
        self.orgs = _insert_all(
            Organization,
            [
                Organization(code=f"scale-org-{i}", name=f"相談支援センター {i}", kind=kind)
                for i, kind in enumerate(kinds)
            ],
            self.summary,
        )
        self.org_ward = {org.pk: wards[i % len(wards)] for i, org in enumerate(self.orgs)}
        from tsunagu.organizations.management.commands.seed_demo import DEMO_PASSWORD

        password = make_password(DEMO_PASSWORD)  # hashed once: every demo account shares it
        users = _insert_all(
            User,
            [
                User(
                    username=USERNAME.format(org=i, n=n),
                    full_name=f"{FAMILY[(i + n) % len(FAMILY)][0]} 職員{i}-{n}",
                    password=password,
                )
                for i in range(len(self.orgs))
                for n in range(1, USERS_PER_ORG + 1)
            ],
            self.summary,
        )
        self.staff: dict[int, list[User]] = {}
        memberships = []
        for index, user in enumerate(users):
            org = self.orgs[index // USERS_PER_ORG]
            self.staff.setdefault(org.pk, []).append(user)
            memberships.append(
                Membership(
                    user=user, organization=org, job_title=JobTitle.COUNSELOR, is_primary=True
                )
            )
        _insert_all(Membership, memberships, self.summary)
        self.log(f"network: {len(self.orgs)} organizations, {len(users)} accounts")

    # --- Persons and households -------------------------------------------------------------

    def _people(self) -> None:
        rng = self.rng
        persons = []
        for i in range(self.plan.persons):
            family, family_kana = FAMILY[rng.randrange(len(FAMILY))]
            given, given_kana = GIVEN[rng.randrange(len(GIVEN))]
            org = self.orgs[i % len(self.orgs)]
            persons.append(
                _stamp(
                    Person(
                        family_name=family,
                        given_name=given,
                        family_name_kana=family_kana,
                        given_name_kana=given_kana,
                        kana_normalized=normalize_kana(family_kana + given_kana),
                        birth_date=dt.date(1940 + rng.randrange(75), 1 + rng.randrange(12), 1)
                        + dt.timedelta(days=rng.randrange(28)),
                        area=self.org_ward[org.pk],
                        registered_by_organization=org,
                    ),
                    _at(self.day(), rng),
                )
            )
        self.persons = _insert_all(Person, persons, self.summary)
        self.log(f"persons: {len(self.persons)}")
        # A third of the persons live in households of 2-4 (consecutive persons, same org).
        households: list[Household] = []
        groups: list[list[Person]] = []
        i = 0
        limit = len(self.persons) // 3
        while i < limit:
            size = 2 + rng.randrange(3)
            group = self.persons[i : i + size]
            i += size
            if len(group) < 2:
                break
            groups.append(group)
            households.append(
                Household(
                    name=f"{group[0].family_name}さん世帯",
                    area=group[0].area,
                    registered_by_organization=group[0].registered_by_organization,
                )
            )
        self.households = _insert_all(Household, households, self.summary)
        self.members: dict[int, list[Person]] = {}
        relations = ["self", "mother", "father", "sibling"]
        rows = []
        for household, group in zip(self.households, groups, strict=True):
            self.members[household.pk] = group
            for k, person in enumerate(group):
                rows.append(
                    HouseholdMember(household=household, person=person, relationship=relations[k])
                )
        _insert_all(HouseholdMember, rows, self.summary)

    # --- Cases ------------------------------------------------------------------------------

    def _cases(self) -> None:
        rng = self.rng
        statuses = [
            CaseStatus.SUPPORT,
            CaseStatus.MONITORING,
            CaseStatus.PLANNING,
            CaseStatus.ASSESSMENT,
            CaseStatus.INTAKE,
            CaseStatus.CLOSED,
        ]
        cases = []
        in_household = {p.pk for group in self.members.values() for p in group}
        for person in self.persons:
            if person.pk in in_household or rng.random() >= 0.6:
                continue
            cases.append(self._case(person=person, household=None, status=rng.choice(statuses)))
        for household in self.households:
            cases.append(self._case(person=None, household=household, status=rng.choice(statuses)))
        self.cases = _insert_all(Case, cases, self.summary)
        # The lead is on the team; one case in five shares with a second organization on the
        # basis of the person's consent.
        consents = []
        shared = []
        for case in self.cases:
            if rng.randrange(5) == 0:
                subject = self._people_of(case)[0]
                consents.append(
                    Consent(
                        person=subject,
                        method="written",
                        obtained_on=case.opened_on,
                        obtained_by=case.lead_worker,
                        obtained_by_organization_id=case.lead_organization_id,
                    )
                )
                shared.append(case)
        consents = _insert_all(Consent, consents, self.summary)
        self.second: dict[int, Organization] = {}
        for case in shared:
            other = self.orgs[rng.randrange(len(self.orgs))]
            if other.pk != case.lead_organization_id:
                self.second[case.pk] = other
        consent_of = dict(zip((c.pk for c in shared), consents, strict=True))
        through = Consent.organizations.through
        _insert_all(
            through,
            [
                through(consent_id=consent_of[case_pk].pk, organization_id=org.pk)
                for case_pk, org in self.second.items()
            ],
            self.summary,
        )
        team = []
        for case in self.cases:
            team.append(
                CaseTeamMember(
                    case=case,
                    organization_id=case.lead_organization_id,
                    worker=case.lead_worker,
                    role=TeamRole.LEAD,
                    basis=SharingBasis.LEAD,
                    joined_on=case.opened_on,
                    added_by=case.lead_worker,
                )
            )
            joint = self.second.get(case.pk)
            if joint is not None:
                consent = consent_of[case.pk]
                team.append(
                    CaseTeamMember(
                        case=case,
                        organization=joint,
                        worker=self.staff[joint.pk][0],
                        role=TeamRole.JOINT,
                        basis=SharingBasis.CONSENT,
                        consent=consent,
                        joined_on=case.opened_on,
                        added_by=case.lead_worker,
                    )
                )
        _insert_all(CaseTeamMember, team, self.summary)
        self.log(f"cases: {len(self.cases)}")

    def _people_of(self, case: Case) -> list[Person]:
        if case.person is not None:
            return [case.person]
        assert case.household_id is not None  # noqa: S101  # a case is for one or the other
        return self.members[case.household_id]

    def _case(self, *, person: Person | None, household: Household | None, status: str) -> Case:
        rng = self.rng
        owner = person or household
        assert owner is not None  # noqa: S101
        org_id = owner.registered_by_organization_id
        opened = self.day()
        closed = None
        if status == CaseStatus.CLOSED:
            closed = self.day(opened)
        case = Case(
            person=person,
            household=household,
            title=f"{owner}さんの支援" if person else f"{owner}の支援",
            lead_organization_id=org_id,
            lead_worker=self.staff[org_id][rng.randrange(USERS_PER_ORG)],
            status=status,
            opened_on=opened,
            closed_on=closed,
        )
        return _stamp(case, _at(opened, rng))

    # --- Formulations, assessments, plans, monitorings, tasks, referrals --------------------

    def _casework(self) -> None:
        rng = self.rng
        worked = [c for c in self.cases if c.status != CaseStatus.INTAKE]
        formulations, assessments = [], []
        for case in worked:
            author = case.lead_worker
            formulations.append(
                Formulation(
                    case=case,
                    revision=1,
                    situation_summary=rng.choice(NOTE_BODIES),
                    hypothesis="変化への不安が強く、母への依存が拒否として表れている。",
                    support_policy="本人のペースで関係を作り、短期入所の体験から始める。",
                    author=author,
                    author_organization_id=case.lead_organization_id,
                    created_at=_at(case.opened_on, rng),
                )
            )
            assessments.append(
                _stamp(
                    Assessment(
                        case=case,
                        assessed_on=case.opened_on,
                        interactions="母の入院で本人の日中の居場所が途切れやすい。",
                        risks="兄の借金が家計を圧迫している。",
                        summary=rng.choice(NOTE_BODIES),
                        author=author,
                        author_organization_id=case.lead_organization_id,
                    ),
                    _at(case.opened_on, rng),
                )
            )
        _insert_all(Formulation, formulations, self.summary)
        assessments = _insert_all(Assessment, assessments, self.summary)
        sections = []
        for assessment, case in zip(assessments, worked, strict=True):
            people = self._people_of(case)
            for order, person in enumerate(people):
                assert person is not None  # noqa: S101
                sections.append(
                    AssessmentSection(
                        assessment=assessment,
                        person=person,
                        order=order,
                        health="月1回の通院。服薬あり。",
                        wishes="いつかグループホームで一人暮らしの練習をしたい。",
                    )
                )
        _insert(AssessmentSection, iter(sections), self.summary)
        planned = [
            c
            for c in worked
            if c.status in (CaseStatus.SUPPORT, CaseStatus.MONITORING, CaseStatus.CLOSED)
        ]
        plans = []
        for case in planned:
            start = case.opened_on + dt.timedelta(days=30)
            plans.append(
                _stamp(
                    SupportPlan(
                        case=case,
                        status=PlanStatus.AGREED,
                        long_term_goal="地域で安心して暮らし続ける。",
                        short_term_goal="通所を週3日続ける。",
                        period_start=start,
                        period_end=start + dt.timedelta(days=364),
                        agreed_on=start,
                        agreement_method="signature",
                        author=case.lead_worker,
                        author_organization_id=case.lead_organization_id,
                    ),
                    _at(start, rng),
                )
            )
        plans = _insert_all(SupportPlan, plans, self.summary)
        monitorings, tasks = [], []
        today = self.plan.end
        for plan, case in zip(plans, planned, strict=True):
            due = plan.period_start + dt.timedelta(days=90)
            while due <= min(plan.period_end, today + dt.timedelta(days=60)):
                done = due < today - dt.timedelta(days=14) or case.status == CaseStatus.CLOSED
                monitorings.append(
                    Monitoring(
                        plan=plan,
                        due_on=due,
                        status=MonitoringStatus.DONE if done else MonitoringStatus.SCHEDULED,
                        conducted_on=due if done else None,
                        conducted_by=case.lead_worker if done else None,
                        conducted_by_organization_id=case.lead_organization_id if done else None,
                        overall="通所は安定している。" if done else "",
                    )
                )
                due += dt.timedelta(days=90)
            tasks.append(
                Task(
                    title="受給者証の更新手続きの確認",
                    case=case,
                    owner_organization_id=case.lead_organization_id,
                    owner_worker=case.lead_worker,
                    due_on=today + dt.timedelta(days=rng.randrange(-30, 60)),
                    status=TaskStatus.DONE if case.status == CaseStatus.CLOSED else TaskStatus.OPEN,
                    created_by=case.lead_worker,
                )
            )
        _insert(Monitoring, iter(monitorings), self.summary)
        _insert(Task, iter(tasks), self.summary)
        self._referrals(worked)

    def _referrals(self, worked: list[Case]) -> None:
        try:
            from tsunagu.referrals.models import Referral, ReferralStatus
        except ImportError:  # the app is not there yet
            return
        rng = self.rng
        rows = []
        for case in worked[::20]:
            receiver = self.orgs[rng.randrange(len(self.orgs))]
            if receiver.pk == case.lead_organization_id:
                continue
            sent = _at(self.day(case.opened_on), rng)
            accepted = rng.random() < 0.5
            rows.append(
                _stamp(
                    Referral(
                        case=case,
                        person=case.person,
                        kind="referral",
                        requesting_organization_id=case.lead_organization_id,
                        requesting_worker=case.lead_worker,
                        receiving_organization=receiver,
                        reason="計画相談支援の引き継ぎ",
                        request_text="サービス等利用計画の作成をお願いします。",
                        summary_text=rng.choice(NOTE_BODIES),
                        basis=SharingBasis.EMERGENCY if not accepted else "",
                        basis_note="緊急時の共有" if not accepted else "",
                        status=ReferralStatus.ACCEPTED if accepted else ReferralStatus.REQUESTED,
                        requested_at=sent,
                        accepted_at=sent + dt.timedelta(days=2) if accepted else None,
                    ),
                    sent,
                )
            )
        _insert(Referral, iter(rows), self.summary)

    # --- Notes ------------------------------------------------------------------------------

    def _notes(self) -> None:
        rng = self.rng
        kinds = [k for k, _ in NoteKind.choices]
        cases = self.cases
        total = self.plan.notes

        def rows() -> Iterator[ProgressNote]:
            for i in range(total):
                case = cases[rng.randrange(len(cases))]
                last = case.closed_on or self.plan.end
                days = max(1, (last - case.opened_on).days)
                when = _at(case.opened_on + dt.timedelta(days=rng.randrange(days)), rng)
                author = self.staff[case.lead_organization_id][rng.randrange(USERS_PER_ORG)]
                text = (
                    rng.choice(NOTE_OPENINGS)
                    + rng.choice(NOTE_BODIES)
                    + rng.choice(NOTE_BODIES)
                    + rng.choice(NOTE_CLOSINGS)
                )
                yield _stamp(
                    ProgressNote(
                        case=case,
                        occurred_at=when,
                        kind=kinds[rng.randrange(len(kinds))],
                        author=author,
                        author_organization_id=case.lead_organization_id,
                        text=text,
                        is_restricted=i % 50 == 0,
                    ),
                    when,
                )
                if i and i % 100_000 == 0:
                    self.log(f"notes: {i}")

        _insert(ProgressNote, rows(), self.summary)


def has_real_data() -> bool:
    """Anything on file that seed_scale did not make (a person, a case): refuse to mix."""
    return (
        Person.objects.exclude(registered_by_organization__code__startswith="scale-org-").exists()
        or Case.objects.exists()
    )


def default_end() -> dt.date:
    return timezone.localdate()
