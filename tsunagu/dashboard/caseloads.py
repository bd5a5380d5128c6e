"""Planning-consultation caseloads against each office's cap (issue 17 item 5; seed 004,
計画相談の件数制限): how many planning cases (support layer 計画相談) each capped office leads,
by counselor, the trend over the past year from the lead periods, and which offices are over.

Counts only, never a person: the page names offices and their counselors.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Literal

from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from tsunagu.cases.models import CaseLeadPeriod, SupportLayer
from tsunagu.core.actor import Actor
from tsunagu.dashboard import charts
from tsunagu.organizations.models import CASELOAD_CAP_KINDS, OVERSIGHT_KINDS, Organization

TREND_MONTHS = 12
NEAR = 0.9  # at 90% of the cap an office is told it is close
CHART_WIDTH, CHART_HEIGHT = 132, 36

State = Literal["over_past_due", "over", "near", "within", "no_cap"]


@dataclass(frozen=True)
class WorkerLoad:
    name: str
    active: int


@dataclass(frozen=True)
class OfficeLoad:
    organization: Organization
    active: int
    trend: tuple[tuple[dt.date, int], ...]  # month ends, oldest first; the last is today
    workers: tuple[WorkerLoad, ...]
    today: dt.date

    @property
    def cap(self) -> int | None:
        return self.organization.caseload_cap

    @property
    def due_on(self) -> dt.date | None:
        return self.organization.caseload_cap_due_on

    @property
    def over_by(self) -> int:
        return max(0, self.active - self.cap) if self.cap is not None else 0

    @property
    def state(self) -> State:
        if self.cap is None:
            return "no_cap"
        if self.active > self.cap:
            return "over_past_due" if self.due_on and self.due_on < self.today else "over"
        return "near" if self.active >= self.cap * NEAR else "within"

    @property
    def change(self) -> int:
        """Since the first month of the trend (negative: fewer cases)."""
        return self.trend[-1][1] - self.trend[0][1]

    @property
    def chart(self) -> SafeString:
        """The trend as a small line, the cap dashed (dashboard/charts.py draws it); the
        partial puts the same figures in a table beside it."""
        return charts.line_chart(
            [n for _day, n in self.trend],
            chart_id=f"trend-{self.organization.pk}",
            title=_("%(start)s件から%(now)s件へ") % {"start": self.trend[0][1], "now": self.active},
            reference=self.cap,
            width=CHART_WIDTH,
            height=CHART_HEIGHT,
            css_class="sparkline",
        )


def may_view(actor: Actor) -> bool:
    org = actor.organization
    return org is not None and (org.kind in OVERSIGHT_KINDS or org.kind in CASELOAD_CAP_KINDS)


def _offices(actor: Actor) -> list[Organization]:
    org = actor.organization
    if org is None:
        return []
    if org.kind in OVERSIGHT_KINDS:
        return list(
            Organization.objects.filter(kind__in=CASELOAD_CAP_KINDS, is_active=True).order_by(
                "kind", "name_kana", "name"
            )
        )
    return [org] if org.kind in CASELOAD_CAP_KINDS else []


def _month_ends(today: dt.date) -> list[dt.date]:
    """The last day of each of the past months, then today: TREND_MONTHS points in all."""
    ends: list[dt.date] = []
    day = today.replace(day=1) - dt.timedelta(days=1)
    while len(ends) < TREND_MONTHS - 1:
        ends.append(day)
        day = day.replace(day=1) - dt.timedelta(days=1)
    return [*reversed(ends), today]


def caseloads(actor: Actor, *, today: dt.date | None = None) -> list[OfficeLoad]:
    """Each office the actor may see, with its planning cases now and at each month end.

    A case counts for an office on a day when the office was its lead that day (the lead
    periods: a transfer moves it) and the case was open (opened on or before, not yet closed)."""
    today = today or timezone.localdate()
    offices = _offices(actor)
    points = _month_ends(today)
    first = points[0]
    periods = (
        CaseLeadPeriod.objects.filter(
            organization__in=offices, case__support_layer=SupportLayer.PLANNING
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=first))
        .filter(Q(case__closed_on__isnull=True) | Q(case__closed_on__gt=first))
        .values_list(
            "organization_id",
            "started_on",
            "ended_on",
            "case__opened_on",
            "case__closed_on",
            "case__lead_organization_id",
            "case__lead_worker__full_name",
        )
    )
    counts: dict[int, Counter[dt.date]] = defaultdict(Counter)
    workers: dict[int, Counter[str]] = defaultdict(Counter)
    for org_id, started, ended, opened, closed, lead_org_id, worker in periods:
        for day in points:
            if (
                max(started, opened) <= day
                and (ended is None or ended > day)
                and (closed is None or closed > day)
            ):
                counts[org_id][day] += 1
        if ended is None and closed is None and lead_org_id == org_id:
            workers[org_id][worker or ""] += 1
    return [
        OfficeLoad(
            organization=office,
            active=counts[office.pk][today],
            trend=tuple((day, counts[office.pk][day]) for day in points),
            workers=tuple(
                WorkerLoad(name, n)
                for name, n in sorted(workers[office.pk].items(), key=lambda i: (-i[1], i[0]))
            ),
            today=today,
        )
        for office in offices
    ]


def warnings(loads: list[OfficeLoad]) -> list[OfficeLoad]:
    """The offices the core center should call first: over the cap (past the date first),
    then close to it."""
    order = {"over_past_due": 0, "over": 1, "near": 2}
    flagged = [load for load in loads if load.state in order]
    return sorted(flagged, key=lambda load: (order[load.state], -load.over_by))
