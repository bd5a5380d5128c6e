from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "tsunagu.plans"
    label = "plans"
    verbose_name = _("アセスメント・支援計画")

    def ready(self) -> None:
        # Imported once the models are loaded, as Django requires; people stand below plans,
        # so the duplicate queue asks through `register_contact_request`.
        from tsunagu.notifications.registry import register_renderer
        from tsunagu.people.duplicates import register_contact_request
        from tsunagu.plans.selectors import (
            render_monitoring_notifications,
            render_task_notifications,
        )
        from tsunagu.plans.services import duplicate_contact_task_create

        register_contact_request(duplicate_contact_task_create)
        register_renderer("plans.task", render_task_notifications)
        register_renderer("plans.monitoring", render_monitoring_notifications)
