"""Who may import past records from a file, and the one audit row each committed import leaves
(core/imports.py runs the file; the apps' `imports.py` say what a row becomes; ADR 0015)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tsunagu.audit.actions import register_action
from tsunagu.audit.models import AuditEvent
from tsunagu.audit.services import record, record_denial, require_writer
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Forbidden
from tsunagu.organizations.models import SystemRole

if TYPE_CHECKING:
    from tsunagu.core.imports import ImportOutcome

ACTION_IMPORTED = register_action("records.imported", gettext_lazy("過去の記録の取込"))


def may_import(actor: Actor) -> bool:
    return (
        actor.membership is not None
        and actor.can_write
        and actor.membership.role == SystemRole.MANAGER
    )


def require_import_manager(actor: Actor, *, target_type: str) -> Actor:
    """The actor, if a manager (管理者) of the organization it acts for; else an audited 403.
    An import writes many records in the organization's name at once: its managers decide."""
    require_writer(actor, target_type=target_type)
    if not may_import(actor):
        record_denial(actor, target_type=target_type, reason="import needs a manager")
        raise Forbidden(_("過去の記録を取り込めるのは、所属機関の管理者だけです。"))
    return actor


def record_import(
    actor: Actor, *, target_type: str, outcome: ImportOutcome, digest: str, name: str
) -> AuditEvent:
    detail: dict[str, Any] = {
        "file_sha256": digest,
        "file_name": name[:200],
        "rows": outcome.total,
        "created": len(outcome.created_ids),
        "ids": outcome.created_ids[:5000],
    }
    return record(action=ACTION_IMPORTED, actor=actor, target_type=target_type, detail=detail)
