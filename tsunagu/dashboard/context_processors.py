from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from tsunagu.dashboard.menu import menu_for


def main_menu(request: HttpRequest) -> dict[str, Any]:
    """The main menu's groups for the acting organization (dashboard/menu.py), built only when
    a page draws the menu (lazy): error pages and the 2FA step do not."""
    actor = getattr(request, "actor", None)
    if actor is None:
        return {}
    return {"main_menu": SimpleLazyObject(lambda: menu_for(actor, path=request.path))}
