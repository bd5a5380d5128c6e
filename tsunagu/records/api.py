"""Progress notes and formulations over JSON; the same services and selectors as the screens."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.db.models import QuerySet
from django.urls import reverse
from ninja import Field, Router, Schema, Status

from tsunagu.accounts.models import User
from tsunagu.cases.access import access_case
from tsunagu.core.api import ErrorOut, Listing, paginated
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.schemas import Name, Out, model_field
from tsunagu.core.validators import MAX_INT, Id, NonBlank, SaneDateTime
from tsunagu.records import selectors, services
from tsunagu.records.access import access_board_case, access_board_message
from tsunagu.records.models import (
    BOARD_TEXT_MAX,
    BoardAttachment,
    BoardMessage,
    Formulation,
    NoteAttachment,
    NoteKind,
    ProgressNote,
)

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


# --- The case's message board -----------------------------------------------------------------


class BoardMessageIn(Schema):
    text: NonBlank = Field(..., min_length=1, max_length=BOARD_TEXT_MAX)
    parent_id: Id | None = Field(None, description="返信先のメッセージ（返信は1段まで）。")
    mention_ids: list[Id] = Field(
        default_factory=list,
        max_length=50,
        description="知らせる人（支援チームの職員のid）。本文の @ユーザー名 も知らせます。",
    )


class BoardAttachmentOut(Out):
    id: int
    name: str = Field(alias="original_name")
    content_type: str
    size: int
    url: str

    @staticmethod
    def resolve_url(attachment: BoardAttachment) -> str:
        return reverse("records:board_attachment_download", args=[attachment.pk])


class BoardReplyOut(Out):
    id: int
    case_id: int
    parent_id: int | None
    author: Name
    author_organization: Name
    text: str
    created_at: dt.datetime
    mentions: list[Name]
    attachments: list[BoardAttachmentOut]

    @staticmethod
    def resolve_mentions(message: BoardMessage) -> list[User]:
        return list(message.mentions.all())

    @staticmethod
    def resolve_attachments(message: BoardMessage) -> list[BoardAttachment]:
        return list(message.attachments.all())


class BoardMessageOut(BoardReplyOut):
    replies: list[BoardReplyOut]

    @staticmethod
    def resolve_replies(message: BoardMessage) -> list[BoardMessage]:
        return list(message.replies.all())


@router.get(
    "/cases/{case_id}/board",
    response={200: list[BoardMessageOut], 404: ErrorOut, 422: ErrorOut},
    summary="ケースのチーム掲示板（スレッドの新しい順、返信つき。支援チームだけ）",
    url_name="case_board_list",
)
@paginated(page_size=selectors.BOARD_THREADS_PER_PAGE)
def case_board_list(request: TsunaguRequest, case_id: int) -> Listing:
    case = access_board_case(request.actor, case_id)

    def audit_page(shown: list[BoardMessage]) -> None:
        selectors.record_board_shown(request.actor, case=case, messages=shown)

    return Listing(selectors.board_threads(request.actor, case=case), on_page=audit_page)


@router.post(
    "/cases/{case_id}/board",
    response={201: BoardReplyOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="掲示板への投稿・返信（添付ファイルは画面から）",
    url_name="case_board_post",
)
def case_board_post(
    request: TsunaguRequest, case_id: int, payload: BoardMessageIn
) -> Status[BoardMessage]:
    case = access_board_case(request.actor, case_id, for_write=True)
    parent = access_board_message(request.actor, payload.parent_id) if payload.parent_id else None
    message = services.board_message_post(
        request.actor,
        case=case,
        text=payload.text,
        parent=parent,
        mention_ids=payload.mention_ids,
    )
    return Status(201, message)
