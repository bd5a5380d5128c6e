from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tsunagu.audit"
    label = "audit"
    verbose_name = "監査ログ"

    def ready(self) -> None:
        from tsunagu.audit import (
            receivers,  # noqa: F401  # connects auth signal receivers
            sqlite,  # noqa: F401  # defines the DELETE trigger's function
        )
