from __future__ import annotations

from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "tsunagu.records"
    label = "records"
    verbose_name = "支援記録"

    def ready(self) -> None:
        from tsunagu.records import checks  # noqa: F401  # registers the deploy check
