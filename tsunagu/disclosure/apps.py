from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "tsunagu.disclosure"
    label = "disclosure"
    verbose_name = _("印刷・開示請求")
