"""Who sees and may change which supervision session and presented case: one way in for each.

A session is seen by the members of the organization that holds it (the core center) and of
the offices that attend it; anyone else gets the 404 of a page that does not exist, with its
access.denied row.  The presented cases of a session are seen by those who see the session:
their summaries are de-identified.  A presented case's link to a real case is shown only to an
organization that sees that case anyway (`cases.access.cases_visible_to`), and each such read
is audited (`linked_cases_shown`).

The core center's staff with write rights hold sessions and record the supervisor's advice; an
attending office presents its own cases, links them to its case (on the basis the core center's
team membership gives) and chooses to write the advice on its case record.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.cases.access import cases_visible_to
from tsunagu.cases.models import Case
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Forbidden
from tsunagu.organizations.models import OrganizationKind
from tsunagu.supervision.models import PresentedCase, SupervisionSession

SESSION = "supervision.supervisionsession"
ITEM = "supervision.presentedcase"

# Who attends: the consultation offices of the network (and the core center's own staff).
OFFICE_KINDS = (
    OrganizationKind.COMMISSIONED_OFFICE,
    OrganizationKind.DESIGNATED_PLANNING_OFFICE,
    OrganizationKind.COMMUNITY_TRANSITION_OFFICE,
    OrganizationKind.CHILD_PLANNING_OFFICE,
    OrganizationKind.CORE_CENTER,
)
# Who reads every office's counts: the core center and the city.
OVERSIGHT_KINDS = (OrganizationKind.CORE_CENTER, OrganizationKind.CITY_DEPARTMENT)


def may_organize(actor: Actor) -> bool:
    """The core center's staff with write rights hold sessions and record advice."""
    org = actor.organization
    return org is not None and org.kind == OrganizationKind.CORE_CENTER and actor.can_write


def may_view(actor: Actor) -> bool:
    org = actor.organization
    return org is not None and org.kind in (*OFFICE_KINDS, *OVERSIGHT_KINDS)


def sees_every_office(actor: Actor) -> bool:
    """The counts of every office: the core center and the city; an office sees its own."""
    org = actor.organization
    return org is not None and org.kind in OVERSIGHT_KINDS


def sessions_visible_to(actor: Actor) -> QuerySet[SupervisionSession]:
    org_id = actor.organization_id
    if org_id is None or not may_view(actor):
        return SupervisionSession.objects.none()
    attending = SupervisionSession.objects.filter(offices__id=org_id).values("pk")
    return SupervisionSession.objects.filter(Q(organizer_id=org_id) | Q(pk__in=attending))


def items_visible_to(actor: Actor) -> QuerySet[PresentedCase]:
    return PresentedCase.objects.filter(session_id__in=sessions_visible_to(actor).values("pk"))


def is_organizer(actor: Actor, session: SupervisionSession) -> bool:
    return session.organizer_id == actor.organization_id and may_organize(actor)


def access_session(
    actor: Actor, session_id: object, *, for_organizer: bool = False
) -> SupervisionSession:
    """A session the actor sees (and, `for_organizer`, holds), else NotFound / Forbidden,
    audited."""
    pk = audit.object_pk(actor, SESSION, session_id)
    session = (
        sessions_visible_to(actor).select_related("organizer", "supervisor").filter(pk=pk).first()
    )
    if session is None:
        raise audit.not_found(actor, SESSION, pk, "not visible to the acting organization")
    if for_organizer and not is_organizer(actor, session):
        audit.record_denial(actor, target_type=SESSION, target_id=pk, reason="not the organizer")
        raise Forbidden(_("変更できるのは開催する基幹相談支援センターの職員です。"))
    return session


def access_item(actor: Actor, item_id: object) -> PresentedCase:
    pk = audit.object_pk(actor, ITEM, item_id)
    item = (
        items_visible_to(actor)
        .select_related("session", "session__organizer", "session__supervisor", "presenting_office")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise audit.not_found(actor, ITEM, pk, "not visible to the acting organization")
    return item


def may_present(actor: Actor, session: SupervisionSession) -> bool:
    """The organizer, or an attending office's writer (for its own cases)."""
    if not actor.can_write or actor.organization_id is None:
        return False
    if is_organizer(actor, session):
        return True
    return session.offices.filter(pk=actor.organization_id).exists()


def is_presenter(actor: Actor, item: PresentedCase) -> bool:
    return actor.can_write and item.presenting_office_id == actor.organization_id


def may_follow_up(actor: Actor, item: PresentedCase) -> bool:
    return is_organizer(actor, item.session) or is_presenter(actor, item)


def visible_linked_cases(actor: Actor, items: Iterable[PresentedCase]) -> dict[int, Case]:
    """Item id → its linked case, for the linked items whose case the actor's organization sees
    anyway; the others show their de-identified summary only."""
    case_ids = {item.case_id for item in items if item.case_id is not None}
    if not case_ids:
        return {}
    cases = {c.pk: c for c in cases_visible_to(actor).filter(pk__in=case_ids)}
    return {
        item.pk: cases[item.case_id]
        for item in items
        if item.case_id is not None and item.case_id in cases
    }


def linked_cases_shown(
    actor: Actor, items: Iterable[PresentedCase], *, view: str
) -> dict[int, Case]:
    """`visible_linked_cases`, with a record.viewed row for each case shown."""
    shown = visible_linked_cases(actor, items)
    for item_pk, case in shown.items():
        audit.record(
            action=Action.RECORD_VIEWED,
            actor=actor,
            target=case,
            detail={"view": view, "supervision_item": item_pk},
        )
    return shown


def linked_cases_listed(
    actor: Actor, session: SupervisionSession, rows: list[PresentedCase], *, view: str
) -> dict[int, Case]:
    """For a page of a session's items (the API list): the links the actor may see, with one
    read row for the page naming the persons of the cases shown.  The same queries whatever
    the page holds: one for the cases, one row of audit."""
    linked_ids = session.items.filter(case__isnull=False).values("case_id")
    cases = {c.pk: c for c in cases_visible_to(actor).filter(pk__in=linked_ids)}
    shown = {
        item.pk: cases[item.case_id]
        for item in rows
        if item.case_id is not None and item.case_id in cases
    }
    audit.record(
        action=Action.RECORDS_LISTED,
        actor=actor,
        target=session,
        detail={
            "view": view,
            "path": actor.origin.path,
            "cases": sorted(c.pk for c in shown.values()),
        },
        person_ids=[c.person_id for c in shown.values() if c.person_id is not None],
    )
    return shown
