from __future__ import annotations

import datetime as dt
from typing import Any

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
