from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrialsConfig(AppConfig):
    name = "tsunagu.trials"
    label = "trials"
    verbose_name = _("見学・体験")
    default_auto_field = "django.db.models.BigAutoField"
