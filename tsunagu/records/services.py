"""Writes of progress notes (支援経過記録), their attachments, and formulation (見立て) revisions.

Each write runs in one transaction with its audit row.  The caller has already fetched the case
with `access_case(request, id, for_write=True)`, which refuses organizations off the team and
read-only members.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.audit import services as audit
from tsunagu.audit.late_entry import record_late_entry
from tsunagu.audit.models import Action
from tsunagu.cases.models import Case
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Conflict, FieldErrors, Forbidden, Invalid
from tsunagu.core.late_entry import original_date_problem
from tsunagu.core.storage import extension_for
from tsunagu.core.validation import invalid_from
from tsunagu.notifications.models import NotificationKind
from tsunagu.notifications.services import notify
from tsunagu.organizations.models import Membership, SystemRole
from tsunagu.plans import services as plans_services
from tsunagu.records import polyglots
from tsunagu.records.mentions import mentioned_team_users
from tsunagu.records.models import (
    BOARD_TEXT_MAX,
    BoardAttachment,
    BoardMessage,
    Formulation,
    NoteAttachment,
    NoteKind,
    NoteTemplate,
    ProgressNote,
)

if TYPE_CHECKING:
    from tsunagu.accounts.models import User

# A note dated a little ahead is a clock difference between machines, not a note about the future.
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
# filetype reads the magic numbers at the start of the file; 8 KiB covers every type we accept.
SNIFF_BYTES = 8192

NOTE_TEMPLATE_FIELDS = ("name", "kind", "body")
FORMULATION_FIELDS = (
    "situation_summary",
    "background_factors",
    "hypothesis",
    "support_policy",
    "prompted_by",
)


# --- Attachments ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedFile:
    upload: UploadedFile
    original_name: str
    content_type: str
    size: int
    sha256: str


def _display_name(upload: UploadedFile) -> str:
    """The name the user chose, for the download only: no path, no control characters."""
    raw = PurePath(str(upload.name or "").replace("\\", "/")).name
    name = "".join(ch for ch in raw if unicodedata.category(ch)[0] != "C").strip()
    name = name or _("添付ファイル")
    if len(name) > 200:  # keep the extension visible
        stem, dot, ext = name.rpartition(".")
        name = f"{stem[: 199 - len(ext)]}.{ext}" if dot and len(ext) < 20 else name[:200]
    return name


class StoredFile(Protocol):
    """An attachment row (of a note, of a meeting): a private file and what was checked."""

    pk: Any
    file: FieldFile

    def save(self, *args: Any, **kwargs: Any) -> None: ...


S = TypeVar("S", bound=StoredFile)


@contextmanager
def attachments_stored(
    model: Callable[..., S],
    checked: Sequence[CheckedFile],
    *,
    uploaded_by: User | None,
    **owner: Any,
) -> Iterator[list[S]]:
    """Save each checked file as a row of `model` (its owner given as `owner`, its uploader
    `uploaded_by`, empty only for the person's own voice note), inside the caller's
    transaction.  If anything fails here or in the block, the rows roll back with the
    transaction and the files on disk go with them."""
    stored: list[S] = []
    try:
        for item in checked:
            attachment = model(
                original_name=item.original_name,
                content_type=item.content_type,
                size=item.size,
                sha256=item.sha256,
                uploaded_by=uploaded_by,
                **owner,
            )
            attachment.file.save(item.sha256, item.upload, save=False)
            stored.append(attachment)
            attachment.save()
        yield stored
    except BaseException:
        for attachment in stored:
            attachment.file.delete(save=False)
        raise


def attachment_check(upload: UploadedFile) -> CheckedFile:
    """Size and type, judged from the bytes: neither the browser's content type nor the file
    name decide what a file is.  A file that is also another type (a polyglot) or a PDF with
    active content is refused too (`polyglots`).  Raises Invalid with the message the user
    sees."""
    name = _display_name(upload)
    size = upload.size or 0
    limit = settings.ATTACHMENT_MAX_BYTES
    if size > limit:
        raise Invalid(
            _("ファイル「%(name)s」は%(limit)sを超えています。")
            % {"name": name, "limit": _size_label(limit)}
        )
    upload.seek(0)
    data = b"".join(upload.chunks())  # at most ATTACHMENT_MAX_BYTES, checked above
    upload.seek(0)
    kind = filetype.guess(data[:SNIFF_BYTES]) if data else None
    if kind is None or kind.mime not in settings.ATTACHMENT_TYPES:
        raise Invalid(
            _("ファイル「%(name)s」は受け付けられない形式です（PDFと画像のみ）。") % {"name": name}
        )
    others = polyglots.second_types(data, kind.mime)
    if others:
        raise Invalid(
            _(
                "ファイル「%(name)s」は%(type)sとしてだけでなく%(others)sとしても読める"
                "ため、受け付けられません。元のソフトで保存し直してから添付してください。"
            )
            % {"name": name, "type": kind.extension.upper(), "others": "・".join(others)}
        )
    if kind.mime == "application/pdf" and polyglots.pdf_active_content(data):
        raise Invalid(
            _(
                "ファイル「%(name)s」には開くと動く内容（JavaScript、埋め込みファイルなど）が"
                "含まれているため、受け付けられません。印刷用のPDFとして保存し直してください。"
            )
            % {"name": name}
        )
    return CheckedFile(
        upload=upload,
        original_name=name,
        content_type=kind.mime,
        size=size,
        sha256=hashlib.sha256(data).hexdigest(),
    )


# What the bytes of a voice note may be (as `filetype` names them) and the type it is kept and
# served as: a recording in a WebM or MP4 container is sound, whatever the container's name.
VOICE_NOTE_TYPES = {
    "video/webm": "audio/webm",
    "audio/ogg": "audio/ogg",  # Ogg, Opus in Ogg
    "audio/mp4": "audio/mp4",
    "video/mp4": "audio/mp4",
    "audio/mpeg": "audio/mpeg",
    "audio/x-wav": "audio/wav",
}


def voice_note_check(upload: UploadedFile) -> CheckedFile:
    """A voice note the person sends from the portal: sound only (WebM, Ogg/Opus, MP4/M4A,
    MP3, WAV, judged from the bytes, never from the name or the browser's word), at most
    VOICE_NOTE_MAX_BYTES, no second type inside.  Raises Invalid in plain Japanese (やさしい
    日本語): the person reads it."""
    size = upload.size or 0
    limit = settings.VOICE_NOTE_MAX_BYTES
    if size > limit:
        raise Invalid(
            _("声が長すぎます（%(limit)sまで）。短くして、もう一度送ってください。")
            % {"limit": _size_label(limit)}
        )
    not_sound = _(
        "このファイルは声（音）ではないようです。声を録音したファイルをえらんでください。"
    )
    upload.seek(0)
    data = b"".join(upload.chunks())  # at most VOICE_NOTE_MAX_BYTES, checked above
    upload.seek(0)
    kind = filetype.guess(data[:SNIFF_BYTES]) if data else None
    if kind is None or kind.mime not in VOICE_NOTE_TYPES:
        raise Invalid(not_sound)
    if polyglots.second_types(data, kind.mime):
        raise Invalid(not_sound)
    content_type = VOICE_NOTE_TYPES[kind.mime]
    return CheckedFile(
        upload=upload,
        original_name=_("声のメッセージ") + "." + extension_for(content_type),
        content_type=content_type,
        size=size,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _size_label(size: int) -> str:
    mib = 1024 * 1024
    return f"{size // mib}MB" if size % mib == 0 else f"{size / mib:.1f}MB"


# --- Progress notes ---------------------------------------------------------------------------


def note_problems(data: Mapping[str, Any]) -> dict[str, str]:
    """The rules a note must meet beyond its fields' types, by field.  The form shows them next
    to the fields; the service refuses with them (422 in the API)."""
    problems: dict[str, str] = {}
    occurred_at = data.get("occurred_at")
    if isinstance(occurred_at, dt.datetime) and occurred_at > timezone.now() + FUTURE_TOLERANCE:
        problems["occurred_at"] = _("日時が未来になっています。実際の日時を入力してください。")
    elif isinstance(occurred_at, dt.datetime) and (
        floor := original_date_problem(occurred_at, label=_("日時"), future_allowed=True)
    ):
        problems["occurred_at"] = floor
    if not str(data.get("text") or "").strip():
        problems["text"] = _("内容を入力してください。")
    # The person's own entry (person_voice) is written only through the portal, never by staff.
    if data.get("kind") not in NoteKind.values or data.get("kind") == NoteKind.PERSON_VOICE:
        problems["kind"] = _("種別を選んでください。")
    if data.get("is_motivating_moment") and not str(data.get("motivating_moment") or "").strip():
        problems["motivating_moment"] = _(
            "「心の動く場面」に印を付けたときは、その場面の内容を書いてください。"
        )
    next_contact = next_contact_problem(data.get("next_contact_on"), occurred_at)
    if next_contact:
        problems["next_contact_on"] = next_contact
    return problems


def next_contact_problem(day: object, occurred_at: object) -> str:
    """A next contact is after the contact it follows (the same day is fine)."""
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        return ""
    if isinstance(occurred_at, dt.datetime):
        base = (
            timezone.localtime(occurred_at).date()
            if timezone.is_aware(occurred_at)
            else occurred_at.date()
        )
    else:
        base = timezone.localdate()
    if day < base:
        return _("次回連絡予定日は、記録の日付より後の日にしてください。")
    return ""


@audit.atomic_with_refusals
def note_create(
    actor: Actor,
    *,
    case: Case,
    data: Mapping[str, Any],
    files: Sequence[UploadedFile] = (),
) -> ProgressNote:
    """Record a note with its attachments.  A refused attachment refuses the whole note: every
    file is checked before anything is written."""
    problems = note_problems(data)
    if problems:
        raise Invalid(" ".join(problems.values()))
    checked = [attachment_check(upload) for upload in files]
    if actor.organization is None:
        raise Forbidden(_("所属を選んでから記録してください。"))

    is_moment = bool(data.get("is_motivating_moment"))
    note = ProgressNote(
        case=case,
        occurred_at=data.get("occurred_at") or timezone.now(),
        kind=data["kind"],
        author=actor.user,
        author_organization=actor.organization,
        participants=str(data.get("participants") or "").strip(),
        text=str(data["text"]).strip(),
        is_motivating_moment=is_moment,
        motivating_moment=str(data.get("motivating_moment") or "").strip() if is_moment else "",
        is_restricted=bool(data.get("is_restricted")),
        next_contact_on=data.get("next_contact_on") or None,
    )
    try:
        note.full_clean()
    except ValidationError as exc:
        raise invalid_from(exc, ProgressNote) from None
    note.save()
    # The next contact becomes the author's task in the same transaction.
    follow_up = plans_services.note_follow_up_sync(actor, note=note)

    with attachments_stored(NoteAttachment, checked, uploaded_by=actor.user, note=note) as stored:
        audit.record(
            action=Action.RECORD_CREATED,
            actor=actor,
            target=note,
            detail={
                "case": case.pk,
                "kind": note.kind,
                "is_restricted": note.is_restricted,
                "attachments": [a.pk for a in stored],
                "next_contact_on": str(note.next_contact_on) if note.next_contact_on else None,
                "task": follow_up.pk if follow_up else None,
            },
        )
        record_late_entry(actor, target=note, own=note.occurred_at)
    # A restricted note is read only by the lead organization and its author: only they are
    # told of a mention in it.
    mentioned = mentioned_team_users(
        case,
        note.text,
        organization_ids={case.lead_organization_id} if note.is_restricted else None,
    )
    notify(
        recipients=mentioned,
        kind=NotificationKind.NOTE_MENTION,
        target=note,
        caused_by=actor.user,
    )
    return note


@audit.atomic_with_refusals
def note_next_contact_set(
    actor: Actor, *, note: ProgressNote, next_contact_on: dt.date | None
) -> ProgressNote:
    """Change or clear a note's next-contact date; its open task moves or is cancelled with
    it.  The note itself is a record and stays as written: only this plan for the next
    contact changes, and only its author's organization changes it (the task is theirs)."""
    actor = audit.require_writer(actor, target=note, deferred=True)
    if actor.organization_id != note.author_organization_id:
        raise audit.refusal(
            actor,
            target=note,
            reason="not the author's organization",
            message=_("次回連絡予定日を変えられるのは、記録した機関だけです。"),
        )
    problem = next_contact_problem(next_contact_on, note.occurred_at)
    if problem:
        raise FieldErrors({"next_contact_on": problem})
    locked = ProgressNote.objects.select_for_update().get(pk=note.pk)
    before = locked.next_contact_on
    if before == next_contact_on:
        return locked
    locked.next_contact_on = next_contact_on
    try:
        locked.full_clean(exclude=["case", "author", "author_organization"])
    except ValidationError as exc:
        raise invalid_from(exc, ProgressNote) from None
    locked.save(update_fields=["next_contact_on", "updated_at"])
    task = plans_services.note_follow_up_sync(actor, note=locked)
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=locked,
        detail={
            "case": locked.case_id,
            "next_contact_on": [
                str(before) if before else None,
                str(next_contact_on) if next_contact_on else None,
            ],
            "task": task.pk if task else None,
        },
    )
    return locked


# --- Note templates (記録のひな形) ------------------------------------------------------------


def note_template_editors_are_managers(organization_id: int) -> bool:
    """An organization with managers (システム上の役割 管理者) leaves its templates to them;
    one without lets every writer keep them."""
    return (
        Membership.objects.current()
        .filter(organization_id=organization_id, role=SystemRole.MANAGER, user__is_active=True)
        .exists()
    )


def can_edit_note_templates(actor: Actor) -> bool:
    if actor.organization_id is None or not actor.can_write:
        return False
    assert actor.membership is not None  # noqa: S101  # can_write says so
    if actor.membership.role == SystemRole.MANAGER:
        return True
    return not note_template_editors_are_managers(actor.organization_id)


def _template_editor(actor: Actor, target: NoteTemplate | None) -> Actor:
    actor = audit.require_writer(
        actor, target=target, target_type="records.notetemplate", deferred=True
    )
    if not can_edit_note_templates(actor):
        raise audit.refusal(
            actor,
            target=target,
            target_type="records.notetemplate",
            reason="not a manager",
            message=_("記録のひな形を変えられるのは、機関の管理者だけです。"),
        )
    return actor


def _template_clean(template: NoteTemplate) -> None:
    template.name = " ".join(template.name.split())
    # A browser sends CRLF; the template is kept with plain line ends.
    body = template.body.replace("\r\n", "\n").replace("\r", "\n")
    template.body = body.strip("\n").rstrip()
    problems: dict[str, str] = {}
    if not template.name:
        problems["name"] = _("ひな形の名前を入力してください。")
    if template.kind not in NoteKind.values or template.kind == NoteKind.PERSON_VOICE:
        problems["kind"] = _("種別を選んでください。")
    if not template.body.strip():
        problems["body"] = _("本文のひな形を入力してください。")
    if problems:
        raise FieldErrors(problems)
    try:
        template.full_clean(exclude=["organization", "created_by"], validate_constraints=False)
    except ValidationError as exc:
        raise invalid_from(exc, NoteTemplate) from None
    clash = NoteTemplate.objects.filter(
        organization_id=template.organization_id, name=template.name, is_active=True
    ).exclude(pk=template.pk)
    if template.is_active and clash.exists():
        raise FieldErrors(
            {"name": _("同じ名前の使用中のひな形があります。別の名前にしてください。")}
        )


@audit.atomic_with_refusals
def note_template_create(actor: Actor, *, name: str, kind: str, body: str) -> NoteTemplate:
    """A new template of the acting organization."""
    actor = _template_editor(actor, None)
    assert actor.organization_id is not None  # noqa: S101  # require_writer checked it
    template = NoteTemplate(
        organization_id=actor.organization_id,
        name=name,
        kind=kind,
        body=body,
        created_by=actor.user,
    )
    _template_clean(template)
    template.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=template,
        detail={"name": template.name, "kind": template.kind},
    )
    return template


