"""Reads of the curricula, narrowed to what the actor may see (curricula/access.py).

The overviews count workers by the office they belong to now (their primary current
membership) and by that office's ward: progress follows the worker, so a worker who moved is
counted where they work today.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from tsunagu.accounts.models import User
from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.core.actor import Actor
from tsunagu.curricula import access
from tsunagu.curricula.models import (
    Curriculum,
    ExternalLearning,
    LearningStatus,
    Requirement,
    RequirementEvent,
)
from tsunagu.curricula.progress import CurriculumProgress, progress_of
from tsunagu.organizations.models import Area, AreaKind, Membership, Organization
from tsunagu.trainings.access import events_visible_to


def requirements_met_by(actor: Actor, event_id: int) -> list[RequirementEvent]:
    """The curriculum requirements attending this training meets, for its page (the trainings
    app's event page asks; a curriculum names no one, so whoever sees the event sees these)."""
    return list(
        RequirementEvent.objects.filter(
            event_id=event_id, requirement__stage__curriculum__in=access.curricula_visible_to(actor)
        )
        .select_related("requirement__stage__curriculum")
        .order_by("requirement__stage__curriculum_id", "requirement__stage__position", "pk")
    )


def curriculum_rows(actor: Actor) -> QuerySet[Curriculum]:
    return access.curricula_visible_to(actor).prefetch_related("stages")


def visible_links(actor: Actor) -> Prefetch:  # type: ignore[type-arg]  # generic in the stubs only
    """The trainings linked to requirements, as far as the actor sees them (a draft training
    is its organizer's alone, even when it already meets a requirement)."""
    return Prefetch(
        "links",
        queryset=RequirementEvent.objects.filter(event__in=events_visible_to(actor))
        .select_related("event")
        .order_by("event__held_on", "pk"),
    )


def with_structure(actor: Actor, curricula: QuerySet[Curriculum]) -> QuerySet[Curriculum]:
    return curricula.prefetch_related(
        "stages",
        Prefetch(
            "stages__requirements",
            queryset=Requirement.objects.prefetch_related(visible_links(actor)),
        ),
    )


def curriculum_structure(actor: Actor, curriculum: Curriculum) -> list[dict[str, object]]:
    """Stages with their requirements and the trainings linked to each, in order."""
    stages = curriculum.stages.order_by("position").prefetch_related(
        Prefetch(
            "requirements", queryset=Requirement.objects.prefetch_related(visible_links(actor))
        )
    )
    return [
        {
            "stage": stage,
            "requirements": [
                {"requirement": r, "links": list(r.links.all())} for r in stage.requirements.all()
            ],
        }
        for stage in stages
    ]


# --- A worker's own record --------------------------------------------------------------------


def worker_progress(actor: Actor, worker: User) -> list[CurriculumProgress]:
    """Every curriculum's progress of `worker` (already fetched through `access_worker`), with
    what to take next; the read is audited."""
    rows = [
        progress_of(curriculum, [worker.pk], with_next=True)[worker.pk]
        for curriculum in access.curricula_visible_to(actor).order_by("pk")
    ]
    audit.record(
        action=Action.RECORD_VIEWED, actor=actor, target=worker, detail={"view": "curricula"}
    )
    return rows


def worker_learning(actor: Actor, worker: User) -> QuerySet[ExternalLearning]:
    return (
        access.learning_visible_to(actor)
        .filter(worker=worker)
        .select_related("requirement__stage__curriculum")
    )


def current_office(worker: User) -> Organization | None:
    membership = (
        access.staff_memberships()
        .filter(user=worker)
        .select_related("organization")
        .order_by("-is_primary", "pk")
        .first()
    )
    return membership.organization if membership else None


def pending_learning(actor: Actor) -> QuerySet[ExternalLearning]:
    """What waits for the core center's approval (others: their own and their staff's)."""
    return (
        access.learning_visible_to(actor)
        .filter(status=LearningStatus.PENDING)
        .select_related("worker", "requirement__stage__curriculum", "organization")
        .order_by("created_at", "pk")
    )


def record_learning_listed(actor: Actor, rows: list[ExternalLearning], *, view: str) -> None:
    """Who read whose learning: one row per page of the pending list, naming the records."""
    audit.record(
        action=Action.RECORDS_LISTED,
        actor=actor,
        detail={
            "view": view,
            "path": actor.origin.path,
            "count": len(rows),
            "learning": [r.pk for r in rows],
        },
    )


# --- Overviews ----------------------------------------------------------------------------------


@dataclass
class Tally:
    """Workers of one office or ward, and how many completed each stage."""

    label: str
    organization: Organization | None = None
    workers: int = 0
    stage_counts: list[int] = field(default_factory=list)
    finished: int = 0


@dataclass(frozen=True)
class StaffRow:
    worker: User
    organization: Organization
    progress: CurriculumProgress


@dataclass
class Overview:
    curriculum: Curriculum
    stage_names: list[str]
    by_office: list[Tally]
    by_ward: list[Tally]
    staff: list[StaffRow]


def _ward_names(organizations: list[Organization]) -> dict[int, str]:
    """Each office's ward (the first ward its served areas sit in), by organization id."""
    areas = {a.pk: a for a in Area.objects.all()}

    def ward_of(area: Area | None) -> Area | None:
        seen = set()
        while area is not None and area.pk not in seen:
            if area.kind == AreaKind.WARD:
                return area
            seen.add(area.pk)
            area = areas.get(area.parent_id) if area.parent_id else None
        return None

    names: dict[int, str] = {}
    for org in organizations:
        wards = [w for a in org.areas_served.all() if (w := ward_of(areas.get(a.pk)))]
        wards.sort(key=lambda w: (w.sort_order, w.code))
        names[org.pk] = wards[0].name if wards else ""
    return names


def _workers_by_office(actor: Actor, organization: Organization | None) -> dict[int, Membership]:
    """Worker id → the membership counted (primary first) among those the actor sees."""
    memberships = (
        access.staff_memberships()
        .filter(user__in=access.workers_visible_to(actor))
        .select_related("user", "organization")
        .prefetch_related("organization__areas_served")
        .order_by("-is_primary", "pk")
    )
    chosen: dict[int, Membership] = {}
    for membership in memberships:
        chosen.setdefault(membership.user_id, membership)
    if organization is not None:
        chosen = {k: m for k, m in chosen.items() if m.organization_id == organization.pk}
    return chosen


def overview(
    actor: Actor, curriculum: Curriculum, *, organization: Organization | None = None
) -> Overview:
    """The network's progress by office and ward (the core center) or the office's own staff
    (its manager); `organization` narrows to one office.  The read is audited."""
    chosen = _workers_by_office(actor, organization)
    progress = progress_of(curriculum, chosen)
    stage_names = [s.name for s in curriculum.stages.order_by("position")]
    organizations = {m.organization_id: m.organization for m in chosen.values()}
    wards = _ward_names(list(organizations.values()))
    by_office: dict[int, Tally] = {}
    by_ward: dict[str, Tally] = {}
    staff = []
    unknown = str(_("担当区なし"))
    for worker_id, membership in chosen.items():
        org = membership.organization
        row = progress[worker_id]
        staff.append(StaffRow(membership.user, org, row))
        ward = wards.get(org.pk) or unknown
        for tally in (
            by_office.setdefault(org.pk, Tally(org.name, org, 0, [0] * len(stage_names))),
            by_ward.setdefault(ward, Tally(ward, None, 0, [0] * len(stage_names))),
        ):
            tally.workers += 1
            for index, stage in enumerate(row.stages):
                if stage.complete:
                    tally.stage_counts[index] += 1
            tally.finished += 1 if row.finished else 0
    staff.sort(key=lambda r: (r.organization.name_kana, r.worker.full_name_kana, r.worker.pk))
    audit.record(
        action=Action.RECORDS_LISTED,
        actor=actor,
        target=curriculum,
        detail={
            "view": "curriculum_overview",
            "path": actor.origin.path,
            "count": len(staff),
            "organization": organization.pk if organization else None,
        },
    )
    office_order = sorted(by_office.values(), key=lambda t: t.label)
    return Overview(
        curriculum=curriculum,
        stage_names=stage_names,
        by_office=office_order,
        by_ward=sorted(by_ward.values(), key=lambda t: (t.label == unknown, t.label)),
        staff=staff,
    )
