"""The dashboards per role (issue 17 item 1): a fiscal year of the network in figures.

Who sees what (`scope_of`):
- the city department and the core center: the whole city;
- a ward office: the records of the people and households who live in its ward(s) (the
  person's area, else the household's, resolved up to its ward); records with no area on file
  are in no ward's figures;
- a member organization or secretariat of the 自立支援協議会 (the council body) that is none of
  the above: the whole city, de-identified, with every count from 1 to 4 suppressed and the
  complements that would give it back (`suppression.py`);
- anyone else: nothing (the view answers 404).

The figures: consultations and cases opened by month; consultations by the kind of support
given (the Kumamoto model, seed 004: `Consultation.support_types`), by the person's disability
and by ward; joint-support requests by the requester's kind (seed 000's rows); the difficulty
factors of seed 000 table 1 of the complex cases open in the year, by household type; how the
requests sent in the year ended and how many days acceptance took; overdue monitorings; the
meetings held against each body's required frequency; and, for the whole city, the trainings
held, their participants by organization kind and the attendance (issue 18 item 6).

Counts only, never a person.  A fixed number of queries whatever the data (about ten).
"""

from __future__ import annotations

import datetime as dt
import statistics as stats
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from django.db.models import Count, Min, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from tsunagu.audit import services as audit
from tsunagu.audit.actions import register_action
from tsunagu.cases.models import (
    DIFFICULTY_GROUPS,
    Case,
    CaseStatus,
    Consultation,
    DifficultyFactor,
    SupportType,
)
from tsunagu.community import selectors as community_selectors
from tsunagu.community.models import ActivityKind
from tsunagu.core.actor import Actor
from tsunagu.core.dates import fiscal_year, fiscal_year_label, fiscal_year_range
from tsunagu.core.errors import Invalid
from tsunagu.dashboard import charts
from tsunagu.dashboard.suppression import hidden_cells
from tsunagu.meetings import selectors as meetings_selectors
from tsunagu.meetings.models import BodyKind, MeetingBody
from tsunagu.organizations.models import Area, AreaKind, OrganizationKind
from tsunagu.people.models import HouseholdMember
from tsunagu.plans.models import Monitoring, MonitoringStatus, PlanStatus
from tsunagu.referrals import statistics as referral_statistics
from tsunagu.referrals.deadlines import start_of_local_day
from tsunagu.referrals.models import ACCEPTED_STATUSES, Referral, ReferralKind, ReferralStatus
from tsunagu.trainings.models import (
    Attendance,
    EventKind,
    EventStatus,
    Registration,
    RegistrationStatus,
    TrainingEvent,
)

Role = Literal["city", "core_center", "ward_office", "council"]
ROLE_TITLES: dict[str, object] = {
    "city": gettext_lazy("市の状況（市担当課）"),
    "core_center": gettext_lazy("市全体の状況（基幹相談支援センター）"),
    "ward_office": gettext_lazy("区の状況（区役所）"),
    "council": gettext_lazy("自立支援協議会のための集計"),
}
ACTION_VIEWED = register_action("dashboard.viewed", gettext_lazy("ダッシュボードの閲覧"))
NO_WARD = "none"
NO_PERSON = "no_person"


@dataclass(frozen=True)
class Scope:
    role: Role
    wards: frozenset[int] | None  # None: the whole city
    suppressed: bool  # council: small cells hidden

    @property
    def title(self) -> str:
        return str(ROLE_TITLES[self.role])

    @property
    def is_oversight(self) -> bool:
        return self.role in ("city", "core_center")


class AreaMap:
    """Every area's ward (one query: the areas are a small table)."""

    def __init__(self) -> None:
        self.rows = {pk: (kind, parent, name) for pk, kind, parent, name in _areas()}
        self.wards = [
            (pk, name) for pk, (kind, _parent, name) in self.rows.items() if kind == AreaKind.WARD
        ]

    def ward_of(self, area_id: int | None) -> int | None:
        seen = 0
        while area_id is not None and seen < 10:
            row = self.rows.get(area_id)
            if row is None:
                return None
            if row[0] == AreaKind.WARD:
                return area_id
            area_id = row[1]
            seen += 1
        return None

    def areas_in(self, wards: Iterable[int]) -> list[int]:
        wanted = set(wards)
        return [pk for pk in self.rows if self.ward_of(pk) in wanted]


def _areas() -> list[tuple[int, str, int | None, str]]:
    return list(
        Area.objects.order_by("sort_order", "code").values_list("pk", "kind", "parent_id", "name")
    )


def scope_of(actor: Actor) -> Scope | None:
    org = actor.organization
    if org is None:
        return None
    if org.kind == OrganizationKind.CITY_DEPARTMENT:
        return Scope("city", None, suppressed=False)
    if org.kind == OrganizationKind.CORE_CENTER:
        return Scope("core_center", None, suppressed=False)
    if org.kind == OrganizationKind.WARD_OFFICE:
        areas = AreaMap()
        wards = {areas.ward_of(pk) for pk in org.areas_served.values_list("pk", flat=True)}
        found = frozenset(w for w in wards if w is not None)
        return Scope("ward_office", found, suppressed=False) if found else None
    in_council = MeetingBody.objects.filter(kind=BodyKind.COUNCIL, is_active=True).filter(
        Q(member_organizations=org) | Q(secretariats=org)
    )
    if in_council.exists():
        return Scope("council", None, suppressed=True)
    return None


