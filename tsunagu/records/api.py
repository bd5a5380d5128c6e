"""Progress notes and formulations over JSON; the same services and selectors as the screens."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.db.models import QuerySet
from django.urls import reverse
from ninja import Field, Router, Schema, Status

from tsunagu.cases.access import access_case
from tsunagu.core.api import ErrorOut, Listing, paginated
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.schemas import Name, Out, model_field
from tsunagu.core.validators import MAX_INT, NonBlank, SaneDateTime
from tsunagu.records import selectors, services
from tsunagu.records.models import Formulation, NoteAttachment, NoteKind, ProgressNote

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


class AttachmentOut(Out):
    id: int
    name: str = Field(alias="original_name")
    content_type: str
    size: int
    url: str

    @staticmethod
    def resolve_url(attachment: NoteAttachment) -> str:
        return reverse("records:attachment_download", args=[attachment.pk])


class NoteIn(Schema):
    occurred_at: SaneDateTime | None = Field(
        None, description="省略すると現在時刻。5分より先の時刻は受け付けません。"
    )
    kind: NoteKindValue
    participants: str = model_field(ProgressNote, "participants", "")
    text: NonBlank = Field(..., min_length=1)
    is_motivating_moment: bool = False
    motivating_moment: str = model_field(ProgressNote, "motivating_moment", "")
    is_restricted: bool = Field(
        False, description="記録者の機関と、記録した時点の主担当機関だけが読めます。"
    )


class NoteOut(Out):
    id: int
    case_id: int
    occurred_at: dt.datetime
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    author: Name
    author_organization: Name
    participants: str
    text: str
    is_motivating_moment: bool
    motivating_moment: str
    is_restricted: bool
    attachments: list[AttachmentOut]


class FormulationIn(Schema):
    based_on: int = Field(
        ..., ge=0, le=MAX_INT, description="見ていた版の番号（初版は0）。最新でなければ409。"
    )
    situation_summary: str = Field(..., min_length=1)
    background_factors: str = ""
    hypothesis: str = Field(..., min_length=1)
    support_policy: str = Field(..., min_length=1)
    prompted_by: str = Field("", description="2版目からは必須。")


class FormulationOut(Out):
    id: int
    case_id: int
    revision: int
    situation_summary: str
    background_factors: str
    hypothesis: str
    support_policy: str
    prompted_by: str
    author: Name
    author_organization: Name
    created_at: dt.datetime


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

    return Listing(notes, on_page=audit_page)


@router.post(
    "/cases/{case_id}/notes",
    response={201: NoteOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="支援経過記録の追加（添付ファイルは画面から）",
    url_name="case_note_create",
)
def case_note_create(
    request: TsunaguRequest, case_id: int, payload: NoteIn
) -> Status[ProgressNote]:
    case = access_case(request.actor, case_id, for_write=True)
    note = services.note_create(actor=request.actor, case=case, data=payload.dict(), files=())
    return Status(201, note)


@router.get(
    "/cases/{case_id}/formulations",
    response={200: list[FormulationOut], 404: ErrorOut, 422: ErrorOut},
    summary="見立ての全ての版（新しい順）",
    url_name="case_formulation_list",
)
@paginated
def case_formulation_list(request: TsunaguRequest, case_id: int) -> QuerySet[Formulation]:
    case = access_case(request.actor, case_id)
    return selectors.formulation_list(actor=request.actor, case=case)


@router.post(
    "/cases/{case_id}/formulations",
    response={201: FormulationOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="見立ての見直し（based_on が最新の版でなければ409）",
    url_name="case_formulation_create",
)
def case_formulation_create(
    request: TsunaguRequest, case_id: int, payload: FormulationIn
) -> Status[Formulation]:
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
    return Status(201, formulation)
