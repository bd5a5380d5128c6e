"""Who may keep the synonym list: the core center (基幹相談支援センター), as for the duplicate
queue; every other organization is told nothing, not even that the list exists."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tsunagu.audit import services as audit
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Forbidden, NotFound
from tsunagu.organizations.models import OrganizationKind

SYNONYM_TARGET = "search.synonym"


def synonym_keeper(actor: Actor, target_id: object = "", *, for_write: bool = False) -> Actor:
    """The actor, if it acts for a core center (the keeper of the field's words); an audited
    NotFound for every other organization, so the list's URLs tell them nothing, and an audited
    Forbidden for a read-only member who would change it."""
    org = actor.organization
    if org is None or org.kind != OrganizationKind.CORE_CENTER:
        audit.record_denial(
            actor,
            target_type=SYNONYM_TARGET,
            target_id=str(target_id)[:64],
            reason="synonyms: not the core center",
        )
        raise NotFound(_("見つかりません。"))
    if for_write and not actor.can_write:
        audit.record_denial(
            actor,
            target_type=SYNONYM_TARGET,
            target_id=str(target_id)[:64],
            reason="read-only membership",
        )
        raise Forbidden(_("閲覧のみの権限では変更できません。"))
    return actor
