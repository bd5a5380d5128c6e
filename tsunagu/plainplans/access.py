"""The one way in to plain plans: visible exactly when their case is (ADR 0005), as plans
are (tsunagu/plans/access.py); missing and not-yours answer the same audited 404."""

from __future__ import annotations

from django.db.models import QuerySet

from tsunagu.cases.access import access_object, visible_case_ids
from tsunagu.core.actor import Actor
from tsunagu.plainplans.models import PlainPlan


def plain_plans_visible_to(actor: Actor) -> QuerySet[PlainPlan]:
    return PlainPlan.objects.filter(case_id__in=visible_case_ids(actor))


def access_plain_plan(actor: Actor, plain_plan_id: object, *, for_write: bool = False) -> PlainPlan:
    queryset = plain_plans_visible_to(actor).select_related(
        "case", "case__person", "person", "plan", "author", "author_organization", "released_by"
    )
    obj = access_object(actor, queryset, plain_plan_id, for_write=for_write)
    assert isinstance(obj, PlainPlan)  # noqa: S101
    return obj
