from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AbuseConfig(AppConfig):
    name = "tsunagu.abuse"
    label = "abuse"
    verbose_name = _("障害者虐待対応")

    def ready(self) -> None:
        # Imported here, once the models are loaded, as Django requires of app modules.
        from tsunagu.abuse.selectors import render_report_notifications
        from tsunagu.notifications.registry import register_renderer

        register_renderer("abuse.abusereport", render_report_notifications)
