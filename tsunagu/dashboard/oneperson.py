"""One-person offices (一人事業所, issue 17 item 7; seed 003): per ward, the designated planning
offices that have a single counselor, with what the core center needs to back them up.

For each office: its planning caseload against its cap (`caseloads`), the overdue monitorings
of the cases it leads, the advice and joint-support requests it sent this fiscal year and how
each ended, and the backup the core center gave (on the team of its cases, requests accepted,
case conferences attended).

Counts are of every record; a figure links to a list only where that list shows the viewer
exactly those records (the requests the viewer itself received, the cases it is on the team
of).  No case, person or request is named here.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from tsunagu.cases.access import active_team_members
from tsunagu.cases.models import CaseStatus, ConferenceAttendee
from tsunagu.core.actor import Actor
from tsunagu.core.dates import fiscal_year, fiscal_year_range
from tsunagu.dashboard import caseloads as caseload_selectors
from tsunagu.organizations.models import (
    OVERSIGHT_KINDS,
    PLANNING_OFFICE_KINDS,
    Area,
    AreaKind,
    JobTitle,
    Membership,
    Organization,
    OrganizationKind,
)
from tsunagu.plans.models import Monitoring, MonitoringStatus, PlanStatus
from tsunagu.referrals import selectors as referral_selectors
from tsunagu.referrals.models import ACCEPTED_STATUSES, Referral, ReferralKind, ReferralStatus

COUNSELOR_TITLES = (
    JobTitle.CONSULTATION_SPECIALIST,
    JobTitle.CHIEF_CONSULTATION_SPECIALIST,
    JobTitle.COUNSELOR,
)
# The requests the page follows, in the order it shows them.
REQUEST_KINDS = (ReferralKind.ADVICE, ReferralKind.JOINT_SUPPORT)


def may_view(actor: Actor) -> bool:
    org = actor.organization
    return org is not None and org.kind in OVERSIGHT_KINDS


@dataclass(frozen=True)
class Figure:
    """A count, and the list behind it when the viewer may open that list (else None)."""

    count: int
    url: str | None = None


@dataclass(frozen=True)
class Requests:
    kind: str
    label: str
    sent: Figure
    # (status label, figure) for each status that occurs, in the order of ReferralStatus.
    by_status: tuple[tuple[str, Figure], ...]
    to_viewer: int  # of `sent`, how many went to the viewer's organization


@dataclass(frozen=True)
class OfficeRow:
    organization: Organization
    counselor: str
    load: caseload_selectors.OfficeLoad | None
    overdue_monitorings: Figure
    requests: tuple[Requests, ...]
    backup_cases: Figure
    backup_accepted: Figure
    backup_conferences: Figure


@dataclass
class Ward:
    area: Area | None  # None: offices that serve no ward
    offices: list[OfficeRow] = field(default_factory=list)


def _backers(actor: Actor) -> list[int]:
    """The core center whose backup is counted: the viewer when it is one, else all of them."""
    org = actor.organization
    if org is not None and org.kind == OrganizationKind.CORE_CENTER:
        return [org.pk]
    return list(
        Organization.objects.filter(kind=OrganizationKind.CORE_CENTER).values_list("pk", flat=True)
    )


def one_person_offices() -> dict[int, str]:
    """Active planning offices with exactly one current counselor: office id -> that name."""
    members = (
        Membership.objects.current()
        .filter(
            organization__kind__in=PLANNING_OFFICE_KINDS,
            job_title__in=COUNSELOR_TITLES,
            user__is_active=True,
        )
        .values_list("organization_id", "user__full_name")
    )
    names: dict[int, list[str]] = defaultdict(list)
    for org_id, name in members:
        names[org_id].append(name)
    return {org_id: found[0] for org_id, found in names.items() if len(found) == 1}


def _ward_of_areas() -> dict[int, int]:
    """Each area id -> the id of the ward it lies in (a ward is in itself)."""
    areas = {a.pk: (a.kind, a.parent_id) for a in Area.objects.all()}
    wards: dict[int, int] = {}
    for pk in areas:
        seen: set[int] = set()
        current: int | None = pk
        while current is not None and current not in seen:
            seen.add(current)
            kind, parent = areas[current]
            if kind == AreaKind.WARD:
                wards[pk] = current
                break
            current = parent
    return wards


def _referrals_url(**query: str | int | list[str]) -> str:
    return f"{reverse('referrals:list')}?{urlencode(query, doseq=True)}"


def overdue_monitorings(office_ids: list[int], today: dt.date) -> QuerySet[Monitoring]:
    """Scheduled monitorings of agreed plans past their date, of the open cases each office
    leads (the same rule as the monitoring list's 期限超過)."""
    return Monitoring.objects.filter(
        status=MonitoringStatus.SCHEDULED,
        plan__status=PlanStatus.AGREED,
        due_on__lt=today,
        plan__case__lead_organization_id__in=office_ids,
    ).exclude(plan__case__status=CaseStatus.CLOSED)


def offices_by_ward(actor: Actor, *, today: dt.date | None = None) -> tuple[int, list[Ward]]:
    """The fiscal year shown and the wards, each with its one-person offices."""
    today = today or timezone.localdate()
    year = fiscal_year(today)
    start, end = fiscal_year_range(year)
    counselors = one_person_offices()
    offices = list(
        Organization.objects.filter(pk__in=counselors, is_active=True)
        .prefetch_related("areas_served")
        .order_by("name_kana", "name")
    )
    ids = [o.pk for o in offices]
    backers = _backers(actor)
    viewer = actor.organization_id
    loads = {
        load.organization.pk: load
        for load in caseload_selectors.caseloads(actor, today=today)
        if load.organization.pk in counselors
    }
    overdue = Counter(
        overdue_monitorings(ids, today).values_list("plan__case__lead_organization_id", flat=True)
    )
    sent = (
        Referral.objects.filter(
            requesting_organization_id__in=ids,
            kind__in=REQUEST_KINDS,
            requested_at__date__gte=start,
            requested_at__date__lte=end,
        )
        .values("requesting_organization_id", "kind", "status", "receiving_organization_id")
        .annotate(n=Count("pk"))
    )
    requests: dict[tuple[int, str], Counter[tuple[str, bool]]] = defaultdict(Counter)
    for found in sent:
        key = (found["requesting_organization_id"], found["kind"])
        requests[key][(found["status"], found["receiving_organization_id"] == viewer)] += found["n"]
    backed_cases = Counter(
        active_team_members(on=today)
        .filter(
            organization_id__in=backers,
            case__lead_organization_id__in=ids,
        )
        .values_list("case__lead_organization_id", "case_id")
        .distinct()
        .values_list("case__lead_organization_id", flat=True)
    )
    # Accepted: the center took the request on, whatever came after; counted, as the requests
    # sent are, by the day it was sent (the list behind the figure filters by that day).
    accepted = Counter(
        Referral.objects.filter(
            requesting_organization_id__in=ids,
            receiving_organization_id__in=backers,
            status__in=ACCEPTED_STATUSES,
            requested_at__date__gte=start,
            requested_at__date__lte=end,
        ).values_list("requesting_organization_id", flat=True)
    )
    conferences = Counter(
        ConferenceAttendee.objects.filter(
            organization_id__in=backers,
            conference__case__lead_organization_id__in=ids,
            conference__held_at__date__gte=start,
            conference__held_at__date__lte=end,
        )
        .values_list("conference__case__lead_organization_id", "conference_id")
        .distinct()
        .values_list("conference__case__lead_organization_id", flat=True)
    )
    ward_of = _ward_of_areas()
    wards: dict[int | None, Ward] = {
        a.pk: Ward(a)
        for a in Area.objects.filter(kind=AreaKind.WARD).order_by("sort_order", "code")
    }
    wards[None] = Ward(None)
    fy = {"requested_from": start.isoformat(), "requested_to": end.isoformat()}
    for office in offices:
        row = OfficeRow(
            organization=office,
            counselor=counselors[office.pk],
            load=loads.get(office.pk),
            overdue_monitorings=Figure(overdue[office.pk]),
            requests=tuple(
                _requests(kind, requests[(office.pk, kind)], office, viewer, fy)
                for kind in REQUEST_KINDS
            ),
            backup_cases=Figure(
                backed_cases[office.pk],
                # The core center sees the cases whose team it is on: the list shows them.
                _cases_url(office) if viewer in backers and backed_cases[office.pk] else None,
            ),
            backup_accepted=Figure(
                accepted[office.pk],
                _referrals_url(
                    box=referral_selectors.INBOX,
                    state=referral_selectors.STATE_ALL,
                    organization=office.pk,
                    status=[s.value for s in ACCEPTED_STATUSES],
                    **fy,
                )
                if viewer in backers and accepted[office.pk]
                else None,
            ),
            backup_conferences=Figure(conferences[office.pk]),
        )
        served = {ward_of[a.pk] for a in office.areas_served.all() if a.pk in ward_of}
        shown_under: list[int | None] = sorted(served, key=list(wards).index) or [None]
        for ward_id in shown_under:
            wards[ward_id].offices.append(row)
    return year, [w for w in wards.values() if w.area is not None or w.offices]


def _cases_url(office: Organization) -> str:
    return f"{reverse('cases:list')}?{urlencode({'lead_organization': office.pk})}"


def _requests(
    kind: str,
    counts: Counter[tuple[str, bool]],
    office: Organization,
    viewer: int | None,
    fy: dict[str, str],
) -> Requests:
    """One kind of request an office sent: every one counted; the ones the viewer received
    link to its inbox (the others are another organization's: counts only)."""
    base: dict[str, str | int | list[str]] = {
        "box": referral_selectors.INBOX,
        "state": referral_selectors.STATE_ALL,
        "kind": kind,
        "organization": office.pk,
        **fy,
    }
    total = sum(counts.values())
    to_viewer = sum(n for (_status, mine), n in counts.items() if mine)
    by_status = []
    for status in ReferralStatus:
        n = counts[(status.value, True)] + counts[(status.value, False)]
        if not n:
            continue
        everything_mine = counts[(status.value, False)] == 0
        url = _referrals_url(**base, status=status.value) if everything_mine else None
        by_status.append((str(status.label), Figure(n, url)))
    return Requests(
        kind=kind,
        label=str(ReferralKind(kind).label),
        sent=Figure(total, _referrals_url(**base) if total and to_viewer == total else None),
        by_status=tuple(by_status),
        to_viewer=to_viewer,
    )