def record_viewed(actor: Actor, scope: Scope, *, year: int, via: str) -> None:
    """Reading a dashboard is on the record: who, for which organization, which year.  No
    person is shown, so no person is named."""
    audit.record(
        action=ACTION_VIEWED,
        actor=actor,
        target_type="dashboard",
        target_id=scope.role,
        detail={"fiscal_year": year, "via": via},
    )


def may_view(actor: Actor) -> bool:
    return scope_of(actor) is not None


# --- Years ----------------------------------------------------------------------------------


def fiscal_years() -> list[int]:
    """Newest first: from the first year with a consultation, a case or a request on record
    to this one."""
    this_year = fiscal_year(timezone.localdate())
    firsts: list[dt.date] = []
    consulted = Consultation.objects.aggregate(first=Min("received_at"))["first"]
    if consulted:
        firsts.append(timezone.localdate(consulted))
    opened = Case.objects.aggregate(first=Min("opened_on"))["first"]
    if opened:
        firsts.append(opened)
    requested = Referral.objects.aggregate(first=Min("requested_at"))["first"]
    if requested:
        firsts.append(timezone.localdate(requested))
    start = min([fiscal_year(min(firsts)), this_year]) if firsts else this_year
    return list(range(this_year, start - 1, -1))


def year_label(year: int) -> str:
    return referral_statistics.fiscal_year_choice_label(year)


def checked_year(year: int | None, years: Sequence[int]) -> int:
    """The year asked for, or this one; a year with no records is refused, never replaced."""
    if year is None:
        return years[0]
    if year not in years:
        raise Invalid(
            _("%(year)sの記録はありません。%(first)sから%(last)sまでの年度を選んでください。")
            % {
                "year": year_label(year),
                "first": fiscal_year_label(years[-1]),
                "last": fiscal_year_label(years[0]),
            }
        )
    return year


# --- What a figure is -----------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    count: int | None  # None: suppressed


@dataclass
class Distribution:
    """One count per category, with their total when the categories do not overlap."""

    key: str
    title: str
    unit: str
    rows: list[Row]
    total: int | None = None  # None with has_total: suppressed
    has_total: bool = True
    link: str | None = None  # a page with the same figures, where the viewer has one
    link_label: str = ""
    monthly: bool = False
    note: str = ""
    records_url: str = ""  # the records it counts (records.py), `&category=` for one row
    lead: str = ""  # a summary of its own, said before the usual one (rates)

    @property
    def chart(self) -> SafeString:
        title = _("%(title)s（%(unit)s）") % {"title": self.title, "unit": self.unit}
        if self.monthly:
            return charts.line_chart(
                [row.count for row in self.rows],
                chart_id=f"chart-{self.key}",
                title=title,
                desc=self.summary,
                labels=[self.rows[0].label, self.rows[-1].label] if self.rows else (),
                hidden_below=4,
            )
        return charts.bar_chart(
            [(row.label, row.count) for row in self.rows],
            chart_id=f"chart-{self.key}",
            title=title,
            desc=self.summary,
            suppressed_label=suppressed_text(),
        )

    @property
    def summary(self) -> str:
        shown = [row for row in self.rows if row.count]
        if all(row.count == 0 for row in self.rows):
            return _("この年度の記録はありません。")
        parts = [self.lead] if self.lead else []
        if self.has_total and self.total is None:
            parts.append(_("合計は5未満です。"))
        elif self.has_total:
            parts.append(_("合計%(total)s%(unit)s。") % {"total": self.total, "unit": self.unit})
        if shown:
            top = max(shown, key=lambda row: row.count or 0)
            parts.append(
                _("最も多いのは%(label)s（%(count)s）。") % {"label": top.label, "count": top.count}
            )
        else:
            parts.append(_("表示できる件数はありません（5未満は伏せています）。"))
        return "".join(parts)


@dataclass
class CrossTab:
    """Rows (in groups) by columns; a column's count is its cases, not the sum of its rows."""

    key: str
    title: str
    columns: list[str]
    column_counts: list[int | None]
    groups: list[tuple[str, list[tuple[str, list[int | None]]]]]  # group label, rows
    note: str = ""
    records_url: str = ""


@dataclass
class ComplianceRow:
    name: str
    required: int
    held: int
    due: int
    is_short: bool


