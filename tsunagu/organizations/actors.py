"""Building an `Actor` (tsunagu.core.actor) from a user and the organization they act for."""

from __future__ import annotations

from tsunagu.accounts.models import User
from tsunagu.core.actor import Actor, Origin
from tsunagu.organizations.models import Membership, Organization
from tsunagu.organizations.selectors import memberships_of


def choose_acting(memberships: list[Membership], wanted_id: int | None) -> Membership | None:
    """The membership the user acts through: the one chosen, else primary, else the first."""
    for membership in memberships:
        if membership.organization_id == wanted_id:
            return membership
    return memberships[0] if memberships else None


def actor_for(
    user: User, organization: Organization | int | None = None, *, origin: Origin | None = None
) -> Actor:
    """`user` acting for `organization` (else their primary membership), as a management
    command, the demo city or a test acts.  A user who is not a current member of the
    organization named acts for none: they see and change nothing that needs one."""
    memberships = memberships_of(user)
    if organization is None:
        acting = choose_acting(memberships, None)
    else:
        wanted = organization if isinstance(organization, int) else organization.pk
        acting = next((m for m in memberships if m.organization_id == wanted), None)
    return Actor(
        user=user,
        membership=acting,
        memberships=tuple(memberships),
        origin=origin or Origin.command("actor_for"),
    )
