"""Reads of notes and formulations, built on the access layer (records/access.py over
cases/access.py).

A timeline page writes exactly one audit row, naming the notes it showed, so the "who looked at
my record" report can say which notes were seen.  To keep it to one row, the timeline fetches
its case or household with the access layer's refusal (404 + access.denied) but without the
helper's own record.viewed row, and writes the richer row itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.cases import access
from tsunagu.cases.models import Case
from tsunagu.core.actor import Actor
from tsunagu.core.validation import field_label
from tsunagu.notifications.registry import Shown
from tsunagu.people.models import Household, HouseholdMember
from tsunagu.records import access as records_access
from tsunagu.records.diff import inline_diff
from tsunagu.records.models import (
    BoardAttachment,
    BoardMessage,
    Formulation,
    NoteAttachment,
    NoteTemplate,
    ProgressNote,
)

NOTES_PER_PAGE = 20


# --- Fetching the subject of a page (404 + access.denied when not visible) -------------------


def case_for_timeline(actor: Actor, case_id: object) -> Case:
    """The case, refused like `access_case`; the read is audited by `record_notes_shown`."""
    return access.access_case(actor, case_id, audit_read=False)


def household_for_timeline(actor: Actor, household_id: object) -> Household:
    return access.access_household(actor, household_id, audit_read=False)


def attachment_for_download(actor: Actor, attachment_id: object) -> NoteAttachment:
    """The attachment, refused like `access_attachment`; the download writes its own row."""
    return records_access.access_attachment(actor, attachment_id, audit_read=False)


def record_notes_shown(
    actor: Actor, *, target: Case | Household, notes: Iterable[ProgressNote]
) -> None:
    audit.record(
        action=Action.RECORD_VIEWED,
        actor=actor,
        target=target,
        detail={"notes": [note.pk for note in notes]},
    )


def record_attachment_downloaded(actor: Actor, attachment: NoteAttachment) -> None:
    audit.record(
        action=Action.ATTACHMENT_DOWNLOADED,
        actor=actor,
        target=attachment,
        detail={"note": attachment.note_id, "case": attachment.note.case_id},
    )


# --- Note templates ---------------------------------------------------------------------------


def note_template_list(actor: Actor, *, active_only: bool = False) -> QuerySet[NoteTemplate]:
    templates = records_access.note_templates_of(actor)
    if active_only:
        templates = templates.filter(is_active=True)
    return templates.order_by("-is_active", "kind", "name", "pk")


def note_template_chosen(actor: Actor, raw: object) -> NoteTemplate | None:
    """The template a new-note form was asked to start from (`?template=`): one of the acting
    organization's active templates, else none (a junk id, another organization's or a
    retired template all give the plain form, and say nothing about whether it exists)."""
    try:
        pk = int(str(raw))
    except ValueError:
        return None
    if not 1 <= pk <= 2**63 - 1:
        return None
    return note_template_list(actor, active_only=True).filter(pk=pk).first()


# --- Notes ------------------------------------------------------------------------------------


def _with_related(notes: QuerySet[ProgressNote]) -> QuerySet[ProgressNote]:
    return notes.select_related(
        "author", "author_organization", "case__person", "case__household"
    ).prefetch_related(
        Prefetch("attachments", queryset=NoteAttachment.objects.order_by("uploaded_at", "pk"))
    )


def case_note_list(actor: Actor, *, case: Case, kind: str = "") -> QuerySet[ProgressNote]:
    """The case's notes the actor may read (restricted ones only for the lead and author),
    newest first."""
    notes = records_access.notes_visible_to(actor).filter(case=case)
    if kind:
        notes = notes.filter(kind=kind)
    return _with_related(notes).order_by("-occurred_at", "-pk")


def household_note_list(
    actor: Actor, *, household: Household, kind: str = ""
) -> QuerySet[ProgressNote]:
    """Notes of the household's cases and of every case of anyone who is or was a member,
    limited to what the actor may read."""
    member_ids = HouseholdMember.objects.filter(household=household).values("person_id")
    notes = records_access.notes_visible_to(actor).filter(
        Q(case__household=household) | Q(case__person_id__in=member_ids)
    )
    if kind:
        notes = notes.filter(kind=kind)
    return _with_related(notes).order_by("-occurred_at", "-pk")


# --- Formulation ------------------------------------------------------------------------------


def formulation_list(actor: Actor, *, case: Case) -> QuerySet[Formulation]:
    """Every revision of the case's 見立て, newest first."""
    return (
        records_access.formulations_visible_to(actor)
        .filter(case=case)
        .select_related("author", "author_organization")
        .order_by("-revision")
    )


def formulation_current(actor: Actor, *, case: Case) -> Formulation | None:
    return formulation_list(actor=actor, case=case).first()


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    changed: bool
    html: SafeString


