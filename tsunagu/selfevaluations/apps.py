from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelfEvaluationsConfig(AppConfig):
    name = "tsunagu.selfevaluations"
    label = "selfevaluations"
    verbose_name = _("相談支援事業所運営自己評価")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here, once the models are loaded, as Django requires of app modules.  The
        # main menu (dashboard, a floor below) shows 自己評価 to whom the home page opens for.
        from tsunagu.dashboard.menu import answer
        from tsunagu.selfevaluations.access import may_view

        answer("selfevaluations:home", may_view)
