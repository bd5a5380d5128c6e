from __future__ import annotations

from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The home page: it draws from the domain apps, so it stands above all of them."""

    name = "tsunagu.dashboard"
    label = "dashboard"
    verbose_name = "ホーム"
