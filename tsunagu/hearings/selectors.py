"""Reads of the hearings app, narrowed to what the actor may see (hearings/access.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from tsunagu.core.actor import Actor
from tsunagu.hearings import access
from tsunagu.hearings.models import Direction, Finding, Hearing, HearingRound
from tsunagu.meetings.models import BodyKind, IssueTheme, MeetingBody
from tsunagu.organizations.models import Organization, OrganizationKind

COUNCIL_KINDS = (BodyKind.COUNCIL, BodyKind.SUBCOMMITTEE)
HEARD_KINDS = (
    OrganizationKind.DESIGNATED_PLANNING_OFFICE,
    OrganizationKind.CHILD_PLANNING_OFFICE,
    OrganizationKind.COMMISSIONED_OFFICE,
    OrganizationKind.COMMUNITY_TRANSITION_OFFICE,
)


def round_rows(actor: Actor) -> QuerySet[HearingRound]:
    return (
        access.rounds_visible_to(actor)
        .select_related("holder")
        .annotate(hearing_count=Count("hearings", distinct=True))
    )


def round_hearings(actor: Actor, round_: HearingRound) -> QuerySet[Hearing]:
    """The round's hearings the actor sees: all for the holder, its own for an office."""
    return (
        access.hearings_visible_to(actor)
        .filter(round=round_)
        .prefetch_related("offices", "interviewers")
        .order_by("held_on", "pk")
    )


def round_findings(round_: HearingRound) -> QuerySet[Finding]:
    """For an actor who reached the round through access.access_results."""
    return round_.findings.prefetch_related("hearings").order_by("pk")


def round_directions(actor: Actor, round_: HearingRound) -> QuerySet[Direction]:
    return (
        access.directions_visible_to(actor)
        .filter(round=round_)
        .select_related("adopted_meeting", "community_issue", "resource_development")
        .prefetch_related("findings")
        .order_by("pk")
    )


def heard_offices() -> QuerySet[Organization]:
    return Organization.objects.active().filter(kind__in=HEARD_KINDS).order_by("kind", "name_kana")


def councils() -> QuerySet[MeetingBody]:
    return MeetingBody.objects.filter(kind__in=COUNCIL_KINDS, is_active=True).order_by("name")


@dataclass
class ThemeGroup:
    theme: str
    label: str
    findings: list[Finding] = field(default_factory=list)
    directions: list[Direction] = field(default_factory=list)


def results_by_theme(actor: Actor, round_: HearingRound) -> list[ThemeGroup]:
    """The round's findings rolled up by theme (a finding under each of its themes), with the
    directions the actor sees that rest on them, in the order of the themes."""
    findings = list(round_findings(round_))
    directions = list(round_directions(actor, round_))
    groups = {value: ThemeGroup(value, str(label)) for value, label in IssueTheme.choices}
    for finding in findings:
        for theme in finding.themes:
            if theme in groups:
                groups[theme].findings.append(finding)
    for direction in directions:
        groups[direction.theme].directions.append(direction)
    return [g for g in groups.values() if g.findings or g.directions]
