"""Reads of the trainings app, narrowed to what the actor may see (trainings/access.py)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from tsunagu.core.actor import Actor
from tsunagu.trainings import access
from tsunagu.trainings.models import Registration, RegistrationStatus, TrainingEvent


def event_rows(actor: Actor) -> QuerySet[TrainingEvent]:
    return access.events_visible_to(actor).select_related("organizer")


def event_registrations(actor: Actor, event: TrainingEvent) -> QuerySet[Registration]:
    """The registrations of `event` the actor sees: all of them for the organizer; else the
    acting office's and the actor's own."""
    rows = access.registrations_visible_to(actor).filter(event=event)
    return rows.select_related("worker", "organization").order_by("status", "created_at", "pk")


def event_counts(event: TrainingEvent) -> dict[str, int]:
    """How many are registered and waiting (numbers only: every member sees them)."""
    live = event.registrations.exclude(status=RegistrationStatus.CANCELLED)
    registered = live.filter(status=RegistrationStatus.REGISTERED).count()
    return {
        "registered": registered,
        "waiting": live.filter(status=RegistrationStatus.WAITING).count(),
        "free": max(event.capacity - registered, 0),
    }


def my_registrations(actor: Actor) -> QuerySet[Registration]:
    """The actor's own record of trainings, whatever office they were in at the time."""
    return (
        Registration.objects.filter(worker_id=actor.user.pk)
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("event", "organization")
        .order_by("-event__held_on")
    )


def calendar_events(actor: Actor, start: dt.date, end: dt.date) -> QuerySet[TrainingEvent]:
    """For the calendar: the events the actor is registered for (or waiting on) and those the
    acting organization organizes, between `start` and `end` (inclusive)."""
    org_id = actor.organization_id
    mine = Registration.objects.filter(worker_id=actor.user.pk).exclude(
        status=RegistrationStatus.CANCELLED
    )
    rows = access.events_visible_to(actor).filter(held_on__gte=start, held_on__lte=end)
    return rows.filter(Q(pk__in=mine.values("event_id")) | Q(organizer_id=org_id)).distinct()
