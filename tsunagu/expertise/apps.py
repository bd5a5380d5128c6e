from __future__ import annotations

from django.apps import AppConfig


class ExpertiseConfig(AppConfig):
    name = "tsunagu.expertise"
    label = "expertise"
    verbose_name = "専門性の一覧"