@dataclass
class Dashboard:
    scope: Scope
    fiscal_year: int
    label: str
    ward_names: list[str]
    factors: Distribution
    difficulty: CrossTab
    distributions: list[Distribution] = field(default_factory=list)
    median_days_to_acceptance: float | None = None
    overdue_monitorings: int | None = None
    compliance: list[ComplianceRow] = field(default_factory=list)
    compliance_link: str = ""
    overdue_url: str = ""

    def distribution(self, key: str) -> Distribution:
        return next(d for d in self.distributions if d.key == key)

    @property
    def consultations_total(self) -> str:
        return display(self.distribution("consultations_by_month").total)

    @property
    def cases_total(self) -> str:
        return display(self.distribution("cases_by_month").total)

    @property
    def consultations_url(self) -> str:
        return self.distribution("consultations_by_month").records_url

    @property
    def cases_url(self) -> str:
        return self.distribution("cases_by_month").records_url

    @property
    def days_url(self) -> str:
        return self.distribution("days_to_acceptance").records_url

    @property
    def compliance_short(self) -> int:
        return sum(1 for row in self.compliance if row.is_short)

    @property
    def suppressed_label(self) -> str:
        return suppressed_text()


def suppressed_text() -> str:
    return pgettext("a suppressed small count", "5未満")


def display(count: int | None) -> str:
    return suppressed_text() if count is None else str(count)


# --- Building the figures -------------------------------------------------------------------


def _subject_q(prefix: str, area_ids: list[int]) -> Q:
    """Records of people or households living in these areas (the person's area first)."""
    return Q(**{f"{prefix}person__area__in": area_ids}) | Q(
        **{f"{prefix}person__area__isnull": True, f"{prefix}household__area__in": area_ids}
    )


def _distribution(
    scope: Scope,
    *,
    key: str,
    title: str,
    unit: str,
    categories: Sequence[tuple[str, str]],
    counts: Counter[str],
    partition: bool = True,
    monthly: bool = False,
    total_hidden: bool = False,
    note: str = "",
) -> Distribution:
    """Counts per category; for the council the small ones suppressed, and where the categories
    partition the total (each record in one), the complements that would reveal them."""
    values = {k: counts[k] for k, _label in categories}
    total = sum(values.values()) if partition else None
    hidden: set[str] = set()
    if scope.suppressed:
        cells = dict(values)
        sums = []
        if partition:
            assert total is not None  # noqa: S101  # partition sets it
            cells["__total__"] = total
            sums.append(("__total__", [k for k, _label in categories]))
        hidden = hidden_cells(
            cells, sums, keep=["__total__"], also_hidden=["__total__"] if total_hidden else []
        )
    return Distribution(
        key=key,
        title=title,
        unit=unit,
        rows=[Row(k, label, None if k in hidden else values[k]) for k, label in categories],
        total=None if "__total__" in hidden else total,
        has_total=partition,
        monthly=monthly,
        note=note,
    )


def _fiscal_months(year: int, today: dt.date) -> list[tuple[str, str]]:
    """The months of the year up to this one (a month to come is not a month of zero)."""
    months = []
    for m in (*range(4, 13), 1, 2, 3):
        if dt.date(year if m >= 4 else year + 1, m, 1) > today:
            break
        months.append((str(m), _("%(month)s月") % {"month": m}))
    return months


# --- The records each figure counts (records.py lists the same ones) -----------------------

CONSULTATION_FIELDS = (
    "received_at",
    "support_types",
    "person_id",
    "person__disability_categories",
    "person__area_id",
    "household__area_id",
)


def consultations_in(
    since: dt.datetime, until: dt.datetime, area_ids: list[int] | None
) -> QuerySet[Consultation]:
    consultations = Consultation.objects.filter(received_at__gte=since, received_at__lt=until)
    if area_ids is not None:
        consultations = consultations.filter(_subject_q("", area_ids))
    return consultations


def consultation_categories(
    areas: AreaMap,
    received_at: dt.datetime,
    support_types: list[str] | None,
    person_id: int | None,
    categories: list[str] | None,
    person_area: int | None,
    household_area: int | None,
) -> dict[str, list[str]]:
    """Where one consultation counts in each consultation figure (CONSULTATION_FIELDS in order)."""
    ward = areas.ward_of(person_area if person_area is not None else household_area)
    return {
        "consultations_by_month": [str(timezone.localtime(received_at).month)],
        "consultations_by_support_type": sorted(set(support_types or [])),
        "consultations_by_disability": [
            NO_PERSON if person_id is None else referral_statistics.category_column(categories)
        ],
        "consultations_by_ward": [str(ward) if ward is not None else NO_WARD],
    }


def cases_opened_in(start: dt.date, end: dt.date, area_ids: list[int] | None) -> QuerySet[Case]:
    cases = Case.objects.filter(opened_on__gte=start, opened_on__lte=end)
    if area_ids is not None:
        cases = cases.filter(_subject_q("", area_ids))
    return cases


def referrals_sent_in(
    since: dt.datetime, until: dt.datetime, area_ids: list[int] | None
) -> QuerySet[Referral]:
    sent = Referral.objects.filter(requested_at__gte=since, requested_at__lt=until)
    if area_ids is not None:
        sent = sent.filter(person__area__in=area_ids)
    return sent


REFERRAL_FIELDS = ("kind", "requesting_organization__kind", "status", "requested_at", "accepted_at")


