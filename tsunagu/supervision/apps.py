from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "tsunagu.supervision"
    label = "supervision"
    verbose_name = _("スーパービジョン")
    default_auto_field = "django.db.models.BigAutoField"
