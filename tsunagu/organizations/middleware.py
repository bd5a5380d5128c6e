from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from tsunagu.core.actor import Actor, Origin
from tsunagu.organizations.actors import choose_acting
from tsunagu.organizations.selectors import memberships_of
from tsunagu.organizations.services import ACTING_ORGANIZATION_SESSION_KEY


class ActingOrganizationMiddleware:
    """Builds `request.actor` for a signed-in screen user: the user, their current memberships,
    the one they act through (chosen in the session, else primary) and the request's origin.
    The API builds its own in `accounts.api_auth.BearerAuth`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = None  # type: ignore[attr-defined]
        if request.user.is_authenticated and not request.path.startswith("/api/"):
            memberships = memberships_of(request.user)
            request.actor = Actor(  # type: ignore[attr-defined]
                user=request.user,
                membership=choose_acting(
                    memberships, request.session.get(ACTING_ORGANIZATION_SESSION_KEY)
                ),
                memberships=tuple(memberships),
                origin=Origin.of(request),
            )
        return self.get_response(request)
