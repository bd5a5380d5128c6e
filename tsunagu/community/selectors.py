"""Reads of the community app: the lists, and the year's figures (counts by kind, area and
month; the 障がい者サポーター per area; the days from a lead to its first contact) that the
community page shows and the dashboard and the annual report read (`year_figures`)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.cases.access import consultations_visible_to
from tsunagu.community import access
from tsunagu.community.models import (
    PARTICIPANT_FIELDS,
    ActivityKind,
    AwarenessEvent,
    AwarenessMaterial,
    AwarenessTheme,
    CommunityActivity,
    LeadStatus,
    OutreachLead,
)
from tsunagu.core.actor import Actor
from tsunagu.core.dates import fiscal_year, fiscal_year_label, fiscal_year_range
from tsunagu.organizations.models import Area, AreaKind

NO_WARD = "none"


def activity_list(
    actor: Actor,
    *,
    kind: str = "",
    area: Area | None = None,
    year: int | None = None,
) -> QuerySet[CommunityActivity]:
    visible = consultations_visible_to(actor).filter(pk=OuterRef("consultation_id"))
    rows = (
        access.activities_visible_to(actor)
        .select_related("awareness")
        .annotate(consultation_visible=Exists(visible))
    )
    if kind:
        rows = rows.filter(kind=kind)
    if area is not None:
        rows = rows.filter(area_id__in=area_ids_under([area]))
    if year is not None:
        start, end = fiscal_year_range(year)
        rows = rows.filter(held_on__gte=start, held_on__lte=end)
    return rows.order_by("-held_on", "-pk")


def awareness_list(actor: Actor, *, year: int | None = None) -> QuerySet[AwarenessEvent]:
    rows = AwarenessEvent.objects.select_related(
        "activity", "activity__area", "activity__organization"
    ).filter(activity__in=access.activities_visible_to(actor).values("pk"))
    if year is not None:
        start, end = fiscal_year_range(year)
        rows = rows.filter(activity__held_on__gte=start, activity__held_on__lte=end)
    return rows.order_by("-activity__held_on", "-pk")


def lead_list(actor: Actor, *, status: str = "") -> QuerySet[OutreachLead]:
    rows = access.leads_visible_to(actor).select_related("consultation")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-received_on", "-pk")


def event_materials(event: AwarenessEvent) -> QuerySet[AwarenessMaterial]:
    return event.materials.order_by("uploaded_at", "pk")


def activities_held_in(
    start: dt.date, end: dt.date, area_ids: list[int] | None = None
) -> QuerySet[CommunityActivity]:
    """Every organization's activities held between two days (in some areas): what the
    dashboard counts (no person data: an activity is counts and partners)."""
    rows = CommunityActivity.objects.filter(held_on__gte=start, held_on__lte=end)
    if area_ids is not None:
        rows = rows.filter(area_id__in=area_ids)
    return rows


def area_ids_under(areas: Iterable[Area]) -> set[int]:
    found = {a.pk for a in areas}
    frontier = set(found)
    while frontier:
        frontier = set(Area.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier -= found
        found |= frontier
    return found


class Wards:
    """Every area's ward (one query: the areas are a small table)."""

    def __init__(self) -> None:
        rows = Area.objects.order_by("sort_order", "code").values_list(
            "pk", "kind", "parent_id", "name"
        )
        self.rows = {pk: (kind, parent, name) for pk, kind, parent, name in rows}
        self.wards = [(pk, name) for pk, (kind, _p, name) in self.rows.items() if kind == "ward"]

    def ward_of(self, area_id: int | None) -> int | None:
        for _step in range(10):
            row = self.rows.get(area_id) if area_id is not None else None
            if row is None:
                return None
            if row[0] == AreaKind.WARD:
                return area_id
            area_id = row[1]
        return None


@dataclass
class YearFigures:
    """One fiscal year of community work, counts only (no person, no lead's label)."""

    fiscal_year: int
    label: str
    months: list[tuple[str, str]]
    kinds: list[tuple[str, str]]
    wards: list[tuple[str, str]]
    by_kind: Counter[str] = field(default_factory=Counter)
    by_month: Counter[str] = field(default_factory=Counter)
    by_ward: Counter[str] = field(default_factory=Counter)
    by_kind_month: Counter[tuple[str, str]] = field(default_factory=Counter)
    by_kind_ward: Counter[tuple[str, str]] = field(default_factory=Counter)
    participants: Counter[str] = field(default_factory=Counter)
    connected: int = 0
    resources_found: int = 0
    issues_raised: int = 0
    supporters_by_ward: Counter[str] = field(default_factory=Counter)
    awareness_by_theme: Counter[str] = field(default_factory=Counter)
    leads: int = 0
    leads_connected: int = 0
    leads_closed: int = 0
    days_to_contact: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())

    @property
    def supporters(self) -> int:
        return sum(self.supporters_by_ward.values())

    @property
    def median_days_to_contact(self) -> float | None:
        return statistics.median(self.days_to_contact) if self.days_to_contact else None

    @property
    def kind_rows(self) -> list[tuple[str, list[int], int]]:
        """Each kind with its count per month and its total (the table by month)."""
        return [
            (label, [self.by_kind_month[key, m] for m, _l in self.months], self.by_kind[key])
            for key, label in self.kinds
        ]

    @property
    def month_totals(self) -> list[int]:
        return [self.by_month[m] for m, _l in self.months]

    @property
    def ward_rows(self) -> list[tuple[str, list[int], int, int]]:
        """Each ward with its count per kind, its total and its supporters."""
        return [
            (
                label,
                [self.by_kind_ward[k, key] for k, _l in self.kinds],
                self.by_ward[key],
                self.supporters_by_ward[key],
            )
            for key, label in self.wards
        ]

    @property
    def participant_rows(self) -> list[tuple[str, int]]:
        return [(str(label), self.participants[name]) for name, label in PARTICIPANT_FIELDS]

    @property
    def theme_rows(self) -> list[tuple[str, int]]:
        return [(str(label), self.awareness_by_theme[k]) for k, label in AwarenessTheme.choices]


