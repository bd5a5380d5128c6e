from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_search_index(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    # Schema upkeep, not business logic: see services.search_index_ensure and ADR 0006.
    from tsunagu.search.services import search_index_ensure

    search_index_ensure(using)


class SearchConfig(AppConfig):
    name = "tsunagu.search"
    label = "search"
    verbose_name = "記録の検索"

    def ready(self) -> None:
        post_migrate.connect(_ensure_search_index, sender=self)
