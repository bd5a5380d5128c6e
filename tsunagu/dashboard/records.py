"""The records behind each dashboard figure (issue 17 item 1: "each figure a link to the list
behind it, no dead ends").

Every figure of the dashboard has a page listing the records it counts, one row each, with
where the figure counts it: the same queries and the same classification as the figure
(`figures.consultations_in`, `figures.consultation_categories` and their like), so the list of
a category has exactly as many rows as its cell, and the list of a figure as many as its total
(where its categories do not overlap).

The rows are de-identified: a date, the organizations, the categories and the ward, never a
name, a birth date or the text of a record.  A row links to the record itself only where the
viewer's organization is the one that holds it (its own consultation, its own case, a request
it sent or received), so a link never leads to a refusal.  The council sees no rows at all: its
page is the figure's table, suppressed as on the dashboard.  Every page is on the record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tsunagu.audit import services as audit
from tsunagu.audit.actions import register_action
from tsunagu.cases.models import CaseStatus, DifficultyFactor, SupportType
from tsunagu.community import access as community_access
from tsunagu.community import selectors as community_selectors
from tsunagu.community.models import ActivityKind
from tsunagu.core.actor import Actor
from tsunagu.core.dates import fiscal_year_range
from tsunagu.core.errors import NotFound
from tsunagu.dashboard import figures
from tsunagu.organizations.models import Organization
from tsunagu.referrals import statistics as referral_statistics
from tsunagu.referrals.deadlines import start_of_local_day
from tsunagu.referrals.models import ReferralKind, ReferralStatus
from tsunagu.trainings.models import Attendance, EventKind

ACTION_RECORDS_VIEWED = register_action(
    "dashboard.records_viewed", gettext_lazy("ダッシュボードの数の内訳（記録の一覧）の閲覧")
)

CONSULTATION_FIGURES = (
    "consultations_by_month",
    "consultations_by_support_type",
    "consultations_by_disability",
    "consultations_by_ward",
)
REFERRAL_FIGURES = ("joint_support_by_requester", "referral_outcomes", "days_to_acceptance")
CASE_FIGURES = ("cases_by_month",)
DIFFICULTY_FIGURES = ("difficulty_factors", "difficulty_by_household")
OVERDUE = "overdue_monitorings"
TRAINING_FIGURES = ("trainings_by_kind", "training_participants_by_kind", "training_attendance")
COMMUNITY_FIGURES = ("community_by_kind", "community_by_month")
FIGURE_KEYS = (
    *CONSULTATION_FIGURES,
    *CASE_FIGURES,
    *REFERRAL_FIGURES,
    *DIFFICULTY_FIGURES,
    OVERDUE,
    *TRAINING_FIGURES,
    *COMMUNITY_FIGURES,
)


@dataclass(frozen=True)
class RecordRow:
    """One record a figure counts, without anything that names its person."""

    day: dt.date
    cells: tuple[str, ...]
    categories: tuple[str, ...]  # the category keys it counts under in this figure
    url: str = ""  # the record itself, where the viewer's organization holds it


@dataclass
class FigureRecords:
    key: str
    title: str
    columns: tuple[str, ...]
    categories: list[tuple[str, str, int | None]]  # key, label, the figure's count
    rows: list[RecordRow] = field(default_factory=list)
    total: int | None = None
    suppressed: bool = False
    note: str = ""

    def only(self, category: str) -> list[RecordRow]:
        if not category:
            return self.rows
        return [row for row in self.rows if category in row.categories]

    def label_of(self, category: str) -> str:
        return next((label for key, label, _n in self.categories if key == category), "")


@dataclass
class Ask:
    """What a row builder is asked: for whom, which figure, which fiscal year, as of which day,
    within which areas (None: the whole city)."""

    actor: Actor
    key: str
    year: int
    day: dt.date
    areas: figures.AreaMap
    area_ids: list[int] | None

    def __post_init__(self) -> None:
        self.start, self.end = fiscal_year_range(self.year)
        self.since = start_of_local_day(self.start)
        self.until = start_of_local_day(self.end + dt.timedelta(days=1))

    @cached_property
    def names(self) -> dict[int, str]:
        """Every organization's short name (else its name), by id."""
        return {
            pk: short or name
            for pk, name, short in Organization.objects.values_list("pk", "name", "short_name")
        }

    def ward(self, area_id: int | None, fallback_area_id: int | None = None) -> str:
        """The ward's name of the area (else of the fallback, such as the household's)."""
        ward = self.areas.ward_of(area_id if area_id is not None else fallback_area_id)
        if ward is None:
            return _("区の記録なし")
        return self.areas.rows[ward][2]


def _label(choices: dict[str, str], keys: list[str]) -> str:
    return "、".join(choices.get(k, k) for k in keys) or "—"


