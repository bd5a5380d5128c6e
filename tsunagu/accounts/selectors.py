"""Reads about a user's own things (saved searches)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tsunagu.accounts.models import SavedSearch
from tsunagu.audit.services import record_denial
from tsunagu.core.actor import Actor
from tsunagu.core.errors import NotFound


def saved_searches_of(actor: Actor) -> QuerySet[SavedSearch]:
    """The actor's own saved searches; nobody else's, whatever their role."""
    return SavedSearch.objects.filter(user=actor.user)


def access_saved_search(actor: Actor, saved_search_id: int) -> SavedSearch:
    """The actor's own saved search, else NotFound (missing and not yours alike)."""
    found = saved_searches_of(actor).filter(pk=saved_search_id).first()
    if found is None:
        record_denial(
            actor, target_type="accounts.savedsearch", target_id=str(saved_search_id)[:64]
        )
        raise NotFound(_("保存した検索が見つかりません。"))
    return found
