"""A typed request: what our middleware guarantees is there, so views need no guessing."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from tsunagu.core.actor import Actor, Origin
from tsunagu.core.errors import Forbidden, NotFound

if TYPE_CHECKING:
    from tsunagu.accounts.models import User


class TsunaguRequest(HttpRequest):
    """A request that passed sign-in (LoginRequiredMiddleware) and 2FA checks."""

    user: User  # narrowed: anonymous users never reach these views
    request_id: str
    actor: Actor  # built by ActingOrganizationMiddleware (screens) or BearerAuth (API)


View = Callable[..., HttpResponse]
REFUSED_TEMPLATE = "cases/pages/refused.html"


def refused_page(
    request: HttpRequest, exc: Forbidden, *, template: str = REFUSED_TEMPLATE
) -> HttpResponse:
    """A refusal's message on a page of its own, status 403 (the refusal is already audited)."""
    return render(request, template, {"message": exc.message}, status=403)


def errors_as_pages(template: str = REFUSED_TEMPLATE) -> Callable[[View], View]:
    """For a screen: NotFound → the project's 404; Forbidden → its message with status 403."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except NotFound:
                raise Http404 from None
            except Forbidden as exc:
                return refused_page(request, exc, template=template)

        return wrapper

    return decorate


def site_url(path: str, origin: Origin | None = None) -> str:
    """An address for a mail: TSUNAGU_SITE_URL and the path where it is set (behind a proxy
    the request's own host may be an internal one), else the host the action came from, else
    the path."""
    if settings.SITE_URL:
        return settings.SITE_URL + path
    if origin is not None and origin.host_url:
        return origin.host_url + path
    return path