def figure_records(
    actor: Actor, scope: figures.Scope, *, year: int, key: str, today: dt.date | None = None
) -> FigureRecords:
    """The figure `key` of the actor's dashboard for `year`, and (but for the council) the
    records it counts.  `key` must be one of FIGURE_KEYS; one that is not on the actor's
    dashboard is NotFound."""
    day = today or timezone.localdate()
    board = figures.dashboard(actor, scope, year=year, today=day)
    if key == OVERDUE:
        title = _("期限を過ぎたモニタリング")
        categories: list[tuple[str, str, int | None]] = []
        total = board.overdue_monitorings
    elif key == "difficulty_by_household":
        table = board.difficulty
        title = table.title
        categories = [
            (k, label, n)
            for (k, _l), label, n in zip(
                figures.HOUSEHOLD_TYPES, table.columns, table.column_counts, strict=True
            )
        ]
        total = board.factors.total
    else:
        on_board = [board.factors, *board.distributions]
        shown = next((d for d in on_board if d.key == key), None)
        if shown is None:  # not a figure of this role's dashboard (a ward has no trainings)
            raise NotFound(_("見つかりません。"))
        title = shown.title
        categories = [(row.key, row.label, row.count) for row in shown.rows]
        total = shown.total if shown.has_total else None
    result = FigureRecords(
        key=key,
        title=title,
        columns=(),
        categories=categories,
        total=total,
        suppressed=scope.suppressed,
    )
    if scope.suppressed:
        return result
    builders: dict[str, Callable[[Ask], Iterator[RecordRow]]] = {
        **dict.fromkeys(CONSULTATION_FIGURES, _consultation_rows),
        **dict.fromkeys(CASE_FIGURES, _case_rows),
        **dict.fromkeys(REFERRAL_FIGURES, _referral_rows),
        **dict.fromkeys(DIFFICULTY_FIGURES, _difficulty_rows),
        OVERDUE: _overdue_rows,
        "trainings_by_kind": _training_rows,
        "training_participants_by_kind": _place_rows,
        "training_attendance": _place_rows,
        **dict.fromkeys(COMMUNITY_FIGURES, _community_rows),
    }
    columns, note = COLUMNS[key]
    result.columns = tuple(str(c) for c in columns)
    result.note = str(note)
    areas = figures.AreaMap()
    area_ids = areas.areas_in(scope.wards) if scope.wards is not None else None
    result.rows = sorted(
        builders[key](Ask(actor, key, year, day, areas, area_ids)),
        key=lambda row: row.day,
    )
    return result


def _consultation_rows(ask: Ask) -> Iterator[RecordRow]:
    since, until = ask.since, ask.until
    names = ask.names
    support = {k: str(label) for k, label in SupportType.choices}
    columns = {str(k): str(label) for k, label in referral_statistics.CATEGORY_COLUMNS}
    columns[figures.NO_PERSON] = _("本人の記録なし（匿名など）")
    rows = figures.consultations_in(since, until, ask.area_ids).values_list(
        "pk", "organization_id", *figures.CONSULTATION_FIELDS
    )
    for pk, organization_id, *fields in rows:
        keys = figures.consultation_categories(ask.areas, *fields)
        if not keys[ask.key]:
            continue
        received_at, support_types, _person, _cats, person_area, household_area = fields
        yield RecordRow(
            day=timezone.localtime(received_at).date(),
            cells=(
                names.get(organization_id, ""),
                _label(support, sorted(set(support_types or []))),
                columns.get(keys["consultations_by_disability"][0], ""),
                ask.ward(person_area, household_area),
            ),
            categories=tuple(keys[ask.key]),
            url=reverse("cases:consultation_detail", args=[pk])
            if organization_id == ask.actor.organization_id
            else "",
        )


def _case_url(actor: Actor, pk: int, lead_organization_id: int) -> str:
    if lead_organization_id != actor.organization_id:
        return ""
    return reverse("cases:case_detail", args=[pk])


def _case_rows(ask: Ask) -> Iterator[RecordRow]:
    start, end = ask.start, ask.end
    names = ask.names
    statuses = {k: str(label) for k, label in CaseStatus.choices}
    rows = figures.cases_opened_in(start, end, ask.area_ids).values_list(
        "pk", "opened_on", "lead_organization_id", "status", "person__area_id", "household__area_id"
    )
    for pk, opened_on, lead, status, person_area, household_area in rows:
        yield RecordRow(
            day=opened_on,
            cells=(
                names.get(lead, ""),
                statuses.get(status, status),
                ask.ward(person_area, household_area),
            ),
            categories=(str(opened_on.month),),
            url=_case_url(ask.actor, pk, lead),
        )


