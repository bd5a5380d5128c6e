"""Who sees and changes which training plan: one way in for each.

The plan is the network's (seed 004: the center plans training for the offices): every member
of a network organization (the consultation offices, the core center, the ward offices, the
city) reads a published plan; a plan still being written is its core center's and the city's.
Only the core center that made a plan changes it.  Anyone else gets the 404 of a page that does
not exist, with its access.denied row.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tsunagu.audit import services as audit
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Forbidden
from tsunagu.expertise.selectors import NETWORK_KINDS
from tsunagu.organizations.models import OrganizationKind
from tsunagu.trainingplans.models import PlannedTraining, PlanStatus, TrainingPlan

PLAN = "trainingplans.trainingplan"
ITEM = "trainingplans.plannedtraining"


def may_view(actor: Actor) -> bool:
    org = actor.organization
    return org is not None and org.is_active and org.kind in NETWORK_KINDS


def may_plan(actor: Actor) -> bool:
    """The core center's staff with write rights make plans."""
    org = actor.organization
    return (
        org is not None
        and org.is_active
        and org.kind == OrganizationKind.CORE_CENTER
        and actor.can_write
    )


def sees_needs(actor: Actor) -> bool:
    """The needs panel (counts only) is for those who plan and oversee: core center, city."""
    org = actor.organization
    return org is not None and org.kind in (
        OrganizationKind.CORE_CENTER,
        OrganizationKind.CITY_DEPARTMENT,
    )


def plans_visible_to(actor: Actor) -> QuerySet[TrainingPlan]:
    if not may_view(actor):
        return TrainingPlan.objects.none()
    org = actor.organization
    assert org is not None  # noqa: S101  # may_view says so
    if org.kind == OrganizationKind.CITY_DEPARTMENT:
        return TrainingPlan.objects.all()
    return TrainingPlan.objects.filter(Q(status=PlanStatus.PUBLISHED) | Q(organization=org))


def may_change(actor: Actor, plan: TrainingPlan) -> bool:
    return plan.organization_id == actor.organization_id and may_plan(actor)


def _check_change(actor: Actor, plan: TrainingPlan, target_type: str, pk: int) -> None:
    if not may_change(actor, plan):
        audit.record_denial(actor, target_type=target_type, target_id=pk, reason="not the planner")
        raise Forbidden(_("研修計画を変更できるのは作成した基幹相談支援センターの職員です。"))


def access_plan(actor: Actor, plan_id: object, *, for_write: bool = False) -> TrainingPlan:
    """A plan the actor sees (and, `for_write`, changes), else NotFound / Forbidden, audited."""
    pk = audit.object_pk(actor, PLAN, plan_id)
    plan = plans_visible_to(actor).select_related("organization").filter(pk=pk).first()
    if plan is None:
        raise audit.not_found(actor, PLAN, pk, "not visible to the acting organization")
    if for_write:
        _check_change(actor, plan, PLAN, pk)
    return plan


def access_item(actor: Actor, item_id: object, *, for_write: bool = False) -> PlannedTraining:
    pk = audit.object_pk(actor, ITEM, item_id)
    item = (
        PlannedTraining.objects.filter(plan__in=plans_visible_to(actor))
        .select_related("plan", "plan__organization", "community_issue")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise audit.not_found(actor, ITEM, pk, "not visible to the acting organization")
    if for_write:
        _check_change(actor, item.plan, ITEM, pk)
    return item
