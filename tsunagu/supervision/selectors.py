"""Reads of the supervision app, narrowed to what the actor may see (supervision/access.py)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from tsunagu.accounts.models import User
from tsunagu.cases.access import active_team_members, cases_visible_to
from tsunagu.cases.models import Case, CaseStatus
from tsunagu.core.actor import Actor
from tsunagu.core.dates import fiscal_year_range
from tsunagu.expertise.models import Theme
from tsunagu.organizations.models import Membership, Organization
from tsunagu.supervision import access
from tsunagu.supervision.models import PresentedCase, SessionKind, SupervisionSession


def session_rows(actor: Actor) -> QuerySet[SupervisionSession]:
    return (
        access.sessions_visible_to(actor)
        .select_related("organizer", "supervisor")
        .annotate(item_count=Count("items", distinct=True))
    )


def session_items(session: SupervisionSession) -> QuerySet[PresentedCase]:
    """The presented cases of a session the actor has reached through `access_session`."""
    return session.items.select_related(
        "presenting_office",
        "presented_by",
        "advice_by",
        "carried_from__session",
        "carried_to__session",
    )


def carried_to(item: PresentedCase) -> PresentedCase | None:
    """The item this one was carried to, if any (select_related by `session_items`)."""
    try:
        return item.carried_to
    except PresentedCase.DoesNotExist:
        return None


def later_sessions(item: PresentedCase) -> QuerySet[SupervisionSession]:
    """Where the item may be carried: later sessions of the same organizer that its office
    attends."""
    return (
        SupervisionSession.objects.filter(
            organizer_id=item.session.organizer_id,
            offices__id=item.presenting_office_id,
            held_on__gte=item.session.held_on,
        )
        .exclude(pk=item.session_id)
        .order_by("held_on", "pk")
    )


def supervisors_of(organizer: Organization) -> QuerySet[User]:
    return User.objects.filter(
        pk__in=Membership.objects.current().filter(organization=organizer).values("user_id")
    ).order_by("username")


def attending_offices() -> QuerySet[Organization]:
    return (
        Organization.objects.active()
        .filter(kind__in=access.OFFICE_KINDS)
        .order_by("kind", "name_kana", "pk")
    )


def attending_workers(organizer: Organization) -> QuerySet[Membership]:
    return (
        Membership.objects.current()
        .filter(
            Q(organization__kind__in=access.OFFICE_KINDS, organization__has_accounts=True)
            | Q(organization=organizer)
        )
        .select_related("user", "organization")
        .order_by("organization__name_kana", "user__username")
    )


def linkable_cases(actor: Actor, *, session: SupervisionSession, office_id: int) -> QuerySet[Case]:
    """The cases an item of `office_id` may be linked to, as the actor sees them: the office
    leads the case or is on its team, and the session's organizer is on its team today."""
    team = active_team_members()
    organizer_on = team.filter(organization_id=session.organizer_id).values("case_id")
    office_on = team.filter(organization_id=office_id).values("case_id")
    return (
        cases_visible_to(actor)
        .filter(pk__in=organizer_on)
        .filter(Q(lead_organization_id=office_id) | Q(pk__in=office_on))
        .order_by("title", "pk")
    )


def own_open_cases(actor: Actor) -> QuerySet[Case]:
    """The acting office's own open cases, to write a de-identified item's advice on."""
    return (
        cases_visible_to(actor)
        .filter(lead_organization_id=actor.organization_id)
        .exclude(status=CaseStatus.CLOSED)
        .order_by("title", "pk")
    )


@dataclass
class OfficeCount:
    office: Organization
    group_sessions: int = 0
    individual_sessions: int = 0
    presented: int = 0
    linked: int = 0
    carried: int = 0
    followed_up: int = 0


@dataclass
class YearCounts:
    fiscal_year: int
    sessions: int = 0
    offices: list[OfficeCount] = field(default_factory=list)
    themes: list[tuple[str, str, int]] = field(default_factory=list)  # value, label, count


def year_counts(actor: Actor, fiscal_year: int) -> YearCounts:
    """Sessions and presented cases per office and per theme in a fiscal year: every office's
    for the core center and the city, the acting office's own for an office."""
    start, end = fiscal_year_range(fiscal_year)
    sessions = SupervisionSession.objects.filter(held_on__gte=start, held_on__lte=end)
    items = PresentedCase.objects.filter(session__in=sessions)
    own = actor.organization_id or 0  # may_view (the route's guard) says there is one
    if not access.sees_every_office(actor):
        sessions = sessions.filter(offices__id=own)
        items = items.filter(presenting_office_id=own)
    result = YearCounts(fiscal_year=fiscal_year, sessions=sessions.distinct().count())
    by_office: dict[int, OfficeCount] = {}

    def row(office: Organization) -> OfficeCount:
        return by_office.setdefault(office.pk, OfficeCount(office=office))

    attendance = SupervisionSession.offices.through.objects.filter(
        supervisionsession__in=sessions
    ).select_related("organization", "supervisionsession")
    if not access.sees_every_office(actor):
        attendance = attendance.filter(organization_id=own)
    for link in attendance:
        counted = row(link.organization)
        if link.supervisionsession.kind == SessionKind.INDIVIDUAL:
            counted.individual_sessions += 1
        else:
            counted.group_sessions += 1
    themes: Counter[str] = Counter()
    for item in items.select_related("presenting_office"):
        counted = row(item.presenting_office)
        counted.presented += 1
        counted.linked += item.case_id is not None
        counted.carried += item.carried_from_id is not None
        counted.followed_up += item.followed_up_at is not None
        themes.update(item.themes)
    result.offices = sorted(by_office.values(), key=lambda r: (r.office.name_kana, r.office.pk))
    labels = dict(Theme.choices)
    result.themes = [(value, str(labels[value]), themes[value]) for value in Theme.values]
    return result
