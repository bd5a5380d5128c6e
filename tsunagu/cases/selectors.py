"""Reads for consultations, cases and their teams, always through the access layer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from tsunagu.accounts.models import User
from tsunagu.audit import services as audit
from tsunagu.audit.models import AuditEvent, AuditEventQuerySet
from tsunagu.cases.access import (
    Actor,
    actor_of,
    cases_visible_to,
    consultations_visible_to,
    households_visible_to,
    persons_visible_to,
)
from tsunagu.cases.models import (
    DIFFICULTY_GROUPS,
    BreakGlassAccess,
    Case,
    CaseStatusChange,
    CaseTeamMember,
    Consultation,
    DifficultyFactor,
)
from tsunagu.core.errors import NotFound
from tsunagu.organizations.models import Membership, Organization, OrganizationKind
from tsunagu.people.models import Consent, Household, HouseholdMember, Person
from tsunagu.records.models import Formulation, ProgressNote


def is_break_glass_reviewer(actor: Actor) -> bool:
    if actor.user.is_system_admin:
        return True
    org = actor.organization
    return org is not None and org.kind == OrganizationKind.CORE_CENTER


def lead_worker_choices(case: Case) -> list[User]:
    return [
        m.user
        for m in Membership.objects.current()
        .filter(organization_id=case.lead_organization_id, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name_kana", "user__username")
    ]


def subject_person_ids(case: Case, *, on: dt.date | None = None) -> set[int]:
    """Whose consent counts for a case: the person, or any current member of the household."""
    ids: set[int] = set()
    if case.person_id is not None:
        ids.add(case.person_id)
    if case.household_id is not None:
        ids.update(
            HouseholdMember.objects.current(on)
            .filter(household_id=case.household_id)
            .values_list("person_id", flat=True)
        )
    return ids


def valid_consents_for(case: Case, *, on: dt.date | None = None) -> list[Consent]:
    day = on or timezone.localdate()
    return list(
        Consent.objects.valid_on(day)
        .filter(person_id__in=subject_person_ids(case, on=day))
        .select_related("person")
        .prefetch_related("organizations")
        .order_by("-obtained_on", "-pk")
    )


def consultation_list(*, actor: Actor) -> QuerySet[Consultation]:
    return consultations_visible_to(actor).select_related(
        "person", "household", "organization", "received_by", "case"
    )


def case_list(
    *, actor: Actor, status: str = "", is_complex: bool | None = None, mine: bool = False
) -> QuerySet[Case]:
    cases = cases_visible_to(actor).select_related(
        "person", "household", "lead_organization", "lead_worker"
    )
    if status:
        cases = cases.filter(status=status)
    if is_complex is not None:
        cases = cases.filter(is_complex=is_complex)
    if mine:
        cases = cases.filter(lead_worker=actor.user)
    return cases


def person_choices(actor: Actor) -> QuerySet[Person]:
    return persons_visible_to(actor)


def household_choices(actor: Actor) -> QuerySet[Household]:
    return households_visible_to(actor)


def referring_organization_choices() -> QuerySet[Organization]:
    return Organization.objects.active()


def team_organization_choices() -> QuerySet[Organization]:
    return Organization.objects.active()


def organization_worker_choices(organization: Organization) -> QuerySet[User]:
    return User.objects.filter(
        pk__in=Membership.objects.current().filter(organization=organization).values("user_id"),
        is_active=True,
    ).order_by("full_name_kana", "username")


def team_worker_choices() -> QuerySet[User]:
    """Everyone who could be named as a worker; the service checks the organization."""
    return User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.current()
        .filter(organization__has_accounts=True)
        .values("user_id"),
    ).order_by("full_name_kana", "username")


def case_status_history(case: Case) -> QuerySet[CaseStatusChange]:
    return CaseStatusChange.objects.filter(case=case).select_related("changed_by")


def case_team(case: Case) -> QuerySet[CaseTeamMember]:
    return (
        CaseTeamMember.objects.filter(case=case)
        .select_related("organization", "worker", "consent")
        .order_by("left_on", "joined_on", "pk")
    )


def case_team_member(case: Case, member_id: object) -> CaseTeamMember:
    try:
        pk = int(str(member_id))
    except ValueError:
        raise NotFound("見つかりません。") from None
    member = case_team(case).filter(pk=pk).first()
    if member is None:
        raise NotFound("見つかりません。")
    member.case = case
    return member


def case_consultations(case: Case, actor: Actor) -> QuerySet[Consultation]:
    return consultations_visible_to(actor).filter(case=case).select_related("organization")


def case_consents(case: Case) -> list[Consent]:
    """Consents valid today of the person (or of any current member of the household)."""
    return valid_consents_for(case)


def case_subject_consents(case: Case, pk: object) -> Consent | None:
    """One consent of the case's subject by id, for a form choice (validity checked later)."""
    try:
        consent_id = int(str(pk))
    except (TypeError, ValueError):
        return None
    return (
        Consent.objects.filter(pk=consent_id, person_id__in=subject_person_ids(case))
        .prefetch_related("organizations")
        .first()
    )


