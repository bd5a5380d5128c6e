"""Writes of the curricula: each runs in one transaction and writes its audit row there.

The core center builds the curricula (stages, requirements, the trainings that meet them) and
approves external learning; a worker, their office manager or the core center enters external
learning with its evidence, checked as every other upload is (records.services.attachment_check:
type from the bytes, size, no polyglots, no active PDF content).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tsunagu.accounts.models import User
from tsunagu.audit import services as audit
from tsunagu.audit.actions import register_action
from tsunagu.audit.models import Action
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Conflict, FieldErrors, Invalid
from tsunagu.core.validation import full_clean_fields
from tsunagu.curricula import access
from tsunagu.curricula.models import (
    NAME_MAX,
    TEXT_MAX,
    Curriculum,
    ExternalLearning,
    LearningEvidence,
    LearningStatus,
    Requirement,
    RequirementEvent,
    Stage,
)
from tsunagu.records.services import attachment_check, attachments_stored
from tsunagu.trainings.access import events_visible_to
from tsunagu.trainings.models import TrainingEvent

ACTION_LEARNING_ENTERED = register_action(
    "curricula.learning_entered", gettext_lazy("同等の学習の登録")
)
ACTION_LEARNING_REVIEWED = register_action(
    "curricula.learning_reviewed", gettext_lazy("同等の学習の承認・差し戻し")
)
ACTION_EVENT_LINKED = register_action(
    "curricula.event_linked", gettext_lazy("修了要件を満たす研修の登録")
)
ACTION_EVENT_UNLINKED = register_action(
    "curricula.event_unlinked", gettext_lazy("修了要件を満たす研修の取り消し")
)

# Only the reason a learning is sent back is required; an approval may say nothing.
DECISIONS = (LearningStatus.APPROVED.value, LearningStatus.REJECTED.value)


def _text(fields: dict[str, str], name: str, *, required: bool, limit: int) -> str:
    value = str(fields.get(name) or "").strip()
    if required and not value:
        raise FieldErrors({name: _("入力してください。")})
    if len(value) > limit:
        raise FieldErrors({name: _("%(max)s文字以内で入力してください。") % {"max": limit}})
    return value


def _require_organizer(actor: Actor, target: Any = None) -> None:
    if not access.may_organize(actor):
        raise audit.refusal(
            actor,
            target=target,
            target_type=access.CURRICULUM,
            reason="not the core center",
            message=_("カリキュラムを変更できるのは基幹相談支援センターの職員です。"),
        )


# --- Curricula ------------------------------------------------------------------------------


@audit.atomic_with_refusals
def curriculum_create(actor: Actor, *, name: str, description: str = "") -> Curriculum:
    _require_organizer(actor)
    assert actor.organization is not None  # noqa: S101  # may_organize says so
    fields = {"name": name, "description": description}
    curriculum = Curriculum(
        name=_text(fields, "name", required=True, limit=NAME_MAX),
        description=_text(fields, "description", required=False, limit=TEXT_MAX),
        owner=actor.organization,
        created_by=actor.user,
    )
    full_clean_fields(curriculum)
    curriculum.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=curriculum,
        detail={"name": curriculum.name, "description": curriculum.description},
    )
    return curriculum


@audit.atomic_with_refusals
def curriculum_update(actor: Actor, *, curriculum: Curriculum, **fields: str) -> Curriculum:
    _require_organizer(actor, curriculum)
    curriculum = Curriculum.objects.select_for_update().get(pk=curriculum.pk)
    before = {"name": curriculum.name, "description": curriculum.description}
    if "name" in fields:
        curriculum.name = _text(fields, "name", required=True, limit=NAME_MAX)
    if "description" in fields:
        curriculum.description = _text(fields, "description", required=False, limit=TEXT_MAX)
    full_clean_fields(curriculum)
    curriculum.save(update_fields=["name", "description", "updated_at"])
    after = {"name": curriculum.name, "description": curriculum.description}
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=curriculum,
        detail={"changed": {k: [before[k], after[k]] for k in after if before[k] != after[k]}},
    )
    return curriculum


@audit.atomic_with_refusals
def stage_add(actor: Actor, *, curriculum: Curriculum, name: str) -> Stage:
    """A new stage after the last one."""
    _require_organizer(actor, curriculum)
    curriculum = Curriculum.objects.select_for_update().get(pk=curriculum.pk)
    last = curriculum.stages.aggregate(last=Max("position"))["last"] or 0
    stage = Stage(
        curriculum=curriculum,
        position=last + 1,
        name=_text({"name": name}, "name", required=True, limit=NAME_MAX),
    )
    full_clean_fields(stage)
    stage.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=stage,
        detail={"curriculum": curriculum.pk, "position": stage.position, "name": stage.name},
    )
    return stage


@audit.atomic_with_refusals
def requirement_add(actor: Actor, *, stage: Stage, name: str, description: str = "") -> Requirement:
    _require_organizer(actor, stage)
    fields = {"name": name, "description": description}
    requirement = Requirement(
        stage=stage,
        name=_text(fields, "name", required=True, limit=NAME_MAX),
        description=_text(fields, "description", required=False, limit=TEXT_MAX),
    )
    full_clean_fields(requirement)
    requirement.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=requirement,
        detail={"stage": stage.pk, "name": requirement.name},
    )
    return requirement


@audit.atomic_with_refusals
def requirement_event_link(
    actor: Actor, *, requirement: Requirement, event: TrainingEvent
) -> RequirementEvent:
    """Mark a training as meeting a requirement: attending it now counts."""
    _require_organizer(actor, requirement)
    if not events_visible_to(actor).filter(pk=event.pk).exists():
        raise FieldErrors({"event": _("選べる研修から選んでください。")})
    if RequirementEvent.objects.filter(requirement=requirement, event=event).exists():
        raise Conflict(_("この研修はすでにこの要件に登録されています。"))
    link = RequirementEvent.objects.create(
        requirement=requirement, event=event, linked_by=actor.user
    )
    audit.record(
        action=ACTION_EVENT_LINKED,
        actor=actor,
        target=link,
        detail={"requirement": requirement.pk, "event": event.pk},
    )
    return link


@audit.atomic_with_refusals
def requirement_event_unlink(actor: Actor, *, link: RequirementEvent) -> None:
    _require_organizer(actor, link)
    audit.record(
        action=ACTION_EVENT_UNLINKED,
        actor=actor,
        target=link,
        detail={"requirement": link.requirement_id, "event": link.event_id},
    )
    link.delete()


# --- External learning ----------------------------------------------------------------------


def _worker_office(worker: User, actor: Actor) -> Any:
    membership = (
        access.staff_memberships()
        .filter(user=worker)
        .select_related("organization")
        .order_by("-is_primary", "pk")
        .first()
    )
    return membership.organization if membership else actor.organization


@audit.atomic_with_refusals
def learning_create(
    actor: Actor,
    *,
    worker: User,
    requirement: Requirement,
    course_name: str,
    provider: str,
    completed_on: dt.date,
    evidence: UploadedFile | None,
) -> ExternalLearning:
    """Enter learning done elsewhere, with its evidence (one PDF or image); it waits for the
    core center's approval."""
    if not access.may_enter_learning_for(actor, worker):
        raise audit.refusal(
            actor,
            target=worker,
            reason="may not enter learning for this worker",
            message=_(
                "同等の学習を登録できるのは、本人、事業所の管理者、基幹相談支援センターです。"
            ),
        )
    fields = {"course_name": course_name, "provider": provider}
    course = _text(fields, "course_name", required=True, limit=NAME_MAX)
    by = _text(fields, "provider", required=True, limit=NAME_MAX)
    if completed_on > timezone.localdate():
        raise FieldErrors({"completed_on": _("修了日が未来になっています。")})
    if evidence is None:
        raise FieldErrors({"evidence": _("修了証など、修了を示すファイルを添付してください。")})
    try:
        checked = attachment_check(evidence)
    except Invalid as exc:
        raise FieldErrors({"evidence": exc.message}) from None
    learning = ExternalLearning(
        worker=worker,
        requirement=requirement,
        course_name=course,
        provider=by,
        completed_on=completed_on,
        organization=_worker_office(worker, actor),
        entered_by=actor.user,
    )
    full_clean_fields(learning)
    learning.save()
    with attachments_stored(
        LearningEvidence, [checked], uploaded_by=actor.user, learning=learning
    ) as stored:
        audit.record(
            action=ACTION_LEARNING_ENTERED,
            actor=actor,
            target=learning,
            detail={
                "worker": worker.pk,
                "requirement": requirement.pk,
                "course_name": course,
                "provider": by,
                "completed_on": completed_on.isoformat(),
                "evidence": [a.pk for a in stored],
            },
        )
    return learning


