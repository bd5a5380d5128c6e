"""What every import of new records in an organization's name shares (ADR 0015; the file is run
by core/imports.py, the apps' `imports.py` say what a row becomes): each row is a new record
stamped with the importing organization and manager, a saved record dated long before its
import leaves its late-entry row, and the import is a manager's, all or nothing, with one audit
row when it commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Model

from tsunagu.audit import services as audit
from tsunagu.audit.imports import record_import, require_import_manager
from tsunagu.audit.late_entry import record_late_entry
from tsunagu.core.actor import Actor
from tsunagu.core.imports import ImportOutcome, file_digest, read_table, run_import
from tsunagu.organizations.models import Organization


class NewRowsByActor:
    """Mixed into a `ModelResource` (before it): every row is a new record (never an update),
    stamped by `stamp` with the organization the actor imports for and the actor's user, and
    on a real run (not a dry run) a late-entry row on `own_date`."""

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor

    def get_instance(self, instance_loader: Any, row: Any) -> None:
        return None

    def stamp(self, instance: Any, organization: Organization, user: Any) -> None:
        raise NotImplementedError

    def own_date(self, instance: Any) -> dt.date | dt.datetime:
        raise NotImplementedError

    def after_init_instance(self, instance: Model, new: bool, row: Any, **kwargs: Any) -> None:
        assert self.actor.organization is not None  # noqa: S101  # require_import_manager
        self.stamp(instance, self.actor.organization, self.actor.user)

    def after_save_instance(self, instance: Model, row: Any, **kwargs: Any) -> None:
        if kwargs.get("dry_run"):
            return
        own = self.own_date(instance)
        record_late_entry(self.actor, target=instance, own=own, source="import")


def import_new_rows(
    actor: Actor,
    resource: type[NewRowsByActor],
    *,
    target_type: str,
    required: Sequence[str],
    data: bytes,
    name: str,
    dry_run: bool,
) -> ImportOutcome:
    """Check (dry run) or import the file `data` with `resource`, all or nothing: a manager of
    the acting organization only; the rows and the import's audit row commit together."""
    actor = require_import_manager(actor, target_type=target_type)
    dataset = read_table(data)
    with audit.atomic():  # the resources' hooks may refuse: kept past a rollback (ADR 0009)
        outcome = run_import(resource(actor), dataset, dry_run=dry_run, required=required)
        if outcome.committed:
            record_import(
                actor,
                target_type=target_type,
                outcome=outcome,
                digest=file_digest(data),
                name=name,
            )
    return outcome
