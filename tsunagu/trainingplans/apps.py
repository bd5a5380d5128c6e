from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingPlansConfig(AppConfig):
    name = "tsunagu.trainingplans"
    label = "trainingplans"
    verbose_name = _("研修計画")
    default_auto_field = "django.db.models.BigAutoField"