@dataclass(frozen=True)
class Revision:
    formulation: Formulation
    previous: Formulation | None
    changes: list[FieldChange]

    @property
    def changed_fields(self) -> list[FieldChange]:
        return [change for change in self.changes if change.changed]


# The fields a revision's "what changed" view compares; prompted_by is about the revision itself.
COMPARED_FIELDS = ("situation_summary", "background_factors", "hypothesis", "support_policy")


def formulation_history(formulations: Iterable[Formulation]) -> list[Revision]:
    """Each revision (newest first) with a per-field diff against the one before it."""
    ordered = sorted(formulations, key=lambda f: f.revision)
    history: list[Revision] = []
    previous: Formulation | None = None
    for formulation in ordered:
        changes = []
        for name in COMPARED_FIELDS:
            new: str = getattr(formulation, name)
            old: str = getattr(previous, name) if previous else ""
            changes.append(
                FieldChange(
                    name=name,
                    label=field_label(Formulation, name),
                    changed=previous is not None and old != new,
                    html=inline_diff(old, new),
                )
            )
        history.append(Revision(formulation=formulation, previous=previous, changes=changes))
        previous = formulation
    history.reverse()
    return history


def formulation_initial(current: Formulation | None) -> dict[str, Any]:
    """The new-revision form starts from the current revision's text."""
    if current is None:
        return {"based_on": 0}
    initial: dict[str, Any] = {name: getattr(current, name) for name in COMPARED_FIELDS}
    initial["based_on"] = current.revision
    return initial


def records_about_cases(case_ids: QuerySet[Any]) -> dict[str, QuerySet[Any]]:
    """The notes and formulations of `case_ids`, for the person's access log (`cases.related`)."""
    return {
        "records.progressnote": ProgressNote.objects.filter(case_id__in=case_ids).values_list(
            "pk", flat=True
        ),
        "records.formulation": Formulation.objects.filter(case_id__in=case_ids).values_list(
            "pk", flat=True
        ),
    }


# --- The case's message board -----------------------------------------------------------------

BOARD_THREADS_PER_PAGE = 20


def board_threads(actor: Actor, *, case: Case) -> QuerySet[BoardMessage]:
    """The board's threads, newest first: each top-level message with its replies (oldest
    first), authors, mentions and attachments, in a fixed number of queries."""
    replies = BoardMessage.objects.select_related("author", "author_organization").prefetch_related(
        "mentions", "attachments"
    )
    return (
        records_access.board_messages_visible_to(actor)
        .filter(case=case, parent__isnull=True)
        .select_related("author", "author_organization")
        .prefetch_related(
            "mentions",
            "attachments",
            Prefetch("replies", queryset=replies.order_by("created_at", "pk")),
        )
        .order_by("-created_at", "-pk")
    )


def record_board_shown(actor: Actor, *, case: Case, messages: Iterable[BoardMessage]) -> None:
    """One row per board page, naming the messages shown (replies included)."""
    shown: list[int] = []
    for message in messages:
        shown.append(message.pk)
        shown.extend(reply.pk for reply in message.replies.all())
    audit.record(
        action=Action.RECORD_VIEWED,
        actor=actor,
        target=case,
        detail={"view": "records.board", "board_messages": shown},
    )


def record_board_attachment_downloaded(actor: Actor, attachment: BoardAttachment) -> None:
    audit.record(
        action=Action.ATTACHMENT_DOWNLOADED,
        actor=actor,
        target=attachment,
        detail={"board_message": attachment.message_id, "case": attachment.message.case_id},
    )


# --- Notifications about notes and board messages, shown to their reader ----------------------


def _case_person_ids(case: Case) -> tuple[int, ...]:
    return (case.person_id,) if case.person_id else ()


def render_note_notifications(actor: Actor, ids: Sequence[int]) -> dict[int, Shown]:
    notes = (
        records_access.notes_visible_to(actor)
        .filter(pk__in=ids)
        .select_related("case__person", "case__household")
    )
    return {
        note.pk: Shown(
            title=_("「%(case)s」の支援経過記録（%(date)s）")
            % {"case": note.case, "date": f"{timezone.localtime(note.occurred_at):%Y-%m-%d}"},
            url=reverse("records:case_notes", kwargs={"case_id": note.case_id}),
            person_ids=_case_person_ids(note.case),
        )
        for note in notes
    }


def render_board_notifications(actor: Actor, ids: Sequence[int]) -> dict[int, Shown]:
    messages = (
        records_access.board_messages_visible_to(actor)
        .filter(pk__in=ids)
        .select_related("case__person", "case__household")
    )
    return {
        message.pk: Shown(
            title=_("「%(case)s」の掲示板") % {"case": message.case},
            url=reverse("records:board", kwargs={"case_id": message.case_id})
            + f"#message-{message.parent_id or message.pk}",
            person_ids=_case_person_ids(message.case),
        )
        for message in messages
    }
