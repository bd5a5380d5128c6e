"""Keeps the portal and the staff side apart (ADR 0024).

- Under /my/ the request is the portal's: the staff identity is dropped (`request.user` is
  anonymous, whatever staff cookie came along) and `request.portal` is the live account of
  the portal cookie, checked now (ended, consent, case closed), or None.
- Anywhere else a request that carries a portal cookie gets 404, before any view, staff page
  or API path runs.  Browsers never send it there (its Path is /my/); this is the second lock.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse

from tsunagu.core.actor import Origin
from tsunagu.core.views import page_not_found
from tsunagu.portal.access import PortalActor, session_account

PORTAL_PREFIX = "/my/"


def cookie_name() -> str:
    return str(getattr(settings, "PORTAL_COOKIE_NAME", "tsunagu_portal"))


class PortalMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = request.COOKIES.get(cookie_name(), "")
        if not request.path.startswith(PORTAL_PREFIX):
            if token:
                return page_not_found(request)
            return self.get_response(request)
        request.user = AnonymousUser()
        account = session_account(token) if token else None
        request.portal = (  # type: ignore[attr-defined]  # the portal's own request attribute
            PortalActor(account=account, origin=Origin.of(request)) if account else None
        )
        response = self.get_response(request)
        if token and account is None and not getattr(request, "portal_cookie_set", False):
            response.delete_cookie(cookie_name(), path=PORTAL_PREFIX)
        return response
