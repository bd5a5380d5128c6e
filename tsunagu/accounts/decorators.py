from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpResponse

from tsunagu.audit import services as audit
from tsunagu.core.http import TsunaguRequest

View = Callable[..., HttpResponse]


def admin_required(view: View) -> View:
    """System administrators only.  Others get the same 404 as for a page that does not exist,
    and the attempt is written to the audit log."""

    @wraps(view)
    def wrapper(request: TsunaguRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_system_admin:
            audit.record_denial(
                request.actor,
                target_type="view",
                target_id=view.__name__,
                reason="administrators only",
            )
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