def standing_requests(rows: Iterable[tuple[int, int | None, int | None]]) -> set[int]:
    """Of (request, case, person) rows in the order they were sent, the last joint-support
    request for each case and person: a request sent again (after a refusal, a withdrawal or a
    bounce, たらい回し) counts once, as in the joint-support table (referrals/statistics.py)."""
    last: dict[tuple[int | None, int | None], int] = {}
    for pk, case_id, person_id in rows:
        last[(case_id, person_id)] = pk
    return set(last.values())


def referral_categories(
    kind: str,
    requester_kind: str,
    status: str,
    requested_at: dt.datetime | None,
    accepted_at: dt.datetime | None,
    *,
    stands: bool = True,
) -> tuple[dict[str, list[str]], float | None]:
    """Where one request counts in each request figure (REFERRAL_FIELDS in order), and the days
    its acceptance took (None unless accepted).  A joint-support request counts by its
    requester only if it `stands` for its case (standing_requests)."""
    days = None
    if status in ACCEPTED_STATUSES and accepted_at is not None and requested_at is not None:
        days = (accepted_at - requested_at).total_seconds() / 86400
    keys = {
        "joint_support_by_requester": [referral_statistics.requester_group(requester_kind)]
        if kind == ReferralKind.JOINT_SUPPORT and stands
        else [],
        "referral_outcomes": [key for key, _label, statuses in OUTCOMES if status in statuses],
        "days_to_acceptance": []
        if days is None
        else [next(key for key, _label, below in DAY_BUCKETS if days < below)],
    }
    return keys, days


def difficulty_cases_in(start: dt.date, end: dt.date, area_ids: list[int] | None) -> QuerySet[Case]:
    """The complex cases open at some time in the year (seed 000 table 1 counts these)."""
    cases = (
        Case.objects.filter(opened_on__lte=end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=start))
        .filter(Q(is_complex=True) | ~Q(difficulty_factors=[]))
    )
    if area_ids is not None:
        cases = cases.filter(_subject_q("", area_ids))
    return cases


def household_types(
    rows: Sequence[tuple[int, int | None, int | None]], end: dt.date
) -> dict[int, str]:
    """Each case's household type (HOUSEHOLD_TYPES) from its (case, household, person) row: the
    case is a household's (世帯として支援), or its person lives with family members recorded in
    a household, or alone (or with no household on file).  One query."""
    persons = {person for _pk, household, person in rows if household is None and person}
    living_with: dict[int, int] = defaultdict(int)  # household -> members living there
    homes: dict[int, set[int]] = defaultdict(set)  # person -> their households
    members = (
        HouseholdMember.objects.current(min(end, timezone.localdate()))
        .filter(
            lives_together=True,
            household__in=HouseholdMember.objects.filter(person_id__in=persons, lives_together=True)
            .filter(Q(start_date__isnull=True) | Q(start_date__lte=end))
            .values("household_id"),
        )
        .values_list("household_id", "person_id")
    )
    for household_id, person_id in members:
        living_with[household_id] += 1
        homes[person_id].add(household_id)
    kinds = {}
    for pk, household, person in rows:
        if household is not None:
            kinds[pk] = "household"
        elif person is not None and any(living_with[h] > 1 for h in homes.get(person, ())):
            kinds[pk] = "family"
        else:
            kinds[pk] = "alone"
    return kinds


def overdue_monitorings_in(
    start: dt.date, end: dt.date, area_ids: list[int] | None, *, today: dt.date
) -> QuerySet[Monitoring]:
    """Monitorings due in the year and not done by today, of agreed plans of open cases."""
    overdue = Monitoring.objects.filter(
        status=MonitoringStatus.SCHEDULED,
        plan__status=PlanStatus.AGREED,
        due_on__lt=min(today, end + dt.timedelta(days=1)),
        due_on__gte=start,
    ).exclude(plan__case__status=CaseStatus.CLOSED)
    if area_ids is not None:
        overdue = overdue.filter(_subject_q("plan__case__", area_ids))
    return overdue


