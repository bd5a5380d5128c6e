"""The core center's queue of possible duplicates that an office may not see (issue 13, item 7).

When a registration or an edit matches a record the office may not see, the office is told
nothing (its answer is the same with or without the match) and a DuplicateCandidate waits here.
The core center, the city's hub, sees both records' identifying data for this purpose only and
decides: the two records are one person (link), they are two people (distinct), or the office
that holds the older record is asked to contact the person (a task for that office that names
only its own record, never the registering office or the new record).  Every step is audited.

Only members of a core center reach the queue; for anyone else every URL of it answers 404.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Conflict, Forbidden, Invalid, NotFound
from tsunagu.organizations.models import Organization, OrganizationKind
from tsunagu.people.models import DuplicateCandidate, DuplicateStatus

TARGET_TYPE = "people.duplicatecandidate"
PENDING = (DuplicateStatus.OPEN, DuplicateStatus.CONTACT_REQUESTED)


# Asking the office to contact the person reaches it as a task on its task list, which the plans
# app keeps.  Plans stand above people, so they register the delivery here when ready
# (`PlansConfig.ready`): a dependency inversion (docs/architecture.md), in the same transaction
# as the decision.  Given the actor, the candidate, the office to ask and the task's title and
# description, it writes the task (and its audit row) and answers the task's id.
ContactRequest = Callable[[Actor, DuplicateCandidate, Organization, str, str], int]

_contact_request: ContactRequest | None = None


def register_contact_request(deliver: ContactRequest) -> None:
    global _contact_request  # set once, at start-up, by the plans app
    _contact_request = deliver


class Decision:
    LINK = "link"
    CONTACT = "contact"
    DISTINCT = "distinct"


def is_core_center(actor: Actor) -> bool:
    org = actor.organization
    return org is not None and org.kind == OrganizationKind.CORE_CENTER


def _queue_actor(actor: Actor, target_id: object = "") -> Actor:
    """The actor, if it acts for a core center; NotFound (audited) for everyone else, so the
    queue's URLs tell an office nothing, not even that the queue has something in it."""
    if not is_core_center(actor):
        audit.record_denial(
            actor,
            target_type=TARGET_TYPE,
            target_id=str(target_id)[:64],
            reason="duplicate queue: not the core center",
        )
        raise NotFound(_("見つかりません。"))
    return actor


# --- Reads ------------------------------------------------------------------------------------


def duplicate_queue(actor: Actor, *, status: str = "") -> QuerySet[DuplicateCandidate]:
    """Candidates for the core center: pending ones (the default), `done` or `all`."""
    _queue_actor(actor)
    candidates = DuplicateCandidate.objects.select_related(
        "person",
        "match",
        "raised_by_organization",
        "match__registered_by_organization",
        "contact_organization",
        "decided_by",
    )
    if status == "all":
        return candidates
    if status == "done":
        return candidates.exclude(status__in=PENDING)
    return candidates.filter(status__in=PENDING)


def access_duplicate_candidate(
    actor: Actor, candidate_id: object, *, for_write: bool = False
) -> DuplicateCandidate:
    """One candidate for the core center; NotFound for anyone else and for a missing id."""
    actor = _queue_actor(actor, candidate_id)
    try:
        pk = int(str(candidate_id))
    except ValueError:
        pk = 0
    candidate = duplicate_queue(actor=actor, status="all").filter(pk=pk).first() if pk > 0 else None
    if candidate is None:
        audit.record_denial(
            actor, target_type=TARGET_TYPE, target_id=str(candidate_id)[:64], reason="not found"
        )
        raise NotFound(_("見つかりません。"))
    if for_write and not actor.can_write:
        audit.record_denial(
            actor, target_type=TARGET_TYPE, target_id=pk, reason="read-only membership"
        )
        raise Forbidden(_("閲覧のみの権限では変更できません。"))
    if not for_write:
        audit.record(
            action=Action.RECORD_VIEWED,
            actor=actor,
            target=candidate,
            detail={"persons": [candidate.person_id, candidate.match_id]},
        )
    return candidate


def record_queue_read(actor: Actor, candidates: list[DuplicateCandidate]) -> None:
    """The list shows both records of each candidate: one row naming them all."""
    audit.record(
        action=Action.RECORD_VIEWED,
        actor=actor,
        target_type=TARGET_TYPE,
        detail={
            "list": True,
            "candidates": [c.pk for c in candidates],
            "persons": sorted({i for c in candidates for i in (c.person_id, c.match_id)}),
        },
    )


# --- The decisions ------------------------------------------------------------------------------


def contact_task_text(candidate: DuplicateCandidate) -> tuple[str, str]:
    """What the holding office is told: its own record and what to do, nothing about the
    office that registered the other record nor about that record."""
    title = _("本人への連絡のお願い（基幹相談支援センターから）")
    description = _(
        "貴機関の記録（本人 No.%(id)s、/people/%(id)s/）の方が、ほかの窓口でも相談を始めて"
        "いる可能性があります。本人に連絡を取り、関係する機関と情報を共有してよいか（同意）を"
        "確かめ、結果を基幹相談支援センターにお知らせください。"
    ) % {"id": candidate.match_id}
    return title, description


def duplicate_candidate_decide(
    actor: Actor, *, candidate: DuplicateCandidate, decision: str, note: str = ""
) -> DuplicateCandidate:
    """Link, ask for contact, or mark distinct; a decided candidate stays decided.  A link
    records that the two records are one person for the core center: it shares nothing by
    itself (sharing needs the person's own basis, DESIGN.md §5)."""
    actor = _queue_actor(actor, candidate.pk)
    if not actor.can_write:
        audit.record_denial(
            actor, target_type=TARGET_TYPE, target_id=candidate.pk, reason="read-only membership"
        )
        raise Forbidden(_("閲覧のみの権限では変更できません。"))
    new_status = {
        Decision.LINK: DuplicateStatus.LINKED,
        Decision.CONTACT: DuplicateStatus.CONTACT_REQUESTED,
        Decision.DISTINCT: DuplicateStatus.DISTINCT,
    }.get(decision)
    if new_status is None:
        raise Invalid(_("対応を選んでください。"), code="validation_error")
    if candidate.status not in PENDING or candidate.status == new_status:
        raise Conflict(_("この候補はすでに対応済みです。一覧を開き直してください。"))
    note = note.strip()[:200]
    from_status = candidate.status
    with audit.atomic():  # the delivery's refusal outlives the rollback (ADR 0009)
        contact_org = None
        task_id = None
        if new_status == DuplicateStatus.CONTACT_REQUESTED:
            if _contact_request is None:
                raise ImproperlyConfigured("no app delivers the duplicate queue's contact requests")
            contact_org = candidate.match.registered_by_organization
            title, description = contact_task_text(candidate)
            task_id = _contact_request(actor, candidate, contact_org, title, description)
        now = timezone.now()
        updated = DuplicateCandidate.objects.filter(pk=candidate.pk, status=from_status).update(
            status=new_status,
            decided_by=actor.user,
            decided_at=now,
            note=note,
            contact_organization=contact_org or candidate.contact_organization,
            updated_at=now,
        )
        if updated == 0:
            raise Conflict(_("ほかの人が先に対応しました。一覧を開き直してください。"))
        candidate.refresh_from_db()
        audit.record(
            action=Action.RECORD_UPDATED,
            actor=actor,
            target=candidate,
            detail={
                "decision": decision,
                "from": from_status,
                "to": new_status,
                "task": task_id,
            },
        )
    return candidate
