"""Reads of the trainings app, narrowed to what the actor may see (trainings/access.py)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tsunagu.audit import services as audit
from tsunagu.audit.actions import register_action
from tsunagu.core.actor import Actor
from tsunagu.expertise.models import Theme
from tsunagu.notifications.registry import Shown
from tsunagu.trainings import access
from tsunagu.trainings.models import (
    SATISFACTION_CHOICES,
    USEFULNESS_CHOICES,
    Attendance,
    QuestionnaireAnswer,
    Registration,
    RegistrationStatus,
    TrainingEvent,
    TrainingMaterial,
)

# Below this many answers the organizer sees only how many answered: with 1–4 answers a
# distribution or a free text is too easily told apart as one attendee's (who attended is
# known).  The same limit as the expertise directory's small counts.
RESULTS_MIN_ANSWERS = 5
ACTION_MATERIAL_DOWNLOADED = register_action(
    "training.material_downloaded", gettext_lazy("研修資料のダウンロード")
)


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


def event_materials(event: TrainingEvent) -> QuerySet[TrainingMaterial]:
    return event.materials.select_related("uploaded_by").order_by("uploaded_at", "pk")


@dataclass(frozen=True)
class Tally:
    value: int
    label: str
    count: int


@dataclass
class QuestionnaireResults:
    """What the organizer sees of an event's questionnaire: counts and texts, no persons.

    `shown` is False below RESULTS_MIN_ANSWERS answers: then only `answers` and `attended`
    are filled.  Texts are listed by the answer's values and its random key, never in the
    order given."""

    answers: int
    attended: int
    shown: bool
    satisfaction: list[Tally] = field(default_factory=list)
    satisfaction_mean: float | None = None
    usefulness: list[Tally] = field(default_factory=list)
    usefulness_mean: float | None = None
    usefulness_answers: int = 0
    comments: list[str] = field(default_factory=list)
    topics_wanted: list[str] = field(default_factory=list)
    topic_themes: list[Tally] = field(default_factory=list)


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def questionnaire_results(event: TrainingEvent) -> QuestionnaireResults:
    rows = list(QuestionnaireAnswer.objects.filter(event=event).order_by("-satisfaction", "id"))
    attended = event.registrations.filter(
        status=RegistrationStatus.REGISTERED, attendance=Attendance.ATTENDED
    ).count()
    if len(rows) < RESULTS_MIN_ANSWERS:
        return QuestionnaireResults(answers=len(rows), attended=attended, shown=False)
    satisfaction = Counter(r.satisfaction for r in rows)
    useful = [r.usefulness for r in rows if r.usefulness is not None]
    usefulness = Counter(useful)
    themes = Counter(t for r in rows for t in r.topic_themes)
    return QuestionnaireResults(
        answers=len(rows),
        attended=attended,
        shown=True,
        satisfaction=[Tally(v, str(label), satisfaction[v]) for v, label in SATISFACTION_CHOICES],
        satisfaction_mean=_mean([r.satisfaction for r in rows]),
        usefulness=[Tally(v, str(label), usefulness[v]) for v, label in USEFULNESS_CHOICES],
        usefulness_mean=_mean(useful),
        usefulness_answers=len(useful),
        comments=[r.comment for r in rows if r.comment],
        topics_wanted=[r.topics_wanted for r in rows if r.topics_wanted],
        topic_themes=[
            Tally(i, str(label), themes[value])
            for i, (value, label) in enumerate(Theme.choices)
            if themes[value]
        ],
    )


def topics_wanted(
    start: dt.date, end: dt.date
) -> list[tuple[TrainingEvent, list[str], Counter[str]]]:
    """For the training plan: per event held between `start` and `end`, the free-text topics
    its attendees asked for and the themes they chose (anonymous answers, no persons)."""
    answers = (
        QuestionnaireAnswer.objects.filter(event__held_on__gte=start, event__held_on__lte=end)
        .select_related("event")
        .order_by("event__held_on", "event_id", "id")
    )
    by_event: dict[int, tuple[TrainingEvent, list[str], Counter[str]]] = {}
    for answer in answers:
        _event, texts, themes = by_event.setdefault(answer.event_id, (answer.event, [], Counter()))
        if answer.topics_wanted:
            texts.append(answer.topics_wanted)
        themes.update(answer.topic_themes)
    return list(by_event.values())


def record_material_downloaded(actor: Actor, material: TrainingMaterial) -> None:
    audit.record(
        action=ACTION_MATERIAL_DOWNLOADED,
        actor=actor,
        target=material,
        detail={"event": material.event_id},
    )


def render_event_notifications(actor: Actor, ids: Sequence[int]) -> dict[int, Shown]:
    """Notifications about events (their announcement), for a reader who sees them now."""
    events = access.events_visible_to(actor).filter(pk__in=ids)
    return {
        event.pk: Shown(
            title=_("研修「%(theme)s」（%(day)s）の募集が始まりました")
            % {"theme": event.theme, "day": f"{event.held_on:%Y-%m-%d}"},
            url=reverse("trainings:event_detail", args=[event.pk]),
        )
        for event in events
    }
