from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelfEvaluationsConfig(AppConfig):
    name = "tsunagu.selfevaluations"
    label = "selfevaluations"
    verbose_name = _("相談支援事業所運営自己評価")
    default_auto_field = "django.db.models.BigAutoField"
