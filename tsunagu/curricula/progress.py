"""Each worker's progress through a curriculum, computed from what they did (never stored).

A requirement is met by the worker's attendance (出席) at a training linked to it, or by their
approved external learning for it; it is met on the earliest such date.  A stage is complete
when every one of its requirements is met, on the latest of those dates (the day the last
missing piece came in).  The worker's current stage is the first one not complete; what to
take next are the announced trainings to come that meet a requirement still missing there
(or, when none is announced for it, in a later stage).

Everything here is read for many workers at once (`progress_of`): the overviews compute the
whole network in a handful of queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from tsunagu.curricula.models import (
    Curriculum,
    ExternalLearning,
    LearningStatus,
    Requirement,
    RequirementEvent,
    Stage,
)
from tsunagu.trainings.models import (
    Attendance,
    EventStatus,
    Registration,
    RegistrationStatus,
    TrainingEvent,
)


@dataclass(frozen=True)
class Evidence:
    """One thing that met a requirement: an attended training or approved learning."""

    kind: str  # "training" | "external"
    on: dt.date
    label: str
    object_id: int  # the registration's or the external learning's id


@dataclass
class RequirementProgress:
    requirement: Requirement
    evidence: list[Evidence] = field(default_factory=list)
    pending: list[int] = field(default_factory=list)  # external learning awaiting approval

    @property
    def done(self) -> bool:
        return bool(self.evidence)

    @property
    def completed_on(self) -> dt.date | None:
        return min(e.on for e in self.evidence) if self.evidence else None


@dataclass
class StageProgress:
    stage: Stage
    requirements: list[RequirementProgress]

    @property
    def complete(self) -> bool:
        return bool(self.requirements) and all(r.done for r in self.requirements)

    @property
    def completed_on(self) -> dt.date | None:
        if not self.complete:
            return None
        return max(r.completed_on for r in self.requirements if r.completed_on)

    @property
    def missing(self) -> list[RequirementProgress]:
        return [r for r in self.requirements if not r.done]


@dataclass(frozen=True)
class NextEvent:
    requirement: Requirement
    event: TrainingEvent
    registration_status: str  # "" when not registered, else registered / waiting


@dataclass
class CurriculumProgress:
    curriculum: Curriculum
    worker_id: int
    stages: list[StageProgress]
    next_events: list[NextEvent] = field(default_factory=list)

    @property
    def current_stage(self) -> StageProgress | None:
        return next((s for s in self.stages if not s.complete), None)

    @property
    def finished(self) -> bool:
        return bool(self.stages) and all(s.complete for s in self.stages)

    @property
    def completed_stages(self) -> int:
        return sum(1 for s in self.stages if s.complete)

    @property
    def missing(self) -> list[tuple[Stage, RequirementProgress]]:
        return [(s.stage, r) for s in self.stages for r in s.missing]


@dataclass(frozen=True)
class _Structure:
    curriculum: Curriculum
    stages: list[Stage]
    requirements: dict[int, list[Requirement]]  # stage id → its requirements
    events_of: dict[int, list[int]]  # requirement id → linked event ids


def _structure(curriculum: Curriculum) -> _Structure:
    stages = list(curriculum.stages.order_by("position"))
    requirements: dict[int, list[Requirement]] = defaultdict(list)
    for requirement in Requirement.objects.filter(stage__curriculum=curriculum).order_by("pk"):
        requirements[requirement.stage_id].append(requirement)
    events_of: dict[int, list[int]] = defaultdict(list)
    for requirement_id, event_id in RequirementEvent.objects.filter(
        requirement__stage__curriculum=curriculum
    ).values_list("requirement_id", "event_id"):
        events_of[requirement_id].append(event_id)
    return _Structure(curriculum, stages, requirements, events_of)


def progress_of(
    curriculum: Curriculum,
    worker_ids: Iterable[int],
    *,
    with_next: bool = False,
    today: dt.date | None = None,
) -> dict[int, CurriculumProgress]:
    """Each worker's progress (worker id → progress).  `with_next` adds what to take next
    (one query more per worker; for a worker's own page)."""
    ids = sorted(set(worker_ids))
    structure = _structure(curriculum)
    all_events = {e for events in structure.events_of.values() for e in events}
    requirement_ids = [r.pk for rs in structure.requirements.values() for r in rs]

    attended: dict[tuple[int, int], list[Evidence]] = defaultdict(list)  # (worker, event)
    for reg_id, worker_id, event_id, held_on, theme in Registration.objects.filter(
        worker_id__in=ids,
        event_id__in=all_events,
        status=RegistrationStatus.REGISTERED,
        attendance=Attendance.ATTENDED,
    ).values_list("pk", "worker_id", "event_id", "event__held_on", "event__theme"):
        attended[(worker_id, event_id)].append(Evidence("training", held_on, theme, reg_id))

    external: dict[tuple[int, int], list[Evidence]] = defaultdict(list)  # (worker, requirement)
    pending: dict[tuple[int, int], list[int]] = defaultdict(list)
    for pk, worker_id, req_id, on, name, status in ExternalLearning.objects.filter(
        worker_id__in=ids, requirement_id__in=requirement_ids
    ).values_list("pk", "worker_id", "requirement_id", "completed_on", "course_name", "status"):
        if status == LearningStatus.APPROVED:
            external[(worker_id, req_id)].append(Evidence("external", on, name, pk))
        elif status == LearningStatus.PENDING:
            pending[(worker_id, req_id)].append(pk)

    result: dict[int, CurriculumProgress] = {}
    for worker_id in ids:
        stages = []
        for stage in structure.stages:
            rows = []
            for requirement in structure.requirements.get(stage.pk, []):
                evidence = [
                    e
                    for event_id in structure.events_of.get(requirement.pk, [])
                    for e in attended.get((worker_id, event_id), [])
                ] + external.get((worker_id, requirement.pk), [])
                evidence.sort(key=lambda e: (e.on, e.kind, e.object_id))
                rows.append(
                    RequirementProgress(
                        requirement, evidence, pending.get((worker_id, requirement.pk), [])
                    )
                )
            stages.append(StageProgress(stage, rows))
        result[worker_id] = CurriculumProgress(curriculum, worker_id, stages)
    if with_next:
        for progress in result.values():
            progress.next_events = _next_events(progress, structure, today)
    return result


def _next_events(
    progress: CurriculumProgress, structure: _Structure, today: dt.date | None
) -> list[NextEvent]:
    """The announced trainings to come for what is missing: the current stage's first; a later
    stage's only when nothing is announced for the current one."""
    day = today or timezone.localdate()
    by_stage = [[r.requirement for r in s.missing] for s in progress.stages if not s.complete]
    for missing in by_stage:
        wanted = {
            event_id: requirement
            for requirement in missing
            for event_id in structure.events_of.get(requirement.pk, [])
        }
        if not wanted:
            continue
        events = list(
            TrainingEvent.objects.filter(
                pk__in=wanted, status=EventStatus.ANNOUNCED, held_on__gte=day
            ).order_by("held_on", "starts_at", "pk")
        )
        if not events:
            continue
        registered = dict(
            Registration.objects.filter(worker_id=progress.worker_id, event__in=events)
            .exclude(status=RegistrationStatus.CANCELLED)
            .values_list("event_id", "status")
        )
        return [NextEvent(wanted[e.pk], e, registered.get(e.pk, "")) for e in events]
    return []