@audit.atomic_with_refusals
def note_template_update(
    actor: Actor,
    *,
    template: NoteTemplate,
    name: str | None = None,
    kind: str | None = None,
    body: str | None = None,
    is_active: bool | None = None,
) -> NoteTemplate:
    """Edit, retire (`is_active=False`) or bring back a template.  A field left `None` is not
    changed.  Notes already written from it keep their text."""
    actor = _template_editor(actor, template)
    if template.organization_id != actor.organization_id:  # the access helper already says 404
        raise audit.refusal(
            actor,
            target=template,
            reason="another organization's template",
            message=_("ほかの機関のひな形は変えられません。"),
        )
    before = {f: getattr(template, f) for f in (*NOTE_TEMPLATE_FIELDS, "is_active")}
    for field, value in (("name", name), ("kind", kind), ("body", body), ("is_active", is_active)):
        if value is not None:
            setattr(template, field, value)
    _template_clean(template)
    changed = [f for f, old in before.items() if getattr(template, f) != old]
    if not changed:
        return template
    template.save(update_fields=[*changed, "updated_at"])
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=template,
        detail={"changed": changed, "is_active": template.is_active},
    )
    return template


# --- The case's message board -----------------------------------------------------------------


@audit.atomic_with_refusals
def board_message_post(
    actor: Actor,
    *,
    case: Case,
    text: str,
    parent: BoardMessage | None = None,
    mention_ids: Sequence[int] = (),
    files: Sequence[UploadedFile] = (),
) -> BoardMessage:
    """Post a message (or a reply) on the case's board, for its team.  The caller fetched the
    case with `records.access.access_board_case(..., for_write=True)`.  Mentions are the
    `@username`s in the text and the users picked, both only among the team's users; each one
    mentioned is notified.  A refused attachment refuses the message."""
    body = text.strip()
    if not body:
        raise Invalid(_("メッセージを入力してください。"))
    if len(body) > BOARD_TEXT_MAX:
        raise Invalid(_("メッセージは%(max)s文字以内にしてください。") % {"max": BOARD_TEXT_MAX})
    if parent is not None:
        if parent.case_id != case.pk:
            raise Invalid(_("返信先のメッセージが見つかりません。"))
        parent = parent.parent or parent  # replies stay one level deep
    checked = [attachment_check(upload) for upload in files]
    if actor.organization is None:
        raise Forbidden(_("所属を選んでから投稿してください。"))
    message = BoardMessage(
        case=case,
        parent=parent,
        author=actor.user,
        author_organization=actor.organization,
        text=body,
    )
    try:
        message.full_clean()
    except ValidationError as exc:
        raise invalid_from(exc, BoardMessage) from None
    message.save()
    mentioned = mentioned_team_users(case, body, extra_ids=mention_ids)
    message.mentions.set(mentioned)
    with attachments_stored(
        BoardAttachment, checked, uploaded_by=actor.user, message=message
    ) as stored:
        audit.record(
            action=Action.RECORD_CREATED,
            actor=actor,
            target=message,
            detail={
                "case": case.pk,
                "parent": parent.pk if parent else None,
                "mentions": [u.pk for u in mentioned],
                "attachments": [a.pk for a in stored],
            },
        )
    notify(
        recipients=mentioned,
        kind=NotificationKind.BOARD_MENTION,
        target=message,
        caused_by=actor.user,
    )
    return message


