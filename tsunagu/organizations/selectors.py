from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from tsunagu.accounts.models import User
from tsunagu.core.lists import words_in
from tsunagu.organizations.models import Area, Membership, Organization


def memberships_of(user: User) -> list[Membership]:
    """The user's current memberships, primary first."""
    return list(Membership.objects.current().filter(user=user).select_related("organization"))


def organization_rows() -> QuerySet[Organization]:
    """The network's active organizations with their signed-in staff counted.  Who they are
    is not protected: it is a shared directory."""
    return (
        Organization.objects.active()
        .select_related("corporation")
        .annotate(
            member_count=Count("memberships", filter=Q(memberships__is_active=True), distinct=True)
        )
    )


def serving(organizations: QuerySet[Organization], area: Area) -> QuerySet[Organization]:
    """Those serving the area or any area under it (once each, however many they serve)."""
    served = Organization.areas_served.through.objects.filter(area_id__in=area_and_below(area))
    return organizations.filter(pk__in=served.values("organization_id"))


def named(organizations: QuerySet[Organization], query: str) -> QuerySet[Organization]:
    """By name, reading (kana typed any way) or short name."""
    return organizations.filter(words_in(("name", "name_kana", "short_name"), query))


def organization_list(
    *, kind: str = "", area: Area | None = None, query: str = ""
) -> list[Organization]:
    organizations = organization_rows()
    if kind:
        organizations = organizations.filter(kind=kind)
    if area is not None:
        organizations = serving(organizations, area)
    if query:
        organizations = named(organizations, query)
    return list(organizations)


def area_and_below(area: Area) -> set[int]:
    """The area and every area under it, at any depth (city → ward → catchment → district)."""
    found = {area.pk}
    frontier = {area.pk}
    while frontier:
        frontier = (
            set(Area.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        )
        found |= frontier
    return found


def organization_detail(organization_id: int) -> Organization | None:
    return (
        Organization.objects.active()
        .select_related("corporation")
        .prefetch_related("areas_served")
        .filter(pk=organization_id)
        .first()
    )


def organization_members(organization: Organization) -> list[Membership]:
    return list(
        Membership.objects.current()
        .filter(organization=organization, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name_kana", "user__username")
    )


def area_tree() -> list[Area]:
    """All areas ordered so that each comes after its parent (depth-first)."""
    areas = list(Area.objects.all())
    children: dict[int | None, list[Area]] = {}
    for area in areas:
        children.setdefault(area.parent_id, []).append(area)
    ordered: list[Area] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for area in children.get(parent_id, []):
            area.depth = depth  # type: ignore[attr-defined]  # for indentation in templates
            ordered.append(area)
            walk(area.pk, depth + 1)

    walk(None, 0)
    return ordered
