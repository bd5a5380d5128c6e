"""Progress notes and formulations over JSON; the same services and selectors as the screens."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.urls import reverse
from ninja import Field, Router, Schema, Status

from tsunagu.cases.access import access_case
from tsunagu.core.api import ErrorOut, Listing, paginated
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.schemas import model_field
from tsunagu.records import selectors, services
from tsunagu.records.models import Formulation, NoteKind, ProgressNote

router = Router(tags=["records"])

NoteKindValue = Literal[
    "interview",
    "home_visit",
    "phone",
    "accompaniment",
    "case_conference",
    "agency_contact",
    "email",
    "other",
]
assert set(NoteKindValue.__args__) == set(NoteKind.values)  # type: ignore[attr-defined]  # noqa: S101


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str


class NoteIn(Schema):
    occurred_at: dt.datetime | None = Field(
        None, description="省略すると現在時刻。5分より先の時刻は受け付けません。"
    )
    kind: NoteKindValue
    participants: str = model_field(ProgressNote, "participants", "")
    text: str = Field(..., min_length=1)
    is_motivating_moment: bool = False
    motivating_moment: str = model_field(ProgressNote, "motivating_moment", "")
    is_restricted: bool = Field(False, description="主担当機関と記録者だけが読めます。")


class NoteOut(Schema):
    id: int
    case_id: int
    occurred_at: dt.datetime
    kind: str
    kind_label: str
    author: str
    author_organization: str
    participants: str
    text: str
    is_motivating_moment: bool
    motivating_moment: str
    is_restricted: bool
    attachments: list[AttachmentOut]


class FormulationIn(Schema):
    based_on: int = Field(..., ge=0, description="見ていた版の番号（初版は0）。最新でなければ409。")
    situation_summary: str = Field(..., min_length=1)
    background_factors: str = ""
    hypothesis: str = Field(..., min_length=1)
    support_policy: str = Field(..., min_length=1)
    prompted_by: str = Field("", description="2版目からは必須。")


class FormulationOut(Schema):
    id: int
    case_id: int
    revision: int
    situation_summary: str
    background_factors: str
    hypothesis: str
    support_policy: str
    prompted_by: str
    author: str
    author_organization: str
    created_at: dt.datetime


def _note_out(note: ProgressNote) -> NoteOut:
    return NoteOut(
        id=note.pk,
        case_id=note.case_id,
        occurred_at=note.occurred_at,
        kind=note.kind,
        kind_label=str(note.get_kind_display()),
        author=note.author.full_name or note.author.username,
        author_organization=note.author_organization.name,
        participants=note.participants,
        text=note.text,
        is_motivating_moment=note.is_motivating_moment,
        motivating_moment=note.motivating_moment,
        is_restricted=note.is_restricted,
        attachments=[
            AttachmentOut(
                id=a.pk,
                name=a.original_name,
                content_type=a.content_type,
                size=a.size,
                url=reverse("records:attachment_download", args=[a.pk]),
            )
            for a in note.attachments.all()
        ],
    )


def _formulation_out(formulation: Formulation) -> FormulationOut:
    return FormulationOut(
        id=formulation.pk,
        case_id=formulation.case_id,
        revision=formulation.revision,
        situation_summary=formulation.situation_summary,
        background_factors=formulation.background_factors,
        hypothesis=formulation.hypothesis,
        support_policy=formulation.support_policy,
        prompted_by=formulation.prompted_by,
        author=formulation.author.full_name or formulation.author.username,
        author_organization=formulation.author_organization.name,
        created_at=formulation.created_at,
    )


@router.get(
    "/cases/{case_id}/notes",
    response={200: list[NoteOut], 404: ErrorOut, 422: ErrorOut},
    summary="ケースの支援経過記録（新しい順、既定で20件ずつ）",
    url_name="case_note_list",
)
@paginated(page_size=selectors.NOTES_PER_PAGE)
def case_note_list(
    request: TsunaguRequest, case_id: int, kind: NoteKindValue | None = None
) -> Listing:
    case = selectors.case_for_timeline(request.actor, case_id)
    notes = selectors.case_note_list(actor=request.actor, case=case, kind=kind or "")

    def audit_page(shown: list[ProgressNote]) -> None:
        selectors.record_notes_shown(request.actor, target=case, notes=shown)

    return Listing(notes, out=_note_out, on_page=audit_page)


@router.post(
    "/cases/{case_id}/notes",
    response={201: NoteOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="支援経過記録の追加（添付ファイルは画面から）",
    url_name="case_note_create",
)
def case_note_create(request: TsunaguRequest, case_id: int, payload: NoteIn) -> Status[NoteOut]:
    case = access_case(request.actor, case_id, for_write=True)
    note = services.note_create(actor=request.actor, case=case, data=payload.dict(), files=())
    return Status(201, _note_out(note))


@router.get(
    "/cases/{case_id}/formulations",
    response={200: list[FormulationOut], 404: ErrorOut, 422: ErrorOut},
    summary="見立ての全ての版（新しい順）",
    url_name="case_formulation_list",
)
@paginated
def case_formulation_list(request: TsunaguRequest, case_id: int) -> Listing:
    case = access_case(request.actor, case_id)
    formulations = selectors.formulation_list(actor=request.actor, case=case)
    return Listing(formulations, out=_formulation_out)


@router.post(
    "/cases/{case_id}/formulations",
    response={201: FormulationOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="見立ての見直し（based_on が最新の版でなければ409）",
    url_name="case_formulation_create",
)
def case_formulation_create(
    request: TsunaguRequest, case_id: int, payload: FormulationIn
) -> Status[FormulationOut]:
    case = access_case(request.actor, case_id, for_write=True)
    formulation = services.formulation_revise(
        actor=request.actor,
        case=case,
        based_on=payload.based_on,
        situation_summary=payload.situation_summary,
        background_factors=payload.background_factors,
        hypothesis=payload.hypothesis,
        support_policy=payload.support_policy,
        prompted_by=payload.prompted_by,
    )
    return Status(201, _formulation_out(formulation))
