"""The API's authentication: a bearer token, which also builds the call's Actor."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from tsunagu.accounts.models import ApiToken
from tsunagu.accounts.services import api_token_authenticate
from tsunagu.core.actor import Actor, Origin
from tsunagu.organizations.models import Membership


class BearerAuth(HttpBearer):
    """`Authorization: Bearer <token>`; the token carries the organization the client acts for."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = api_token_authenticate(token)
        if api_token is None:
            return None
        request.user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]
        membership = (
            Membership.objects.current()
            .filter(user=api_token.user, organization=api_token.organization)
            .select_related("organization")
            .first()
            if api_token.organization_id
            else None
        )
        # The token acts for its one organization: its memberships are that one, or none.
        request.actor = Actor(  # type: ignore[attr-defined]
            user=api_token.user,
            membership=membership,
            memberships=(membership,) if membership else (),
            origin=Origin.of(request),
        )
        return api_token
