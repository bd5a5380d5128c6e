"""Index maintenance.  Day to day the triggers of migration 0002 keep the index in step; this
rebuilds it from the sources in one go (after a bulk load, or to repair)."""

from __future__ import annotations

from django.db import connection, connections, transaction

from tsunagu.search import index_sql
from tsunagu.search.models import SearchDocument


@transaction.atomic
def search_index_rebuild() -> int:
    """Every document again from its source; the number of documents."""
    with connection.cursor() as cursor:
        for sql in index_sql.rebuild(connection.vendor):
            cursor.execute(sql)
    return SearchDocument.objects.count()


@transaction.atomic
def search_index_suspend() -> None:
    """Drop the triggers and the text index before a bulk load; `search_index_rebuild`
    brings both back.  Only for `seed_scale` on an empty database."""
    with connection.cursor() as cursor:
        for sql in index_sql.drop(connection.vendor):
            cursor.execute(sql)


def search_index_ensure(using: str = "default") -> bool:
    """Bring back the triggers if a migration dropped them, and rebuild; True if it had to.

    On SQLite, Django alters a table by making a new one and dropping the old, and the old
    table's triggers go with it: a later migration of records or plans would silently stop the
    index following that table.  `apps.SearchConfig` runs this after every `migrate`."""
    conn = connections[using]
    tables = set(conn.introspection.table_names())
    if index_sql.DOCS not in tables or not {s.table for s in index_sql.SOURCES} <= tables:
        return False
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        existing = {row[0] for row in cursor.fetchall()}
    if not index_sql.missing(conn.vendor, existing):
        return False
    with transaction.atomic(using=using), conn.cursor() as cursor:
        for sql in index_sql.rebuild(conn.vendor):
            cursor.execute(sql)
    return True