def dashboard(actor: Actor, scope: Scope, *, year: int, today: dt.date | None = None) -> Dashboard:
    day = today or timezone.localdate()
    start, end = fiscal_year_range(year)
    since, until = start_of_local_day(start), start_of_local_day(end + dt.timedelta(days=1))
    areas = AreaMap()
    area_ids = areas.areas_in(scope.wards) if scope.wards is not None else None
    ward_rows = [(pk, name) for pk, name in areas.wards if scope.wards is None or pk in scope.wards]
    factors, difficulty = _difficulty(scope, start=start, end=end, area_ids=area_ids)
    board = Dashboard(
        scope=scope,
        fiscal_year=year,
        label=year_label(year),
        ward_names=[name for _pk, name in ward_rows],
        factors=factors,
        difficulty=difficulty,
    )
    months = _fiscal_months(year, day)

    # Consultations: by month, by support type, by disability, by ward.
    by_month: Counter[str] = Counter()
    by_type: Counter[str] = Counter()
    by_category: Counter[str] = Counter()
    by_ward: Counter[str] = Counter()
    for row in consultations_in(since, until, area_ids).values_list(*CONSULTATION_FIELDS):
        keys = consultation_categories(areas, *row)
        by_month.update(keys["consultations_by_month"])
        by_type.update(keys["consultations_by_support_type"])
        by_category.update(keys["consultations_by_disability"])
        by_ward.update(keys["consultations_by_ward"])
    consultations_total = sum(by_month.values())
    total_hidden = scope.suppressed and 0 < consultations_total < 5
    board.distributions.append(
        _distribution(
            scope,
            key="consultations_by_month",
            title=_("相談受付（月別）"),
            unit=_("件"),
            categories=months,
            counts=by_month,
            monthly=True,
            total_hidden=total_hidden,
        )
    )

    cases_by_month = Counter(
        str(opened.month)
        for opened in cases_opened_in(start, end, area_ids).values_list("opened_on", flat=True)
    )
    board.distributions.append(
        _distribution(
            scope,
            key="cases_by_month",
            title=_("支援ケースの開始（月別）"),
            unit=_("件"),
            categories=months,
            counts=cases_by_month,
            monthly=True,
        )
    )
    board.distributions.append(
        _distribution(
            scope,
            key="consultations_by_support_type",
            title=_("相談受付（支援の種類別）"),
            unit=_("件"),
            categories=[(k, str(label)) for k, label in SupportType.choices],
            counts=by_type,
            partition=False,
            note=_(
                "1件の相談で複数の支援を行ったときは、それぞれに数えます。"
                "支援の種類が記録されていない相談は数えていません。"
            ),
        )
    )
    board.distributions.append(
        _distribution(
            scope,
            key="consultations_by_disability",
            title=_("相談受付（障害種別）"),
            unit=_("件"),
            categories=[
                *((str(k), str(label)) for k, label in referral_statistics.CATEGORY_COLUMNS),
                (NO_PERSON, _("本人の記録なし（匿名など）")),
            ],
            counts=by_category,
            total_hidden=total_hidden,
        )
    )
    ward_categories = [(str(pk), name) for pk, name in ward_rows]
    if scope.wards is None:
        ward_categories.append((NO_WARD, _("区の記録なし")))
    board.distributions.append(
        _distribution(
            scope,
            key="consultations_by_ward",
            title=_("相談受付（区別）"),
            unit=_("件"),
            categories=ward_categories,
            counts=by_ward,
            total_hidden=total_hidden,
            note=_("本人の住所の地域（なければ世帯の地域）で数えます。"),
        )
    )

    _referral_figures(actor, scope, board, since=since, until=until, area_ids=area_ids)
    if scope.wards is None:
        _training_figures(scope, board, start=start, end=end)
    _community_figures(scope, board, start=start, end=end, area_ids=area_ids, months=months)
    count = overdue_monitorings_in(start, end, area_ids, today=day).count()
    board.overdue_monitorings = None if scope.suppressed and 0 < count < 5 else count
    board.compliance = [
        ComplianceRow(
            name=row.body.name,
            required=row.required,
            held=row.held,
            due=row.due,
            is_short=row.is_short,
        )
        for row in meetings_selectors.compliance(actor=actor, year=year, today=day)
    ]
    board.compliance_link = reverse("meetings:compliance") + "?" + urlencode({"fiscal_year": year})
    for figure in (*board.distributions, board.factors):
        figure.records_url = records_url(figure.key, year)
    board.difficulty.records_url = records_url(board.difficulty.key, year)
    board.overdue_url = records_url("overdue_monitorings", year)
    return board


def records_url(key: str, year: int) -> str:
    """The page of the records a figure counts (records.py)."""
    return reverse("dashboard:figure_records", args=[key]) + "?" + urlencode({"fiscal_year": year})


REQUESTER_LABELS = {key: label for key, label, _kinds in referral_statistics.REQUESTER_GROUPS}
OUTCOMES: tuple[tuple[str, object, tuple[str, ...]], ...] = (
    ("accepted", gettext_lazy("受理"), tuple(ACCEPTED_STATUSES)),
    ("rejected", gettext_lazy("お断り"), (ReferralStatus.REJECTED,)),
    ("waiting", gettext_lazy("返事待ち"), (ReferralStatus.REQUESTED,)),
    ("ended", gettext_lazy("不成立・取り下げ"), (ReferralStatus.FAILED, ReferralStatus.CANCELLED)),
)
DAY_BUCKETS: tuple[tuple[str, object, int], ...] = (
    ("0", gettext_lazy("当日"), 1),
    ("1-3", gettext_lazy("1〜3日"), 4),
    ("4-7", gettext_lazy("4〜7日"), 8),
    ("8-14", gettext_lazy("8〜14日"), 15),
    ("15+", gettext_lazy("15日以上"), 10**9),
)


