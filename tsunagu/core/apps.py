from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tsunagu.core"
    label = "core"
    verbose_name = "共通"

    def ready(self) -> None:
        from tsunagu.core import lookups

        lookups.register()
