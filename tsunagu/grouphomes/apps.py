from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupHomesConfig(AppConfig):
    name = "tsunagu.grouphomes"
    label = "grouphomes"
    verbose_name = _("日中サービス支援型グループホームの評価")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here, once the models are loaded, as Django requires of app modules.
        from tsunagu.grouphomes.selectors import render_evaluation_notifications
        from tsunagu.notifications.registry import register_renderer

        register_renderer("grouphomes.grouphomeevaluation", render_evaluation_notifications)
