from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HearingsConfig(AppConfig):
    name = "tsunagu.hearings"
    label = "hearings"
    verbose_name = _("ヒアリング")
    default_auto_field = "django.db.models.BigAutoField"
