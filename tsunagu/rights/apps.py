from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RightsConfig(AppConfig):
    name = "tsunagu.rights"
    label = "rights"
    verbose_name = _("権利擁護")
    default_auto_field = "django.db.models.BigAutoField"
