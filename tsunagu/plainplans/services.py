"""Writes of plain plans: each runs in one transaction and writes its audit row.

A draft is started from the case's current support plan (its goals and items as a first
draft for the counselor to rewrite, the next monitoring as the next meeting), changed while it
is a draft, and released.  Releasing replaces the release before it for the person; the
sections the family may see need the day the person allowed it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tsunagu.audit import services as audit
from tsunagu.audit.actions import register_action
from tsunagu.audit.models import Action
from tsunagu.cases.access import access_case
from tsunagu.cases.models import Case
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Conflict, FieldErrors, Invalid
from tsunagu.core.validation import full_clean
from tsunagu.plainplans import access, selectors
from tsunagu.plainplans.models import WHO_MAX_LENGTH, PlainPlan, PlainPlanPart, PlainPlanStatus
from tsunagu.plans import selectors as plans
from tsunagu.plans.access import access_plan_item
from tsunagu.plans.models import PlanItem, SupportKind

ACTION_RELEASED = register_action("plainplans.released", gettext_lazy("わかりやすい計画の公開"))
MAX_PARTS = 20


def _first_goals(plan: Any) -> str:
    return "\n".join(t.strip() for t in (plan.long_term_goal, plan.short_term_goal) if t.strip())


def _who(item: PlanItem) -> str:
    """Who does an item's part, as the person knows them: the helper (母), the provider or
    the service's place (ひだまり工房), else the responsible team member."""
    if item.support_kind == SupportKind.INFORMAL and item.informal_support:
        return item.informal_support
    return item.provider_name or item.resource_name or item.responsible_label or item.support_label


@audit.atomic_with_refusals
def plain_plan_start(actor: Actor, *, case: Case) -> PlainPlan:
    """A draft from the case's current plan; the release before it gives the grade and the
    family's sections."""
    case = access_case(actor, case.pk, for_write=True)
    plan = plans.plan_current(actor, case=case)
    if plan is None:
        raise Invalid(_("このケースには支援計画がありません。先に支援計画を作ってください。"))
    if PlainPlan.objects.filter(case=case, status=PlainPlanStatus.DRAFT).exists():
        raise Conflict(_("下書きがすでにあります。その下書きを直してください。"))
    assert actor.organization is not None  # noqa: S101  # access_case for_write says so
    before = PlainPlan.objects.filter(case=case).order_by("-version").first()
    version = (PlainPlan.objects.filter(case=case).aggregate(v=Max("version"))["v"] or 0) + 1
    plain_plan = PlainPlan(
        case=case,
        person=case.person,
        plan=plan,
        version=version,
        goals=before.goals if before is not None else _first_goals(plan),
        next_meeting_on=selectors.next_meeting(plan),
        author=actor.user,
        author_organization=actor.organization,
    )
    if before is not None:
        plain_plan.kanji_grade = before.kanji_grade
        plain_plan.next_meeting_note = before.next_meeting_note
        for name in ("family_goals", "family_parts", "family_meeting"):
            setattr(plain_plan, name, getattr(before, name))
        plain_plan.family_allowed_on = before.family_allowed_on
        plain_plan.family_allowed_note = before.family_allowed_note
    full_clean(plain_plan)
    plain_plan.save()
    for position, item in enumerate(plans.plan_items(plan)):
        part = PlainPlanPart(
            plain_plan=plain_plan,
            position=position,
            who=_who(item)[:WHO_MAX_LENGTH],
            what=item.goal,
            plan_item=item,
        )
        full_clean(part, exclude=["plain_plan"])
        part.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=plain_plan,
        person_ids=[case.person_id] if case.person_id else [],
        detail={"case": case.pk, "plan": plan.pk, "version": version},
    )
    return plain_plan


def _require_draft(plain_plan: PlainPlan) -> None:
    if plain_plan.status != PlainPlanStatus.DRAFT:
        raise Conflict(_("公開した版は変えられません。新しい版を作ってください。"))


