"""The one way in to assessments, plans, contingencies, monitorings and tasks.

They are person-level data hanging off a case, so each is visible exactly when its case is
(tsunagu/cases/access.py, ADR 0005).  A task without a case (one from a network meeting) is
visible to its owner organization only.  The helpers answer NotFound for missing and
not-yours alike and leave the same audit rows as the case helpers.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tsunagu.cases.access import access_object, visible_case_ids
from tsunagu.core.actor import Actor
from tsunagu.plans.models import (
    Assessment,
    ContingencyTrigger,
    Monitoring,
    PlanItem,
    SupportPlan,
    Task,
)


def assessments_visible_to(actor: Actor) -> QuerySet[Assessment]:
    return Assessment.objects.filter(case_id__in=visible_case_ids(actor))


def plans_visible_to(actor: Actor) -> QuerySet[SupportPlan]:
    return SupportPlan.objects.filter(case_id__in=visible_case_ids(actor))


def plan_items_visible_to(actor: Actor) -> QuerySet[PlanItem]:
    return PlanItem.objects.filter(plan__case_id__in=visible_case_ids(actor))


def contingencies_visible_to(actor: Actor) -> QuerySet[ContingencyTrigger]:
    return ContingencyTrigger.objects.filter(case_id__in=visible_case_ids(actor))


def monitorings_visible_to(actor: Actor) -> QuerySet[Monitoring]:
    return Monitoring.objects.filter(plan__case_id__in=visible_case_ids(actor))


def tasks_visible_to(actor: Actor) -> QuerySet[Task]:
    if actor.organization_id is None:
        return Task.objects.none()
    return Task.objects.filter(
        Q(case_id__in=visible_case_ids(actor))
        | Q(case__isnull=True, owner_organization_id=actor.organization_id)
    )


def access_assessment(
    actor: Actor, assessment_id: object, *, for_write: bool = False
) -> Assessment:
    queryset = assessments_visible_to(actor).select_related(
        "case", "case__person", "case__household", "author", "author_organization"
    )
    obj = access_object(actor, queryset, assessment_id, for_write=for_write)
    assert isinstance(obj, Assessment)  # noqa: S101
    return obj


def access_plan(
    actor: Actor, plan_id: object, *, for_write: bool = False, audit_read: bool = True
) -> SupportPlan:
    queryset = plans_visible_to(actor).select_related(
        "case",
        "case__person",
        "case__household",
        "case__lead_organization",
        "case__lead_worker",
        "author",
        "author_organization",
        "based_on",
    )
    obj = access_object(actor, queryset, plan_id, for_write=for_write, audit_read=audit_read)
    assert isinstance(obj, SupportPlan)  # noqa: S101
    return obj


def access_plan_item(actor: Actor, item_id: object, *, for_write: bool = False) -> PlanItem:
    queryset = plan_items_visible_to(actor).select_related("plan", "plan__case")
    obj = access_object(actor, queryset, item_id, for_write=for_write)
    assert isinstance(obj, PlanItem)  # noqa: S101
    return obj


def access_contingency(
    actor: Actor, trigger_id: object, *, for_write: bool = False
) -> ContingencyTrigger:
    queryset = contingencies_visible_to(actor).select_related("case")
    obj = access_object(actor, queryset, trigger_id, for_write=for_write)
    assert isinstance(obj, ContingencyTrigger)  # noqa: S101
    return obj


def access_monitoring(
    actor: Actor, monitoring_id: object, *, for_write: bool = False
) -> Monitoring:
    queryset = monitorings_visible_to(actor).select_related(
        "plan",
        "plan__case",
        "plan__case__person",
        "plan__case__household",
        "plan__case__lead_organization",
        "plan__case__lead_worker",
        "conducted_by",
        "conducted_by_organization",
    )
    obj = access_object(actor, queryset, monitoring_id, for_write=for_write)
    assert isinstance(obj, Monitoring)  # noqa: S101
    return obj


def access_task(actor: Actor, task_id: object, *, for_write: bool = False) -> Task:
    queryset = tasks_visible_to(actor).select_related("case", "owner_organization", "owner_worker")
    obj = access_object(actor, queryset, task_id, for_write=for_write)
    assert isinstance(obj, Task)  # noqa: S101
    return obj
