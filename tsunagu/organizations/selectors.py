from __future__ import annotations

from django.db.models import Count, Q

from tsunagu.accounts.models import User
from tsunagu.organizations.models import Area, Membership, Organization


def memberships_of(user: User) -> list[Membership]:
    """The user's current memberships, primary first."""
    return list(Membership.objects.current().filter(user=user).select_related("organization"))


def organization_list(
    *, kind: str = "", area: Area | None = None, query: str = ""
) -> list[Organization]:
    """The network's organizations.  Who they are is not protected: it is a shared directory."""
    organizations = Organization.objects.active().select_related("corporation")
    if kind:
        organizations = organizations.filter(kind=kind)
    if area is not None:
        organizations = organizations.filter(areas_served__in=_area_and_below(area)).distinct()
    if query:
        organizations = organizations.filter(
            Q(name__icontains=query)
            | Q(name_kana__icontains=query)
            | Q(short_name__icontains=query)
        )
    return list(
        organizations.annotate(
            member_count=Count("memberships", filter=Q(memberships__is_active=True), distinct=True)
        )
    )


def _area_and_below(area: Area) -> set[int]:
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
