"""A typed request: what our middleware guarantees is there, so views need no guessing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest

from tsunagu.core.actor import Actor, Origin

if TYPE_CHECKING:
    from tsunagu.accounts.models import User


class TsunaguRequest(HttpRequest):
    """A request that passed sign-in (LoginRequiredMiddleware) and 2FA checks."""

    user: User  # narrowed: anonymous users never reach these views
    request_id: str
    actor: Actor  # built by ActingOrganizationMiddleware (screens) or BearerAuth (API)


def site_url(path: str, origin: Origin | None = None) -> str:
    """An address for a mail: TSUNAGU_SITE_URL and the path where it is set (behind a proxy
    the request's own host may be an internal one), else the host the action came from, else
    the path."""
    if settings.SITE_URL:
        return settings.SITE_URL + path
    if origin is not None and origin.host_url:
        return origin.host_url + path
    return path
