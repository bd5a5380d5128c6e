"""Reads of motivating moments: a note's travels, what a provider received, the council page,
and the moments a plan builds on."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from tsunagu.cases.access import active_team_members
from tsunagu.cases.models import Case, TeamRole
from tsunagu.core.actor import Actor
from tsunagu.core.dates import fiscal_year_range
from tsunagu.moments.access import published_moments, shares_received, shares_visible_to
from tsunagu.moments.models import CouncilMoment, CouncilMomentStatus, MomentShare
from tsunagu.organizations.models import Organization
from tsunagu.plans.models import PlanStatus, SupportPlan
from tsunagu.records.access import notes_visible_to
from tsunagu.records.models import ProgressNote
from tsunagu.referrals.deadlines import start_of_local_day


def note_shares(actor: Actor, note: ProgressNote) -> QuerySet[MomentShare]:
    return (
        shares_visible_to(actor)
        .filter(note=note)
        .select_related("organization", "consent", "shared_by_organization")
        .order_by("-created_at", "-pk")
    )


def providers_on_team(case: Case) -> QuerySet[Organization]:
    """The service providers on the case's team now: who a moment may be shared with."""
    members = active_team_members().filter(case=case, role=TeamRole.SERVICE)
    return Organization.objects.filter(pk__in=members.values("organization_id")).order_by("name")


def received(actor: Actor) -> QuerySet[MomentShare]:
    return shares_received(actor).select_related(
        "note", "note__case__person", "note__case__household", "shared_by_organization"
    )


def council_page(actor: Actor, *, fiscal_year: int | None = None) -> QuerySet[CouncilMoment]:
    rows = published_moments(actor)
    if fiscal_year is not None:
        start, end = fiscal_year_range(fiscal_year)
        rows = rows.filter(published_on__gte=start, published_on__lte=end)
    return rows.order_by("-published_on", "-pk")


def published_in(start: dt.date, end: dt.date) -> QuerySet[CouncilMoment]:
    """For the annual report (no actor: the text is de-identified and the network's)."""
    return CouncilMoment.objects.filter(
        status=CouncilMomentStatus.PUBLISHED, published_on__gte=start, published_on__lte=end
    ).order_by("published_on", "pk")


def plan_moments(actor: Actor, plan: SupportPlan, *, limit: int = 10) -> list[ProgressNote]:
    """The moments the plan builds on: those of its case marked on notes the actor may read,
    up to the day the plan was agreed (a draft: up to now), newest first."""
    notes = (
        notes_visible_to(actor)
        .filter(case_id=plan.case_id, is_motivating_moment=True)
        .exclude(motivating_moment="")
    )
    if plan.status != PlanStatus.DRAFT and plan.agreed_on is not None:
        notes = notes.filter(occurred_at__lt=start_of_local_day(plan.agreed_on + dt.timedelta(1)))
    return list(notes.order_by("-occurred_at", "-pk")[:limit])
