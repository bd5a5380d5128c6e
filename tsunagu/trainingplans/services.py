"""Writes of the training plan: each in one transaction, with its audit row there."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError
from django.utils.translation import gettext as _

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Conflict, FieldErrors, Forbidden
from tsunagu.core.validation import full_clean_fields
from tsunagu.meetings.models import CommunityIssue
from tsunagu.trainingplans import access, selectors
from tsunagu.trainingplans.models import (
    NeedSource,
    PlannedTraining,
    PlanStatus,
    TrainingPlan,
)
from tsunagu.trainings.models import TrainingEvent

ITEM_FIELDS = (
    "theme",
    "month",
    "kind",
    "target_kinds",
    "target_note",
    "need_source",
    "expertise_theme",
    "need_note",
)


def _require_planner(actor: Actor) -> None:
    if not access.may_plan(actor):
        audit.record_denial(actor, target_type=access.PLAN, reason="not the core center")
        raise Forbidden(_("研修計画を作成できるのは基幹相談支援センターの職員です。"))


def _require_change(actor: Actor, plan: TrainingPlan) -> None:
    if not access.may_change(actor, plan):
        audit.record_denial(
            actor, target_type=access.PLAN, target_id=plan.pk, reason="not the planner"
        )
        raise Forbidden(_("研修計画を変更できるのは作成した基幹相談支援センターの職員です。"))


@audit.atomic_with_refusals
def plan_create(actor: Actor, *, fiscal_year: int, note: str = "") -> TrainingPlan:
    _require_planner(actor)
    assert actor.organization is not None  # noqa: S101  # may_plan says so
    if TrainingPlan.objects.filter(
        organization=actor.organization, fiscal_year=fiscal_year
    ).exists():
        raise Conflict(_("この年度の研修計画はすでにあります。"))
    plan = TrainingPlan(
        organization=actor.organization,
        fiscal_year=fiscal_year,
        note=note.strip(),
        created_by=actor.user,
    )
    full_clean_fields(plan, exclude=["organization", "created_by"])
    try:
        with audit.atomic():
            plan.save()
    except IntegrityError:
        raise Conflict(_("この年度の研修計画はすでにあります。")) from None
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=plan,
        detail={"fiscal_year": fiscal_year, "note": plan.note},
    )
    return plan


@audit.atomic_with_refusals
def plan_update(
    actor: Actor, *, plan: TrainingPlan, note: str | None = None, status: str | None = None
) -> TrainingPlan:
    _require_change(actor, plan)
    plan = TrainingPlan.objects.select_for_update().get(pk=plan.pk)
    before = {"note": plan.note, "status": plan.status}
    if note is not None:
        plan.note = note.strip()
    if status is not None:
        if status not in PlanStatus.values:
            raise FieldErrors({"status": _("状態を選んでください。")})
        plan.status = status
    full_clean_fields(plan, exclude=["organization", "created_by"])
    plan.save(update_fields=["note", "status", "updated_at"])
    after = {"note": plan.note, "status": plan.status}
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=plan,
        detail={"changed": {k: [before[k], after[k]] for k in after if before[k] != after[k]}},
    )
    return plan


def _check_item(
    plan: TrainingPlan, fields: dict[str, Any], issue: CommunityIssue | None
) -> CommunityIssue | None:
    if "theme" in fields:
        fields["theme"] = str(fields["theme"]).strip()
        if not fields["theme"]:
            raise FieldErrors({"theme": _("テーマを入力してください。")})
    source = fields.get("need_source")
    if source == NeedSource.COMMUNITY_ISSUE and issue is None:
        raise FieldErrors({"community_issue": _("もとの地域課題を選んでください。")})
    if source != NeedSource.COMMUNITY_ISSUE:
        issue = None
    if source == NeedSource.EXPERTISE_GAP and not fields.get("expertise_theme"):
        raise FieldErrors({"expertise_theme": _("不足している専門性の分野を選んでください。")})
    if source != NeedSource.EXPERTISE_GAP:
        fields["expertise_theme"] = ""
    return issue


def _check_events(plan: TrainingPlan, events: Iterable[TrainingEvent]) -> list[TrainingEvent]:
    chosen = list(events)
    allowed = set(selectors.center_events(plan).values_list("pk", flat=True))
    if any(e.pk not in allowed for e in chosen):
        raise FieldErrors(
            {
                "events": _(
                    "紐づけられるのは、この年度にセンターが主催・共催した研修（中止を除く）です。"
                )
            }
        )
    return chosen


def _snapshot(item: PlannedTraining) -> dict[str, Any]:
    return {
        **{name: getattr(item, name) for name in ITEM_FIELDS},
        "community_issue": item.community_issue_id,
        "events": sorted(item.events.values_list("pk", flat=True)) if item.pk else [],
    }


@audit.atomic_with_refusals
def item_create(
    actor: Actor,
    *,
    plan: TrainingPlan,
    community_issue: CommunityIssue | None = None,
    events: Iterable[TrainingEvent] = (),
    **fields: Any,
) -> PlannedTraining:
    _require_change(actor, plan)
    issue = _check_item(plan, fields, community_issue)
    chosen = _check_events(plan, events)
    item = PlannedTraining(plan=plan, community_issue=issue, **fields)
    full_clean_fields(item, exclude=["plan"])
    item.save()
    item.events.set(chosen)
    audit.record(action=Action.RECORD_CREATED, actor=actor, target=item, detail=_snapshot(item))
    return item


@audit.atomic_with_refusals
def item_update(
    actor: Actor,
    *,
    item: PlannedTraining,
    events: Iterable[TrainingEvent] | None = None,
    **fields: Any,
) -> PlannedTraining:
    _require_change(actor, item.plan)
    item = PlannedTraining.objects.select_for_update().select_related("plan").get(pk=item.pk)
    before = _snapshot(item)
    issue = fields.pop("community_issue", item.community_issue)
    merged = {**{name: getattr(item, name) for name in ITEM_FIELDS}, **fields}
    issue = _check_item(item.plan, merged, issue)
    for name, value in merged.items():
        setattr(item, name, value)
    item.community_issue = issue
    full_clean_fields(item, exclude=["plan"])
    item.save()
    if events is not None:
        item.events.set(_check_events(item.plan, events))
    after = _snapshot(item)
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=item,
        detail={"changed": {k: [before[k], after[k]] for k in after if before[k] != after[k]}},
    )
    return item


@audit.atomic_with_refusals
def item_delete(actor: Actor, *, item: PlannedTraining) -> TrainingPlan:
    _require_change(actor, item.plan)
    plan = item.plan
    audit.record(action=Action.RECORD_DELETED, actor=actor, target=item, detail=_snapshot(item))
    item.delete()
    return plan
