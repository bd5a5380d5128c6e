from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingsConfig(AppConfig):
    name = "tsunagu.trainings"
    label = "trainings"
    verbose_name = _("研修")
    default_auto_field = "django.db.models.BigAutoField"
