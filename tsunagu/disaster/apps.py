from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisasterConfig(AppConfig):
    name = "tsunagu.disaster"
    verbose_name = _("災害時の避難支援")
