"""Reads of the life hub and the resident activities."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from tsunagu.core.actor import Actor
from tsunagu.directory.holds import Audience
from tsunagu.lifehub import access
from tsunagu.lifehub.models import (
    EmergencyRequest,
    EmergencyStatus,
    HubFunction,
    HubRole,
    PublicationConsent,
    ResidentActivity,
)
from tsunagu.meetings import selectors as meeting_selectors
from tsunagu.meetings.models import BodyKind, Meeting, MeetingBody


def held_activity_resources(audience: Audience) -> Any:
    """The resources of the activities whose group has no standing consent to `audience`
    (registered with the directory, directory/holds.py)."""
    standing = PublicationConsent.objects.filter(scope=audience, withdrawn_at__isnull=True).values(
        "activity_id"
    )
    return ResidentActivity.objects.exclude(pk__in=standing).values("resource_id")


def activity_rows(actor: Actor) -> QuerySet[ResidentActivity]:
    standing = PublicationConsent.objects.filter(withdrawn_at__isnull=True)
    return access.activities_visible_to(actor).prefetch_related(
        Prefetch("consents", queryset=standing, to_attr="standing_consents")
    )


def activity_consents(activity: ResidentActivity) -> QuerySet[PublicationConsent]:
    return activity.consents.select_related("recorded_by", "recorded_by_organization").order_by(
        "-recorded_at", "-pk"
    )


def standing_scopes(activity: ResidentActivity) -> set[str]:
    return set(activity.consents.filter(withdrawn_at__isnull=True).values_list("scope", flat=True))


@dataclass
class FunctionRow:
    function: str
    label: str
    roles: list[HubRole] = field(default_factory=list)


def hub_functions() -> list[FunctionRow]:
    """The five functions, each with the organizations filling it now."""
    rows = {value: FunctionRow(value, str(label)) for value, label in HubFunction.choices}
    current = HubRole.objects.filter(ended_on__isnull=True).select_related("organization")
    for role in current.order_by("function", "organization__name", "pk"):
        rows[role.function].roles.append(role)
    return list(rows.values())


def operating_bodies() -> QuerySet[MeetingBody]:
    """The hub's operating meeting (運営会議), with its secretariat."""
    return (
        MeetingBody.objects.filter(kind=BodyKind.LIFE_HUB_OPERATIONS, is_active=True)
        .prefetch_related("secretariats", "member_organizations")
        .order_by("name", "pk")
    )


def operating_meetings(actor: Actor, bodies: list[MeetingBody]) -> list[Meeting]:
    """The latest meetings of the operating bodies that the actor may see (meetings' rule)."""
    visible = meeting_selectors.meetings_visible_to(actor)
    return list(
        visible.filter(body__in=bodies).select_related("body").order_by("-starts_at", "-pk")[:5]
    )


def emergency_rows(actor: Actor) -> QuerySet[EmergencyRequest]:
    return access.emergencies_visible_to(actor).order_by("-received_at", "-pk")


@dataclass(frozen=True)
class EmergencySummary:
    received: int
    accepted: int  # accepted, staying or ended
    declined: int
    open: int
    by_place: list[tuple[str, int]]
    average_days: float | None


def emergency_summary(rows: list[EmergencyRequest]) -> EmergencySummary:
    places: Counter[str] = Counter()
    days: list[int] = []
    for row in rows:
        if row.accepted_by is not None and row.status in (
            EmergencyStatus.ACCEPTED,
            EmergencyStatus.ENDED,
        ):
            places[row.accepted_by.name] += 1
        if row.stay_days is not None:
            days.append(row.stay_days)
    status = Counter(row.status for row in rows)
    return EmergencySummary(
        received=len(rows),
        accepted=status[EmergencyStatus.ACCEPTED] + status[EmergencyStatus.ENDED],
        declined=status[EmergencyStatus.DECLINED],
        open=status[EmergencyStatus.RECEIVED],
        by_place=sorted(places.items(), key=lambda item: (-item[1], item[0])),
        average_days=round(sum(days) / len(days), 1) if days else None,
    )
