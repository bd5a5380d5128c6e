"""The trainings API: the same access helpers and services as the screens."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Annotated, Any, Literal

from django.http import FileResponse, HttpResponse
from django.urls import reverse
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from tsunagu.audit import services as audit
from tsunagu.core.api import ERRORS, ErrorOut, paginated
from tsunagu.core.errors import FieldErrors
from tsunagu.core.http import TsunaguRequest, download, stored_download
from tsunagu.core.import_api import IMPORT_RESPONSES, answer_import
from tsunagu.core.schemas import Out, model_field, patch_field
from tsunagu.core.validators import Id, NonBlank, SaneDate
from tsunagu.expertise.models import Theme
from tsunagu.organizations.models import JobTitle, Organization, OrganizationKind
from tsunagu.trainings import access, certificates, imports, selectors, services
from tsunagu.trainings.models import (
    ANSWER_TEXT_MAX,
    CAPACITY_MAX,
    EventFormat,
    EventKind,
    Registration,
    TrainingEvent,
    TrainingMaterial,
)

router = Router(tags=["trainings"])

Capacity = Annotated[int, Field(ge=1, le=CAPACITY_MAX)]
SettableStatus = Literal["draft", "announced", "closed", "cancelled"]


class EventOut(Out):
    id: int
    theme: str
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    held_on: dt.date
    starts_at: dt.time
    ends_at: dt.time
    format: str
    place: str
    lecturers: list[str] = Field(alias="lecturer_lines")
    organizer_id: int
    co_organizer_ids: list[int]
    target_kinds: list[str]
    target_job_titles: list[str]
    themes: list[str] = Field(description="分野（専門性の一覧の分野のコード）")
    capacity: int
    status: str
    status_label: str = Field(alias="get_status_display")

    @staticmethod
    def resolve_co_organizer_ids(obj: TrainingEvent) -> list[int]:
        return [o.pk for o in obj.co_organizers.all()]


class EventIn(Schema):
    theme: NonBlank = model_field(TrainingEvent, "theme", min_length=1)
    kind: EventKind
    held_on: SaneDate
    starts_at: dt.time
    ends_at: dt.time
    format: EventFormat
    place: str = model_field(TrainingEvent, "place", "")
    lecturers: str = Field("", max_length=4000, description="1行に1人。「氏名（所属）」")
    co_organizer_ids: list[Id] = Field(default_factory=list, max_length=50)
    target_kinds: list[OrganizationKind] = Field(default_factory=list, max_length=50)
    target_job_titles: list[JobTitle] = Field(default_factory=list, max_length=50)
    themes: list[Theme] = Field(default_factory=list, max_length=50)
    capacity: Capacity
    status: Literal["draft", "announced"] = "draft"


class EventPatch(Schema):
    theme: NonBlank = patch_field(max_length=200, min_length=1)
    kind: EventKind = patch_field()
    held_on: SaneDate = patch_field()
    starts_at: dt.time = patch_field()
    ends_at: dt.time = patch_field()
    format: EventFormat = patch_field()
    place: str = patch_field(max_length=200)
    lecturers: str = patch_field(max_length=4000)
    co_organizer_ids: list[Id] = patch_field(max_length=50)
    target_kinds: list[OrganizationKind] = patch_field(max_length=50)
    target_job_titles: list[JobTitle] = patch_field(max_length=50)
    themes: list[Theme] = patch_field(max_length=50)
    capacity: Capacity = patch_field()
    status: SettableStatus = patch_field()


class RegistrationOut(Out):
    id: int
    event_id: int
    worker_id: int
    worker_name: str = Field(alias="worker.full_name")
    organization_id: int
    job_title: str
    status: str
    attendance: str
    certificate_issued_on: dt.date | None


class RegistrationIn(Schema):
    membership_id: Id = Field(..., description="申し込む職員の所属（Membership）のID")


class AttendanceMark(Schema):
    registration_id: Id
    attendance: Literal["attended", "absent"]


class AttendanceIn(Schema):
    marks: list[AttendanceMark] = Field(..., min_length=1, max_length=CAPACITY_MAX)


def _organizations(ids: list[int]) -> list[Organization]:
    found = list(Organization.objects.active().filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise FieldErrors({"co_organizer_ids": "共催に指定できない機関が含まれています。"})
    return found


def _fields(payload: dict[str, Any]) -> dict[str, Any]:
    fields = dict(payload)
    if "co_organizer_ids" in fields:
        fields["co_organizers"] = _organizations(fields.pop("co_organizer_ids"))
    for name in ("kind", "format"):
        if name in fields:
            fields[name] = str(
                fields[name].value if hasattr(fields[name], "value") else fields[name]
            )
    for name in ("target_kinds", "target_job_titles", "themes"):
        if name in fields:
            fields[name] = [str(getattr(v, "value", v)) for v in fields[name]]
    return fields


@router.get(
    "/trainings",
    response={200: list[EventOut], 404: ErrorOut, 422: ErrorOut},
    summary="研修の一覧（ネットワークの全員。準備中は主催者のみ）",
    url_name="training_list",
)
@paginated
def event_list(request: TsunaguRequest) -> Any:
    actor = audit.require_role(request.actor, access.may_view, view="training_list")
    return selectors.event_rows(actor).prefetch_related("co_organizers")


@router.post(
    "/trainings",
    response={201: EventOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="研修を作成する（基幹相談支援センター）",
    url_name="training_create",
)
def event_create(request: TsunaguRequest, payload: EventIn) -> Status[TrainingEvent]:
    actor = audit.require_role(request.actor, access.may_organize, view="training_create")
    return Status(201, services.event_create(actor, **_fields(payload.model_dump())))


@router.get(
    "/trainings/{event_id}",
    response={200: EventOut, 404: ErrorOut},
    summary="研修",
    url_name="training_detail",
)
def event_detail(request: TsunaguRequest, event_id: int) -> TrainingEvent:
    return access.access_event(request.actor, event_id)


@router.patch(
    "/trainings/{event_id}",
    response={200: EventOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="研修を変更する（主催者）",
    url_name="training_update",
)
def event_update(request: TsunaguRequest, event_id: int, payload: EventPatch) -> TrainingEvent:
    event = access.access_event(request.actor, event_id, for_organizer=True)
    return services.event_update(
        request.actor, event=event, **_fields(payload.model_dump(exclude_unset=True))
    )


@router.get(
    "/trainings/{event_id}/registrations",
    response={200: list[RegistrationOut], 404: ErrorOut},
    summary="研修の申込（主催者は全員、事業所は自分の職員の分）",
    url_name="training_registrations",
)
@paginated
def registration_list(request: TsunaguRequest, event_id: int) -> Any:
    event = access.access_event(request.actor, event_id)
    return selectors.event_registrations(request.actor, event)


@router.post(
    "/trainings/{event_id}/registrations",
    response={201: RegistrationOut, **ERRORS},
    summary="職員を申し込む（定員を超えるとキャンセル待ち）",
    url_name="training_register",
)
def registration_create(
    request: TsunaguRequest, event_id: int, payload: RegistrationIn
) -> Status[Registration]:
    actor = request.actor
    event = access.access_event(actor, event_id)
    membership = access.registrable_members(actor).filter(pk=payload.membership_id).first()
    if membership is None:
        raise FieldErrors({"membership_id": "申し込める職員を選んでください。"})
    return Status(201, services.registration_create(actor, event=event, membership=membership))


@router.post(
    "/training-registrations/{registration_id}/cancel",
    response={200: RegistrationOut, **ERRORS},
    summary="申込を取り消す（キャンセル待ちの先頭が繰り上がる）",
    url_name="training_registration_cancel",
)
def registration_cancel(request: TsunaguRequest, registration_id: int) -> Registration:
    registration = access.access_registration(request.actor, registration_id)
    return services.registration_cancel(request.actor, registration=registration)


@router.post(
    "/trainings/{event_id}/attendance",
    response={200: EventOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="出欠を記録する（主催者、開催日から）",
    url_name="training_attendance",
)
def attendance_record(
    request: TsunaguRequest, event_id: int, payload: AttendanceIn
) -> TrainingEvent:
    event = access.access_event(request.actor, event_id, for_organizer=True)
    marks = {m.registration_id: m.attendance for m in payload.marks}
    return services.attendance_record(request.actor, event=event, marks=marks)


@router.post(
    "/trainings/{event_id}/certificates",
    response={200: list[RegistrationOut], 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="出席した受講者に修了証を発行する（主催者）",
    url_name="training_certificates_issue",
)
def certificates_issue(request: TsunaguRequest, event_id: int) -> list[Registration]:
    event = access.access_event(request.actor, event_id, for_organizer=True)
    return services.certificates_issue(request.actor, event=event)


@router.get(
    "/training-registrations/{registration_id}/certificate",
    response={200: None, 404: ErrorOut, 503: ErrorOut},
    summary="修了証（PDF）",
    url_name="training_certificate",
)
def certificate(request: TsunaguRequest, registration_id: int) -> HttpResponse:
    registration = access.access_registration(request.actor, registration_id)
    pdf = certificates.certificate_pdf(request.actor, registration=registration)
    return download(
        pdf, filename=certificates.filename(registration), content_type="application/pdf"
    )


# --- The questionnaire -------------------------------------------------------------------------


Score = Annotated[int, Field(ge=1, le=5)]


class QuestionnaireIn(Schema):
    satisfaction: Score = Field(..., description="満足度（5 とても満足 〜 1 不満）")
    usefulness: Score | None = Field(None, description="業務への役立ち（5〜1、任意）")
    comment: str = Field("", max_length=ANSWER_TEXT_MAX, description="感想・意見（無記名で表示）")
    topics_wanted: str = Field("", max_length=ANSWER_TEXT_MAX)
    topic_themes: list[Theme] = Field(default_factory=list, max_length=50)


class QuestionnaireStateOut(Out):
    event_id: int
    answered: bool


class QuestionnaireTallyOut(Out):
    value: int
    label: str
    count: int


class QuestionnaireResultsOut(Out):
    event_id: int
    answers: int
    attended: int
    shown: bool = Field(
        description=f"回答が{selectors.RESULTS_MIN_ANSWERS}件以上で true（未満は件数のみ）"
    )
    satisfaction: list[QuestionnaireTallyOut]
    satisfaction_mean: float | None
    usefulness: list[QuestionnaireTallyOut]
    usefulness_mean: float | None
    usefulness_answers: int
    comments: list[str]
    topics_wanted: list[str]
    topic_themes: list[QuestionnaireTallyOut]


@router.get(
    "/trainings/{event_id}/questionnaire",
    response={200: QuestionnaireStateOut, 404: ErrorOut},
    summary="自分のアンケートの回答状況（出席した本人）",
    url_name="training_questionnaire",
)
def questionnaire_state(request: TsunaguRequest, event_id: int) -> dict[str, Any]:
    registration = access.access_questionnaire(request.actor, event_id)
    return {"event_id": registration.event_id, "answered": registration.questionnaire_answered}


@router.post(
    "/trainings/{event_id}/questionnaire",
    response={201: QuestionnaireStateOut, **ERRORS},
    summary="アンケートに答える（出席した本人が1回。無記名で保存し、回答のIDは返さない）",
    url_name="training_questionnaire_answer",
)
def questionnaire_answer(
    request: TsunaguRequest, event_id: int, payload: QuestionnaireIn
) -> Status[dict[str, Any]]:
    registration = access.access_questionnaire(request.actor, event_id)
    data = payload.model_dump()
    data["topic_themes"] = [str(getattr(t, "value", t)) for t in data["topic_themes"]]
    services.questionnaire_answer(request.actor, registration=registration, **data)
    return Status(201, {"event_id": registration.event_id, "answered": True})


@router.get(
    "/trainings/{event_id}/questionnaire/results",
    response={200: QuestionnaireResultsOut, 404: ErrorOut},
    summary="アンケートの集計（主催者。無記名、回答が少ないときは件数のみ）",
    url_name="training_questionnaire_results",
)
def questionnaire_results(request: TsunaguRequest, event_id: int) -> dict[str, Any]:
    event = access.access_results(request.actor, event_id)
    results = selectors.questionnaire_results(event)
    return {"event_id": event.pk, **results.__dict__}


# --- Materials ---------------------------------------------------------------------------------


class MaterialOut(Out):
    id: int
    event_id: int
    original_name: str
    content_type: str
    size: int
    url: str

    @staticmethod
    def resolve_url(material: TrainingMaterial) -> str:
        return reverse("trainings:material_download", args=[material.pk])


@router.get(
    "/trainings/{event_id}/materials",
    response={200: list[MaterialOut], 404: ErrorOut},
    summary="研修資料の一覧（主催者と参加予定の申込者）",
    url_name="training_materials",
)
@paginated
def materials_list(request: TsunaguRequest, event_id: int) -> Any:
    event = access.access_materials_event(request.actor, event_id)
    return selectors.event_materials(event)


@router.post(
    "/trainings/{event_id}/materials",
    response={201: list[MaterialOut], 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="研修資料を追加する（主催者。PDFと画像、添付ファイルと同じ検査）",
    url_name="training_materials_add",
)
def materials_add(
    request: TsunaguRequest, event_id: int, files: File[list[UploadedFile] | None] = None
) -> Status[list[TrainingMaterial]]:
    # `files` is optional in the document so that access comes first and the service says
    # what is missing.
    event = access.access_event(request.actor, event_id, for_organizer=True)
    return Status(201, services.materials_add(request.actor, event=event, files=files or []))


@router.get(
    "/training-materials/{material_id}",
    response={200: None, 404: ErrorOut},
    summary="研修資料のダウンロード（主催者と参加予定の申込者）",
    url_name="training_material_download",
)
def material_download(request: TsunaguRequest, material_id: int) -> FileResponse:
    material = access.access_material(request.actor, material_id)
    response = stored_download(material)
    selectors.record_material_downloaded(request.actor, material)
    return response


@router.delete(
    "/training-materials/{material_id}",
    response={204: None, 403: ErrorOut, 404: ErrorOut},
    summary="研修資料を削除する（主催者）",
    url_name="training_material_delete",
)
def material_delete(request: TsunaguRequest, material_id: int) -> Status[None]:
    material = access.access_material(request.actor, material_id, for_organizer=True)
    services.material_delete(request.actor, material=material)
    return Status(204, None)


# --- Attendance from a list --------------------------------------------------------------------


class ImportQuery(Schema):
    dry_run: bool = True


@router.post(
    "/trainings/{event_id}/attendance/import",
    response={**IMPORT_RESPONSES, 404: ErrorOut},
    summary="出欠をファイルから記録する（主催者。CSV・xlsx）",
    description=(
        "multipart の `file` に出席者の一覧（列「ログイン名」か「氏名」、任意で「出欠」）。"
        "`dry_run=true`（既定）は確認だけ。`dry_run=false` はすべての行に問題がないときだけ"
        "記録し（201）、1行でも問題があれば何も記録しません（422）。"
    ),
    url_name="training_attendance_import",
)
def attendance_import(
    request: TsunaguRequest,
    event_id: int,
    query: Query[ImportQuery],
    file: File[UploadedFile | None] = None,
) -> Status[dict[str, Any]]:
    event = access.access_event(request.actor, event_id, for_organizer=True)
    service = partial(imports.attendance_import, event=event)
    return Status(*answer_import(service, request.actor, file, dry_run=query.dry_run))
