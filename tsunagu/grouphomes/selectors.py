"""Reads of the group home evaluation, narrowed by access.py."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from tsunagu.core.actor import Actor
from tsunagu.core.dates import fiscal_year_label
from tsunagu.grouphomes import access, services
from tsunagu.grouphomes.models import EvaluationPath, GroupHome, GroupHomeEvaluation, Step
from tsunagu.notifications.registry import Shown


def evaluation_rows(actor: Actor) -> QuerySet[GroupHomeEvaluation]:
    return access.evaluations_visible_to(actor).select_related("home", "home__organization", "body")


def overdue_rows(actor: Actor) -> QuerySet[GroupHomeEvaluation]:
    """The overdue reports the actor sees (the list is for the city and the core center)."""
    return (
        evaluation_rows(actor)
        .filter(pk__in=services.overdue().values("pk"))
        .order_by("report_due_on", "pk")
    )


def awaiting_self_evaluation(actor: Actor) -> QuerySet[GroupHomeEvaluation]:
    """The acting home's evaluations whose self-evaluation it is to fill now."""
    if actor.organization_id is None or not actor.can_write:
        return GroupHomeEvaluation.objects.none()
    return (
        GroupHomeEvaluation.objects.filter(home__organization_id=actor.organization_id)
        .filter(
            Q(path=EvaluationPath.VISIT, step=Step.VISITED)
            | Q(path=EvaluationPath.WRITTEN, step=Step.PLANNED)
        )
        .order_by("-fiscal_year", "pk")
    )


def home_rows(actor: Actor) -> QuerySet[GroupHome]:
    return access.homes_visible_to(actor).select_related("organization", "managed_by")


def render_evaluation_notifications(actor: Actor, ids: Sequence[int]) -> Mapping[int, Shown]:
    """The notifications registry's renderer: the evaluations the reader may see now."""
    rows = evaluation_rows(actor).filter(pk__in=ids)
    return {
        row.pk: Shown(
            title=_("%(home)s（%(year)s）の評価報告書")
            % {
                "home": row.home.organization.name,
                "year": fiscal_year_label(row.fiscal_year),
            },
            url=reverse("grouphomes:evaluation_detail", args=[row.pk]),
        )
        for row in rows
    }