# --- Formulation ------------------------------------------------------------------------------


def formulation_conflict() -> Conflict:
    return Conflict(
        _("ほかの人が先に見立てを更新しました。最新の版を確認してから、もう一度入力してください。")
    )


@audit.atomic_with_refusals
def formulation_revise(
    actor: Actor,
    *,
    case: Case,
    based_on: int,
    situation_summary: str,
    hypothesis: str,
    support_policy: str,
    background_factors: str = "",
    prompted_by: str = "",
) -> Formulation:
    """Add the next revision of the case's 見立て.  `based_on` is the revision the author was
    looking at (0 for the first); if someone else has revised since, refuse with Conflict so
    that nobody overwrites a colleague's thinking unseen."""
    if actor.organization is None:
        raise Forbidden(_("所属を選んでから記録してください。"))
    # Serialise revisions of one case (a no-op on SQLite, which serialises writers anyway).
    list(Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True))
    latest = Formulation.objects.filter(case=case).order_by("-revision").first()
    current = latest.revision if latest else 0
    if based_on != current:
        raise formulation_conflict()
    if current >= 1 and not prompted_by.strip():
        raise Invalid(_("見立てを見直したきっかけを書いてください。"))

    formulation = Formulation(
        case=case,
        revision=current + 1,
        situation_summary=situation_summary.strip(),
        background_factors=background_factors.strip(),
        hypothesis=hypothesis.strip(),
        support_policy=support_policy.strip(),
        prompted_by=prompted_by.strip(),
        author=actor.user,
        author_organization=actor.organization,
    )
    try:
        # The unique revision is guarded by the lock above and, in a race, by the database.
        formulation.full_clean(validate_constraints=False)
    except ValidationError as exc:
        raise invalid_from(exc, Formulation) from None
    try:
        with audit.atomic():
            formulation.save(force_insert=True)
    except IntegrityError:
        raise formulation_conflict() from None

    changed = [
        field
        for field in FORMULATION_FIELDS
        if field != "prompted_by"
        and (latest is None or getattr(latest, field) != getattr(formulation, field))
    ]
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=formulation,
        detail={"case": case.pk, "revision": formulation.revision, "changed": changed},
    )
    return formulation
