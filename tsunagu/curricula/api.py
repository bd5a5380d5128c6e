"""The curricula in the JSON API: the same access helpers, selectors and services as the
screens."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import FileResponse, Http404
from django.urls import reverse
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from tsunagu.accounts.models import User
from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.core.api import ERRORS, ErrorOut, Listing, paginated
from tsunagu.core.errors import FieldErrors
from tsunagu.core.http import TsunaguRequest, stored_download
from tsunagu.core.schemas import Out, model_field, patch_field
from tsunagu.core.validators import Id, NonBlank, SaneDate
from tsunagu.curricula import access, selectors, services
from tsunagu.curricula.models import (
    NAME_MAX,
    TEXT_MAX,
    Curriculum,
    ExternalLearning,
    Requirement,
    RequirementEvent,
    Stage,
)
from tsunagu.curricula.progress import CurriculumProgress
from tsunagu.trainings.access import events_visible_to

router = Router(tags=["curricula"])


# --- Schemas ------------------------------------------------------------------------------------


class LinkOut(Out):
    id: int
    event_id: int
    event_theme: str = Field(alias="event.theme")
    event_held_on: dt.date = Field(alias="event.held_on")
    event_status: str = Field(alias="event.status")


class RequirementOut(Out):
    id: int
    stage_id: int
    name: str
    description: str
    events: list[LinkOut]

    @staticmethod
    def resolve_events(obj: Requirement) -> list[RequirementEvent]:
        return list(obj.links.all())


class StageOut(Out):
    id: int
    curriculum_id: int
    position: int
    name: str
    requirements: list[RequirementOut]

    @staticmethod
    def resolve_requirements(obj: Stage) -> list[Requirement]:
        return list(obj.requirements.all())


class CurriculumOut(Out):
    id: int
    name: str
    description: str
    owner_id: int
    stages: list[StageOut]

    @staticmethod
    def resolve_stages(obj: Curriculum) -> list[Stage]:
        return list(obj.stages.all())  # ordered by position (Stage.Meta); prefetched in lists


class CurriculumIn(Schema):
    name: NonBlank = model_field(Curriculum, "name", min_length=1)
    description: str = model_field(Curriculum, "description", "", max_length=TEXT_MAX)


class CurriculumPatch(Schema):
    name: NonBlank = patch_field(max_length=NAME_MAX, min_length=1)
    description: str = patch_field(max_length=TEXT_MAX)


class StageIn(Schema):
    name: NonBlank = model_field(Stage, "name", min_length=1)


class RequirementIn(Schema):
    name: NonBlank = model_field(Requirement, "name", min_length=1)
    description: str = model_field(Requirement, "description", "", max_length=TEXT_MAX)


class StagePatch(Schema):
    name: NonBlank = patch_field(max_length=NAME_MAX, min_length=1)


class StageMoveIn(Schema):
    direction: Literal["up", "down"] = Field(
        description="up: 前の段階と入れ替える / down: 次の段階と"
    )


class RequirementPatch(Schema):
    name: NonBlank = patch_field(max_length=NAME_MAX, min_length=1)
    description: str = patch_field(max_length=TEXT_MAX)


class RequirementEventIn(Schema):
    event_id: Id


class EvidenceItemOut(Schema):
    kind: Literal["training", "external"]
    on: dt.date
    label: str
    object_id: int


class RequirementProgressOut(Schema):
    requirement_id: int
    name: str
    done: bool
    completed_on: dt.date | None
    evidence: list[EvidenceItemOut]
    pending_learning_ids: list[int]


class StageProgressOut(Schema):
    stage_id: int
    position: int
    name: str
    complete: bool
    completed_on: dt.date | None
    requirements: list[RequirementProgressOut]


class NextEventOut(Schema):
    event_id: int
    theme: str
    held_on: dt.date
    requirement_id: int
    registration_status: str = Field(description="空は未申込。registered / waiting")


class ProgressOut(Schema):
    curriculum_id: int
    curriculum_name: str
    worker_id: int
    finished: bool
    completed_stages: int
    current_stage_id: int | None
    stages: list[StageProgressOut]
    missing_requirement_ids: list[int]
    next_events: list[NextEventOut]


class WorkerProgressOut(Schema):
    worker_id: int
    worker_name: str
    organization_id: int | None
    organization_name: str
    curricula: list[ProgressOut]


class CurriculumTallyOut(Schema):
    label: str
    organization_id: int | None
    workers: int
    stage_completed: list[int] = Field(description="段階ごとの修了者数（段階の順）")
    finished: int


class StaffOut(Schema):
    worker_id: int
    worker_name: str
    organization_id: int
    progress: ProgressOut


class OverviewOut(Schema):
    curriculum_id: int
    stage_names: list[str]
    organization_id: int | None = Field(description="事業所で絞ったときの事業所")
    by_office: list[CurriculumTallyOut]
    by_ward: list[CurriculumTallyOut]
    staff: list[StaffOut]


class LearningOut(Out):
    id: int
    worker_id: int
    worker_name: str = Field(alias="worker.full_name")
    requirement_id: int
    course_name: str
    provider: str
    completed_on: dt.date
    organization_id: int
    status: str
    status_label: str = Field(alias="get_status_display")
    reviewed_by_id: int | None
    reviewed_at: dt.datetime | None
    review_note: str
    evidence_url: str

    @staticmethod
    def resolve_evidence_url(obj: ExternalLearning) -> str:
        return reverse("api:external_learning_evidence", args=[obj.pk])


class LearningIn(Schema):
    requirement_id: Id
    course_name: NonBlank = model_field(ExternalLearning, "course_name", min_length=1)
    provider: NonBlank = model_field(ExternalLearning, "provider", min_length=1)
    completed_on: SaneDate


class ReviewIn(Schema):
    decision: Literal["approved", "rejected"]
    note: str = Field("", max_length=TEXT_MAX, description="差し戻すときは理由（必須）")


# --- Conversions ------------------------------------------------------------------------------


def _progress(row: CurriculumProgress) -> dict[str, Any]:
    current = row.current_stage
    return {
        "curriculum_id": row.curriculum.pk,
        "curriculum_name": row.curriculum.name,
        "worker_id": row.worker_id,
        "finished": row.finished,
        "completed_stages": row.completed_stages,
        "current_stage_id": current.stage.pk if current else None,
        "stages": [
            {
                "stage_id": s.stage.pk,
                "position": s.stage.position,
                "name": s.stage.name,
                "complete": s.complete,
                "completed_on": s.completed_on,
                "requirements": [
                    {
                        "requirement_id": r.requirement.pk,
                        "name": r.requirement.name,
                        "done": r.done,
                        "completed_on": r.completed_on,
                        "evidence": [e.__dict__ for e in r.evidence],
                        "pending_learning_ids": r.pending,
                    }
                    for r in s.requirements
                ],
            }
            for s in row.stages
        ],
        "missing_requirement_ids": [r.requirement.pk for _stage, r in row.missing],
        "next_events": [
            {
                "event_id": n.event.pk,
                "theme": n.event.theme,
                "held_on": n.event.held_on,
                "requirement_id": n.requirement.pk,
                "registration_status": n.registration_status,
            }
            for n in row.next_events
        ],
    }


def _worker_progress(request: TsunaguRequest, worker: User) -> dict[str, Any]:
    office = selectors.current_office(worker)
    return {
        "worker_id": worker.pk,
        "worker_name": worker.full_name,
        "organization_id": office.pk if office else None,
        "organization_name": office.name if office else "",
        "curricula": [_progress(r) for r in selectors.worker_progress(request.actor, worker)],
    }


def _overview(view: selectors.Overview, organization_id: int | None) -> dict[str, Any]:
    def tally(t: selectors.Tally) -> dict[str, Any]:
        return {
            "label": t.label,
            "organization_id": t.organization.pk if t.organization else None,
            "workers": t.workers,
            "stage_completed": t.stage_counts,
            "finished": t.finished,
        }

    return {
        "curriculum_id": view.curriculum.pk,
        "stage_names": view.stage_names,
        "organization_id": organization_id,
        "by_office": [tally(t) for t in view.by_office],
        "by_ward": [tally(t) for t in view.by_ward],
        "staff": [
            {
                "worker_id": r.worker.pk,
                "worker_name": r.worker.full_name,
                "organization_id": r.organization.pk,
                "progress": _progress(r.progress),
            }
            for r in view.staff
        ],
    }


# --- Curricula ------------------------------------------------------------------------------


@router.get(
    "/curricula",
    response={200: list[CurriculumOut], 404: ErrorOut, 422: ErrorOut},
    summary="研修カリキュラムの一覧（段階・修了要件・要件を満たす研修）",
    url_name="curriculum_list",
)
@paginated
def curriculum_list(request: TsunaguRequest) -> Any:
    actor = audit.require_role(request.actor, access.may_view, view="curricula")
    return selectors.with_structure(actor, access.curricula_visible_to(actor).order_by("pk"))


@router.post(
    "/curricula",
    response={201: CurriculumOut, **ERRORS},
    summary="カリキュラムを作成する（基幹相談支援センター）",
    url_name="curriculum_create",
)
def curriculum_create(request: TsunaguRequest, payload: CurriculumIn) -> Status[Curriculum]:
    actor = audit.require_role(request.actor, access.may_organize, view="curriculum_create")
    return Status(201, services.curriculum_create(actor, **payload.model_dump()))


@router.get(
    "/curricula/{curriculum_id}",
    response={200: CurriculumOut, 404: ErrorOut},
    summary="カリキュラム",
    url_name="curriculum_detail",
)
def curriculum_detail(request: TsunaguRequest, curriculum_id: int) -> Curriculum:
    actor = request.actor
    curriculum = access.access_curriculum(actor, curriculum_id)
    return selectors.with_structure(actor, Curriculum.objects.filter(pk=curriculum.pk)).get()


@router.patch(
    "/curricula/{curriculum_id}",
    response={200: CurriculumOut, **ERRORS},
    summary="カリキュラムを変更する（基幹相談支援センター）",
    url_name="curriculum_update",
)
def curriculum_update(
    request: TsunaguRequest, curriculum_id: int, payload: CurriculumPatch
) -> Curriculum:
    curriculum = access.access_curriculum(request.actor, curriculum_id, for_organizer=True)
    return services.curriculum_update(
        request.actor, curriculum=curriculum, **payload.model_dump(exclude_unset=True)
    )


@router.post(
    "/curricula/{curriculum_id}/stages",
    response={201: StageOut, **ERRORS},
    summary="段階を最後に追加する（基幹相談支援センター）",
    url_name="curriculum_stage_add",
)
def stage_add(request: TsunaguRequest, curriculum_id: int, payload: StageIn) -> Status[Stage]:
    curriculum = access.access_curriculum(request.actor, curriculum_id, for_organizer=True)
    return Status(201, services.stage_add(request.actor, curriculum=curriculum, name=payload.name))


@router.post(
    "/curriculum-stages/{stage_id}/requirements",
    response={201: RequirementOut, **ERRORS},
    summary="段階に修了要件を追加する（基幹相談支援センター）",
    url_name="curriculum_requirement_add",
)
def requirement_add(
    request: TsunaguRequest, stage_id: int, payload: RequirementIn
) -> Status[Requirement]:
    stage = access.access_stage(request.actor, stage_id)
    return Status(201, services.requirement_add(request.actor, stage=stage, **payload.model_dump()))


@router.patch(
    "/curriculum-stages/{stage_id}",
    response={200: StageOut, **ERRORS},
    summary="段階の名称を変更する（基幹相談支援センター）",
    url_name="curriculum_stage_update",
)
def stage_update(request: TsunaguRequest, stage_id: int, payload: StagePatch) -> Stage:
    stage = access.access_stage(request.actor, stage_id)
    fields = payload.model_dump(exclude_unset=True)
    if "name" in fields:
        stage = services.stage_rename(request.actor, stage=stage, name=fields["name"])
    return stage


@router.post(
    "/curriculum-stages/{stage_id}/move",
    response={200: list[StageOut], **ERRORS},
    summary="段階を前（up）か次（down）の段階と入れ替える（基幹相談支援センター）。"
    "答えはそのカリキュラムの段階を新しい順で",
    url_name="curriculum_stage_move",
)
def stage_move(request: TsunaguRequest, stage_id: int, payload: StageMoveIn) -> list[Stage]:
    stage = access.access_stage(request.actor, stage_id)
    moved = services.stage_move(request.actor, stage=stage, direction=payload.direction)
    return list(
        Stage.objects.filter(curriculum_id=moved.curriculum_id)
        .prefetch_related("requirements__links__event")
        .order_by("position")
    )


@router.delete(
    "/curriculum-stages/{stage_id}",
    response={204: None, **ERRORS},
    summary="段階を削除する（基幹相談支援センター）。要件を満たす研修や同等の学習が"
    "登録された修了要件があれば 409",
    url_name="curriculum_stage_delete",
)
def stage_delete(request: TsunaguRequest, stage_id: int) -> Status[None]:
    stage = access.access_stage(request.actor, stage_id)
    services.stage_delete(request.actor, stage=stage)
    return Status(204, None)


@router.patch(
    "/curriculum-requirements/{requirement_id}",
    response={200: RequirementOut, **ERRORS},
    summary="修了要件の名称・説明を変更する（基幹相談支援センター）",
    url_name="curriculum_requirement_update",
)
def requirement_update(
    request: TsunaguRequest, requirement_id: int, payload: RequirementPatch
) -> Requirement:
    requirement = access.access_requirement(request.actor, requirement_id)
    return services.requirement_update(
        request.actor, requirement=requirement, **payload.model_dump(exclude_unset=True)
    )


@router.delete(
    "/curriculum-requirements/{requirement_id}",
    response={204: None, **ERRORS},
    summary="修了要件を削除する（基幹相談支援センター）。要件を満たす研修や同等の学習が"
    "登録されていれば 409",
    url_name="curriculum_requirement_delete",
)
def requirement_delete(request: TsunaguRequest, requirement_id: int) -> Status[None]:
    requirement = access.access_requirement(request.actor, requirement_id)
    services.requirement_delete(request.actor, requirement=requirement)
    return Status(204, None)


@router.post(
    "/curriculum-requirements/{requirement_id}/events",
    response={201: LinkOut, **ERRORS},
    summary="修了要件を満たす研修を登録する（基幹相談支援センター）",
    url_name="curriculum_event_link",
)
def event_link(
    request: TsunaguRequest, requirement_id: int, payload: RequirementEventIn
) -> Status[RequirementEvent]:
    actor = request.actor
    requirement = access.access_requirement(actor, requirement_id)
    event = events_visible_to(actor).filter(pk=payload.event_id).first()
    if event is None:
        raise FieldErrors({"event_id": "選べる研修から選んでください。"})
    return Status(201, services.requirement_event_link(actor, requirement=requirement, event=event))


@router.delete(
    "/curriculum-requirement-events/{link_id}",
    response={204: None, **ERRORS},
    summary="修了要件を満たす研修から外す（基幹相談支援センター）",
    url_name="curriculum_event_unlink",
)
def event_unlink(request: TsunaguRequest, link_id: int) -> Status[None]:
    link = access.access_link(request.actor, link_id)
    services.requirement_event_unlink(request.actor, link=link)
    return Status(204, None)


# --- Progress -----------------------------------------------------------------------------------


@router.get(
    "/curricula/{curriculum_id}/overview",
    response={200: OverviewOut, 404: ErrorOut},
    summary="職員の進み具合（基幹相談支援センターはネットワーク全体を事業所別・区別に、"
    "事業所の管理者は自分の事業所の職員を）",
    url_name="curriculum_overview",
)
def overview(request: TsunaguRequest, curriculum_id: int) -> dict[str, Any]:
    actor = audit.require_role(request.actor, access.may_see_overview, view="curriculum_overview")
    curriculum = access.access_curriculum(actor, curriculum_id)
    office = None if access.is_core(actor) else actor.organization
    view = selectors.overview(actor, curriculum, organization=office)
    return _overview(view, office.pk if office else None)


@router.get(
    "/curricula/{curriculum_id}/offices/{organization_id}",
    response={200: OverviewOut, 404: ErrorOut},
    summary="1事業所の職員の進み具合（基幹相談支援センター、その事業所の管理者）",
    url_name="curriculum_office",
)
def office_progress(
    request: TsunaguRequest, curriculum_id: int, organization_id: int
) -> dict[str, Any]:
    actor = request.actor
    office = access.access_office(actor, organization_id)
    curriculum = access.access_curriculum(actor, curriculum_id)
    return _overview(selectors.overview(actor, curriculum, organization=office), office.pk)


@router.get(
    "/curriculum-progress/me",
    response={200: WorkerProgressOut, 404: ErrorOut},
    summary="自分の受講状況と次に受ける研修",
    url_name="curriculum_progress_me",
)
def my_progress(request: TsunaguRequest) -> dict[str, Any]:
    actor = audit.require_role(request.actor, access.may_view, view="curricula_mine")
    return _worker_progress(request, actor.user)


@router.get(
    "/curriculum-progress/{user_id}",
    response={200: WorkerProgressOut, 404: ErrorOut},
    summary="職員の受講状況（本人、事業所の管理者、基幹相談支援センター）",
    url_name="curriculum_progress",
)
def worker_progress(request: TsunaguRequest, user_id: int) -> dict[str, Any]:
    return _worker_progress(request, access.access_worker(request.actor, user_id))


# --- External learning ------------------------------------------------------------------------


@router.post(
    "/curriculum-progress/{user_id}/external-learning",
    response={201: LearningOut, **ERRORS},
    summary="同等の学習を修了の証明（PDFか画像）とともに登録する（multipart/form-data）",
    url_name="external_learning_create",
)
def learning_create(
    request: TsunaguRequest,
    user_id: int,
    requirement_id: Form[str] = "",
    course_name: Form[str] = "",
    provider: Form[str] = "",
    completed_on: Form[str] = "",
    evidence: File[UploadedFile | None] = None,
) -> Status[ExternalLearning]:
    """The fields are read after the worker is found, so that someone who may not see the
    worker gets the same 404 whatever they send."""
    actor = request.actor
    worker = access.access_worker(actor, user_id)
    payload = LearningIn.model_validate(
        {
            "requirement_id": requirement_id,
            "course_name": course_name,
            "provider": provider,
            "completed_on": completed_on,
        }
    )
    requirement = Requirement.objects.filter(pk=payload.requirement_id).first()
    if requirement is None:
        raise FieldErrors({"requirement_id": "修了要件を選んでください。"})
    data = payload.model_dump(exclude={"requirement_id"})
    return Status(
        201,
        services.learning_create(
            actor, worker=worker, requirement=requirement, evidence=evidence, **data
        ),
    )


@router.get(
    "/external-learning",
    response={200: list[LearningOut], 404: ErrorOut, 422: ErrorOut},
    summary="承認待ちの同等の学習（基幹相談支援センターは全員分、ほかは自分と自分の職員の分）",
    url_name="external_learning_list",
)
@paginated
def learning_list(request: TsunaguRequest) -> Any:
    actor = audit.require_role(request.actor, access.may_view, view="curricula_learning")
    return Listing(
        selectors.pending_learning(actor),
        on_page=lambda rows: selectors.record_learning_listed(
            actor, rows, view="api.external_learning_list"
        ),
    )


@router.get(
    "/external-learning/{learning_id}",
    response={200: LearningOut, 404: ErrorOut},
    summary="同等の学習",
    url_name="external_learning_detail",
)
def learning_detail(request: TsunaguRequest, learning_id: int) -> ExternalLearning:
    learning = access.access_learning(request.actor, learning_id)
    audit.record(action=Action.RECORD_VIEWED, actor=request.actor, target=learning)
    return learning


@router.post(
    "/external-learning/{learning_id}/review",
    response={200: LearningOut, **ERRORS},
    summary="同等の学習を承認する・差し戻す（基幹相談支援センター）",
    url_name="external_learning_review",
)
def learning_review(
    request: TsunaguRequest, learning_id: int, payload: ReviewIn
) -> ExternalLearning:
    learning = access.access_learning(request.actor, learning_id, for_review=True)
    return services.learning_review(
        request.actor, learning=learning, decision=payload.decision, note=payload.note
    )


@router.get(
    "/external-learning/{learning_id}/evidence",
    response={200: None, 404: ErrorOut},
    summary="同等の学習の修了の証明（ファイル）",
    url_name="external_learning_evidence",
)
def learning_evidence(request: TsunaguRequest, learning_id: int) -> FileResponse:
    learning = access.access_learning(request.actor, learning_id)
    evidence = learning.evidence.order_by("pk").first()
    if evidence is None:
        raise Http404
    response = stored_download(evidence)
    audit.record(
        action=Action.ATTACHMENT_DOWNLOADED,
        actor=request.actor,
        target=evidence,
        detail={"learning": learning.pk},
    )
    return response
