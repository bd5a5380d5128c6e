"""Writes of the search app: index maintenance (day to day the triggers keep the index in
step; this rebuilds it from the sources in one go, after a bulk load or to repair) and the
core center's synonym list."""

from __future__ import annotations

from django.db import connection, connections, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Conflict, FieldErrors, Invalid, NotFound
from tsunagu.core.kana import fold
from tsunagu.search import index_sql
from tsunagu.search.access import SYNONYM_TARGET, synonym_keeper
from tsunagu.search.models import SearchDocument, Synonym


@audit.atomic_with_refusals
def search_index_rebuild() -> int:
    """Every document again from its source; the number of documents."""
    with connection.cursor() as cursor:
        for sql in index_sql.rebuild(connection.vendor):
            cursor.execute(sql)
    return SearchDocument.objects.count()


@audit.atomic_with_refusals
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


# --- The synonym list (core center) -----------------------------------------------------------


@audit.atomic_with_refusals
def synonym_add(actor: Actor, *, term: str, synonym: str) -> Synonym:
    """A pair of words that a search treats as one (both folded by core.kana.fold)."""
    synonym_keeper(actor, for_write=True)
    term, synonym = term.strip(), synonym.strip()
    row = Synonym(
        term=term,
        synonym=synonym,
        term_folded=fold(term),
        synonym_folded=fold(synonym),
        created_by=actor.user,
    )
    if not row.term_folded.strip() or not row.synonym_folded.strip():
        raise Invalid(_("言葉を入力してください。"))
    if row.term_folded == row.synonym_folded:
        raise FieldErrors({"synonym": _("同じ言葉どうしは登録できません。")})
    if len(row.term_folded) > Synonym._meta.get_field("term_folded").max_length:  # type: ignore[operator]  # CharField
        raise FieldErrors({"term": _("言葉が長すぎます。")})
    if len(row.synonym_folded) > Synonym._meta.get_field("synonym_folded").max_length:  # type: ignore[operator]  # CharField
        raise FieldErrors({"synonym": _("言葉が長すぎます。")})
    pair = Q(term_folded=row.term_folded, synonym_folded=row.synonym_folded) | Q(
        term_folded=row.synonym_folded, synonym_folded=row.term_folded
    )
    if Synonym.objects.filter(pair).exists():
        raise Conflict(_("この組み合わせはもう登録されています。"))
    row.full_clean(exclude=["created_by"])
    row.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=row,
        detail={"term": row.term, "synonym": row.synonym},
    )
    return row


@audit.atomic_with_refusals
def synonym_remove(actor: Actor, *, synonym_id: int) -> None:
    synonym_keeper(actor, synonym_id, for_write=True)
    row = Synonym.objects.filter(pk=synonym_id).first() if _is_id(synonym_id) else None
    if row is None:
        audit.record_denial(
            actor, target_type=SYNONYM_TARGET, target_id=str(synonym_id)[:64], reason="missing"
        )
        raise NotFound(_("見つかりません。"))
    audit.record(
        action=Action.RECORD_DELETED,
        actor=actor,
        target=row,
        detail={"term": row.term, "synonym": row.synonym},
    )
    row.delete()


def _is_id(value: object) -> bool:
    return isinstance(value, int) and 0 < value < 2**63
