"""Reads for consultations, cases and their teams, always through the access layer."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.accounts.models import User
from tsunagu.audit import services as audit
from tsunagu.audit.models import Action, AuditEvent, AuditEventQuerySet
from tsunagu.audit.selectors import showing_person
from tsunagu.cases.access import (
    access_object,
    cases_visible_to,
    consultations_visible_to,
    households_visible_to,
    persons_visible_to,
)
from tsunagu.cases.models import (
    DIFFICULTY_GROUPS,
    BreakGlassAccess,
    Case,
    CaseConference,
    CaseLeadPeriod,
    CaseStatusChange,
    CaseTeamMember,
    ConferenceKind,
    Consultation,
    DifficultyFactor,
    SharingBasis,
    TeamRole,
)
from tsunagu.cases.related import case_record_targets
from tsunagu.core.actor import Actor
from tsunagu.core.errors import NotFound
from tsunagu.notifications.registry import Shown
from tsunagu.organizations.models import Membership, Organization, OrganizationKind, SystemRole
from tsunagu.people.models import Consent, Household, HouseholdMember, Person


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


def persons_shown(
    *,
    person_ids: Iterable[int | None] = (),
    household_ids: Iterable[int | None] = (),
    cases: QuerySet[Case] | None = None,
) -> list[int]:
    """Ids of the persons whose data a list showed, for its audit row: the persons, every
    member (current or past) of the households, and the person or household members of
    `cases`.  One query at most, none when only persons are given."""
    ids = {pk for pk in person_ids if pk}
    households = {pk for pk in household_ids if pk}
    if cases is None and not households:
        return sorted(ids)
    condition = Q(household_id__in=households)
    if cases is not None:
        condition |= Q(household_id__in=cases.order_by().values("household_id"))
    members = HouseholdMember.objects.filter(condition).order_by().values_list("person_id")
    if cases is not None:
        members = members.union(
            cases.filter(person_id__isnull=False).order_by().values_list("person_id")
        )
    ids.update(pk for (pk,) in members)
    return sorted(ids)


def consultation_list(actor: Actor) -> QuerySet[Consultation]:
    return consultations_visible_to(actor).select_related(
        "person", "household", "organization", "received_by", "case"
    )


def case_list(
    actor: Actor, *, status: str = "", is_complex: bool | None = None, mine: bool = False
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


def team_worker_choices(organization: Organization | None) -> QuerySet[User]:
    """The workers the team form offers: the chosen organization's current staff, each once
    (a user with two memberships there is one choice); none until an organization with
    accounts is chosen.  The service checks the membership again."""
    if organization is None or not organization.has_accounts:
        return User.objects.none()
    return organization_worker_choices(organization)


def case_status_history(case: Case) -> QuerySet[CaseStatusChange]:
    return CaseStatusChange.objects.filter(case=case).select_related("changed_by")


def case_lead_periods(case: Case) -> list[CaseLeadPeriod]:
    """Each lead organization of the case and its period, oldest first.  A case whose periods
    were never recorded (made outside the services) has had one lead since it opened."""
    periods = list(
        CaseLeadPeriod.objects.filter(case=case).select_related(
            "organization", "worker", "started_by"
        )
    )
    if periods:
        return periods
    return [
        CaseLeadPeriod(
            case=case,
            organization=case.lead_organization,
            worker=case.lead_worker,
            started_on=case.opened_on,
        )
    ]


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a case's history: a status change, a team member added or leaving, or a
    lead change.  `at` is set when the moment is known; team rows keep only their day."""

    on: dt.date
    at: dt.datetime | None
    what: str
    reason: str
    by: User | None


def _who(member: CaseTeamMember) -> str:
    worker = member.worker
    name = (worker.full_name or worker.username) if worker is not None else member.worker_name
    return f"{member.organization.name}（{name}）" if name else member.organization.name


