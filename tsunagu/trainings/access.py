"""Who sees and may change which training event and registration: one way in for each.

Every member of the network (a user acting for an organization) sees an announced event; a
draft is its organizer's alone.  The core center organizes and registers anyone; an office
registers its own current members.  A registration is seen by its worker, by the office that
registered them (as it was then) and by the organizer; anyone else gets the 404 of a page that
does not exist, with its access.denied row.

An event's materials are for its organizer's staff and the workers registered on it (not those
waiting, not their office colleagues); the questionnaire is answered by each attendee on their
own registration; its aggregated results are the organizer's.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tsunagu.audit import services as audit
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Forbidden
from tsunagu.organizations.models import Membership, OrganizationKind
from tsunagu.trainings.models import (
    Attendance,
    EventStatus,
    Registration,
    RegistrationStatus,
    TrainingEvent,
    TrainingMaterial,
)

EVENT = "trainings.trainingevent"
REGISTRATION = "trainings.registration"
MATERIAL = "trainings.trainingmaterial"
MATERIALS_MAX = 20


def may_organize(actor: Actor) -> bool:
    """The core center's staff with write rights create and run events (seed 000, 004)."""
    org = actor.organization
    return org is not None and org.kind == OrganizationKind.CORE_CENTER and actor.can_write


def may_view(actor: Actor) -> bool:
    return actor.organization is not None


def events_visible_to(actor: Actor) -> QuerySet[TrainingEvent]:
    org_id = actor.organization_id
    if org_id is None:
        return TrainingEvent.objects.none()
    return TrainingEvent.objects.filter(~Q(status=EventStatus.DRAFT) | Q(organizer_id=org_id))


def registrations_visible_to(actor: Actor) -> QuerySet[Registration]:
    org_id = actor.organization_id
    if org_id is None:
        return Registration.objects.none()
    return Registration.objects.filter(
        Q(event__organizer_id=org_id) | Q(organization_id=org_id) | Q(worker_id=actor.user.pk)
    )


def is_organizer(actor: Actor, event: TrainingEvent) -> bool:
    return event.organizer_id == actor.organization_id and may_organize(actor)


def access_event(actor: Actor, event_id: object, *, for_organizer: bool = False) -> TrainingEvent:
    """An event the actor sees (and, `for_organizer`, runs), else NotFound / Forbidden,
    audited."""
    pk = audit.object_pk(actor, EVENT, event_id)
    event = events_visible_to(actor).select_related("organizer").filter(pk=pk).first()
    if event is None:
        raise audit.not_found(actor, EVENT, pk, "not visible to the acting organization")
    if for_organizer and not is_organizer(actor, event):
        audit.record_denial(actor, target_type=EVENT, target_id=pk, reason="not the organizer")
        raise Forbidden(_("研修を変更できるのは主催する基幹相談支援センターの職員です。"))
    return event


def access_registration(actor: Actor, registration_id: object) -> Registration:
    pk = audit.object_pk(actor, REGISTRATION, registration_id)
    registration = (
        registrations_visible_to(actor)
        .select_related("event", "event__organizer", "worker", "organization")
        .filter(pk=pk)
        .first()
    )
    if registration is None:
        raise audit.not_found(actor, REGISTRATION, pk, "not visible to the acting organization")
    return registration


def may_register_for(actor: Actor) -> bool:
    return actor.organization is not None and actor.can_write


def registrable_members(actor: Actor) -> QuerySet[Membership]:
    """Whom the actor may register: anyone in the network for the core center, the office's
    own current members for an office."""
    members = Membership.objects.current().select_related("user", "organization")
    if not may_register_for(actor):
        return members.none()
    org = actor.organization
    assert org is not None  # noqa: S101  # may_register_for says so
    if org.kind == OrganizationKind.CORE_CENTER:
        return members.filter(organization__has_accounts=True).order_by(
            "organization__name_kana", "user__username"
        )
    return members.filter(organization=org).order_by("user__username")


def may_cancel(actor: Actor, registration: Registration) -> bool:
    """The office that registered the worker, the organizer, or the worker."""
    if not actor.can_write:
        return False
    return (
        registration.organization_id == actor.organization_id
        or is_organizer(actor, registration.event)
        or registration.worker_id == actor.user.pk
    )


# --- Materials and the questionnaire ----------------------------------------------------------


def materials_events_of(actor: Actor) -> QuerySet[TrainingEvent]:
    """The events whose materials the actor may have: those the acting organization organizes
    and those the actor is registered on (a place, not the waiting list)."""
    org_id = actor.organization_id
    if org_id is None:
        return TrainingEvent.objects.none()
    mine = Registration.objects.filter(
        worker_id=actor.user.pk, status=RegistrationStatus.REGISTERED
    ).values("event_id")
    return TrainingEvent.objects.filter(Q(organizer_id=org_id) | Q(pk__in=mine))


def may_have_materials(actor: Actor, event: TrainingEvent) -> bool:
    return materials_events_of(actor).filter(pk=event.pk).exists()


def access_materials_event(actor: Actor, event_id: object) -> TrainingEvent:
    """An event whose materials the actor may have, else the 404 (audited)."""
    event = access_event(actor, event_id)
    if not may_have_materials(actor, event):
        raise audit.not_found(actor, EVENT, event.pk, "event materials not for the actor")
    return event


def access_material(
    actor: Actor, material_id: object, *, for_organizer: bool = False
) -> TrainingMaterial:
    """A material of an event the actor may have (and, `for_organizer`, runs), else NotFound /
    Forbidden, audited.  The download writes its own row."""
    pk = audit.object_pk(actor, MATERIAL, material_id)
    material = (
        TrainingMaterial.objects.filter(pk=pk, event__in=materials_events_of(actor))
        .select_related("event", "event__organizer")
        .first()
    )
    if material is None:
        raise audit.not_found(actor, MATERIAL, pk, "event materials not for the actor")
    if for_organizer and not is_organizer(actor, material.event):
        audit.record_denial(actor, target_type=MATERIAL, target_id=pk, reason="not the organizer")
        raise Forbidden(_("資料を削除できるのは主催する基幹相談支援センターの職員です。"))
    return material


def answerable_registration(actor: Actor, event: TrainingEvent) -> Registration | None:
    """The actor's own attended registration on a held event, answered or not."""
    if event.status != EventStatus.HELD:
        return None
    return (
        Registration.objects.filter(
            event=event,
            worker_id=actor.user.pk,
            status=RegistrationStatus.REGISTERED,
            attendance=Attendance.ATTENDED,
        )
        .select_related("event")
        .first()
    )


def access_questionnaire(actor: Actor, event_id: object) -> Registration:
    """The registration through which the actor answers the event's questionnaire: their own,
    attended, on a held event they see; else the 404 of a page that does not exist."""
    event = access_event(actor, event_id)
    registration = answerable_registration(actor, event)
    if registration is None:
        raise audit.not_found(actor, EVENT, event.pk, "no attended registration of the actor")
    return registration


def access_results(actor: Actor, event_id: object) -> TrainingEvent:
    """The event whose questionnaire results the actor reads: the organizer's staff only;
    anyone else gets the 404 (the results are not theirs to know of)."""
    event = access_event(actor, event_id)
    if event.organizer_id != actor.organization_id:
        raise audit.not_found(actor, EVENT, event.pk, "questionnaire results are the organizer's")
    return event
