from __future__ import annotations

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "tsunagu.portal"
    label = "portal"
    verbose_name = "本人ポータル"

    def ready(self) -> None:
        from tsunagu.notifications.registry import register_renderer
        from tsunagu.plans.voices import register_monitoring_voices
        from tsunagu.portal import selectors

        register_renderer("portal.checkin", selectors.render_checkin_notifications)
        register_renderer("portal.portalrequest", selectors.render_request_notifications)
        register_monitoring_voices(selectors.monitoring_voices)
