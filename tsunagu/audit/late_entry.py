"""The audit row of a late entry (後日入力, core.late_entry): a record whose own date lies more
than LATE_ENTRY_DAYS days before the moment it was entered.  Written by the service that saves
the record, in its transaction, beside the record's own `record.created` row, so that an
inspector can list what was entered long after the fact, and by whom."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from tsunagu.audit.actions import register_action
from tsunagu.audit.models import AuditEvent
from tsunagu.audit.services import record
from tsunagu.core.actor import Actor
from tsunagu.core.dates import to_local_date
from tsunagu.core.late_entry import days_late, is_audited_late

ACTION_LATE_ENTRY = register_action(
    "record.late_entry", gettext_lazy("後日入力（過去の日付の記録）")
)


def record_late_entry(
    actor: Actor,
    *,
    target: models.Model,
    own: dt.date | dt.datetime,
    entered: dt.datetime | None = None,
    source: str = "screen",
) -> AuditEvent | None:
    """The late-entry row, if the record is late enough to need one; None otherwise."""
    entered = entered or timezone.now()
    if not is_audited_late(own, entered):
        return None
    own_day = to_local_date(own) if isinstance(own, dt.datetime) else own
    return record(
        action=ACTION_LATE_ENTRY,
        actor=actor,
        target=target,
        detail={
            "own_date": own_day.isoformat(),
            "days_late": days_late(own, entered),
            "source": source,
        },
    )