@audit.atomic_with_refusals
def learning_review(
    actor: Actor, *, learning: ExternalLearning, decision: str, note: str = ""
) -> ExternalLearning:
    """Approve (the requirement is then met on the day the course was completed) or send
    back with a reason.  Nobody approves their own learning."""
    _require_organizer(actor, learning)
    learning = ExternalLearning.objects.select_for_update().get(pk=learning.pk)
    if learning.worker_id == actor.user.pk:
        raise audit.refusal(
            actor,
            target=learning,
            reason="own learning",
            message=_("自分の学習は、ほかの職員が確認します。"),
        )
    if learning.status != LearningStatus.PENDING:
        raise Conflict(_("この学習はすでに確認されています。"))
    if decision not in DECISIONS:
        raise FieldErrors({"decision": _("「承認」か「差し戻し」を選んでください。")})
    text = _text(
        {"note": note}, "note", required=decision == LearningStatus.REJECTED, limit=TEXT_MAX
    )
    learning.status = decision
    learning.reviewed_by = actor.user
    learning.reviewed_at = timezone.now()
    learning.review_note = text
    learning.save(
        update_fields=["status", "reviewed_by", "reviewed_at", "review_note", "updated_at"]
    )
    audit.record(
        action=ACTION_LEARNING_REVIEWED,
        actor=actor,
        target=learning,
        detail={"decision": decision, "note": text, "worker": learning.worker_id},
    )
    return learning


