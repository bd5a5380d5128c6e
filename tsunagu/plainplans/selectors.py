"""Reads of plain plans: the staff's lists and checks, and what the person's portal shows.

`released_for(person, audience=...)` is the portal's one way to a plain plan (issue 22 item 2):
the release in force of the person's open case, with only the sections released to that
audience.  It takes no actor: the portal asks for the person signed in, and audits the read
itself (who-looked-at-my-record counts staff, not the person reading their own plan).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Q, QuerySet
from django.utils import timezone

from tsunagu.cases.models import Case, CaseStatus
from tsunagu.core.actor import Actor
from tsunagu.people.models import Person
from tsunagu.plainplans import checker
from tsunagu.plainplans.access import plain_plans_visible_to
from tsunagu.plainplans.models import Audience, PlainPlan, PlainPlanPart, PlainPlanStatus
from tsunagu.plans.models import MonitoringStatus, SupportPlan

AUDIENCES = tuple(str(a) for a in Audience)


def plain_plan_list(actor: Actor, *, case: Case) -> QuerySet[PlainPlan]:
    return (
        plain_plans_visible_to(actor)
        .filter(case=case)
        .select_related("author", "author_organization", "released_by", "plan")
        .order_by("-version")
    )


def plain_plan_parts(plain_plan: PlainPlan) -> list[PlainPlanPart]:
    return list(plain_plan.parts.order_by("position", "pk"))


def next_meeting(plan: SupportPlan, *, today: dt.date | None = None) -> dt.date | None:
    """The next monitoring of the plan still to come (its schedule), or None."""
    today = today or timezone.localdate()
    return (
        plan.monitorings.filter(status=MonitoringStatus.SCHEDULED, due_on__gte=today)
        .order_by("due_on")
        .values_list("due_on", flat=True)
        .first()
    )


def names_of(plain_plan: PlainPlan) -> dict[str, str]:
    """The names read with their recorded readings: the person's (`furigana.person_names`)."""
    return plain_plan.person_readings


def flags(
    plain_plan: PlainPlan, parts: Sequence[PlainPlanPart] | None = None
) -> list[checker.Flag]:
    parts = plain_plan_parts(plain_plan) if parts is None else parts
    texts = {"goals": plain_plan.goals, "next_meeting_note": plain_plan.next_meeting_note}
    for index, part in enumerate(parts, start=1):
        texts[f"part-{index}-who"] = part.who
        texts[f"part-{index}-what"] = part.what
    return checker.check_fields(
        texts, grade=plain_plan.kanji_grade, names=list(names_of(plain_plan))
    )


def shown_as(plain_plan: PlainPlan, audience: str) -> PlainPlan:
    """`plain_plan` set to show the sections of `audience`, ready for the person's template."""
    if audience not in AUDIENCES:
        raise ValueError(audience)
    plain_plan.audience = audience
    return plain_plan


def released_for(person: Person, *, audience: str, case_id: int | None = None) -> PlainPlan | None:
    """The plain plan released to `person` ("person") or to their family member ("family"),
    or None: nothing released, the case closed, or (for the family) no section allowed.
    `case_id` narrows it to one case's plan (the portal account is for one case)."""
    if audience not in AUDIENCES:
        raise ValueError(audience)
    released = PlainPlan.objects.filter(person=person, status=PlainPlanStatus.RELEASED).exclude(
        case__status=CaseStatus.CLOSED
    )
    if case_id is not None:
        released = released.filter(case_id=case_id)
    if audience == Audience.FAMILY:
        released = released.filter(
            Q(family_goals=True) | Q(family_parts=True) | Q(family_meeting=True)
        )
    plain_plan = (
        released.select_related("person", "case")
        .prefetch_related("parts")
        .order_by("-released_at", "-pk")
        .first()
    )
    return shown_as(plain_plan, audience) if plain_plan is not None else None