def _referral_rows(ask: Ask) -> Iterator[RecordRow]:
    since, until = ask.since, ask.until
    names = ask.names
    kinds = {k: str(label) for k, label in ReferralKind.choices}
    statuses = {k: str(label) for k, label in ReferralStatus.choices}
    rows = list(
        figures.referrals_sent_in(since, until, ask.area_ids)
        .order_by("requested_at", "pk")
        .values_list(
            "pk",
            "case_id",
            "person_id",
            "requesting_organization_id",
            "receiving_organization_id",
            "person__area_id",
            *figures.REFERRAL_FIELDS,
        )
    )
    standing = figures.standing_requests(
        (pk, case_id, person_id)
        for pk, case_id, person_id, _s, _r, _a, kind, *_rest in rows
        if kind == ReferralKind.JOINT_SUPPORT
    )
    for pk, _case_id, _person_id, sender, receiver, person_area, *fields in rows:
        keys, took = figures.referral_categories(*fields, stands=pk in standing)
        if not keys[ask.key]:
            continue
        kind, _requester_kind, status, requested_at, _accepted_at = fields
        yield RecordRow(
            day=timezone.localtime(requested_at).date(),
            cells=(
                names.get(sender, ""),
                names.get(receiver, ""),
                kinds.get(kind, kind),
                statuses.get(status, status),
                "—" if took is None else _("%(days)s日") % {"days": round(took, 1)},
                ask.ward(person_area),
            ),
            categories=tuple(keys[ask.key]),
            url=reverse("referrals:detail", args=[pk])
            if ask.actor.organization_id in (sender, receiver)
            else "",
        )


def _difficulty_rows(ask: Ask) -> Iterator[RecordRow]:
    start, end = ask.start, ask.end
    names = ask.names
    factor_labels = {k: str(label) for k, label in DifficultyFactor.choices}
    type_labels = {k: str(label) for k, label in figures.HOUSEHOLD_TYPES}
    rows = list(
        figures.difficulty_cases_in(start, end, ask.area_ids).values_list(
            "pk",
            "household_id",
            "person_id",
            "difficulty_factors",
            "opened_on",
            "lead_organization_id",
            "person__area_id",
            "household__area_id",
        )
    )
    kinds = figures.household_types([(pk, h, p) for pk, h, p, *_rest in rows], end)
    for pk, _household, _person, factors, opened_on, lead, person_area, household_area in rows:
        known = sorted({f for f in factors or [] if f in factor_labels})
        yield RecordRow(
            day=opened_on,
            cells=(
                names.get(lead, ""),
                type_labels[kinds[pk]],
                _label(factor_labels, known),
                ask.ward(person_area, household_area),
            ),
            categories=tuple(known) if ask.key == "difficulty_factors" else (kinds[pk],),
            url=_case_url(ask.actor, pk, lead),
        )


def _overdue_rows(ask: Ask) -> Iterator[RecordRow]:
    start, end = ask.start, ask.end
    names = ask.names
    rows = figures.overdue_monitorings_in(start, end, ask.area_ids, today=ask.day).values_list(
        "due_on",
        "plan__case_id",
        "plan__case__lead_organization_id",
        "plan__case__person__area_id",
        "plan__case__household__area_id",
    )
    for due_on, case_id, lead, person_area, household_area in rows:
        yield RecordRow(
            day=due_on,
            cells=(
                names.get(lead, ""),
                _("%(days)s日") % {"days": (ask.day - due_on).days},
                ask.ward(person_area, household_area),
            ),
            categories=(),
            url=_case_url(ask.actor, case_id, lead),
        )


def _training_rows(ask: Ask) -> Iterator[RecordRow]:
    start, end = ask.start, ask.end
    kinds = {k: str(label) for k, label in EventKind.choices}
    for pk, held_on, theme, kind, places in (
        figures.trainings_held_in(start, end)
        .annotate(places=Count("registrations", filter=Q(registrations__status="registered")))
        .values_list("pk", "held_on", "theme", "kind", "places")
    ):
        yield RecordRow(
            day=held_on,
            cells=(theme, kinds.get(kind, kind), str(places)),
            categories=(kind,),
            url=reverse("trainings:event_detail", args=[pk]),
        )


def _community_rows(ask: Ask) -> Iterator[RecordRow]:
    """An activity: its title, kind, area and organization (no person data); linked where the
    viewer reads it (its own, or every one for the city and the core center)."""
    start, end = ask.start, ask.end
    names = ask.names
    kinds = {k: str(label) for k, label in ActivityKind.choices}
    readable = set(community_access.activities_visible_to(ask.actor).values_list("pk", flat=True))
    for pk, held_on, title, kind, area, organization_id in (
        community_selectors.activities_held_in(start, end, ask.area_ids)
        .order_by("held_on", "pk")
        .values_list("pk", "held_on", "title", "kind", "area__name", "organization_id")
    ):
        yield RecordRow(
            day=held_on,
            cells=(title, kinds.get(kind, kind), area or "", names.get(organization_id, "")),
            categories=(kind,) if ask.key == "community_by_kind" else (str(held_on.month),),
            url=reverse("community:activity_detail", args=[pk]) if pk in readable else "",
        )


