"""Who sees and records what in the rights advocacy app.

A guardianship petition is seen by whoever sees its person (`persons_visible_to`); anyone else
gets the audited 404 of a record that is not there.  The core center and the city department
record petitions; only the city department records the steps that are the mayor's decisions.
Discrimination consultations are the core center's and the city's: they record them and read
them; every other organization gets a 404.
"""

from __future__ import annotations

from django.db.models import QuerySet

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.cases.access import persons_visible_to, visible_person_ids
from tsunagu.core.actor import Actor
from tsunagu.organizations.models import OVERSIGHT_KINDS, OrganizationKind
from tsunagu.people.models import Person
from tsunagu.rights.models import (
    CORE_CENTER_STEPS,
    CostSupportDecision,
    DiscriminationConsultation,
    GuardianshipPetition,
    PetitionerKind,
    SelfRelianceReferral,
)

PETITION = "rights.guardianshippetition"
CONSULTATION = "rights.discriminationconsultation"
PERSON = "people.person"


def is_oversight(actor: Actor) -> bool:
    org = actor.organization
    return org is not None and org.kind in OVERSIGHT_KINDS


def is_city(actor: Actor) -> bool:
    org = actor.organization
    return org is not None and org.kind == OrganizationKind.CITY_DEPARTMENT


def may_record(actor: Actor) -> bool:
    return is_oversight(actor) and actor.can_write


def may_record_step(actor: Actor, petition: GuardianshipPetition, step: str) -> bool:
    """The city department records every step; the core center supports a 市長申立て up to
    the survey of relatives, and records every step of another petitioner's petition."""
    if not may_record(actor):
        return False
    if is_city(actor):
        return True
    return petition.petitioner != PetitionerKind.MAYOR or step in CORE_CENTER_STEPS


def access_person(actor: Actor, person_id: object) -> Person:
    pk = audit.object_pk(actor, PERSON, person_id)
    person = persons_visible_to(actor).filter(pk=pk).first()
    if person is None:
        raise audit.not_found(actor, PERSON, pk, "person not visible")
    return person


def petitions_visible_to(actor: Actor) -> QuerySet[GuardianshipPetition]:
    return GuardianshipPetition.objects.filter(person_id__in=visible_person_ids(actor))


def access_petition(actor: Actor, petition_id: object) -> GuardianshipPetition:
    pk = audit.object_pk(actor, PETITION, petition_id)
    petition = petitions_visible_to(actor).select_related("person").filter(pk=pk).first()
    if petition is None:
        raise audit.not_found(actor, PETITION, pk, "person not visible")
    return petition


def consultations_visible_to(actor: Actor) -> QuerySet[DiscriminationConsultation]:
    if not is_oversight(actor):
        return DiscriminationConsultation.objects.none()
    return DiscriminationConsultation.objects.all()


def access_consultation(actor: Actor, consultation_id: object) -> DiscriminationConsultation:
    pk = audit.object_pk(actor, CONSULTATION, consultation_id)
    consultation = consultations_visible_to(actor).filter(pk=pk).first()
    if consultation is None:
        raise audit.not_found(actor, CONSULTATION, pk, "not the core center or the city")
    return consultation


def shown_person(actor: Actor, consultation: DiscriminationConsultation) -> Person | None:
    """The consulter's person record, only to those who see that person anyway."""
    if consultation.person_id is None:
        return None
    return persons_visible_to(actor).filter(pk=consultation.person_id).first()


def read_petition(actor: Actor, petition_id: object) -> GuardianshipPetition:
    """`access_petition`, with the read audited."""
    petition = access_petition(actor, petition_id)
    audit.record(
        action=Action.RECORD_VIEWED,
        actor=actor,
        target=petition,
        person_ids=[petition.person_id],
    )
    return petition


def read_consultation(actor: Actor, consultation_id: object) -> DiscriminationConsultation:
    """`access_consultation`, with the read audited (and the person, when shown)."""
    consultation = access_consultation(actor, consultation_id)
    person = shown_person(actor, consultation)
    audit.record(
        action=Action.RECORD_VIEWED,
        actor=actor,
        target=consultation,
        person_ids=[person.pk] if person is not None else [],
    )
    return consultation


REFERRAL = "rights.selfreliancereferral"


def access_referral(actor: Actor, referral_id: object) -> SelfRelianceReferral:
    pk = audit.object_pk(actor, REFERRAL, referral_id)
    referral = (
        SelfRelianceReferral.objects.filter(person_id__in=visible_person_ids(actor), pk=pk)
        .select_related("person", "council")
        .first()
    )
    if referral is None:
        raise audit.not_found(actor, REFERRAL, pk, "person not visible")
    return referral


def referrals_visible_to(actor: Actor) -> QuerySet[SelfRelianceReferral]:
    if not is_oversight(actor):
        return SelfRelianceReferral.objects.none()
    return SelfRelianceReferral.objects.filter(person_id__in=visible_person_ids(actor))


def cost_decisions_visible_to(actor: Actor) -> QuerySet[CostSupportDecision]:
    if not is_oversight(actor):
        return CostSupportDecision.objects.none()
    return CostSupportDecision.objects.filter(person_id__in=visible_person_ids(actor))
