from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from tsunagu.organizations.models import Membership
from tsunagu.organizations.selectors import memberships_of
from tsunagu.organizations.services import ACTING_ORGANIZATION_SESSION_KEY


def choose_acting(memberships: list[Membership], wanted_id: int | None) -> Membership | None:
    """The membership the user acts through: the one chosen, else primary, else the first."""
    for membership in memberships:
        if membership.organization_id == wanted_id:
            return membership
    return memberships[0] if memberships else None


class ActingOrganizationMiddleware:
    """Sets `request.memberships` and `request.acting_membership` for signed-in users."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.memberships = []  # type: ignore[attr-defined]
        request.acting_membership = None  # type: ignore[attr-defined]
        if request.user.is_authenticated and not request.path.startswith("/api/"):
            memberships = memberships_of(request.user)
            request.memberships = memberships  # type: ignore[attr-defined]
            request.acting_membership = choose_acting(  # type: ignore[attr-defined]
                memberships, request.session.get(ACTING_ORGANIZATION_SESSION_KEY)
            )
        return self.get_response(request)