# --- Changing the structure -----------------------------------------------------------------
#
# Stages and requirements can be renamed, stages moved, and either removed while nothing
# depends on them: a training linked to a requirement or external learning entered for it
# (approved, pending, or sent back — a worker's record is never deleted with the structure)
# keeps it.  The refusal says what to do first.

MOVES = ("up", "down")


def _requirement_evidence(requirements: Any) -> tuple[int, int]:
    """How many training links and external learning hang on these requirements."""
    links = RequirementEvent.objects.filter(requirement__in=requirements).count()
    learning = ExternalLearning.objects.filter(requirement__in=requirements).count()
    return links, learning


def _refuse_if_evidence(requirements: Any, what: str) -> None:
    links, learning = _requirement_evidence(requirements)
    if links or learning:
        raise Conflict(
            _(
                "%(what)sには、要件を満たす研修が%(links)s件、同等の学習が%(learning)s件"
                "登録されているため削除できません。研修の登録を外し、同等の学習がない要件だけを"
                "削除できます。"
            )
            % {"what": what, "links": links, "learning": learning}
        )


@audit.atomic_with_refusals
def stage_rename(actor: Actor, *, stage: Stage, name: str) -> Stage:
    _require_organizer(actor, stage)
    stage = Stage.objects.select_for_update().get(pk=stage.pk)
    before = stage.name
    stage.name = _text({"name": name}, "name", required=True, limit=NAME_MAX)
    full_clean_fields(stage)
    stage.save(update_fields=["name", "updated_at"])
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=stage,
        detail={"changed": {"name": [before, stage.name]}} if before != stage.name else {},
    )
    return stage


