"""The text index and the triggers that keep it in step (ADR 0006), per database vendor."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from tsunagu.search import index_sql


def _run(schema_editor: Any, statements: list[str]) -> None:
    for sql in statements:
        schema_editor.execute(sql, params=None)


def forwards(apps: Any, schema_editor: Any) -> None:
    # The index is built by 0004, with the folded text its triggers now write; `index_sql`
    # is today's SQL, which names a column this table does not have yet.  A database that
    # ran this step before 0004 existed has its triggers dropped and rebuilt there.
    _run(schema_editor, index_sql.drop(schema_editor.connection.vendor))


def backwards(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, index_sql.drop(schema_editor.connection.vendor))


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("records", "0001_initial"),
        ("plans", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
