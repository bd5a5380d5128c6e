"""Who may manage organizations, memberships and accounts in the app (issue 17 item 8;
ADR 0014).

- The city department's managers (a `manager` membership of the `city_department`, acting for
  it) manage every organization, membership and account, the city's own included.
- The core center's managers (acting for the `core_center`) manage the offices that serve an
  area the core center serves (or one under it): not the core center, the city department or
  a ward office, and no office that serves no area in their reach.  They manage the accounts of
  people who belong only to such offices.
- Nobody acts on their own account or memberships (no one raises their own rights), and no
  manager of the app acts on a system administrator's account (that stays with the
  administrators' own screen).
- Everyone else gets 404 on every management URL, audited like every refusal.
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from tsunagu.accounts.models import User
from tsunagu.audit import services as audit
from tsunagu.core.actor import Actor
from tsunagu.core.validators import MAX_ID
from tsunagu.organizations.models import (
    Area,
    Membership,
    Organization,
    OrganizationKind,
    SystemRole,
)
from tsunagu.organizations.selectors import area_and_below

# What a core center's managers may not manage even in their area: the overseers themselves.
NOT_FOR_CORE_MANAGERS = (
    OrganizationKind.CORE_CENTER,
    OrganizationKind.CITY_DEPARTMENT,
    OrganizationKind.WARD_OFFICE,
)


def _manages_for(actor: Actor, kind: str) -> bool:
    membership = actor.membership
    return (
        membership is not None
        and membership.role == SystemRole.MANAGER
        and membership.organization.kind == kind
        and membership.organization.is_active
    )


def is_city_manager(actor: Actor) -> bool:
    return _manages_for(actor, OrganizationKind.CITY_DEPARTMENT)


def is_core_manager(actor: Actor) -> bool:
    return _manages_for(actor, OrganizationKind.CORE_CENTER)


def may_manage(actor: Actor) -> bool:
    return is_city_manager(actor) or is_core_manager(actor)


def may_import(actor: Actor) -> bool:
    """The office list from WAM NET is the city's (the designations are the city's and the
    prefecture's); a core center manager adds offices one by one."""
    return is_city_manager(actor)


def areas_in_reach(actor: Actor) -> QuerySet[Area]:
    """The areas whose offices the actor may manage: every area for the city's managers, the
    core center's areas and those under them for its managers, none for anyone else."""
    if is_city_manager(actor):
        return Area.objects.all()
    if is_core_manager(actor) and actor.organization is not None:
        ids: set[int] = set()
        for area in actor.organization.areas_served.all():
            ids |= area_and_below(area)
        return Area.objects.filter(pk__in=ids)
    return Area.objects.none()


def kinds_in_reach(actor: Actor) -> list[tuple[str, str]]:
    """The organization kinds the actor may create or give an organization."""
    if not may_manage(actor):
        return []
    excluded = () if is_city_manager(actor) else NOT_FOR_CORE_MANAGERS
    return [(kind.value, str(kind.label)) for kind in OrganizationKind if kind not in excluded]


def organizations_managed_by(actor: Actor) -> QuerySet[Organization]:
    """Every organization the actor manages, closed ones included (history stays editable)."""
    if is_city_manager(actor):
        return Organization.objects.all()
    if is_core_manager(actor):
        served = Organization.areas_served.through.objects.filter(
            area_id__in=areas_in_reach(actor).values("pk")
        )
        return Organization.objects.exclude(kind__in=NOT_FOR_CORE_MANAGERS).filter(
            pk__in=served.values("organization_id")
        )
    return Organization.objects.none()


def users_managed_by(actor: Actor) -> QuerySet[User]:
    """The accounts the actor may create memberships for, disable and reset: never their own,
    never a system administrator's; for a core center's managers, only people whose every
    current membership is in an office they manage (and who have one)."""
    users = User.objects.exclude(pk=actor.user.pk).exclude(is_superuser=True)
    if is_city_manager(actor):
        return users
    if is_core_manager(actor):
        managed = organizations_managed_by(actor).values("pk")
        current = Membership.objects.filter(user=OuterRef("pk"), is_active=True)
        return users.filter(Exists(current.filter(organization__in=managed))).exclude(
            Exists(current.exclude(organization__in=managed))
        )
    return User.objects.none()


def memberships_managed_by(actor: Actor) -> QuerySet[Membership]:
    """Memberships of organizations the actor manages, of people the actor may manage (or who
    belong nowhere else the actor cannot reach); never the actor's own."""
    rows = Membership.objects.filter(organization__in=organizations_managed_by(actor).values("pk"))
    if is_city_manager(actor):
        return rows.exclude(user=actor.user).exclude(user__is_superuser=True)
    return rows.filter(user__in=users_managed_by(actor).values("pk"))


def _pk(value: object) -> int | None:
    try:
        pk = int(str(value))
    except ValueError:
        return None
    return pk if 1 <= pk <= MAX_ID else None


def access_managed_organization(actor: Actor, organization_id: object) -> Organization:
    """An organization the actor manages, else NotFound (audited): missing and not-yours alike."""
    target = "organizations.organization"
    pk = _pk(organization_id)
    found = (
        organizations_managed_by(actor)
        .select_related("corporation")
        .prefetch_related("areas_served")
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    if found is None:
        raise audit.not_found(
            actor, target, organization_id, "not an organization the actor manages"
        )
    return found


def access_managed_membership(actor: Actor, membership_id: object) -> Membership:
    target = "organizations.membership"
    pk = _pk(membership_id)
    found = (
        memberships_managed_by(actor).select_related("user", "organization").filter(pk=pk).first()
        if pk
        else None
    )
    if found is None:
        raise audit.not_found(actor, target, membership_id, "not a membership the actor manages")
    return found


def access_managed_user(actor: Actor, user_id: object) -> User:
    target = "accounts.user"
    pk = _pk(user_id)
    found = users_managed_by(actor).filter(pk=pk).first() if pk else None
    if found is None:
        raise audit.not_found(actor, target, user_id, "not an account the actor manages")
    return found


def require_manager(actor: Actor, *, view: str, importing: bool = False) -> None:
    """A management page that names no object: 404 (audited) for anyone who manages nothing."""
    allowed = may_import(actor) if importing else may_manage(actor)
    if not allowed:
        raise audit.not_found(actor, "view", view, "not a manager of the city or the core center")


def managed_organization_rows(actor: Actor) -> QuerySet[Organization]:
    """The managers' list: what the actor manages, with current members counted."""
    return (
        organizations_managed_by(actor)
        .select_related("corporation")
        .annotate(
            member_count=Count("memberships", filter=Q(memberships__is_active=True), distinct=True)
        )
    )


def memberships_of_organization(organization: Organization) -> list[Membership]:
    """Current members first, then those who left (latest first): history stays on the page."""
    return list(
        Membership.objects.filter(organization=organization)
        .select_related("user", "organization")
        .order_by("-is_active", "-ended_on", "user__full_name_kana", "user__username")
    )
