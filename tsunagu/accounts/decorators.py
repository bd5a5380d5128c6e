from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpResponse

from tsunagu.audit import services as audit
from tsunagu.core.actor import Actor
from tsunagu.core.http import TsunaguRequest

View = Callable[..., HttpResponse]


def may_administer(actor: Actor) -> bool:
    """The system administrators' screens (accounts, the audit log): the one rule of
    `admin_required` below, also read by the main menu."""
    return actor.user.is_system_admin


def may_open_admin_site(actor: Actor) -> bool:
    """Django's own admin (基本データ管理) asks `is_staff` as well (AdminSite.has_permission)."""
    return may_administer(actor) and actor.user.is_staff


def admin_required(view: View) -> View:
    """System administrators only.  Others get the same 404 as for a page that does not exist,
    and the attempt is written to the audit log."""

    @wraps(view)
    def wrapper(request: TsunaguRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_administer(request.actor):
            audit.record_denial(
                request.actor,
                target_type="view",
                target_id=view.__name__,
                reason="administrators only",
            )
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
