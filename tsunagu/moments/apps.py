from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MomentsConfig(AppConfig):
    name = "tsunagu.moments"
    label = "moments"
    verbose_name = _("心の動く場面")
    default_auto_field = "django.db.models.BigAutoField"