def _place_rows(ask: Ask) -> Iterator[RecordRow]:
    """A place at a held training: the training and the organization that sent the worker,
    never the worker's name."""
    start, end = ask.start, ask.end
    names = ask.names
    shown = {str(k) for k in figures.TRAINING_KINDS}
    attendance = {k: str(label) for k, label in Attendance.choices}
    rows = figures.registrations_of(figures.trainings_held_in(start, end)).values_list(
        "event_id",
        "event__held_on",
        "event__theme",
        "organization_id",
        "organization__kind",
        "attendance",
    )
    for event_id, held_on, theme, organization_id, org_kind, attended in rows:
        keys = figures.registration_categories(org_kind, attended, shown)
        if not keys[ask.key]:
            continue
        yield RecordRow(
            day=held_on,
            cells=(theme, names.get(organization_id, ""), attendance.get(attended, "")),
            categories=tuple(keys[ask.key]),
            url=reverse("trainings:event_detail", args=[event_id]),
        )


_CONSULTATION_COLUMNS = (
    gettext_lazy("受付日"),
    gettext_lazy("受付機関"),
    gettext_lazy("行った支援の種類"),
    gettext_lazy("障害種別"),
    gettext_lazy("区"),
)
_REFERRAL_COLUMNS = (
    gettext_lazy("依頼日"),
    gettext_lazy("依頼元"),
    gettext_lazy("依頼先"),
    gettext_lazy("種類"),
    gettext_lazy("状態"),
    gettext_lazy("受理までの日数"),
    gettext_lazy("区"),
)
_DIFFICULTY_COLUMNS = (
    gettext_lazy("ケースの開始日"),
    gettext_lazy("主担当機関"),
    gettext_lazy("世帯の型"),
    gettext_lazy("困難さの要因"),
    gettext_lazy("区"),
)
COLUMNS: dict[str, tuple[tuple[object, ...], object]] = {
    **dict.fromkeys(CONSULTATION_FIGURES, (_CONSULTATION_COLUMNS, "")),
    "cases_by_month": (
        (
            gettext_lazy("開始日"),
            gettext_lazy("主担当機関"),
            gettext_lazy("状態"),
            gettext_lazy("区"),
        ),
        "",
    ),
    **dict.fromkeys(REFERRAL_FIGURES, (_REFERRAL_COLUMNS, "")),
    **dict.fromkeys(DIFFICULTY_FIGURES, (_DIFFICULTY_COLUMNS, "")),
    **dict.fromkeys(
        COMMUNITY_FIGURES,
        (
            (
                gettext_lazy("実施日"),
                gettext_lazy("活動名"),
                gettext_lazy("活動の種類"),
                gettext_lazy("地域"),
                gettext_lazy("実施機関"),
            ),
            "",
        ),
    ),
    "trainings_by_kind": (
        (
            gettext_lazy("開催日"),
            gettext_lazy("テーマ"),
            gettext_lazy("形式"),
            gettext_lazy("参加予定"),
        ),
        "",
    ),
    **dict.fromkeys(
        ("training_participants_by_kind", "training_attendance"),
        (
            (
                gettext_lazy("開催日"),
                gettext_lazy("研修"),
                gettext_lazy("所属（申込時）"),
                gettext_lazy("出欠"),
            ),
            gettext_lazy("受講者の氏名は表示しません。"),
        ),
    ),
    OVERDUE: (
        (
            gettext_lazy("実施の期限"),
            gettext_lazy("主担当機関"),
            gettext_lazy("期限からの日数"),
            gettext_lazy("区"),
        ),
        gettext_lazy(
            "合意された計画の、まだ実施されていないモニタリングです（終結したケースを除く）。"
        ),
    ),
}


def record_viewed(
    actor: Actor, scope: figures.Scope, *, year: int, key: str, category: str, count: int
) -> None:
    """The page of a figure's records is a read of de-identified records: on the record, with
    the figure, the category and how many rows it listed."""
    audit.record(
        action=ACTION_RECORDS_VIEWED,
        actor=actor,
        target_type="dashboard",
        target_id=key,
        detail={
            "role": scope.role,
            "fiscal_year": year,
            "figure": key,
            "category": category,
            "rows": count,
            "wards": sorted(scope.wards) if scope.wards is not None else None,
        },
    )
