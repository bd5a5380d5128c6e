"""A city-scale dataset for the benchmark (`manage.py seed_scale`, issue 7).

Everything is drawn from one `random.Random(seed)` and dated from `end` backwards, so the same
seed and end date give the same rows on SQLite and PostgreSQL.  Rows go in with `bulk_create`
in batches; the search index triggers are suspended for the load and the index is rebuilt in
one pass at the end (tsunagu/search/services.py).

What it makes, for P persons and N notes over Y fiscal years:
- areas (10 wards), organizations (one per ~170 persons, at least 6: a core center, planning
  and commissioned offices), 5 counselors each (demo password, 2FA optional in demo mode).  A
  larger city has more offices, not bigger ones: an office of five counselors holds about the
  same persons at 1/100 and at city scale, so the bench's growth from one to the other
  measures the city's size and not a fuller office (issue 15);
- persons (kana names for the kana search), households of 2-4 for a third of them;
- a case for 60% of persons (and one per household), led by an organization of its ward, with
  the lead on the team and, for one case in five, a second organization on a consent basis;
- notes spread over the cases and the years, authored by the lead's counselors;
- a formulation, an assessment (with a section per member), a support plan with monitorings
  (the last one due around `end`) and tasks for each case that is past intake;
- referrals between organizations for one case in twenty (tsunagu/referrals);
- the network's meetings for every fiscal year (the council, its subcommittees and three
  bodies per ward, with attendance), a case conference for one worked case in ten, and
  community issues raised from some of them (tsunagu/meetings);
- the social resource directory (tsunagu/directory): each organization's own consultation
  service, a service provider per 150 persons with one to four services each, an informal
  resource (サロン, 家族会, 子ども食堂, ...) per 1,000 persons, each with its place in a
  ward, opening hours, phone numbers, specialties and, for day and residential services,
  places and vacancies; and a resource development for every community issue.  About 2,300
  resources at city scale, the order of a city of a million.  Their HSDS ids are derived
  from the seed, so the directory is the same for the same seed too.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

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
from tsunagu.core.kana import fold_name, normalize_kana
from tsunagu.demo import DEMO_PASSWORD
from tsunagu.directory import services as directory_services
from tsunagu.directory.models import (
    Contact,
    Location,
    Phone,
    PhoneKind,
    Provider,
    ResourceStatus,
    Schedule,
    SocialResource,
    Taxonomy,
    TaxonomyTerm,
)
from tsunagu.directory.taxonomy import derived_id
from tsunagu.meetings.models import (
    BodyKind,
    CommunityIssue,
    DevelopmentKind,
    FrequencyKind,
    IssueSource,
    IssueStage,
    IssueTheme,
    Level,
    Meeting,
    MeetingBody,
    MeetingStatus,
    ResourceDevelopment,
)
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
from tsunagu.referrals.models import Referral, ReferralStatus
from tsunagu.search import services as search_index
from tsunagu.search.models import SearchDocument

M = TypeVar("M", bound=models.Model)

BATCH = 2000
USERS_PER_ORG = 5
PERSONS_PER_ORG = 170  # five counselors' caseloads; the same office at every scale
WARD_BODY_MEMBERS = 15  # the offices a ward's network bodies invite
PERSONS_PER_PROVIDER = 150  # a service provider (法人) with one to four services
PERSONS_PER_INFORMAL = 1000  # a salon, a family association, a children's cafeteria, ...
USERNAME = "scale-{org}-{n}"  # e.g. scale-3-1; the password is the demo's DEMO_PASSWORD
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

# The directory: the network's own consultation services, and the kinds of service that have
# places (定員) and vacancies.
CONSULTATION_TYPES = ("planning-consultation", "general-consultation")
PLACE_TYPES = {
    "life-care", "short-stay", "group-home", "facility-admission", "transition-to-work",
    "continuous-work-a", "continuous-work-b", "independence-training", "child-development",
    "after-school-day", "day-respite", "community-activity-center",
}  # fmt: skip
SCALE_CITY = "つなぐ市"
LEGAL_FORMS = [
    "社会福祉法人", "特定非営利活動法人", "合同会社", "株式会社", "一般社団法人", "医療法人",
]  # fmt: skip
BRANDS = [
    ("ひまわり", "ひまわり"), ("あおぞら", "あおぞら"), ("みらい", "みらい"), ("つばさ", "つばさ"),
    ("こもれび", "こもれび"), ("ほほえみ", "ほほえみ"), ("わかば", "わかば"), ("なごみ", "なごみ"),
    ("きずな", "きずな"), ("虹", "にじ"), ("陽だまり", "ひだまり"), ("ふれあい", "ふれあい"),
    ("たんぽぽ", "たんぽぽ"), ("若竹", "わかたけ"), ("青葉", "あおば"), ("白樺", "しらかば"),
]  # fmt: skip
RESOURCE_DESCRIPTIONS = [
    "一人ひとりのペースに合わせて、日中の活動を一緒に考えます。",
    "送迎があります。見学は事前にお電話ください。",
    "医療的ケアが必要な方も、看護師が対応します。",
    "地域の方と一緒に、季節の行事を楽しんでいます。",
    "作業を通じて、働く力と生活のリズムを整えます。",
]


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

    @property
    def service_providers(self) -> int:
        return max(3, self.persons // PERSONS_PER_PROVIDER)

    @property
    def informal_resources(self) -> int:
        return max(2, self.persons // PERSONS_PER_INFORMAL)


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

    def run(self) -> Summary:
        with transaction.atomic():
            search_index.search_index_suspend()
            self._network()
            self._people()
            self._cases()
            self._casework()
            self._meetings()
            self._notes()
            self._directory()
            self.log("rebuilding the search index")
            search_index.search_index_rebuild()
        self.log("updating the planner's statistics")
        with connection.cursor() as cursor:
            # Without fresh statistics both planners take a million-row table for a small one
            # and choose the wrong indexes (ADR 0006).  On PostgreSQL, VACUUM also sets the
            # visibility map that index-only scans need (the visibility union reads the team
            # table half as long with it); autovacuum would do both, minutes later.  VACUUM
            # cannot run inside a transaction (a test's), where ANALYZE alone has to do.
            vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
            if vacuum:
                # The documents of one case together on disk, as the monthly CLUSTER of the
                # README's operations section keeps them: a search reads the documents of the
                # visible cases, which in arrival order lie on a page each (issue 15).
                self.log("clustering the search documents by case")
                table = SearchDocument._meta.db_table
                cursor.execute(f"CLUSTER {table} USING search_doc_case_time")
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
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
        self.wards = wards
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
                        name_folded=fold_name(family, given),
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

    # --- The network's meetings -------------------------------------------------------------

    def _meetings(self) -> None:
        """The council (4 a year) and three subcommittees (3 a year), and per ward a network
        meeting (4), a practitioners' meeting (monthly) and an offices' liaison (6), for every
        fiscal year, with the ward's organizations attending; a case conference for one
        worked case in ten; a community issue raised from every fortieth conference."""

        rng = self.rng
        core = self.orgs[0]
        ward_orgs: dict[int, list[Organization]] = {}
        for org in self.orgs:
            ward_orgs.setdefault(self.org_ward[org.pk].pk, []).append(org)
        wards = [ward for ward in self.wards if ward.pk in ward_orgs]  # those with offices
        council = _insert_all(
            MeetingBody,
            [
                MeetingBody(
                    name="自立支援協議会",
                    kind=BodyKind.COUNCIL,
                    level=Level.MACRO,
                    frequency_kind=FrequencyKind.AT_LEAST,
                    frequency_count=4,
                )
            ],
            self.summary,
        )[0]
        specs: list[tuple[MeetingBody, list[Organization], list[int]]] = []
        bodies = [
            MeetingBody(
                name=f"自立支援協議会 {topic}部会",
                kind=BodyKind.SUBCOMMITTEE,
                level=Level.MACRO,
                parent=council,
                frequency_kind=FrequencyKind.MONTHS,
                frequency_months=[5, 10, 2],
            )
            for topic in ("相談支援", "地域移行", "こども")
        ]
        ward_kinds = [
            (BodyKind.WARD_NETWORK, "障がい福祉ネットワーク会議", [5, 8, 11, 2]),
            (BodyKind.PRACTITIONER_NETWORK, "実務者ネットワーク会議", list(range(1, 13))),
            (BodyKind.OFFICE_LIAISON, "相談支援事業所等連絡会議", [4, 6, 8, 10, 12, 2]),
        ]
        for ward in wards:
            for kind, name, months in ward_kinds:
                bodies.append(
                    MeetingBody(
                        name=f"{ward.name}{name}",
                        kind=kind,
                        level=Level.MESO,
                        area=ward,
                        frequency_kind=FrequencyKind.MONTHS,
                        frequency_months=months,
                    )
                )
        bodies = _insert_all(MeetingBody, bodies, self.summary)
        specs.append((council, self.orgs[:8], [6, 9, 12, 3]))
        specs += [(body, self.orgs[:6], [5, 10, 2]) for body in bodies[:3]]
        for body in bodies[3:]:
            members_of = ward_orgs.get(body.area_id or 0, [])[:WARD_BODY_MEMBERS]
            specs.append((body, members_of, body.frequency_months))
        secretariat = MeetingBody.secretariats.through
        members = MeetingBody.member_organizations.through
        _insert_all(
            secretariat,
            [
                secretariat(
                    meetingbody_id=body.pk,
                    organization_id=(orgs[0] if body.area_id and orgs else core).pk,
                )
                for body, orgs, _months in specs
            ],
            self.summary,
        )
        _insert_all(
            members,
            [
                members(meetingbody_id=body.pk, organization_id=org.pk)
                for body, orgs, _months in specs
                for org in orgs
            ],
            self.summary,
        )
        author = self.staff[core.pk][0]
        meetings, attending = [], []
        for year in range(self.start.year, self.plan.end.year + 1):
            for body, orgs, months in specs:
                for month in months:
                    fiscal = year if month >= 4 else year + 1
                    day = dt.date(fiscal, month, 10 + rng.randrange(10))
                    if not self.start <= day <= self.plan.end + dt.timedelta(days=90):
                        continue
                    starts = dt.datetime.combine(day, dt.time(14, 0), TZ)
                    held = day <= self.plan.end
                    meetings.append(
                        _stamp(
                            Meeting(
                                body=body,
                                title=f"{body.name}（{month}月）",
                                starts_at=starts,
                                ends_at=starts + dt.timedelta(hours=2),
                                place="市役所 会議室",
                                status=MeetingStatus.HELD if held else MeetingStatus.SCHEDULED,
                                agenda="各機関からの報告\n地域課題の共有",
                                minutes="各機関から相談の傾向を報告した。" if held else "",
                                created_by=author,
                            ),
                            starts - dt.timedelta(days=30),
                        )
                    )
                    attending.append(orgs if held else [])
        meetings = _insert_all(Meeting, meetings, self.summary)
        attendees = Meeting.attendee_organizations.through
        _insert(
            attendees,
            (
                attendees(meeting_id=meeting.pk, organization_id=org.pk)
                for meeting, orgs in zip(meetings, attending, strict=True)
                for org in orgs
                if rng.random() < 0.9
            ),
            self.summary,
        )
        worked = [c for c in self.cases if c.status != CaseStatus.INTAKE][::10]
        conferences, present = [], []
        for case in worked:
            held_at = _at(self.day(case.opened_on), rng)
            joint = self.second.get(case.pk)
            conference_kind = (
                ConferenceKind.CASE_CONFERENCE if joint else ConferenceKind.CASE_STUDY_SESSION
            )
            conferences.append(
                _stamp(
                    CaseConference(
                        case=case,
                        kind=conference_kind,
                        organizer_id=case.lead_organization_id,
                        held_at=held_at,
                        purpose="母の入院後の本人の暮らし方を検討したい。",
                        discussion=rng.choice(NOTE_BODIES),
                        decisions="短期入所の体験を来月に調整する。",
                        summary="50代の本人と80代の母の世帯。母の入院で日中の居場所が途切れた。",
                        summary_reviewed_by=case.lead_worker,
                        summary_reviewed_at=held_at,
                        created_by=case.lead_worker,
                    ),
                    held_at,
                )
            )
            present.append([case.lead_organization_id] + ([joint.pk] if joint else []))
        conferences = _insert_all(CaseConference, conferences, self.summary)
        _insert(
            ConferenceAttendee,
            (
                ConferenceAttendee(conference=conference, organization_id=org_id)
                for conference, orgs in zip(conferences, present, strict=True)
                for org_id in orgs
            ),
            self.summary,
        )
        themes = [t for t, _ in IssueTheme.choices]
        stages = [s for s, _ in IssueStage.choices]
        self.community_issues = _insert_all(
            CommunityIssue,
            [
                _stamp(
                    CommunityIssue(
                        title="親の入院で日中の居場所がなくなる世帯が続いている",
                        theme=themes[i % len(themes)],
                        area=self.org_ward[conference.organizer_id],
                        description="高齢の親と暮らす障害のある子の世帯で、親の入院をきっかけ"
                        "に日中の居場所と金銭管理が同時に途切れる例が複数ある。",
                        source=IssueSource.CONFERENCE,
                        source_case=conference.case,
                        source_conference=conference,
                        stage=stages[i % len(stages)],
                        raised_by=conference.created_by,
                        raised_by_organization_id=conference.organizer_id,
                    ),
                    conference.held_at,
                )
                for i, conference in enumerate(conferences[::40])
            ],
            self.summary,
        )
        self.meetings = meetings
        self.log(f"meetings: {len(meetings)}, case conferences: {len(conferences)}")

    # --- Notes ------------------------------------------------------------------------------

    def _notes(self) -> None:
        """The million rows: plain tuples through `_copy`, not model instances, since building
        and compiling a million instances is most of the time `bulk_create` takes."""
        rng = self.rng
        kinds = [k for k, _ in NoteKind.choices if k != NoteKind.PERSON_VOICE]  # staff notes
        cases = self.cases
        total = self.plan.notes
        staff = {org: [u.pk for u in users] for org, users in self.staff.items()}
        columns = (
            "case_id", "occurred_at", "kind", "author_id", "author_organization_id", "text",
            "participants", "is_motivating_moment", "motivating_moment", "is_restricted",
            "created_at", "updated_at",
        )  # fmt: skip

        def rows() -> Iterator[tuple[Any, ...]]:
            for i in range(total):
                case = cases[rng.randrange(len(cases))]
                last = case.closed_on or self.plan.end
                days = max(1, (last - case.opened_on).days)
                when = _at(case.opened_on + dt.timedelta(days=rng.randrange(days)), rng)
                org = case.lead_organization_id
                text = (
                    rng.choice(NOTE_OPENINGS)
                    + rng.choice(NOTE_BODIES)
                    + rng.choice(NOTE_BODIES)
                    + rng.choice(NOTE_CLOSINGS)
                )
                kind = kinds[rng.randrange(len(kinds))]
                author = staff[org][rng.randrange(USERS_PER_ORG)]
                yield (
                    case.pk,
                    when,
                    kind,
                    author,
                    org,
                    text,
                    "",
                    False,
                    "",
                    i % 50 == 0,
                    when,
                    when,
                )
                if i and i % 100_000 == 0:
                    self.log(f"notes: {i}")

        self.summary.add(ProgressNote._meta.label, _copy(ProgressNote, columns, rows()))

    # --- The social resource directory ------------------------------------------------------

    def _hsds_id(self, kind: str, n: int) -> uuid.UUID:
        return uuid.UUID(derived_id("scale", self.plan.seed, kind, n))

    def _directory(self) -> None:
        """Providers and their services, formal and informal, with their places, hours, phones
        and specialties, and a resource development for every community issue.  Rows go in
        with `bulk_create`; the search text is then filled by the directory's own
        `search_text_of` over prefetched rows (no query per resource)."""
        rng = self.rng
        directory_services.ensure_terms()
        terms = list(TaxonomyTerm.objects.order_by("sort_order", "code"))
        formal = [
            t
            for t in terms
            if t.taxonomy == Taxonomy.SERVICE_TYPE
            and not t.is_informal
            and t.code not in CONSULTATION_TYPES
        ]
        informal = [t for t in terms if t.taxonomy == Taxonomy.SERVICE_TYPE and t.is_informal]
        consultation = {t.code: t for t in terms if t.code in CONSULTATION_TYPES}
        specialties = [t for t in terms if t.taxonomy == Taxonomy.SPECIALTY]
        stamp = _at(self.start, rng)

        # Providers: the network's organizations, service providers, informal groups.
        providers: list[Provider] = []
        specs: list[tuple[int, list[TaxonomyTerm], str, str]] = []  # provider, kinds, brand
        for i, org in enumerate(self.orgs):
            kind = consultation[
                "planning-consultation"
                if org.kind == OrganizationKind.DESIGNATED_PLANNING_OFFICE
                else "general-consultation"
            ]
            providers.append(
                Provider(
                    hsds_id=self._hsds_id("provider", len(providers)),
                    name=org.name,
                    name_kana=f"そうだんしえんせんたー {i}",
                    organization=org,
                    phone=_phone(rng),
                )
            )
            specs.append((len(providers) - 1, [kind], org.name, f"そうだんしえんせんたー {i}"))
        for _ in range(self.plan.service_providers):
            brand, brand_kana = BRANDS[rng.randrange(len(BRANDS))]
            form = LEGAL_FORMS[rng.randrange(len(LEGAL_FORMS))]
            providers.append(
                Provider(
                    hsds_id=self._hsds_id("provider", len(providers)),
                    name=f"{form} {brand}会",
                    name_kana=f"{brand_kana}かい",
                    phone=_phone(rng),
                )
            )
            kinds = rng.sample(formal, 1 + rng.randrange(4))
            specs.append((len(providers) - 1, kinds, brand, brand_kana))
        for _ in range(self.plan.informal_resources):
            brand, brand_kana = BRANDS[rng.randrange(len(BRANDS))]
            kind = informal[rng.randrange(len(informal))]
            providers.append(
                Provider(
                    hsds_id=self._hsds_id("provider", len(providers)),
                    name=f"{brand}の会",
                    name_kana=f"{brand_kana}のかい",
                )
            )
            specs.append((len(providers) - 1, [kind], brand, brand_kana))
        providers = _insert_all(Provider, [_stamp(p, stamp) for p in providers], self.summary)

        # One resource per (provider, kind), in a ward of the provider's choosing.
        resources: list[SocialResource] = []
        wards: list[Area] = []
        for index, kinds, brand, brand_kana in specs:
            provider = providers[index]
            ward = (
                self.org_ward[provider.organization_id]
                if provider.organization_id
                else self.wards[rng.randrange(len(self.wards))]
            )
            for kind in kinds:
                resources.append(self._resource(provider, kind, brand, brand_kana, len(resources)))
                wards.append(ward)
        resources = _insert_all(SocialResource, resources, self.summary)
        specialty_links = SocialResource.specialties.through
        _insert(
            specialty_links,
            (
                specialty_links(socialresource_id=resource.pk, taxonomyterm_id=term.pk)
                for resource in resources
                if not resource.service_type.is_informal
                for term in rng.sample(specialties, rng.randrange(3))
            ),
            self.summary,
        )
        self._resource_children(resources, wards)
        self._developments(resources, wards)
        # The search text, as the directory's services write it (prefetched: a few queries).
        filled = list(
            SocialResource.objects.filter(pk__in=[r.pk for r in resources])
            .select_related("provider", "service_type")
            .prefetch_related("specialties", "locations__area")
        )
        for resource in filled:
            resource.search_text = directory_services.search_text_of(resource)
        SocialResource.objects.bulk_update(filled, ["search_text"], batch_size=BATCH)
        self.log(f"directory: {len(providers)} providers, {len(resources)} resources")

    def _resource(
        self, provider: Provider, kind: TaxonomyTerm, brand: str, brand_kana: str, n: int
    ) -> SocialResource:
        rng = self.rng
        places = kind.code in PLACE_TYPES
        capacity = 10 + rng.randrange(31) if places else None
        vacancies = min(capacity, rng.randrange(4)) if capacity is not None else None
        roll = rng.random()
        status = (
            ResourceStatus.ACTIVE
            if roll < 0.9
            else ResourceStatus.TEMPORARILY_CLOSED
            if roll < 0.95
            else ResourceStatus.INACTIVE
            if roll < 0.98
            else ResourceStatus.DEFUNCT
        )
        name = provider.name if provider.organization_id else f"{kind.name} {brand}"
        return _stamp(
            SocialResource(
                hsds_id=self._hsds_id("resource", n),
                provider=provider,
                name=name,
                name_kana=brand_kana,
                service_type=kind,
                description=rng.choice(RESOURCE_DESCRIPTIONS),
                status=status,
                is_published=rng.random() < 0.95,
                eligibility_description="市内在住で、障害福祉サービス受給者証をお持ちの方。"
                if not kind.is_informal
                else "どなたでも参加できます。",
                capacity=capacity,
                vacancies=vacancies,
                vacancies_confirmed_on=(
                    self.plan.end - dt.timedelta(days=rng.randrange(60))
                    if vacancies is not None
                    else None
                ),
                accepts_visits=rng.random() < 0.6,
                accepts_trial=places and rng.random() < 0.4,
            ),
            _at(self.day(), rng),
        )

    def _resource_children(self, resources: list[SocialResource], wards: list[Area]) -> None:
        rng = self.rng
        locations, schedules, phones, contacts = [], [], [], []
        for n, (resource, ward) in enumerate(zip(resources, wards, strict=True)):
            locations.append(
                Location(
                    hsds_id=self._hsds_id("location", n),
                    resource=resource,
                    postal_code=f"980-{rng.randrange(10000):04d}",
                    city=SCALE_CITY,
                    address=f"{ward.name}{1 + rng.randrange(9)}丁目{1 + rng.randrange(30)}-"
                    f"{1 + rng.randrange(20)}",
                    area=ward,
                )
            )
            weekend = rng.random() < 0.3
            schedules.append(
                Schedule(
                    hsds_id=self._hsds_id("schedule", n),
                    resource=resource,
                    weekdays="MO,TU,WE,TH,FR" + (",SA" if weekend else ""),
                    opens_at=dt.time(9, 0) if not resource.service_type.is_informal else None,
                    closes_at=dt.time(17, 0) if not resource.service_type.is_informal else None,
                    description="祝日・年末年始は休み",
                )
            )
            phones.append(
                Phone(
                    hsds_id=self._hsds_id("phone", n),
                    resource=resource,
                    number=_phone(rng),
                    kind=PhoneKind.VOICE,
                )
            )
            if n % 5 == 0:
                contacts.append(
                    Contact(
                        hsds_id=self._hsds_id("contact", n),
                        resource=resource,
                        name="サービス管理責任者",
                        phone=_phone(rng),
                        is_internal=True,
                    )
                )
        _insert(Location, iter(locations), self.summary)
        _insert(Schedule, iter(schedules), self.summary)
        _insert(Phone, iter(phones), self.summary)
        _insert(Contact, iter(contacts), self.summary)

    def _developments(self, resources: list[SocialResource], wards: list[Area]) -> None:
        """A resource development (資源開発) for every community issue: a service in the
        issue's ward that changed because of it."""
        rng = self.rng
        kinds = [k for k, _ in DevelopmentKind.choices]
        by_ward: dict[int, list[SocialResource]] = {}
        for resource, ward in zip(resources, wards, strict=True):
            if not resource.service_type.is_informal:
                by_ward.setdefault(ward.pk, []).append(resource)
        everywhere = [r for group in by_ward.values() for r in group]
        core = self.orgs[0]
        recorder = self.staff[core.pk][0]
        rows = []
        for n, issue in enumerate(self.community_issues):
            candidates = by_ward.get(issue.area_id or 0) or everywhere
            assert issue.source_conference is not None  # noqa: S101  # raised from one
            raised = issue.source_conference.held_at.date()
            occurred = min(self.plan.end, raised + dt.timedelta(days=90))
            rows.append(
                _stamp(
                    ResourceDevelopment(
                        kind=kinds[n % len(kinds)],
                        title="開所時間を16時まで延長",
                        description="地域課題の検討から、夕方の居場所を増やした。",
                        beneficiaries="親の入院で日中の居場所が途切れた利用者",
                        resource=candidates[rng.randrange(len(candidates))],
                        area_id=issue.area_id,
                        occurred_on=occurred,
                        community_issue=issue,
                        recorded_by=recorder,
                        recorded_by_organization=core,
                    ),
                    _at(occurred, rng),
                )
            )
        _insert(ResourceDevelopment, iter(rows), self.summary)


def _phone(rng: random.Random) -> str:
    """A phone number whose subscriber part starts with 0, never assigned in Japan."""
    return f"022-0{rng.randrange(10, 100)}-{rng.randrange(10000):04d}"


def _copy(
    model: type[models.Model], columns: Sequence[str], rows: Iterator[tuple[Any, ...]]
) -> int:
    """Insert plain rows (values in the order of `columns`, the primary key left to the
    database): COPY on PostgreSQL, `executemany` in batches on SQLite.  Datetimes are adapted
    as Django would (UTC text on SQLite); every other value must already be what the column
    stores.  No model code runs: only for the bulk load of an empty table."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        adapt = connection.ops.adapt_datetimefield_value
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608  # names from the model
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(tuple(adapt(v) if isinstance(v, dt.datetime) else v for v in row))
            if len(batch) >= BATCH * 5:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def has_real_data() -> bool:
    """Anything on file that seed_scale did not make (a person, a case): refuse to mix."""
    return (
        Person.objects.exclude(registered_by_organization__code__startswith="scale-org-").exists()
        or Case.objects.exists()
    )


def default_end() -> dt.date:
    return timezone.localdate()
