"""Reads of notes and formulations, built on the access layer (records/access.py over
cases/access.py).

A timeline page writes exactly one audit row, naming the notes it showed, so the "who looked at
my record" report can say which notes were seen.  To keep it to one row, the timeline fetches
its case or household with the access layer's refusal (404 + access.denied) but without the
helper's own record.viewed row, and writes the richer row itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.safestring import SafeString

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.cases import access
from tsunagu.cases.models import Case
from tsunagu.core.actor import Actor
from tsunagu.core.validation import field_label
from tsunagu.people.models import Household, HouseholdMember
from tsunagu.records import access as records_access
from tsunagu.records.diff import inline_diff
from tsunagu.records.models import Formulation, NoteAttachment, ProgressNote

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
