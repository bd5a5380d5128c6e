from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CurriculaConfig(AppConfig):
    name = "tsunagu.curricula"
    label = "curricula"
    verbose_name = _("カリキュラム")
    default_auto_field = "django.db.models.BigAutoField"