def fiscal_months(year: int) -> list[tuple[str, str]]:
    return [(str(m), _("%(month)s月") % {"month": m}) for m in (*range(4, 13), 1, 2, 3)]


def year_figures(
    year: int, *, organization_ids: Iterable[int] | None = None, leads_of: int | None = None
) -> YearFigures:
    """The counts of one fiscal year, for some organizations (None: all of them).  The leads'
    figures are only of `leads_of` (a lead is its organization's alone); none when not given.
    Four queries."""
    start, end = fiscal_year_range(year)
    wards = Wards()
    ward_rows = [(str(pk), name) for pk, name in wards.wards]
    figures = YearFigures(
        fiscal_year=year,
        label=fiscal_year_label(year),
        months=fiscal_months(year),
        kinds=[(k, str(label)) for k, label in ActivityKind.choices],
        wards=[*ward_rows, (NO_WARD, _("区の記録なし"))],
    )
    activities = CommunityActivity.objects.filter(held_on__gte=start, held_on__lte=end)
    if organization_ids is not None:
        activities = activities.filter(organization_id__in=list(organization_ids))
    names = [n for n, _l in PARTICIPANT_FIELDS]
    for row in activities.values_list(
        "pk",
        "kind",
        "held_on",
        "area_id",
        "consultation_id",
        "resource_found",
        "community_issue_id",
        *names,
    ):
        _pk, kind, held_on, area_id, consultation_id, resource, issue_id, *counts = row
        month = str(held_on.month)
        ward = wards.ward_of(area_id)
        ward_key = str(ward) if ward is not None else NO_WARD
        figures.by_kind[kind] += 1
        figures.by_month[month] += 1
        figures.by_ward[ward_key] += 1
        figures.by_kind_month[kind, month] += 1
        figures.by_kind_ward[kind, ward_key] += 1
        for name, count in zip(names, counts, strict=True):
            figures.participants[name] += count
        figures.connected += consultation_id is not None
        figures.resources_found += bool(resource)
        figures.issues_raised += issue_id is not None
    events = AwarenessEvent.objects.filter(activity__in=activities.values("pk")).values_list(
        "theme", "supporters_completed", "activity__area_id"
    )
    for theme, supporters, area_id in events:
        figures.awareness_by_theme[theme] += 1
        if supporters:
            ward = wards.ward_of(area_id)
            figures.supporters_by_ward[str(ward) if ward is not None else NO_WARD] += supporters
    if leads_of is not None:
        leads = OutreachLead.objects.filter(
            organization_id=leads_of, received_on__gte=start, received_on__lte=end
        ).values_list("status", "received_on", "first_contact_on")
        for status, received_on, contact_on in leads:
            figures.leads += 1
            figures.leads_connected += status == LeadStatus.CONNECTED
            figures.leads_closed += status == LeadStatus.CLOSED
            if contact_on is not None:
                figures.days_to_contact.append((contact_on - received_on).days)
    return figures


def median_days_by_year(organization_id: int) -> list[tuple[str, float | None, int]]:
    """Per fiscal year of the leads received: the median days from lead to first contact and
    how many leads were contacted (the newest year first)."""
    days: dict[int, list[int]] = {}
    for received_on, contact_on in OutreachLead.objects.filter(
        organization_id=organization_id, first_contact_on__isnull=False
    ).values_list("received_on", "first_contact_on"):
        if contact_on is not None:  # the filter says so; the type does not
            days.setdefault(fiscal_year(received_on), []).append((contact_on - received_on).days)
    return [
        (fiscal_year_label(y), statistics.median(values), len(values))
        for y, values in sorted(days.items(), reverse=True)
    ]


def figure_years() -> list[int]:
    first = CommunityActivity.objects.order_by("held_on").values_list("held_on", flat=True).first()
    this = fiscal_year(timezone.localdate())
    start = fiscal_year(first) if first else this
    return list(range(this, max(start, this - 20) - 1, -1))