def case_history(case: Case) -> list[HistoryEntry]:
    """What happened to the case, oldest first: its status changes, who was added to the team
    (and by whom) and who left it, and each change of lead (移管)."""
    entries: list[HistoryEntry] = []
    for change in case_status_history(case):
        what = str(change.get_to_status_display())
        if change.from_status:
            what = f"{change.get_from_status_display()} → {what}"
        entries.append(
            HistoryEntry(
                on=timezone.localdate(change.changed_at),
                at=change.changed_at,
                what=what,
                reason=change.reason,
                by=change.changed_by,
            )
        )
    for member in case_team(case).select_related("added_by"):
        if member.role != TeamRole.LEAD:
            entries.append(
                HistoryEntry(
                    on=member.joined_on,
                    at=None,
                    what=_("%(who)sを支援チームに加えた（%(role)s・%(basis)s）")
                    % {
                        "who": _who(member),
                        "role": member.get_role_display(),
                        "basis": member.get_basis_display(),
                    },
                    reason="",
                    by=member.added_by,
                )
            )
        if member.left_on is not None and member.role != TeamRole.LEAD:
            entries.append(
                HistoryEntry(
                    on=member.left_on,
                    at=None,
                    what=_("%(who)sが支援チームを離れた") % {"who": _who(member)},
                    reason="",
                    by=None,
                )
            )
    periods = case_lead_periods(case)
    for before, after in itertools.pairwise(periods):
        entries.append(
            HistoryEntry(
                on=after.started_on,
                at=after.started_at,
                what=_("主担当機関を%(old)sから%(new)sへ移管")
                % {
                    "old": before.organization.name,
                    "new": after.organization.name,
                },
                reason="",
                by=after.started_by,
            )
        )
    earliest = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(entries, key=lambda e: (e.on, e.at is None, e.at or earliest))


def case_team(case: Case) -> QuerySet[CaseTeamMember]:
    return (
        CaseTeamMember.objects.filter(case=case)
        .select_related("organization", "worker", "consent", "conference", "reviewer")
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


def case_consultations(actor: Actor, case: Case) -> QuerySet[Consultation]:
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


# --- Bases for sharing: support meetings, emergency reviewers --------------------------------


def _about_the_case(case: Case) -> Q:
    """A conference about this case, its person, or its household."""
    about = Q(case_id=case.pk)
    if case.person_id is not None:
        about |= Q(case__person_id=case.person_id)
    if case.household_id is not None:
        about |= Q(case__household_id=case.household_id)
    return about


def statutory_meetings_about(case: Case) -> QuerySet[CaseConference]:
    """Every statutory support meeting about the case (its person or household), for the team
    screen to offer; the service says what keeps one from being a basis."""
    return (
        CaseConference.objects.filter(
            _about_the_case(case), kind=ConferenceKind.STATUTORY_SUPPORT_MEETING
        )
        .prefetch_related("attendees__organization")
        .order_by("-held_at", "-pk")
    )


def support_meetings_for(
    case: Case, organization: Organization | None = None
) -> QuerySet[CaseConference]:
    """Statutory support meetings (社会福祉法106条の6) that qualify as a basis for sharing `case`
    with `organization`: held, about the case (its person or household), attended by the
    organization, and every attendee's confidentiality pledge (第5項) recorded."""
    meetings = (
        CaseConference.objects.filter(
            _about_the_case(case),
            kind=ConferenceKind.STATUTORY_SUPPORT_MEETING,
            held_at__lte=timezone.now(),
        )
        .exclude(attendees__pledged_at__isnull=True)
        .filter(attendees__isnull=False)
    )
    if organization is not None:
        meetings = meetings.filter(attendees__organization=organization)
    return meetings.distinct().order_by("-held_at", "-pk")


def support_meeting_missing(
    conference: CaseConference, case: Case, organization: Organization
) -> str | None:
    """What keeps `conference` from being a basis for sharing `case` with `organization`, in
    words for the screen; None when nothing does."""
    if conference.kind != ConferenceKind.STATUTORY_SUPPORT_MEETING:
        return _("選んだ会議は支援会議（社会福祉法106条の6）ではありません。")
    if not CaseConference.objects.filter(_about_the_case(case), pk=conference.pk).exists():
        return _("選んだ支援会議はこのケース（本人・世帯）についての会議ではありません。")
    if conference.held_at > timezone.now():
        return _("選んだ支援会議はまだ開催されていません。")
    attendees = list(conference.attendees.all())
    if not any(a.organization_id == organization.pk for a in attendees):
        return _("「%(org)s」は選んだ支援会議の出席者にいません。") % {"org": organization.name}
    unpledged = [a for a in attendees if a.pledged_at is None]
    if unpledged:
        return _(
            "選んだ支援会議で守秘義務（社会福祉法106条の6第5項）の誓約が記録されていない"
            "出席者がいます: %(orgs)s"
        ) % {"orgs": "、".join(a.organization.name for a in unpledged)}
    return None


def consents_naming(case: Case, organization: Organization) -> QuerySet[Consent]:
    """Consents valid today of the case's subjects that name `organization`."""
    today = timezone.localdate()
    return (
        Consent.objects.valid_on(today)
        .filter(person_id__in=subject_person_ids(case, on=today), organizations=organization)
        .order_by("-obtained_on", "-pk")
    )


def emergency_reviewer_choices() -> QuerySet[User]:
    """Who may be named to review an emergency basis: writers of an active core center."""
    return User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.current()
        .filter(organization__kind=OrganizationKind.CORE_CENTER)
        .exclude(role=SystemRole.READ_ONLY)
        .values("user_id"),
    ).order_by("full_name_kana", "username")


