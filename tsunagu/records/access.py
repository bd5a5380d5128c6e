"""The one way in to progress notes, formulations and their attachments (DESIGN.md §5).

The rules of the records, on top of the case rules (`cases.access`): a note or formulation is
seen with its case, and a restricted note only by its author, its author's organization and the
case's lead organization *for notes written since it became the lead*: after a transfer (移管)
the old lead's restricted notes stay with the organization that wrote them, and the new lead
reads the handover summary instead (ADR 0012).
A helper answers `NotFound` for "missing" and "not yours" alike, audited, as
`cases.access.access_object` does.
"""

from __future__ import annotations

from django.db.models import F, Q, QuerySet

from tsunagu.cases.access import access_object, active_team_members, visible_case_ids
from tsunagu.cases.models import Case
from tsunagu.core.actor import Actor
from tsunagu.records.models import (
    BoardAttachment,
    BoardMessage,
    Formulation,
    NoteAttachment,
    NoteTemplate,
    ProgressNote,
)


def notes_visible_to(actor: Actor) -> QuerySet[ProgressNote]:
    """Notes of visible cases; a restricted note only for its author, the author's
    organization, and the lead organization for the notes written while it is the lead."""
    if actor.organization_id is None:
        return ProgressNote.objects.none()
    org_id = actor.organization_id
    return ProgressNote.objects.filter(case_id__in=visible_case_ids(actor)).filter(
        Q(is_restricted=False)
        | Q(author=actor.user)
        | Q(author_organization_id=org_id)
        | (
            Q(case__lead_organization_id=org_id)
            & (Q(case__lead_since__isnull=True) | Q(created_at__gte=F("case__lead_since")))
        )
    )


def formulations_visible_to(actor: Actor) -> QuerySet[Formulation]:
    return Formulation.objects.filter(case_id__in=visible_case_ids(actor))


# --- Access helpers: one object, 404 when not visible, audited ------------------------------


def access_note(actor: Actor, note_id: object, *, for_write: bool = False) -> ProgressNote:
    queryset = notes_visible_to(actor).select_related("case", "author")
    obj = access_object(actor, queryset, note_id, for_write=for_write)
    assert isinstance(obj, ProgressNote)  # noqa: S101
    return obj


def access_attachment(
    actor: Actor, attachment_id: object, *, audit_read: bool = True
) -> NoteAttachment:
    queryset = NoteAttachment.objects.filter(note__in=notes_visible_to(actor)).select_related(
        "note"
    )
    obj = access_object(actor, queryset, attachment_id, for_write=False, audit_read=audit_read)
    assert isinstance(obj, NoteAttachment)  # noqa: S101
    return obj


def access_formulation(actor: Actor, formulation_id: object) -> Formulation:
    obj = access_object(actor, formulations_visible_to(actor), formulation_id, for_write=False)
    assert isinstance(obj, Formulation)  # noqa: S101
    return obj


# --- Note templates: the acting organization's own ---------------------------------------------


def note_templates_of(actor: Actor) -> QuerySet[NoteTemplate]:
    """The acting organization's templates; another organization's are not there at all."""
    if actor.organization_id is None:
        return NoteTemplate.objects.none()
    return NoteTemplate.objects.filter(organization_id=actor.organization_id)


def access_note_template(
    actor: Actor, template_id: object, *, for_write: bool = False
) -> NoteTemplate:
    """A template of the acting organization, or NotFound (audited) for any other id."""
    obj = access_object(
        actor, note_templates_of(actor), template_id, for_write=for_write, audit_read=False
    )
    assert isinstance(obj, NoteTemplate)  # noqa: S101
    return obj


# --- The case's message board: the team only ---------------------------------------------


def board_case_ids(actor: Actor) -> QuerySet[Case]:
    """Cases whose board the acting organization may read: it leads the case or is on its team
    now.  Narrower than `visible_case_ids`: break-glass opens a person's record for an
    emergency, not the team's conversation."""
    if actor.organization_id is None:
        return Case.objects.none()
    org_id = actor.organization_id
    return Case.objects.filter(
        Q(lead_organization_id=org_id)
        | Q(pk__in=active_team_members().filter(organization_id=org_id).values("case_id"))
    )


def board_messages_visible_to(actor: Actor) -> QuerySet[BoardMessage]:
    return BoardMessage.objects.filter(case__in=board_case_ids(actor).values("pk"))


def access_board_case(actor: Actor, case_id: object, *, for_write: bool = False) -> Case:
    """The case, for its board; 404 (audited) for an outsider and a former team member."""
    queryset = board_case_ids(actor).select_related("person", "household", "lead_organization")
    obj = access_object(actor, queryset, case_id, for_write=for_write, audit_read=False)
    assert isinstance(obj, Case)  # noqa: S101
    return obj


def access_board_message(actor: Actor, message_id: object) -> BoardMessage:
    queryset = board_messages_visible_to(actor).select_related("case")
    obj = access_object(actor, queryset, message_id, for_write=False, audit_read=False)
    assert isinstance(obj, BoardMessage)  # noqa: S101
    return obj


def access_board_attachment(actor: Actor, attachment_id: object) -> BoardAttachment:
    queryset = BoardAttachment.objects.filter(
        message__in=board_messages_visible_to(actor)
    ).select_related("message")
    # The download writes its own row (selectors.record_board_attachment_downloaded).
    obj = access_object(actor, queryset, attachment_id, for_write=False, audit_read=False)
    assert isinstance(obj, BoardAttachment)  # noqa: S101
    return obj
