"""Who sees and changes which criteria set and which self-evaluation: one way in for each.

- The criteria are the city department's: its staff with write rights draft and publish them; a
  draft is the city's alone, a published set is read by every consultation office, the core
  center and the city.
- An office's self-evaluation is its own: its staff read it, its writers fill and submit it.
  Once submitted (and after, if returned), the core center serving the office's area and the
  city read it; the center writes its comments and releases them; the center or the city may
  return it for revision.  No one else (another office, a ward office, a council member's
  organization) learns that it exists: the 404 of a page that does not exist, audited.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tsunagu.audit import services as audit
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Forbidden
from tsunagu.organizations.models import Organization, OrganizationKind
from tsunagu.organizations.selectors import area_and_below
from tsunagu.selfevaluations.models import (
    EVALUATED_KINDS,
    CriteriaArea,
    CriteriaItem,
    CriteriaSet,
    SelfEvaluation,
    SetStatus,
)

SET = "selfevaluations.criteriaset"
AREA = "selfevaluations.criteriaarea"
ITEM = "selfevaluations.criteriaitem"
EVALUATION = "selfevaluations.selfevaluation"
OFFICE = "organizations.organization"


def _kind(actor: Actor) -> str | None:
    org = actor.organization
    return org.kind if org is not None and org.is_active else None


def is_city(actor: Actor) -> bool:
    return _kind(actor) == OrganizationKind.CITY_DEPARTMENT


def is_core(actor: Actor) -> bool:
    return _kind(actor) == OrganizationKind.CORE_CENTER


def is_office(actor: Actor) -> bool:
    return _kind(actor) in EVALUATED_KINDS


def may_view(actor: Actor) -> bool:
    """The menu and the home page: the offices, the core center and the city."""
    return is_office(actor) or is_core(actor) or is_city(actor)


def sees_offices(actor: Actor) -> bool:
    """The figures across offices (the summary): the core center and the city."""
    return is_core(actor) or is_city(actor)


def may_manage_criteria(actor: Actor) -> bool:
    return is_city(actor) and actor.can_write


def may_evaluate(actor: Actor) -> bool:
    return is_office(actor) and actor.can_write


# --- Criteria -------------------------------------------------------------------------------


def sets_visible_to(actor: Actor) -> QuerySet[CriteriaSet]:
    if is_city(actor):
        return CriteriaSet.objects.all()
    if may_view(actor):
        return CriteriaSet.objects.filter(status=SetStatus.PUBLISHED)
    return CriteriaSet.objects.none()


def _check_manage(actor: Actor, target_type: str, pk: int) -> None:
    if not may_manage_criteria(actor):
        audit.record_denial(actor, target_type=target_type, target_id=pk, reason="not the city")
        raise Forbidden(_("評価基準を変更できるのは市担当課の職員です。"))


def access_set(actor: Actor, set_id: object, *, for_write: bool = False) -> CriteriaSet:
    pk = audit.object_pk(actor, SET, set_id)
    found = sets_visible_to(actor).filter(pk=pk).first()
    if found is None:
        raise audit.not_found(actor, SET, pk, "not visible to the acting organization")
    if for_write:
        _check_manage(actor, SET, pk)
    return found


def access_area(actor: Actor, area_id: object, *, for_write: bool = False) -> CriteriaArea:
    pk = audit.object_pk(actor, AREA, area_id)
    found = (
        CriteriaArea.objects.filter(criteria_set__in=sets_visible_to(actor))
        .select_related("criteria_set")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise audit.not_found(actor, AREA, pk, "not visible to the acting organization")
    if for_write:
        _check_manage(actor, AREA, pk)
    return found


def access_item(actor: Actor, item_id: object, *, for_write: bool = False) -> CriteriaItem:
    pk = audit.object_pk(actor, ITEM, item_id)
    found = (
        CriteriaItem.objects.filter(area__criteria_set__in=sets_visible_to(actor))
        .select_related("area", "area__criteria_set")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise audit.not_found(actor, ITEM, pk, "not visible to the acting organization")
    if for_write:
        _check_manage(actor, ITEM, pk)
    return found


# --- Offices and their evaluations ------------------------------------------------------------


def offices_in_reach(actor: Actor) -> QuerySet[Organization]:
    """The consultation offices whose evaluations the actor reads beside their own: every one
    for the city; for a core center, those serving its areas or any area under them (as the
    organization management reads a center's reach); for an office, itself."""
    offices = Organization.objects.filter(kind__in=EVALUATED_KINDS)
    org = actor.organization
    if org is None or not may_view(actor):
        return Organization.objects.none()
    if is_city(actor):
        return offices
    if is_core(actor):
        areas: set[int] = set()
        for area in org.areas_served.all():
            areas |= area_and_below(area)
        served = Organization.areas_served.through.objects.filter(area_id__in=areas)
        return offices.filter(pk__in=served.values("organization_id"))
    return offices.filter(pk=org.pk)


def evaluations_visible_to(actor: Actor) -> QuerySet[SelfEvaluation]:
    """An office's own, any state; the center's offices' and (for the city) every office's once
    submitted.  A draft never leaves its office."""
    if is_office(actor):
        return SelfEvaluation.objects.filter(organization=actor.organization)
    if sees_offices(actor):
        return SelfEvaluation.objects.filter(
            organization__in=offices_in_reach(actor), submitted_at__isnull=False
        )
    return SelfEvaluation.objects.none()


def access_evaluation(actor: Actor, evaluation_id: object) -> SelfEvaluation:
    pk = audit.object_pk(actor, EVALUATION, evaluation_id)
    found = (
        evaluations_visible_to(actor)
        .select_related("organization", "criteria_set", "submitted_by", "center_organization")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise audit.not_found(actor, EVALUATION, pk, "not visible to the acting organization")
    return found


def access_office(actor: Actor, organization_id: object) -> Organization:
    """An office whose years the actor may compare: its own, the center's, the city's."""
    pk = audit.object_pk(actor, OFFICE, organization_id)
    found = offices_in_reach(actor).filter(pk=pk).first()
    if found is None:
        raise audit.not_found(actor, OFFICE, pk, "not an office in reach")
    return found


def is_own(actor: Actor, evaluation: SelfEvaluation) -> bool:
    return evaluation.organization_id == actor.organization_id


def may_fill(actor: Actor, evaluation: SelfEvaluation) -> bool:
    return is_own(actor, evaluation) and actor.can_write and evaluation.is_editable_by_office


def may_review(actor: Actor, evaluation: SelfEvaluation) -> bool:
    """The core center serving the office writes comments on what was submitted."""
    return (
        is_core(actor)
        and actor.can_write
        and evaluation.submitted_at is not None
        and offices_in_reach(actor).filter(pk=evaluation.organization_id).exists()
    )


def may_return(actor: Actor, evaluation: SelfEvaluation) -> bool:
    return (
        sees_offices(actor)
        and actor.can_write
        and offices_in_reach(actor).filter(pk=evaluation.organization_id).exists()
    )


def sees_center_comments(actor: Actor, evaluation: SelfEvaluation) -> bool:
    """The center and the city always; the office once the center released them."""
    return not is_own(actor, evaluation) or evaluation.is_released