def _referral_figures(
    actor: Actor,
    scope: Scope,
    board: Dashboard,
    *,
    since: dt.datetime,
    until: dt.datetime,
    area_ids: list[int] | None,
) -> None:
    """Joint-support requests by requester kind; every request's outcome; days to acceptance."""
    by_requester: Counter[str] = Counter()
    by_outcome: Counter[str] = Counter()
    buckets: Counter[str] = Counter()
    days: list[float] = []
    rows = list(
        referrals_sent_in(since, until, area_ids)
        .order_by("requested_at", "pk")
        .values_list("pk", "case_id", "person_id", *REFERRAL_FIELDS)
    )
    standing = standing_requests(
        (pk, case_id, person_id)
        for pk, case_id, person_id, kind, *_rest in rows
        if kind == ReferralKind.JOINT_SUPPORT
    )
    for pk, _case_id, _person_id, *fields in rows:
        keys, took = referral_categories(*fields, stands=pk in standing)
        by_requester.update(keys["joint_support_by_requester"])
        by_outcome.update(keys["referral_outcomes"])
        buckets.update(keys["days_to_acceptance"])
        if took is not None:
            days.append(took)
    requesters = _distribution(
        scope,
        key="joint_support_by_requester",
        title=_("共同支援依頼（依頼元の種別）"),
        unit=_("件"),
        categories=[(key, str(label)) for key, label in REQUESTER_LABELS.items()],
        counts=by_requester,
        note=_("本人の地域が記録された依頼だけを数えます。") if area_ids is not None else "",
    )
    if scope.is_oversight:
        requesters.link = (
            reverse("referrals:statistics") + "?" + urlencode({"fiscal_year": board.fiscal_year})
        )
        requesters.link_label = _("共同支援依頼の表（障害種別とのクロス集計）")
    board.distributions.append(requesters)
    outcomes = _distribution(
        scope,
        key="referral_outcomes",
        title=_("紹介・依頼の結果（年度内に送られたもの）"),
        unit=_("件"),
        categories=[(key, str(label)) for key, label, _statuses in OUTCOMES],
        counts=by_outcome,
        note=_("受理までの日数は、依頼を送った時から受理までです。"),
    )
    board.distributions.append(outcomes)
    accepted_hidden = outcomes.rows[0].count is None
    board.distributions.append(
        _distribution(
            scope,
            key="days_to_acceptance",
            title=_("受理までの日数"),
            unit=_("件"),
            categories=[(key, str(label)) for key, label, _below in DAY_BUCKETS],
            counts=buckets,
            total_hidden=accepted_hidden,
        )
    )
    if days and not (scope.suppressed and (accepted_hidden or len(days) < 5)):
        board.median_days_to_acceptance = round(stats.median(days), 1)


# The participants' organization kinds shown one by one; any other kind is "その他".
TRAINING_KINDS = (
    OrganizationKind.CORE_CENTER,
    OrganizationKind.COMMISSIONED_OFFICE,
    OrganizationKind.DESIGNATED_PLANNING_OFFICE,
    OrganizationKind.COMMUNITY_TRANSITION_OFFICE,
    OrganizationKind.CHILD_PLANNING_OFFICE,
    OrganizationKind.COMMUNITY_LIFE_HUB,
    OrganizationKind.WARD_OFFICE,
    OrganizationKind.CITY_DEPARTMENT,
)
OTHER_KIND = "other"
COMPLETION: tuple[tuple[str, object], ...] = (
    ("attended", gettext_lazy("出席")),
    ("absent", gettext_lazy("欠席")),
    ("unrecorded", gettext_lazy("出欠の記録なし")),
)


def _percent(part: int | None, whole: int | None) -> str | None:
    if part is None or whole is None or whole <= 0:
        return None
    return f"{round(100 * part / whole, 1):g}%"


def trainings_held_in(start: dt.date, end: dt.date) -> QuerySet[TrainingEvent]:
    return TrainingEvent.objects.filter(
        held_on__gte=start, held_on__lte=end, status=EventStatus.HELD
    )


def registrations_of(held: QuerySet[TrainingEvent]) -> QuerySet[Registration]:
    """The places of the held trainings (参加予定: not waiting, not cancelled)."""
    return Registration.objects.filter(event__in=held, status=RegistrationStatus.REGISTERED)


def registration_categories(
    org_kind: str, attendance: str, shown_kinds: set[str]
) -> dict[str, list[str]]:
    """Where one place counts in the training figures."""
    if attendance == Attendance.ATTENDED:
        return {
            "training_attendance": ["attended"],
            "training_participants_by_kind": [org_kind if org_kind in shown_kinds else OTHER_KIND],
        }
    return {
        "training_attendance": ["absent" if attendance == Attendance.ABSENT else "unrecorded"],
        "training_participants_by_kind": [],
    }