@audit.atomic_with_refusals
def plain_plan_update(
    actor: Actor,
    *,
    plain_plan: PlainPlan,
    goals: str,
    parts: Sequence[dict[str, Any]],
    next_meeting_on: dt.date | None,
    next_meeting_note: str = "",
    kanji_grade: int,
) -> PlainPlan:
    """The draft's words: goals, the parts in order (`who`, `what`, optional `plan_item`),
    the next meeting and the grade of kanji the checker allows."""
    plain_plan = access.access_plain_plan(actor, plain_plan.pk, for_write=True)
    plain_plan = PlainPlan.objects.select_for_update().get(pk=plain_plan.pk)
    _require_draft(plain_plan)
    kept = [p for p in parts if str(p.get("who", "")).strip() or str(p.get("what", "")).strip()]
    if len(kept) > MAX_PARTS:
        raise FieldErrors(
            {"parts": _("「だれが何をするか」は%(n)d件までです。") % {"n": MAX_PARTS}}
        )
    errors: dict[str, str] = {}
    for index, part in enumerate(kept, start=1):
        if not str(part.get("who", "")).strip() or not str(part.get("what", "")).strip():
            errors["parts"] = _("%(n)d件目: 「だれが」と「何をするか」の両方を書いてください。") % {
                "n": index
            }
    if errors:
        raise FieldErrors(errors)
    plain_plan.goals = goals.strip()
    plain_plan.next_meeting_on = next_meeting_on
    plain_plan.next_meeting_note = next_meeting_note.strip()
    plain_plan.kanji_grade = kanji_grade
    full_clean(plain_plan)
    plain_plan.save(
        update_fields=[
            "goals",
            "next_meeting_on",
            "next_meeting_note",
            "kanji_grade",
            "updated_at",
        ]
    )
    plain_plan.parts.all().delete()
    for position, part in enumerate(kept):
        item = part.get("plan_item")
        if item is not None:
            item = access_plan_item(actor, getattr(item, "pk", item))
            if item.plan_id != plain_plan.plan_id:
                raise FieldErrors({"parts": _("計画の項目がこの計画のものではありません。")})
        row = PlainPlanPart(
            plain_plan=plain_plan,
            position=position,
            who=str(part["who"]).strip(),
            what=str(part["what"]).strip(),
            plan_item=item,
        )
        full_clean(row, exclude=["plain_plan"])
        row.save()
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=plain_plan,
        person_ids=[plain_plan.person_id],
        detail={"parts": len(kept), "kanji_grade": kanji_grade},
    )
    return plain_plan


@audit.atomic_with_refusals
def plain_plan_release(
    actor: Actor,
    *,
    plain_plan: PlainPlan,
    family_goals: bool = False,
    family_parts: bool = False,
    family_meeting: bool = False,
    family_allowed_on: dt.date | None = None,
    family_allowed_note: str = "",
) -> PlainPlan:
    """Release the draft to the person (and the allowed sections to the family); the release
    before it is replaced."""
    plain_plan = access.access_plain_plan(actor, plain_plan.pk, for_write=True)
    plain_plan = PlainPlan.objects.select_for_update().get(pk=plain_plan.pk)
    _require_draft(plain_plan)
    if not plain_plan.goals.strip() and not plain_plan.parts.exists():
        raise Invalid(_("目標か「だれが何をするか」を書いてから公開してください。"))
    family = family_goals or family_parts or family_meeting
    if family and family_allowed_on is None:
        raise FieldErrors(
            {
                "family_allowed_on": _(
                    "家族に見せるときは、本人が見せてよいと言った日を書いてください。"
                )
            }
        )
    if family_allowed_on is not None and family_allowed_on > timezone.localdate():
        raise FieldErrors({"family_allowed_on": _("未来の日付は書けません。")})
    replaced = list(
        PlainPlan.objects.select_for_update()
        .filter(case_id=plain_plan.case_id, status=PlainPlanStatus.RELEASED)
        .values_list("pk", flat=True)
    )
    PlainPlan.objects.filter(pk__in=replaced).update(
        status=PlainPlanStatus.REPLACED, updated_at=timezone.now()
    )
    plain_plan.status = PlainPlanStatus.RELEASED
    plain_plan.family_goals = family_goals
    plain_plan.family_parts = family_parts
    plain_plan.family_meeting = family_meeting
    plain_plan.family_allowed_on = family_allowed_on if family else None
    plain_plan.family_allowed_note = family_allowed_note.strip() if family else ""
    plain_plan.released_at = timezone.now()
    plain_plan.released_by = actor.user
    full_clean(plain_plan)
    plain_plan.save()
    audit.record(
        action=ACTION_RELEASED,
        actor=actor,
        target=plain_plan,
        person_ids=[plain_plan.person_id],
        detail={
            "version": plain_plan.version,
            "family_sections": plain_plan.family_sections,
            "family_allowed_on": family_allowed_on if family else None,
            "replaced": replaced,
        },
    )
    return plain_plan
