"""Progress notes and formulations over JSON; the same services and selectors as the screens."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.db.models import QuerySet
from django.urls import reverse
from ninja import Field, Router, Schema, Status

from tsunagu.accounts.models import User
from tsunagu.cases.access import access_case
from tsunagu.core.api import ERRORS, ErrorOut, Listing, paginated
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.schemas import Name, Out, model_field, patch_field
from tsunagu.core.validators import MAX_INT, Id, NonBlank, SaneDate, SaneDateTime
from tsunagu.records import selectors, services
from tsunagu.records.access import (
    access_board_case,
    access_board_message,
    access_note,
    access_note_template,
)
from tsunagu.records.models import (
    BOARD_TEXT_MAX,
    NOTE_TEMPLATE_BODY_MAX,
    BoardAttachment,
    BoardMessage,
    Formulation,
    NoteAttachment,
    NoteKind,
    NoteTemplate,
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
# Every kind staff may write: the person's own entry (person_voice) comes only from the portal.
assert set(NoteKindValue.__args__) == set(NoteKind.values) - {NoteKind.PERSON_VOICE}  # type: ignore[attr-defined]  # noqa: S101


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
    next_contact_on: SaneDate | None = Field(
        None,
        description="次回連絡予定日。記録の日付以降。記録者と記録者の機関に、この日が期限の"
        "タスク（source=note）ができます。",
    )


class NextContactIn(Schema):
    next_contact_on: SaneDate | None = Field(
        ...,
        description="新しい次回連絡予定日（記録の日付以降）。null で消すと、この記録から"
        "できた未完了のタスクは取り消されます。",
    )


class NoteOut(Out):
    id: int
    case_id: int
    occurred_at: dt.datetime
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    author: Name | None = Field(description="本人がポータルから書いた記録では null。")
    author_organization: Name
    participants: str
    text: str
    is_motivating_moment: bool
    motivating_moment: str
    is_restricted: bool
    next_contact_on: dt.date | None
    attachments: list[AttachmentOut]


class NoteTemplateIn(Schema):
    name: NonBlank = Field(..., min_length=1, max_length=60, description="ひな形の名前")
    kind: NoteKindValue
    body: NonBlank = Field(..., min_length=1, max_length=NOTE_TEMPLATE_BODY_MAX)


class NoteTemplatePatch(Schema):
    name: NonBlank = patch_field(min_length=1, max_length=60)
    kind: NoteKindValue = patch_field()
    body: NonBlank = patch_field(min_length=1, max_length=NOTE_TEMPLATE_BODY_MAX)
    is_active: bool = patch_field(description="false で使用をやめ、true で戻します。")


class NoteTemplateOut(Out):
    id: int
    organization_id: int
    name: str
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    body: str
    is_active: bool
    created_at: dt.datetime
    updated_at: dt.datetime


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


@router.patch(
    "/notes/{note_id}",
    response={200: NoteOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="支援経過記録の次回連絡予定日の変更（記録の本文は変えられません）",
    url_name="note_next_contact_set",
)
def note_next_contact_set(
    request: TsunaguRequest, note_id: int, payload: NextContactIn
) -> ProgressNote:
    """変えられるのは記録した機関だけです。タスクの期限も動き、null なら取り消されます。"""
    note = access_note(request.actor, note_id, for_write=True)
    return services.note_next_contact_set(
        request.actor, note=note, next_contact_on=payload.next_contact_on
    )


# --- Note templates (記録のひな形) ------------------------------------------------------------


@router.get(
    "/note-templates",
    response={200: list[NoteTemplateOut], 422: ErrorOut},
    summary="所属機関の記録のひな形",
    url_name="note_template_list",
)
@paginated
def note_template_list(request: TsunaguRequest, active: bool = False) -> QuerySet[NoteTemplate]:
    """active=true で使用中のものだけ。ほかの機関のひな形は含みません。"""
    return selectors.note_template_list(request.actor, active_only=active)


@router.post(
    "/note-templates",
    response={201: NoteTemplateOut, 403: ErrorOut, 422: ErrorOut},
    summary="記録のひな形を作る（機関の管理者。管理者がいない機関では職員）",
    url_name="note_template_create",
)
def note_template_create(request: TsunaguRequest, payload: NoteTemplateIn) -> Status[NoteTemplate]:
    template = services.note_template_create(
        request.actor, name=payload.name, kind=payload.kind, body=payload.body
    )
    return Status(201, template)


@router.get(
    "/note-templates/{template_id}",
    response={200: NoteTemplateOut, 404: ErrorOut, 422: ErrorOut},
    summary="記録のひな形",
    url_name="note_template_detail",
)
def note_template_detail(request: TsunaguRequest, template_id: int) -> NoteTemplate:
    return access_note_template(request.actor, template_id)


@router.patch(
    "/note-templates/{template_id}",
    response={200: NoteTemplateOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="記録のひな形の編集・使用をやめる・戻す",
    url_name="note_template_update",
)
def note_template_update(
    request: TsunaguRequest, template_id: int, payload: NoteTemplatePatch
) -> NoteTemplate:
    template = access_note_template(request.actor, template_id, for_write=True)
    return services.note_template_update(
        request.actor, template=template, **payload.model_dump(exclude_unset=True)
    )


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
    response={201: FormulationOut, **ERRORS},
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