def _training_figures(scope: Scope, board: Dashboard, *, start: dt.date, end: dt.date) -> None:
    """The network's trainings held in the year (issue 18 item 6): how many by kind, who
    attended by the kind of their organization (as it was when registered), and of those
    expected (参加予定) how many attended, with the attendance rate (attended / expected) and
    the certificates issued.  The whole city only (a training is not a ward's); the council's
    small counts suppressed as everywhere.  Two queries."""
    held = trainings_held_in(start, end)
    by_kind = Counter(held.values_list("kind", flat=True))
    board.distributions.append(
        _distribution(
            scope,
            key="trainings_by_kind",
            title=_("開催した研修（形式別）"),
            unit=_("回"),
            categories=[(k, str(label)) for k, label in EventKind.choices],
            counts=by_kind,
            note=_("ネットワークで開催した研修（出欠を記録したもの）を数えます。"),
        )
    )
    participants: Counter[str] = Counter()
    completion: Counter[str] = Counter()
    certificates = 0
    shown_kinds = {str(k) for k in TRAINING_KINDS}
    for org_kind, attendance, certified in registrations_of(held).values_list(
        "organization__kind", "attendance", "certificate_issued_on"
    ):
        keys = registration_categories(org_kind, attendance, shown_kinds)
        completion.update(keys["training_attendance"])
        participants.update(keys["training_participants_by_kind"])
        certificates += certified is not None
    board.distributions.append(
        _distribution(
            scope,
            key="training_participants_by_kind",
            title=_("研修の出席者（所属の種別）"),
            unit=_("人"),
            categories=[
                *((str(k), str(k.label)) for k in TRAINING_KINDS),
                (OTHER_KIND, _("その他")),
            ],
            counts=participants,
            note=_("延べ人数です。所属は申込のときのものです。"),
        )
    )
    outcome = _distribution(
        scope,
        key="training_attendance",
        title=_("研修の出席（参加予定者のうち）"),
        unit=_("人"),
        categories=[(k, str(label)) for k, label in COMPLETION],
        counts=completion,
    )
    attended = outcome.rows[0].count
    shown_certificates = None if scope.suppressed and 0 < certificates < 5 else certificates
    rate = _percent(attended, outcome.total)
    parts = []
    if rate is not None:
        parts.append(_("出席率%(rate)s（出席 / 参加予定）。") % {"rate": rate})
    if shown_certificates is not None and outcome.total:
        parts.append(_("修了証の発行%(count)s人。") % {"count": shown_certificates})
        completion_rate = _percent(shown_certificates, attended)
        if completion_rate is not None:
            parts[-1] = _("修了証の発行%(count)s人（出席者の%(rate)s）。") % {
                "count": shown_certificates,
                "rate": completion_rate,
            }
    outcome.lead = "".join(parts)
    outcome.note = _(
        "参加予定はキャンセル待ち・取り消しを除いた申込です。出席率は伏せた数からは計算しません。"
    )
    board.distributions.append(outcome)


def _community_figures(
    scope: Scope,
    board: Dashboard,
    *,
    start: dt.date,
    end: dt.date,
    area_ids: list[int] | None,
    months: list[tuple[str, str]],
) -> None:
    """The network's community work in the year (issue 21 item 1): activities by kind and by
    month, of every organization, in the scope's wards.  One query."""
    by_kind: Counter[str] = Counter()
    by_month: Counter[str] = Counter()
    for kind, held_on in community_selectors.activities_held_in(start, end, area_ids).values_list(
        "kind", "held_on"
    ):
        by_kind[kind] += 1
        by_month[str(held_on.month)] += 1
    kinds = _distribution(
        scope,
        key="community_by_kind",
        title=_("地域活動（種類別）"),
        unit=_("件"),
        categories=[(k, str(label)) for k, label in ActivityKind.choices],
        counts=by_kind,
        note=_("ネットワークづくり・アウトリーチ・普及啓発など、各機関が記録した地域活動です。"),
    )
    if not scope.suppressed:  # the council reads the counts, not the activities
        kinds.link, kinds.link_label = reverse("community:home"), _("地域活動のページ")
    board.distributions.append(kinds)
    board.distributions.append(
        _distribution(
            scope,
            key="community_by_month",
            title=_("地域活動（月別）"),
            unit=_("件"),
            categories=months,
            counts=by_month,
            monthly=True,
        )
    )


HOUSEHOLD_TYPES: tuple[tuple[str, object], ...] = (
    ("alone", gettext_lazy("単身（同居の家族なし）")),
    ("family", gettext_lazy("家族と同居")),
    ("household", gettext_lazy("世帯として支援")),
)


