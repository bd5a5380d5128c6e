from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _register_sql_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    # The search index's triggers fold text with the same Python function as the queries
    # (core.kana.fold); PostgreSQL has it as an SQL function instead (search migration).
    if connection.vendor == "sqlite":
        from tsunagu.core.kana import register_sqlite_fold

        register_sqlite_fold(connection.connection)


class CoreConfig(AppConfig):
    name = "tsunagu.core"
    label = "core"
    verbose_name = "共通"

    def ready(self) -> None:
        from tsunagu.core import lookups
        from tsunagu.core.api import build_schemas_on_demand

        lookups.register()
        build_schemas_on_demand()
        connection_created.connect(_register_sql_functions)
