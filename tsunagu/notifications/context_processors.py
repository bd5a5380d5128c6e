from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from tsunagu.notifications.services import unread_count_cached


def bell(request: HttpRequest) -> dict[str, Any]:
    """The header's unread count, read only when a page shows the bell (lazy), and then from
    the session for a short while (services.unread_count_cached)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return {}
    return {
        "unread_notifications": SimpleLazyObject(lambda: unread_count_cached(request.session, user))
    }