def subject_consents_queryset(case: Case) -> QuerySet[Consent]:
    return (
        Consent.objects.filter(person_id__in=subject_person_ids(case))
        .select_related("person")
        .prefetch_related("organizations")
    )


@dataclass(frozen=True)
class FactorGroup:
    label: str
    factors: list[tuple[str, str]]


def difficulty_groups(selected: list[str] | None = None) -> list[FactorGroup]:
    """DifficultyFactor by DIFFICULTY_GROUPS; with `selected`, only those chosen."""
    groups = []
    for prefix, label in DIFFICULTY_GROUPS:
        factors = [
            (value, str(text))
            for value, text in DifficultyFactor.choices
            if value.startswith(prefix) and (selected is None or value in selected)
        ]
        if factors:
            groups.append(FactorGroup(label=str(label), factors=factors))
    return groups


# --- Break-glass ----------------------------------------------------------------------------


def break_glass_list(*, request: HttpRequest) -> QuerySet[BreakGlassAccess]:
    """Every break-glass access, for reviewers only (core center, administrators); 404 else."""
    actor = actor_of(request)
    if not is_break_glass_reviewer(actor):
        audit.record_denial(
            request, target_type="view", target_id="break_glass_list", reason="not a reviewer"
        )
        raise NotFound("見つかりません。")
    return BreakGlassAccess.objects.select_related("user", "organization", "reviewed_by").order_by(
        "reviewed_at", "-started_at"
    )


def break_glass_for_review(*, request: HttpRequest, access_id: object) -> BreakGlassAccess:
    accesses = break_glass_list(request=request)
    try:
        pk = int(str(access_id))
    except ValueError:
        pk = 0
    access = accesses.filter(pk=pk).first()
    if access is None:
        audit.record_denial(
            request,
            target_type="cases.breakglassaccess",
            target_id=str(access_id)[:64],
            reason="no such break-glass access",
        )
        raise NotFound("見つかりません。")
    return access


# --- Who looked at this person's record -----------------------------------------------------


@dataclass(frozen=True)
class AccessLog:
    person_id: int
    person: Person | None  # None when the viewer may not see the person itself (administrator)
    events: AuditEventQuerySet


def _person_cases(person_id: int) -> QuerySet[Case]:
    households = HouseholdMember.objects.filter(person_id=person_id).values("household_id")
    return Case.objects.filter(Q(person_id=person_id) | Q(household_id__in=households))


def person_access_log(*, request: HttpRequest, person_id: object) -> AccessLog:
    """Audit rows about a person, their cases, consultations, notes and formulations.

    Open to members of the lead organization of any of the person's cases and to system
    administrators; everyone else (and a missing person) gets the same audited 404.
    """
    actor = actor_of(request)
    try:
        pk = int(str(person_id))
    except ValueError:
        pk = 0
    cases = _person_cases(pk)
    allowed = pk > 0 and (
        actor.user.is_system_admin
        or (
            actor.organization_id is not None
            and cases.filter(lead_organization_id=actor.organization_id).exists()
        )
    )
    person = Person.objects.filter(pk=pk).first() if allowed else None
    if person is None:
        audit.record_denial(
            request,
            target_type="people.person",
            target_id=str(person_id)[:64],
            reason="access log: not a lead organization",
        )
        raise NotFound("見つかりません。")
    case_ids = [str(i) for i in cases.values_list("pk", flat=True)]
    targets: dict[str, list[str]] = {
        "people.person": [str(pk)],
        "cases.case": case_ids,
        "cases.consultation": [
            str(i)
            for i in Consultation.objects.filter(
                Q(person_id=pk) | Q(case_id__in=cases.values("pk"))
            ).values_list("pk", flat=True)
        ],
        "records.progressnote": [
            str(i)
            for i in ProgressNote.objects.filter(case_id__in=cases.values("pk")).values_list(
                "pk", flat=True
            )
        ],
        "records.formulation": [
            str(i)
            for i in Formulation.objects.filter(case_id__in=cases.values("pk")).values_list(
                "pk", flat=True
            )
        ],
    }
    events = audit_events_about(targets)
    visible = persons_visible_to(actor).filter(pk=pk).exists()
    return AccessLog(person_id=pk, person=person if visible else None, events=events)


def audit_events_about(targets: dict[str, list[str]]) -> AuditEventQuerySet:
    """Audit rows whose target is any of `targets` (target_type → ids), newest first."""
    condition = Q(pk__in=[])
    for target_type, ids in targets.items():
        if ids:
            condition |= Q(target_type=target_type, target_id__in=ids)
    return AuditEvent.objects.filter(condition).select_related("actor", "organization")
