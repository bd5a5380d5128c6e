from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlainPlansConfig(AppConfig):
    name = "tsunagu.plainplans"
    label = "plainplans"
    verbose_name = _("わかりやすい計画")
    default_auto_field = "django.db.models.BigAutoField"
