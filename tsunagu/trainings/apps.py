from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingsConfig(AppConfig):
    name = "tsunagu.trainings"
    label = "trainings"
    verbose_name = _("研修")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here, once the models are loaded, as Django requires of app modules.
        from tsunagu.notifications.registry import register_renderer
        from tsunagu.trainings.selectors import render_event_notifications

        register_renderer("trainings.trainingevent", render_event_notifications)
