from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from tsunagu.audit.models import AuditEvent, AuditEventQuerySet


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_event_list(*, filters: dict[str, Any]) -> AuditEventQuerySet:
    """Audit rows for the administrators' screen and export, newest first."""
    events = AuditEvent.objects.select_related("actor", "organization")
    if filters.get("user"):
        events = events.filter(actor_username__iexact=filters["user"])
    if filters.get("organization"):
        events = events.filter(organization=filters["organization"])
    if filters.get("action"):
        events = events.filter(action=filters["action"])
    if filters.get("outcome"):
        events = events.filter(outcome=filters["outcome"])
    if filters.get("target_type"):
        events = events.filter(target_type=filters["target_type"])
    if filters.get("target_id"):
        events = events.filter(target_id=filters["target_id"])
    if filters.get("date_from"):
        events = events.filter(at__gte=_local_midnight(filters["date_from"]))
    if filters.get("date_to"):
        events = events.filter(at__lt=_local_midnight(filters["date_to"] + dt.timedelta(days=1)))
    return events


def showing_person(person_id: int) -> Q:
    """Rows of lists and searches that showed this person (`person_ids` contains the id).

    PostgreSQL answers with the GIN index of migration 0003 (`person_ids @> '[id]'`); SQLite,
    which has no JSON containment lookup, walks `json_each` (demo and test sizes)."""
    if connection.vendor == "postgresql":
        return Q(person_ids__contains=[person_id])
    return Q(
        pk__in=RawSQL(
            "SELECT e.id FROM audit_auditevent e, json_each(e.person_ids) j WHERE j.value = %s",
            [person_id],
        )
    )