@audit.atomic_with_refusals
def stage_move(actor: Actor, *, stage: Stage, direction: str) -> Stage:
    """Swap a stage with the one before (up) or after (down) it."""
    _require_organizer(actor, stage)
    if direction not in MOVES:
        raise FieldErrors({"direction": _("「上へ」か「下へ」を選んでください。")})
    # Lock the whole curriculum's stages: two moves at once must not collide on a position.
    stages = list(
        Stage.objects.select_for_update()
        .filter(curriculum_id=stage.curriculum_id)
        .order_by("position")
    )
    index = next(i for i, s in enumerate(stages) if s.pk == stage.pk)
    other_index = index - 1 if direction == "up" else index + 1
    if not 0 <= other_index < len(stages):
        raise Conflict(
            _("この段階は最初の段階です。")
            if direction == "up"
            else _("この段階は最後の段階です。")
        )
    moved, other = stages[index], stages[other_index]
    old, new = moved.position, other.position
    # Positions are unique per curriculum: park the moved stage on 0 (never used) first.
    Stage.objects.filter(pk=moved.pk).update(position=0)
    Stage.objects.filter(pk=other.pk).update(position=old, updated_at=timezone.now())
    Stage.objects.filter(pk=moved.pk).update(position=new, updated_at=timezone.now())
    moved.refresh_from_db()
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=moved,
        detail={
            "changed": {"position": [old, new]},
            "swapped_with": {"stage": other.pk, "position": [new, old]},
        },
    )
    return moved


def _close_gap(curriculum_id: int, removed_position: int) -> None:
    # Ascending, so each stage moves into the slot just freed before it.
    for later in Stage.objects.filter(
        curriculum_id=curriculum_id, position__gt=removed_position
    ).order_by("position"):
        Stage.objects.filter(pk=later.pk).update(
            position=later.position - 1, updated_at=timezone.now()
        )


@audit.atomic_with_refusals
def stage_delete(actor: Actor, *, stage: Stage) -> None:
    """Remove a stage and its requirements while no training or learning depends on them; the
    later stages move up one place."""
    _require_organizer(actor, stage)
    locked = list(
        Stage.objects.select_for_update()
        .filter(curriculum_id=stage.curriculum_id)
        .order_by("position")
    )
    stage = next(s for s in locked if s.pk == stage.pk)
    requirements = Requirement.objects.filter(stage=stage)
    list(requirements.select_for_update())  # nothing is linked to them while we look
    _refuse_if_evidence(requirements, _("この段階の修了要件"))
    audit.record(
        action=Action.RECORD_DELETED,
        actor=actor,
        target=stage,
        detail={
            "curriculum": stage.curriculum_id,
            "position": stage.position,
            "name": stage.name,
            "requirements": list(requirements.values_list("name", flat=True)),
        },
    )
    curriculum_id, position = stage.curriculum_id, stage.position
    stage.delete()
    _close_gap(curriculum_id, position)


@audit.atomic_with_refusals
def requirement_update(actor: Actor, *, requirement: Requirement, **fields: str) -> Requirement:
    _require_organizer(actor, requirement)
    requirement = Requirement.objects.select_for_update().get(pk=requirement.pk)
    before = {"name": requirement.name, "description": requirement.description}
    if "name" in fields:
        requirement.name = _text(fields, "name", required=True, limit=NAME_MAX)
    if "description" in fields:
        requirement.description = _text(fields, "description", required=False, limit=TEXT_MAX)
    full_clean_fields(requirement)
    requirement.save(update_fields=["name", "description", "updated_at"])
    after = {"name": requirement.name, "description": requirement.description}
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=requirement,
        detail={"changed": {k: [before[k], after[k]] for k in after if before[k] != after[k]}},
    )
    return requirement


@audit.atomic_with_refusals
def requirement_delete(actor: Actor, *, requirement: Requirement) -> None:
    _require_organizer(actor, requirement)
    requirement = Requirement.objects.select_for_update().get(pk=requirement.pk)
    _refuse_if_evidence(Requirement.objects.filter(pk=requirement.pk), _("この修了要件"))
    audit.record(
        action=Action.RECORD_DELETED,
        actor=actor,
        target=requirement,
        detail={"stage": requirement.stage_id, "name": requirement.name},
    )
    requirement.delete()
