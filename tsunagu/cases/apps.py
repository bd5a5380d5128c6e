from __future__ import annotations

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "tsunagu.cases"
    label = "cases"
    verbose_name = "相談・支援ケース"

    def ready(self) -> None:
        from tsunagu.cases.selectors import render_case_notifications
        from tsunagu.notifications.registry import register_renderer

        # Notifications stand below the cases: they ask here how a case is shown to a reader.
        register_renderer("cases.case", render_case_notifications)