def default_emergency_reviewer(*, besides: User | None = None) -> User | None:
    """The reviewer named when nobody chose one (a referral accepted on an emergency basis):
    the first core-center writer other than `besides` (nobody reviews their own)."""
    choices = emergency_reviewer_choices()
    if besides is not None:
        choices = choices.exclude(pk=besides.pk)
    return choices.order_by("pk").first()


def ended_sharing_for(actor: Actor, *, days: int = 30) -> QuerySet[CaseTeamMember]:
    """The acting organization's team memberships whose basis ended in the last `days` days,
    with the reason: the member is told why a case it worked on is no longer open to it.  Only
    the case number and the reason, nothing of the case itself."""
    if actor.organization_id is None:
        return CaseTeamMember.objects.none()
    today = timezone.localdate()
    since = today - dt.timedelta(days=days)
    return (
        CaseTeamMember.objects.filter(organization_id=actor.organization_id, left_on__isnull=True)
        .filter(
            Q(basis_ended_at__date__gte=since)
            | Q(
                basis=SharingBasis.EMERGENCY,
                basis_ended_at__isnull=True,
                emergency_ends_on__lt=today,
                emergency_ends_on__gte=since,
            )
        )
        .order_by("-pk")
    )


# --- Review queue: emergency bases and break-glass, for the core center ---------------------


def open_emergency_bases(actor: Actor) -> QuerySet[CaseTeamMember]:
    """Emergency bases not yet reviewed or still running (reviewers only; 404 else)."""
    if not is_break_glass_reviewer(actor):
        audit.record_denial(
            actor, target_type="view", target_id="review_queue", reason="not a reviewer"
        )
        raise NotFound("見つかりません。")
    return (
        CaseTeamMember.objects.filter(basis=SharingBasis.EMERGENCY)
        .filter(Q(basis_ended_at__isnull=True) | Q(basis_reviewed_at__isnull=True))
        .select_related("organization", "reviewer", "added_by", "case__lead_organization")
        .order_by("emergency_ends_on", "pk")
    )


def emergency_basis_for_review(actor: Actor, *, member_id: object) -> CaseTeamMember:
    member = access_object(
        actor, open_emergency_bases(actor=actor), member_id, for_write=False, audit_read=False
    )
    assert isinstance(member, CaseTeamMember)  # noqa: S101  # narrowing for mypy
    return member


def open_break_glass(actor: Actor) -> QuerySet[BreakGlassAccess]:
    """Break-glass accesses not yet reviewed (reviewers only; 404 else)."""
    return break_glass_list(actor=actor).filter(reviewed_at__isnull=True)


# --- Break-glass ----------------------------------------------------------------------------


