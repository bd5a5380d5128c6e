from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AbuseConfig(AppConfig):
    name = "tsunagu.abuse"
    label = "abuse"
    verbose_name = _("障害者虐待対応")