def _difficulty(
    scope: Scope, *, start: dt.date, end: dt.date, area_ids: list[int] | None
) -> tuple[Distribution, CrossTab]:
    """Seed 000 table 1: how many of the complex cases open in the year show each factor, and
    the same by household type: the case is a household's (世帯として支援), or its person lives
    with family members recorded in a household, or alone (or with no household on file).

    Each case has one household type, so a factor's count is the sum of its row: the council's
    suppression treats each row as a sum."""
    rows = list(
        difficulty_cases_in(start, end, area_ids).values_list(
            "pk", "household_id", "person_id", "difficulty_factors"
        )
    )
    kinds = household_types([(pk, household, person) for pk, household, person, _f in rows], end)
    counts: Counter[tuple[str, str]] = Counter()
    per_type: Counter[str] = Counter()
    for pk, _household, _person, factors in rows:
        kind = kinds[pk]
        per_type[kind] += 1
        for factor in set(factors or []):
            if factor in DifficultyFactor.values:
                counts[(factor, kind)] += 1
    column_keys = [key for key, _label in HOUSEHOLD_TYPES]
    cells: dict[tuple[str, str], int] = {
        (f, k): counts[(f, k)] for f in DifficultyFactor.values for k in column_keys
    }
    for f in DifficultyFactor.values:
        cells[(f, "")] = sum(counts[(f, k)] for k in column_keys)
    for k in column_keys:
        cells[("", k)] = per_type[k]
    cells[("", "")] = len(rows)
    sums = [((f, ""), [(f, k) for k in column_keys]) for f in DifficultyFactor.values]
    sums.append((("", ""), [("", k) for k in column_keys]))
    hidden = hidden_cells(cells, sums, keep=[("", "")]) if scope.suppressed else set()

    def shown(key: tuple[str, str]) -> int | None:
        return None if key in hidden else cells[key]

    groups = []
    for prefix, group_label in DIFFICULTY_GROUPS:
        group_rows = [
            (str(label), [shown((value, k)) for k in column_keys])
            for value, label in DifficultyFactor.choices
            if value.startswith(prefix)
        ]
        groups.append((str(group_label), group_rows))
    factors = Distribution(
        key="difficulty_factors",
        title=_("困難さの要因（表1）"),
        unit=_("ケース"),
        rows=[
            Row(value, str(label), shown((value, ""))) for value, label in DifficultyFactor.choices
        ],
        total=shown(("", "")),
        has_total=False,
        note=_(
            "年度内に開いていた支援困難ケースを数えます。1つのケースに複数の要因があるときは"
            "それぞれに数えます。"
        ),
    )
    table = CrossTab(
        key="difficulty_by_household",
        title=_("困難さの要因と世帯の型（クロス集計）"),
        columns=[str(label) for _key, label in HOUSEHOLD_TYPES],
        column_counts=[shown(("", k)) for k in column_keys],
        groups=groups,
        note=_("列の見出しの数はその型のケース数です（要因の合計ではありません）。"),
    )
    return factors, table


# --- The home page's summary ----------------------------------------------------------------


@dataclass
class Summary:
    """This fiscal year so far, on the home page of a dashboard's role: the consultations by
    month (the chart), the cases opened, the joint-support requests and the overdue monitorings,
    each linked to the records it counts; suppressed for the council as the dashboard is."""

    scope: Scope
    fiscal_year: int
    label: str
    consultations: Distribution
    cases: int | None
    joint_support: int | None
    overdue_monitorings: int | None
    dashboard_url: str
    cases_url: str
    joint_support_url: str
    overdue_url: str

    @property
    def suppressed_label(self) -> str:
        return suppressed_text()


def _shown(scope: Scope, count: int) -> int | None:
    return None if scope.suppressed and 0 < count < 5 else count


def summary(actor: Actor, scope: Scope, *, today: dt.date | None = None) -> Summary:
    """The home page's figures: counted in the database (a handful of aggregate queries, none
    growing with the records), the same records as the dashboard's figures of the same name."""
    day = today or timezone.localdate()
    year = fiscal_year(day)
    start, end = fiscal_year_range(year)
    since, until = start_of_local_day(start), start_of_local_day(end + dt.timedelta(days=1))
    area_ids = AreaMap().areas_in(scope.wards) if scope.wards is not None else None
    by_month: Counter[str] = Counter()
    for month, n in (
        consultations_in(since, until, area_ids)
        .order_by()
        .annotate(month=TruncMonth("received_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    ):
        by_month[str(timezone.localtime(month).month)] += n
    total = sum(by_month.values())
    consultations = _distribution(
        scope,
        key="consultations_by_month",
        title=_("相談受付（月別）"),
        unit=_("件"),
        categories=_fiscal_months(year, day),
        counts=by_month,
        monthly=True,
        total_hidden=scope.suppressed and 0 < total < 5,
    )
    consultations.records_url = records_url("consultations_by_month", year)
    joint = standing_requests(
        referrals_sent_in(since, until, area_ids)
        .filter(kind=ReferralKind.JOINT_SUPPORT)
        .order_by("requested_at", "pk")
        .values_list("pk", "case_id", "person_id")
    )
    return Summary(
        scope=scope,
        fiscal_year=year,
        label=year_label(year),
        consultations=consultations,
        cases=_shown(scope, cases_opened_in(start, end, area_ids).count()),
        joint_support=_shown(scope, len(joint)),
        overdue_monitorings=_shown(
            scope, overdue_monitorings_in(start, end, area_ids, today=day).count()
        ),
        dashboard_url=reverse("dashboard:figures") + "?" + urlencode({"fiscal_year": year}),
        cases_url=records_url("cases_by_month", year),
        joint_support_url=records_url("joint_support_by_requester", year),
        overdue_url=records_url("overdue_monitorings", year),
    )