def break_glass_attempts_today(user: User) -> int:
    """Break-glass attempts (hits and misses, from the audit log) by `user` since midnight."""
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return AuditEvent.objects.filter(
        actor=user, action=Action.BREAK_GLASS_OPENED, at__gte=midnight
    ).count()


def break_glass_list(actor: Actor) -> QuerySet[BreakGlassAccess]:
    """Every break-glass access, for reviewers only (core center, administrators); 404 else."""
    if not is_break_glass_reviewer(actor):
        audit.record_denial(
            actor, target_type="view", target_id="break_glass_list", reason="not a reviewer"
        )
        raise NotFound("見つかりません。")
    return BreakGlassAccess.objects.select_related("user", "organization", "reviewed_by").order_by(
        "reviewed_at", "-started_at"
    )


def break_glass_for_review(actor: Actor, *, access_id: object) -> BreakGlassAccess:
    access = access_object(
        actor, break_glass_list(actor=actor), access_id, for_write=False, audit_read=False
    )
    assert isinstance(access, BreakGlassAccess)  # noqa: S101  # narrowing for mypy
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


def person_access_log(actor: Actor, *, person_id: object) -> AccessLog:
    """Audit rows about a person, their cases, consultations, notes and formulations.

    Open to members of the lead organization of any of the person's cases and to system
    administrators; everyone else (and a missing person) gets the same audited 404.
    """
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
            actor,
            target_type="people.person",
            target_id=str(person_id)[:64],
            reason="access log: not a lead organization",
        )
        raise NotFound("見つかりません。")
    events = person_access_events(pk)
    visible = persons_visible_to(actor).filter(pk=pk).exists()
    return AccessLog(person_id=pk, person=person if visible else None, events=events)


def person_access_events(pk: int) -> AuditEventQuerySet:
    """Every audit row about the person, their cases and the records of those cases, with no
    access check: for `person_access_log` (staff) and the person's own portal."""
    cases = _person_cases(pk)
    case_ids = [str(i) for i in cases.values_list("pk", flat=True)]
    conference_ids = [
        str(i)
        for i in CaseConference.objects.filter(case_id__in=cases.values("pk")).values_list(
            "pk", flat=True
        )
    ]
    targets: dict[str, list[str]] = {
        "people.person": [str(pk)],
        "cases.case": case_ids,
        "cases.consultation": [
            str(i)
            for i in Consultation.objects.filter(
                Q(person_id=pk) | Q(case_id__in=cases.values("pk"))
            ).values_list("pk", flat=True)
        ],
        # Case conferences (and the study-session summaries derived from them).  Rows written
        # while the model lived in the meetings app name it by its old label (issue 14).
        "cases.caseconference": conference_ids,
        "meetings.caseconference": conference_ids,
        # Notes, formulations...: the apps above cases name their own rows about the person's
        # cases (`cases.related`).
        **case_record_targets(cases.values("pk")),
    }
    # And every list, search or summary that named the person among those it showed.
    return audit_events_about(targets, person_id=pk)


def audit_events_about(
    targets: dict[str, list[str]], *, person_id: int | None = None
) -> AuditEventQuerySet:
    """Audit rows whose target is any of `targets` (target_type → ids), or that showed
    `person_id` in a list or search, newest first."""
    condition = showing_person(person_id) if person_id is not None else Q(pk__in=[])
    for target_type, ids in targets.items():
        if ids:
            condition |= Q(target_type=target_type, target_id__in=ids)
    return AuditEvent.objects.filter(condition).select_related("actor", "organization")


def render_case_notifications(actor: Actor, ids: Sequence[int]) -> dict[int, Shown]:
    """Notifications about cases (being added to a team), for a reader who may see them now."""
    return {
        case.pk: Shown(
            title=_("ケース「%(case)s」") % {"case": case},
            url=reverse("cases:case_detail", kwargs={"case_id": case.pk}),
            person_ids=(case.person_id,) if case.person_id else (),
        )
        for case in cases_visible_to(actor).filter(pk__in=ids).select_related("person", "household")
    }
