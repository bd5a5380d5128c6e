from __future__ import annotations

from django.apps import AppConfig


class AgendaConfig(AppConfig):
    name = "tsunagu.agenda"
    label = "agenda"
    verbose_name = "カレンダー"
