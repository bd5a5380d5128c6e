from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, models
from django.http import HttpRequest, HttpResponse

from tsunagu.accounts import recheck
from tsunagu.accounts.models import User
from tsunagu.core.actor import Actor, Origin
from tsunagu.organizations.actors import choose_acting
from tsunagu.organizations.models import Membership, Organization
from tsunagu.organizations.selectors import memberships_of
from tsunagu.organizations.services import ACTING_ORGANIZATION_SESSION_KEY

RECHECK_MEMBERSHIPS = "memberships"


class ActingOrganizationMiddleware:
    """Builds `request.actor` for a signed-in screen user: the user, their current memberships,
    the one they act through (chosen in the session, else primary) and the request's origin.
    The API builds its own in `accounts.api_auth.BearerAuth`.

    The memberships are read from the database at most every ACCESS_RECHECK_SECONDS per
    session and kept in it in between (accounts/recheck.py): a membership ended, or an
    organization closed, stops working within that interval; ending the user's sessions or
    disabling the user stops it at the next request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = None  # type: ignore[attr-defined]
        if request.user.is_authenticated and not request.path.startswith("/api/"):
            memberships = current_memberships(request, request.user)
            request.actor = Actor(  # type: ignore[attr-defined]
                user=request.user,
                membership=choose_acting(
                    memberships, request.session.get(ACTING_ORGANIZATION_SESSION_KEY)
                ),
                memberships=tuple(memberships),
                origin=Origin.of(request),
            )
        return self.get_response(request)


def current_memberships(request: HttpRequest, user: User) -> list[Membership]:
    """`memberships_of(user)`, from the session while its copy is fresh."""
    kept = recheck.remembered(request.session, RECHECK_MEMBERSHIPS, user)
    if kept is not None:
        memberships = _unpack(kept)
        if memberships is not None:
            return memberships
    memberships = memberships_of(user)
    recheck.remember(request.session, RECHECK_MEMBERSHIPS, user, _pack(memberships))
    return memberships


# A membership is kept as the values of its columns and of its organization's, as text
# (`Field.value_to_string`), and rebuilt with `Model.from_db` as the query would have built it.


def _values(obj: models.Model) -> dict[str, str | None]:
    return {
        field.attname: (
            None if field.value_from_object(obj) is None else field.value_to_string(obj)
        )
        for field in obj._meta.concrete_fields
    }


def _rebuild(model: type[models.Model], values: Any) -> Any:
    fields = model._meta.concrete_fields
    if not isinstance(values, dict) or set(values) != {f.attname for f in fields}:
        raise ValueError("kept with other columns")  # a migration since: read again
    return model.from_db(
        DEFAULT_DB_ALIAS,
        [f.attname for f in fields],
        [None if values[f.attname] is None else f.to_python(values[f.attname]) for f in fields],
    )


def _pack(memberships: list[Membership]) -> list[dict[str, Any]]:
    return [{"m": _values(m), "o": _values(m.organization)} for m in memberships]


def _unpack(kept: Any) -> list[Membership] | None:
    try:
        memberships = []
        for item in kept:
            membership: Membership = _rebuild(Membership, item["m"])
            organization: Organization = _rebuild(Organization, item["o"])
            if organization.pk != membership.organization_id:
                return None
            membership.organization = organization
            memberships.append(membership)
    except (ValueError, TypeError, KeyError, ValidationError):  # kept by an older release
        return None
    return memberships
