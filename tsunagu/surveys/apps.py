from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "tsunagu.surveys"
    label = "surveys"
    verbose_name = _("調査")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here, once the models are loaded, as Django requires of app modules.
        from tsunagu.dashboard.menu import answer
        from tsunagu.notifications.registry import register_renderer
        from tsunagu.surveys.access import may_view, render_survey_notifications

        register_renderer("surveys.survey", render_survey_notifications)
        # The main menu (dashboard, a floor below) shows 調査 to whom the list opens for.
        answer("surveys:survey_list", may_view)
