"""A typed request: what our middleware guarantees is there, so views need no guessing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from tsunagu.accounts.models import User
    from tsunagu.organizations.models import Membership


class TsunaguRequest(HttpRequest):
    """A request that passed sign-in (LoginRequiredMiddleware) and 2FA checks."""

    user: User  # narrowed: anonymous users never reach these views
    request_id: str
    memberships: list[Membership]
    acting_membership: Membership | None
