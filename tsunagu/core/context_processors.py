from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the page frame needs: acting organization, the user's other memberships, mode."""
    return {
        "acting_membership": getattr(request, "acting_membership", None),
        "memberships": getattr(request, "memberships", ()),
        "demo_mode": settings.DEMO_MODE,
    }
