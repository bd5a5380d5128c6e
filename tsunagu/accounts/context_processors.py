from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from tsunagu.accounts.services import second_factor_step


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the page frame needs: acting organization, the user's other memberships, mode."""
    actor = getattr(request, "actor", None)
    pending = getattr(request, "second_factor_pending", None)
    if pending is None:  # error pages are rendered without the middleware's process_view
        pending = request.user.is_authenticated and second_factor_step(request.user) is not None
    return {
        # Until the second factor is done, the frame shows no name, organization or menu.
        "second_factor_pending": pending,
        "acting_membership": actor.membership if actor else None,
        "memberships": actor.memberships if actor else (),
        "demo_mode": settings.DEMO_MODE,
    }
