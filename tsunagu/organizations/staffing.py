"""Staffing (issue 17 item 6; seed 004 人員体制): each center's posts required against filled,
the vacancy periods of a fiscal year, who sees which center and who may change what.

The city sets the posts; a center's managers (or the city) record who fills them.  The city
department and the core center see every center, a center sees its own, nobody else (404,
audited).  A vacancy is a run of days on which a post had fewer people than it requires; the
current fiscal year is counted up to today (a day still to come is not yet a vacancy).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from tsunagu.audit import services as audit
from tsunagu.core.actor import Actor
from tsunagu.core.dates import fiscal_year_range
from tsunagu.core.errors import Forbidden
from tsunagu.organizations.models import (
    OVERSIGHT_KINDS,
    STAFFED_KINDS,
    Membership,
    Organization,
    OrganizationKind,
    StaffingAssignment,
    StaffingPost,
    SystemRole,
)

# Who sees every center: the city department (which sets the posts) and the core center.


# --- Who may do what ---------------------------------------------------------------------


def may_view(actor: Actor) -> bool:
    org = actor.organization
    return org is not None and (org.kind in OVERSIGHT_KINDS or org.kind in STAFFED_KINDS)


def may_set_posts(actor: Actor) -> bool:
    """The city department sets the posts (seed 004: the city's commission)."""
    org = actor.organization
    return org is not None and org.kind == OrganizationKind.CITY_DEPARTMENT and actor.can_write


def may_fill(actor: Actor, organization: Organization) -> bool:
    """The center's managers record who fills its posts; so may the city."""
    if may_set_posts(actor):
        return True
    membership = actor.membership
    return (
        membership is not None
        and membership.organization_id == organization.pk
        and membership.role == SystemRole.MANAGER
    )


def centers_visible_to(actor: Actor) -> QuerySet[Organization]:
    org = actor.organization
    centers = Organization.objects.active().filter(kind__in=STAFFED_KINDS)
    if org is None or not may_view(actor):
        return centers.none()
    if org.kind in OVERSIGHT_KINDS:
        return centers
    return centers.filter(pk=org.pk)


def posts_visible_to(actor: Actor) -> QuerySet[StaffingPost]:
    return StaffingPost.objects.filter(organization__in=centers_visible_to(actor).values("pk"))


def access_center(
    actor: Actor, organization_id: object, *, for_posts: bool = False
) -> Organization:
    """A center the actor sees (and, `for_posts`, may set posts of), or NotFound / Forbidden,
    audited."""
    target = "organizations.organization"
    try:
        pk = int(str(organization_id))
    except ValueError:
        raise audit.not_found(actor, target, organization_id, "malformed id") from None
    center = centers_visible_to(actor).filter(pk=pk).first()
    if center is None:
        raise audit.not_found(actor, target, pk, "not a center the acting organization sees")
    if for_posts and not may_set_posts(actor):
        audit.record_denial(actor, target_type=target, target_id=pk, reason="not the city")
        raise Forbidden("配置を決めるのは市の担当課です。")
    return center


def access_post(
    actor: Actor, post_id: object, *, for_write: bool = False, for_fill: bool = False
) -> StaffingPost:
    """A post of a center the actor sees, or NotFound (audited).  `for_write`: the city only;
    `for_fill`: the city or the center's managers (else Forbidden, audited)."""
    target = "organizations.staffingpost"
    try:
        pk = int(str(post_id))
    except ValueError:
        raise audit.not_found(actor, target, post_id, "malformed id") from None
    post = posts_visible_to(actor).select_related("organization").filter(pk=pk).first()
    if post is None:
        raise audit.not_found(actor, target, pk, "not visible to the acting organization")
    if for_write and not may_set_posts(actor):
        audit.record_denial(actor, target_type=target, target_id=pk, reason="not the city")
        raise Forbidden("配置を決めるのは市の担当課です。")
    if for_fill and not may_fill(actor, post.organization):
        audit.record_denial(actor, target_type=target, target_id=pk, reason="not a manager")
        raise Forbidden("担当者を記録するのはセンターの管理者か市の担当課です。")
    return post


def access_assignment(actor: Actor, assignment_id: object) -> StaffingAssignment:
    """An assignment the actor may change (the city, the center's managers), else NotFound
    for one it does not see and Forbidden for one it only reads (both audited)."""
    target = "organizations.staffingassignment"
    try:
        pk = int(str(assignment_id))
    except ValueError:
        raise audit.not_found(actor, target, assignment_id, "malformed id") from None
    assignment = (
        StaffingAssignment.objects.filter(post__in=posts_visible_to(actor).values("pk"))
        .select_related("post__organization", "membership__user")
        .filter(pk=pk)
        .first()
    )
    if assignment is None:
        raise audit.not_found(actor, target, pk, "not visible to the acting organization")
    if not may_fill(actor, assignment.post.organization):
        audit.record_denial(actor, target_type=target, target_id=pk, reason="not a manager")
        raise Forbidden("担当者を記録するのはセンターの管理者か市の担当課です。")
    return assignment


def members_who_may_fill(post: StaffingPost) -> QuerySet[Membership]:
    return (
        Membership.objects.current()
        .filter(organization_id=post.organization_id, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name_kana", "user__username")
    )


# --- The figures -------------------------------------------------------------------------


@dataclass(frozen=True)
class Vacancy:
    start: dt.date
    end: dt.date  # the last day of the vacancy (inclusive)
    missing: int  # the most people missing on any day of it
    ongoing: bool  # still vacant on the last day counted

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class PostStaffing:
    post: StaffingPost
    required: int  # today (0 when the post is not required today)
    holders: tuple[StaffingAssignment, ...]  # today
    vacancies: tuple[Vacancy, ...]

    @property
    def filled(self) -> int:
        return len(self.holders)

    @property
    def shortfall(self) -> int:
        return max(0, self.required - self.filled)

    @property
    def vacant_days(self) -> int:
        return sum(v.days for v in self.vacancies)


@dataclass(frozen=True)
class CenterStaffing:
    organization: Organization
    posts: tuple[PostStaffing, ...] = field(default=())

    @property
    def required(self) -> int:
        return sum(p.required for p in self.posts)

    @property
    def filled(self) -> int:
        return sum(min(p.filled, p.required) for p in self.posts)

    @property
    def shortfall(self) -> int:
        return sum(p.shortfall for p in self.posts)

    @property
    def vacant_days(self) -> int:
        return sum(p.vacant_days for p in self.posts)


def counted_range(fiscal_year: int, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The days of the fiscal year that are counted: up to today, none if it has not begun."""
    start, end = fiscal_year_range(fiscal_year)
    end = min(end, today)
    return (start, end) if start <= end else None


def vacancies_of(
    post: StaffingPost, assignments: list[StaffingAssignment], start: dt.date, end: dt.date
) -> list[Vacancy]:
    """The runs of days in [start, end] on which the post had fewer people than it requires."""
    first = max(start, post.required_from)
    last = min(end, post.required_until) if post.required_until else end
    found: list[Vacancy] = []
    run_start: dt.date | None = None
    missing = 0
    day = first
    while day <= last:
        short = post.headcount - sum(1 for a in assignments if a.covers(day))
        if short > 0:
            if run_start is None:
                run_start, missing = day, 0
            missing = max(missing, short)
        elif run_start is not None:
            found.append(Vacancy(run_start, day - dt.timedelta(days=1), missing, ongoing=False))
            run_start = None
        day += dt.timedelta(days=1)
    if run_start is not None:
        found.append(Vacancy(run_start, last, missing, ongoing=last == end))
    return found


def _required_on(post: StaffingPost, day: dt.date) -> int:
    if post.required_from > day or (post.required_until and post.required_until < day):
        return 0
    return post.headcount


def staffing(
    actor: Actor, *, fiscal_year: int, today: dt.date | None = None
) -> list[CenterStaffing]:
    """Each center the actor sees, with its posts: required and filled today, and the
    vacancies of `fiscal_year`; the centers short now first, then the most days vacant."""
    today = today or timezone.localdate()
    counted = counted_range(fiscal_year, today)
    assignments = StaffingAssignment.objects.select_related("membership__user").order_by(
        "started_on", "pk"
    )
    posts = (
        posts_visible_to(actor)
        .prefetch_related(Prefetch("assignments", queryset=assignments))
        .order_by("kind", "required_from", "pk")
    )
    by_center: dict[int, list[PostStaffing]] = {}
    for post in posts:
        held = list(post.assignments.all())
        by_center.setdefault(post.organization_id, []).append(
            PostStaffing(
                post=post,
                required=_required_on(post, today),
                holders=tuple(a for a in held if a.covers(today)),
                vacancies=tuple(vacancies_of(post, held, *counted)) if counted else (),
            )
        )
    centers = [
        CenterStaffing(organization=center, posts=tuple(by_center.get(center.pk, [])))
        for center in centers_visible_to(actor).order_by("kind", "name_kana", "name")
    ]
    return sorted(centers, key=lambda c: (-c.shortfall, -c.vacant_days))


def posts_of(organization: Organization, *, today: dt.date | None = None) -> list[PostStaffing]:
    """The organization page's posts (the directory is open: who fills a post is staff data,
    shown to every signed-in member like the staff list beside it)."""
    today = today or timezone.localdate()
    assignments = StaffingAssignment.objects.select_related("membership__user")
    posts = (
        StaffingPost.objects.filter(organization=organization)
        .prefetch_related(Prefetch("assignments", queryset=assignments))
        .order_by("kind", "required_from", "pk")
    )
    rows = []
    for post in posts:
        held = [a for a in post.assignments.all() if a.covers(today)]
        rows.append(PostStaffing(post, _required_on(post, today), tuple(held), ()))
    return rows
