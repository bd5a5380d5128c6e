"""Writes for consultations, cases, their teams and break-glass access.

Each service checks who is acting, validates, writes and leaves its audit row in the same
transaction.  Refusals that must stay on record (a non-lead trying to change a case) are
audited *before* the transaction opens, so that raising does not roll the denial back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from tsunagu.accounts.models import User
from tsunagu.audit import services as audit
from tsunagu.audit.actions import register_action
from tsunagu.audit.late_entry import record_late_entry
from tsunagu.audit.models import Action, Outcome
from tsunagu.cases.access import (
    active_team_members,
    households_visible_to,
    persons_visible_to,
    without_break_glass,
)
from tsunagu.cases.closure import referred_closure
from tsunagu.cases.models import (
    CASE_TRANSITIONS,
    BasisEnd,
    BreakGlassAccess,
    Case,
    CaseConference,
    CaseLeadPeriod,
    CaseStatus,
    CaseStatusChange,
    CaseTeamMember,
    Consultation,
    DifficultyFactor,
    Domain,
    SharingBasis,
    SupportLayer,
    SupportType,
    TeamRole,
    Urgency,
)
from tsunagu.cases.selectors import (
    break_glass_attempts_today,
    default_emergency_reviewer,
    emergency_reviewer_choices,
    is_break_glass_reviewer,
    lead_worker_choices,
    organization_worker_choices,
    subject_person_ids,
    support_meeting_missing,
    support_meetings_for,
    valid_consents_for,
)
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Conflict, Forbidden, Invalid
from tsunagu.core.late_entry import check_original_date
from tsunagu.core.validation import full_clean
from tsunagu.directory import selectors as directory_selectors
from tsunagu.directory.models import SocialResource
from tsunagu.notifications.models import NotificationKind
from tsunagu.notifications.services import notify, organization_staff
from tsunagu.organizations.models import Membership, Organization
from tsunagu.people.models import Consent, Household, Person

# Marked for the catalogue; translated where it is raised, in the reader's language.
CONFLICT_MESSAGE = gettext_noop(
    "ほかの人が先に更新しました。画面を開き直して内容を確認してください。"
)
NO_CONSENT_MESSAGE = gettext_noop(
    "この機関を含む有効な同意がありません。"
    "同意を記録するか、支援会議または緊急の根拠を選んでください。"
)
BREAK_GLASS_MIN_REASON = 10


# --- Who may act ----------------------------------------------------------------------------


def _lead_writer(actor: Actor, case: Case, message: str) -> Actor:
    """A writer acting for the case's lead organization; other team members are refused."""
    actor = audit.require_writer(actor, target_type="cases.case", target_id=case.pk)
    if actor.organization_id != case.lead_organization_id:
        audit.record_denial(
            actor, target_type="cases.case", target_id=str(case.pk), reason="not the lead"
        )
        raise Forbidden(message)
    return actor


def _status_label(value: str) -> str:
    return str(CaseStatus(value).label)


# --- Consultations --------------------------------------------------------------------------


def _check_subject(
    actor: Actor, person: Person | None, household: Household | None, is_anonymous: bool
) -> None:
    if is_anonymous and (person is not None or household is not None):
        raise Invalid(_("匿名の相談では本人・世帯を選べません。匿名のチェックを外してください。"))
    # The screens offer only visible people; this guards the other ways in.  Break-glass is
    # left out: a consultation would make its read-only, time-limited access permanent.
    with without_break_glass():
        if person is not None and not persons_visible_to(actor).filter(pk=person.pk).exists():
            raise Invalid(_("選んだ本人は見つかりません。"))
        if (
            household is not None
            and not households_visible_to(actor).filter(pk=household.pk).exists()
        ):
            raise Invalid(_("選んだ世帯は見つかりません。"))


def consultation_create(
    actor: Actor,
    *,
    received_at: dt.datetime,
    channel: str,
    consulter: str,
    main_concern: str,
    outcome: str,
    referring_organization: Organization | None = None,
    person: Person | None = None,
    household: Household | None = None,
    is_anonymous: bool = False,
    domains: Iterable[str] = (),
    support_types: Iterable[str] = (),
    urgency: str = Urgency.NORMAL,
    minutes_spent: int = 0,
    peer_counsellor: SocialResource | None = None,
) -> Consultation:
    actor = audit.require_writer(actor, target_type="cases.consultation")
    return _consultation_create(
        actor=actor,
        received_at=received_at,
        channel=channel,
        consulter=consulter,
        main_concern=main_concern,
        outcome=outcome,
        referring_organization=referring_organization,
        person=person,
        household=household,
        is_anonymous=is_anonymous,
        domains=list(domains),
        support_types=list(support_types),
        urgency=urgency,
        minutes_spent=minutes_spent,
        peer_counsellor=peer_counsellor,
    )


@audit.atomic_with_refusals
def _consultation_create(
    actor: Actor,
    *,
    received_at: dt.datetime,
    channel: str,
    consulter: str,
    main_concern: str,
    outcome: str,
    referring_organization: Organization | None,
    person: Person | None,
    household: Household | None,
    is_anonymous: bool,
    domains: list[str],
    support_types: list[str],
    urgency: str,
    minutes_spent: int,
    peer_counsellor: SocialResource | None = None,
) -> Consultation:
    assert actor.organization is not None  # noqa: S101  # _writer guarantees it
    if received_at > timezone.now():
        raise Invalid(_("受付日時に未来の日時は指定できません。"))
    check_original_date(received_at, label=_("受付日時"))
    if not main_concern.strip():
        raise Invalid(_("主訴を入力してください。"))
    _check_subject(actor, person, household, is_anonymous)
    unknown = set(domains) - set(Domain.values)
    if unknown:
        raise Invalid(_("相談の領域に不明な値があります。"))
    if set(support_types) - set(SupportType.values):
        raise Invalid(_("行った支援の種類に不明な値があります。"))
    if minutes_spent < 0:
        raise Invalid(_("対応時間は0分以上にしてください。"))
    support_types = _with_peer_counselling(support_types, peer_counsellor)
    consultation = Consultation(
        organization=actor.organization,
        received_by=actor.user,
        received_at=received_at,
        channel=channel,
        consulter=consulter,
        referring_organization=referring_organization,
        person=person,
        household=household,
        is_anonymous=is_anonymous,
        main_concern=main_concern.strip(),
        domains=[d for d in Domain.values if d in set(domains)],
        support_types=[t for t in SupportType.values if t in set(support_types)],
        urgency=urgency,
        outcome=outcome,
        minutes_spent=minutes_spent,
        peer_counsellor=peer_counsellor,
    )
    full_clean(consultation, labelled=False, constraints=True)
    consultation.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=consultation,
        detail={
            "person": person.pk if person else None,
            "household": household.pk if household else None,
            "anonymous": is_anonymous,
            "outcome": outcome,
            "support_types": consultation.support_types,
            "peer_counsellor": peer_counsellor.pk if peer_counsellor else None,
        },
    )
    record_late_entry(actor, target=consultation, own=received_at)
    return consultation


def _with_peer_counselling(
    support_types: list[str], peer_counsellor: SocialResource | None
) -> list[str]:
    """A session with a peer counsellor of the directory is peer counselling (seed 004 ⑥), so
    it counts under that support type in the statistics; the counsellor must be one of the
    directory's peer counsellors (directory.selectors.peer_counsellors)."""
    if peer_counsellor is None:
        return support_types
    if not directory_selectors.peer_counsellors().filter(pk=peer_counsellor.pk).exists():
        raise Invalid(
            _("ピアカウンセラーは、社会資源の「ピアカウンセリング・ピアサポート」から選びます。")
        )
    if SupportType.PEER_COUNSELLING not in support_types:
        support_types = [*support_types, SupportType.PEER_COUNSELLING]
    return support_types


def _case_open(
    actor: Actor,
    *,
    person: Person | None,
    household: Household | None,
    opened_on: dt.date,
    title: str = "",
    detail: dict[str, Any] | None = None,
) -> Case:
    assert actor.organization is not None  # noqa: S101  # _writer guarantees it
    if person is None and household is None:
        raise Invalid(_("本人または世帯を選んでください。"))
    if opened_on > timezone.localdate():
        raise Invalid(_("開始日に未来の日付は指定できません。"))
    case = Case(
        person=person,
        household=household,
        title=title.strip()[:100],  # blank: named in the reader's language (Case.default_title)
        lead_organization=actor.organization,
        lead_worker=actor.user,
        status=CaseStatus.INTAKE,
        opened_on=opened_on,
    )
    full_clean(case, labelled=False, constraints=True)
    case.save()
    lead = CaseTeamMember(
        case=case,
        organization=actor.organization,
        worker=actor.user,
        role=TeamRole.LEAD,
        basis=SharingBasis.LEAD,
        joined_on=opened_on,
        added_by=actor.user,
    )
    full_clean(lead, labelled=False, constraints=True)
    lead.save()
    CaseLeadPeriod.objects.create(
        case=case,
        organization=actor.organization,
        worker=actor.user,
        started_on=opened_on,
        started_by=actor.user,
    )
    CaseStatusChange.objects.create(
        case=case, from_status="", to_status=CaseStatus.INTAKE, changed_by=actor.user
    )
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=case,
        detail={
            "person": person.pk if person else None,
            "household": household.pk if household else None,
            **(detail or {}),
        },
    )
    return case


def case_create(
    actor: Actor,
    *,
    person: Person | None = None,
    household: Household | None = None,
    title: str = "",
    opened_on: dt.date | None = None,
) -> Case:
    """Open a case led by the acting organization, for a person and/or a household."""
    actor = audit.require_writer(actor, target_type="cases.case")
    with audit.atomic():
        _check_subject(actor, person, household, is_anonymous=False)
        return _case_open(
            actor=actor,
            person=person,
            household=household,
            opened_on=opened_on or timezone.localdate(),
            title=title,
        )


def _require_receiving_organization(
    actor: Actor, consultation: Consultation, *, refusal: str
) -> Actor:
    """Only the organization that received a consultation acts on it; anyone else is refused
    (and the refusal is on the record)."""
    actor = audit.require_writer(actor, target_type="cases.consultation", target_id=consultation.pk)
    if consultation.organization_id != actor.organization_id:
        audit.record_denial(
            actor,
            target_type="cases.consultation",
            target_id=str(consultation.pk),
            reason="not the receiving organization",
        )
        raise Forbidden(refusal)
    return actor


def consultation_open_case(actor: Actor, *, consultation: Consultation) -> Case:
    """Turn a consultation into a case led by the acting organization."""
    actor = _require_receiving_organization(
        actor, consultation, refusal=_("ケースにできるのは相談を受け付けた機関だけです。")
    )
    with audit.atomic():
        if consultation.is_anonymous:
            raise Invalid(_("匿名の相談からはケースを作れません。"))
        if consultation.person_id is None and consultation.household_id is None:
            raise Invalid(_("本人または世帯が記録されていない相談からはケースを作れません。"))
        if consultation.case_id is not None:
            raise Invalid(_("この相談はすでにケースになっています。"))
        case = _case_open(
            actor=actor,
            person=consultation.person,
            household=consultation.household,
            opened_on=timezone.localdate(consultation.received_at),
            detail={"consultation": consultation.pk},
        )
        # Two clicks (or two tabs) must not make two cases of one consultation.
        linked = Consultation.objects.filter(pk=consultation.pk, case__isnull=True).update(
            case=case, updated_at=timezone.now()
        )
        if linked != 1:
            raise Invalid(_("この相談はすでにケースになっています。"))
        consultation.case = case
        audit.record(
            action=Action.RECORD_UPDATED,
            actor=actor,
            target=consultation,
            detail={"changed": ["case"], "case": case.pk},
        )
        return case


def consultation_link_person(
    actor: Actor, *, consultation: Consultation, person: Person
) -> Consultation:
    """Name the person a consultation was about, once registered (the intake flow: consultation
    → person → consent → case).  Only the receiving organization, only a consultation that is
    not anonymous and names nobody yet, only a person it may see."""
    actor = _require_receiving_organization(
        actor, consultation, refusal=_("本人を結び付けられるのは相談を受け付けた機関だけです。")
    )
    with audit.atomic():
        if consultation.is_anonymous:
            raise Invalid(_("匿名の相談には本人を結び付けられません。"))
        _check_subject(actor, person, None, is_anonymous=False)
        linked = Consultation.objects.filter(
            pk=consultation.pk, person__isnull=True, household__isnull=True, is_anonymous=False
        ).update(person=person, updated_at=timezone.now())
        if linked != 1:
            raise Invalid(_("この相談にはすでに本人または世帯が記録されています。"))
        consultation.person = person
        audit.record(
            action=Action.RECORD_UPDATED,
            actor=actor,
            target=consultation,
            detail={"changed": ["person"], "person": person.pk},
        )
        return consultation


# --- Case edit and status -------------------------------------------------------------------


def case_update(
    actor: Actor,
    *,
    case: Case,
    expected_version: int,
    title: str,
    support_layer: str,
    lead_worker: User | None,
    is_complex: bool,
    difficulty_factors: Iterable[str],
) -> Case:
    _lead_writer(actor, case, _("ケースを編集できるのは主担当機関だけです。"))
    return _case_update(
        actor=actor,
        case=case,
        expected_version=expected_version,
        title=title,
        support_layer=support_layer,
        lead_worker=lead_worker,
        is_complex=is_complex,
        difficulty_factors=list(difficulty_factors),
    )


@audit.atomic_with_refusals
def _case_update(
    actor: Actor,
    *,
    case: Case,
    expected_version: int,
    title: str,
    support_layer: str,
    lead_worker: User | None,
    is_complex: bool,
    difficulty_factors: list[str],
) -> Case:
    if support_layer not in SupportLayer.values:
        raise Invalid(_("支援の層を選んでください。"))
    if set(difficulty_factors) - set(DifficultyFactor.values):
        raise Invalid(_("困難さの要因に不明な値があります。"))
    if lead_worker is not None and lead_worker.pk not in {u.pk for u in lead_worker_choices(case)}:
        raise Invalid(_("主担当者は主担当機関の職員から選んでください。"))
    factors = [f for f in DifficultyFactor.values if f in set(difficulty_factors)]
    new_values: dict[str, Any] = {
        "title": title.strip(),
        "support_layer": support_layer,
        "lead_worker": lead_worker,
        "is_complex": is_complex,
        "difficulty_factors": factors,
    }
    changed = [name for name, value in new_values.items() if getattr(case, name) != value]
    for name, value in new_values.items():
        setattr(case, name, value)
    full_clean(case, labelled=False, constraints=True)
    updated = Case.objects.filter(pk=case.pk, version=expected_version).update(
        **new_values, version=F("version") + 1, updated_at=timezone.now()
    )
    if updated != 1:
        raise Conflict(_(CONFLICT_MESSAGE))
    case.version = expected_version + 1
    audit.record(
        action=Action.RECORD_UPDATED, actor=actor, target=case, detail={"changed": changed}
    )
    return case


def case_transition(
    actor: Actor,
    *,
    case: Case,
    to_status: str,
    reason: str = "",
    closure_reason: str = "",
    closed_on: dt.date | None = None,
    referred: bool = False,
) -> Case:
    """Move a case along CASE_TRANSITIONS.  Closing needs a closure reason and date; closing
    as "referred" (`referred=True`) also needs a referral or transfer its receiver accepted."""
    actor = _lead_writer(actor, case, _("状態を変更できるのは主担当機関だけです。"))
    return _case_transition(
        actor=actor,
        case=case,
        to_status=to_status,
        reason=reason.strip(),
        closure_reason=closure_reason.strip(),
        closed_on=closed_on,
        referred=referred,
    )


def _change_status(
    actor: Actor,
    *,
    case: Case,
    to_status: str,
    reason: str,
    values: dict[str, Any],
    detail: dict[str, Any],
) -> Case:
    from_status = case.status
    # Conditional on the status read, so two people moving the same case cannot both win.
    updated = Case.objects.filter(pk=case.pk, status=from_status).update(
        status=to_status, **values, version=F("version") + 1, updated_at=timezone.now()
    )
    if updated != 1:
        raise Conflict(_(CONFLICT_MESSAGE))
    case.status = to_status
    for name, value in values.items():
        setattr(case, name, value)
    case.version += 1
    CaseStatusChange.objects.create(
        case=case,
        from_status=from_status,
        to_status=to_status,
        reason=reason[:200],
        changed_by=actor.user,
    )
    audit.record(
        action=Action.CASE_STATUS_CHANGED,
        actor=actor,
        target=case,
        detail={"from": from_status, "to": to_status, "reason": reason, **detail},
    )
    return case


@audit.atomic_with_refusals
def _case_transition(
    actor: Actor,
    *,
    case: Case,
    to_status: str,
    reason: str,
    closure_reason: str,
    closed_on: dt.date | None,
    referred: bool = False,
) -> Case:
    if to_status not in CaseStatus.values:
        raise Invalid(_("移る先の状態が正しくありません。"), code="illegal_transition")
    from_status = case.status
    if from_status == CaseStatus.CLOSED:
        raise Invalid(
            _("終結したケースは「再開」から再開してください。"), code="illegal_transition"
        )
    if to_status == from_status:
        raise Invalid(
            _("すでに%(status)sの状態です。") % {"status": _status_label(to_status)},
            code="illegal_transition",
        )
    if to_status not in CASE_TRANSITIONS[from_status]:
        raise Invalid(
            _("%(from)sから%(to)sへは直接移れません。")
            % {"from": _status_label(from_status), "to": _status_label(to_status)},
            code="illegal_transition",
        )
    values: dict[str, Any] = {}
    referral_detail: dict[str, Any] = {}
    if to_status == CaseStatus.CLOSED and referred:
        # たらい回しにしない: "referred" only once the receiver has accepted (issue 5).
        referral = referred_closure(case)
        if referral is None:
            raise Invalid(
                _(
                    "「他機関への紹介・移管による終結」にできるのは、紹介・移管の依頼が"
                    "受理されてからです。受理されるまではケースを続けてください。"
                ),
                code="referral_not_accepted",
            )
        closure_reason = closure_reason or referral.reason
        referral_detail = {"referred": True, **referral.detail}
    if to_status == CaseStatus.CLOSED:
        if not closure_reason:
            raise Invalid(_("終結の理由を入力してください。"))
        day = closed_on or timezone.localdate()
        if day < case.opened_on:
            raise Invalid(_("終結日は開始日以降の日付にしてください。"))
        if day > timezone.localdate():
            raise Invalid(_("終結日に未来の日付は指定できません。"))
        values = {"closed_on": day, "closure_reason": closure_reason[:200]}
        reason = reason or closure_reason
    return _change_status(
        actor=actor,
        case=case,
        to_status=to_status,
        reason=reason,
        values=values,
        detail={
            **({"closure_reason": closure_reason} if closure_reason else {}),
            **referral_detail,
        },
    )


def case_reopen(actor: Actor, *, case: Case, reason: str) -> Case:
    """Reopen a closed case for re-assessment; the reason is required."""
    actor = _lead_writer(actor, case, _("状態を変更できるのは主担当機関だけです。"))
    with audit.atomic():
        if case.status != CaseStatus.CLOSED:
            raise Invalid(_("再開できるのは終結したケースだけです。"), code="illegal_transition")
        if not reason.strip():
            raise Invalid(_("再開の理由を入力してください。"))
        return _change_status(
            actor=actor,
            case=case,
            to_status=CaseStatus.ASSESSMENT,
            reason=reason.strip(),
            values={"closed_on": None, "closure_reason": ""},
            detail={"reopened": True, "previous_closure_reason": case.closure_reason},
        )


# --- Case team ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamMemberAdded:
    """What `add_team_member` did, for the screen's message, the API and notifications.

    `recipients` are the people to tell: the named worker, or, when none was named, the current
    staff of the added organization (none for an organization without accounts, whose worker is
    only a name).  The caller (a notification hook) sends after the transaction commits."""

    member: CaseTeamMember
    case: Case
    organization: Organization
    worker: User | None
    worker_name: str
    added_by: User
    recipients: tuple[User, ...]

    @property
    def who(self) -> str:
        """「機関（担当者）」, as the flash message and the case history say it."""
        name = self.worker.full_name or self.worker.username if self.worker else self.worker_name
        return f"{self.organization.name}（{name}）" if name else self.organization.name


def add_team_member(
    actor: Actor,
    *,
    case: Case,
    organization: Organization,
    role: str,
    basis: str,
    consent: Consent | None = None,
    conference: CaseConference | None = None,
    reviewer: User | None = None,
    basis_note: str = "",
    worker: User | None = None,
    worker_name: str = "",
    joined_on: dt.date | None = None,
) -> TeamMemberAdded:
    """Add an organization to the team, with the basis on which the record is shared: a consent
    naming it, a support meeting it attended and pledged at (`conference`), or an emergency
    with a named core-center `reviewer` that ends after EMERGENCY_BASIS_DAYS.  Returns who was
    added and whom to tell (`TeamMemberAdded`)."""
    actor = _lead_writer(actor, case, _("支援チームを変更できるのは主担当機関だけです。"))
    member = _team_member_add(
        actor=actor,
        case=case,
        organization=organization,
        role=role,
        basis=basis,
        consent=consent,
        conference=conference,
        reviewer=reviewer,
        basis_note=basis_note.strip(),
        worker=worker,
        worker_name=worker_name.strip(),
        joined_on=joined_on or timezone.localdate(),
    )
    if member.worker is not None:
        recipients: tuple[User, ...] = (member.worker,)
    elif organization.has_accounts:
        recipients = tuple(organization_worker_choices(organization))
    else:
        recipients = ()
    return TeamMemberAdded(
        member=member,
        case=case,
        organization=organization,
        worker=member.worker,
        worker_name=member.worker_name,
        added_by=actor.user,
        recipients=recipients,
    )


def team_member_add(actor: Actor, *, case: Case, **fields: Any) -> CaseTeamMember:
    """`add_team_member`, for callers that need only the new row (the API)."""
    return add_team_member(actor, case=case, **fields).member


def team_member_join_on_acceptance(
    actor: Actor,
    *,
    case: Case,
    organization: Organization,
    role: str,
    basis: str,
    consent: Consent | None,
    basis_note: str,
    worker: User | None,
) -> CaseTeamMember:
    """An organization joins the team by accepting a request the lead sent it (referrals).

    The lead's decision was checked when the request was sent, so the acting user is the
    receiver, not the lead; the rules of the basis for sharing are the team's own, as in
    `team_member_add`: a support-meeting basis takes the latest qualifying meeting, an
    emergency basis the default core-center reviewer.
    """
    conference = (
        support_meetings_for(case, organization).first()
        if basis == SharingBasis.STATUTORY_MEETING
        else None
    )
    reviewer = (
        default_emergency_reviewer(besides=actor.user) if basis == SharingBasis.EMERGENCY else None
    )
    return _team_member_add(
        actor=actor,
        case=case,
        organization=organization,
        role=role,
        basis=basis,
        consent=consent,
        conference=conference,
        reviewer=reviewer,
        basis_note=basis_note.strip(),
        worker=worker,
        worker_name="",
        joined_on=timezone.localdate(),
    )


def _consent_names(consent: Consent | None, case: Case, organization: Organization) -> bool:
    today = timezone.localdate()
    return (
        consent is not None
        and consent.person_id in subject_person_ids(case, on=today)
        and consent.is_valid_on(today)
        and consent.organizations.filter(pk=organization.pk).exists()
    )


@audit.atomic_with_refusals
def _team_member_add(
    actor: Actor,
    *,
    case: Case,
    organization: Organization,
    role: str,
    basis: str,
    consent: Consent | None,
    conference: CaseConference | None,
    reviewer: User | None,
    basis_note: str,
    worker: User | None,
    worker_name: str,
    joined_on: dt.date,
) -> CaseTeamMember:
    if not case.is_open:
        raise Invalid(_("終結したケースの支援チームは変更できません。"))
    if not organization.is_active:
        raise Invalid(_("無効になっている機関は追加できません。"))
    if role not in TeamRole.values or role == TeamRole.LEAD:
        raise Invalid(_("役割を選んでください（主担当は主担当機関だけです）。"))
    emergency_ends_on: dt.date | None = None
    if basis == SharingBasis.CONSENT or not basis:
        conference, reviewer = None, None
        if not _consent_names(consent, case, organization):
            if basis or not any(
                _consent_names(c, case, organization) for c in valid_consents_for(case)
            ):
                raise Invalid(_(NO_CONSENT_MESSAGE), code="no_basis")
            raise Invalid(_("共有の根拠を選んでください。"), code="no_basis")
    elif basis == SharingBasis.STATUTORY_MEETING:
        _check_support_meeting(conference, case, organization)
        consent, reviewer = None, None
    elif basis == SharingBasis.EMERGENCY:
        if not basis_note:
            raise Invalid(
                _("緊急と判断した状況（生命・身体の保護）を「根拠の詳細」に入力してください。"),
                code="no_basis",
            )
        _check_emergency_reviewer(reviewer, actor)
        emergency_ends_on = joined_on + dt.timedelta(days=settings.EMERGENCY_BASIS_DAYS)
        if emergency_ends_on < timezone.localdate():
            raise Invalid(
                _("緊急の根拠は参加日から%(days)s日までです。参加日を見直してください。")
                % {"days": settings.EMERGENCY_BASIS_DAYS},
                code="no_basis",
            )
        consent, conference = None, None
    else:
        raise Invalid(_("共有の根拠を選んでください。"), code="no_basis")
    if worker is not None:
        is_member = (
            Membership.objects.current().filter(user=worker, organization=organization).exists()
        )
        if not organization.has_accounts or not is_member:
            raise Invalid(_("担当者はその機関の職員から選んでください。"))
        worker_name = ""
    if joined_on < case.opened_on:
        raise Invalid(_("参加日はケースの開始日以降の日付にしてください。"))
    if joined_on > timezone.localdate():
        raise Invalid(_("参加日に未来の日付は指定できません。"))
    if active_team_members().filter(case=case, organization=organization).exists():
        raise Invalid(_("この機関はすでに支援チームに入っています。"))
    member = CaseTeamMember(
        case=case,
        organization=organization,
        worker=worker,
        worker_name=worker_name,
        role=role,
        basis=basis,
        consent=consent,
        conference=conference,
        emergency_ends_on=emergency_ends_on,
        reviewer=reviewer,
        basis_note=basis_note,
        joined_on=joined_on,
        added_by=actor.user,
    )
    full_clean(member, labelled=False, constraints=True)
    member.save()
    audit.record(
        action=Action.TEAM_MEMBER_ADDED,
        actor=actor,
        target=case,
        detail={
            "member": member.pk,
            "organization": organization.pk,
            "role": role,
            "basis": basis,
            "consent": consent.pk if consent else None,
            "conference": conference.pk if conference else None,
            "emergency_ends_on": str(emergency_ends_on) if emergency_ends_on else None,
            "reviewer": reviewer.pk if reviewer else None,
            "basis_note": basis_note,
            "worker": worker.pk if worker else None,
            "worker_name": worker_name,
        },
    )
    # The worker named for the organization hears of it; with no one named, its staff do.
    notify(
        recipients=[worker] if worker is not None else organization_staff(organization.pk),
        kind=NotificationKind.TEAM_ADDED,
        target=case,
        caused_by=actor.user,
    )
    return member


NO_MEETING_MESSAGE = gettext_noop(
    "この機関が出席し、出席者全員が守秘義務（社会福祉法106条の6第5項）を誓約した、"
    "このケースについての開催済みの支援会議の記録がありません。"
    "先に支援会議（ケース会議の種類「支援会議」）を記録してください。"
)


def _check_support_meeting(
    conference: CaseConference | None, case: Case, organization: Organization
) -> None:
    """A support-meeting basis names a recorded meeting that qualifies (`support_meetings_for`);
    the error says what is missing (code `no_meeting`, which the screen offers to create)."""
    if conference is None:
        raise Invalid(_(NO_MEETING_MESSAGE), code="no_meeting")
    missing = support_meeting_missing(conference, case, organization)
    if missing is not None:
        raise Invalid(missing, code="no_meeting")


def _check_emergency_reviewer(reviewer: User | None, actor: Actor) -> None:
    if reviewer is None:
        raise Invalid(
            _("緊急の根拠を確認する基幹相談支援センターの職員を選んでください。"),
            code="no_reviewer",
        )
    if reviewer.pk == actor.user.pk:
        raise Invalid(
            _("自分を確認者にはできません。ほかの職員を選んでください。"), code="no_reviewer"
        )
    if not emergency_reviewer_choices().filter(pk=reviewer.pk).exists():
        raise Invalid(
            _("確認者は基幹相談支援センターの職員から選んでください。"), code="no_reviewer"
        )


def team_member_leave(
    actor: Actor, *, member: CaseTeamMember, left_on: dt.date | None = None
) -> CaseTeamMember:
    case = member.case
    _lead_writer(actor, case, _("支援チームを変更できるのは主担当機関だけです。"))
    with audit.atomic():
        day = left_on or timezone.localdate()
        if member.role == TeamRole.LEAD:
            raise Invalid(_("主担当機関はチームから外せません。"))
        if member.left_on is not None:
            raise Invalid(_("この機関はすでにチームを離れています。"))
        if day < member.joined_on:
            raise Invalid(_("離脱日は参加日以降の日付にしてください。"))
        updated = CaseTeamMember.objects.filter(pk=member.pk, left_on__isnull=True).update(
            left_on=day
        )
        if updated != 1:
            raise Conflict(_(CONFLICT_MESSAGE))
        member.left_on = day
        audit.record(
            action=Action.TEAM_MEMBER_LEFT,
            actor=actor,
            target=case,
            detail={
                "member": member.pk,
                "organization": member.organization_id,
                "left_on": str(day),
            },
        )
        return member


# --- Transfer of the lead (移管, ADR 0012) ----------------------------------------------------

ACTION_LEAD_CHANGED = register_action("case.lead_changed", gettext_lazy("主担当機関の交代"))


@dataclass(frozen=True)
class LeadChange:
    """What `case_lead_transfer` did: the periods it closed and opened, and the team rows."""

    case: Case
    previous: CaseLeadPeriod
    current: CaseLeadPeriod
    lead_member: CaseTeamMember
    previous_lead_member: CaseTeamMember | None  # the old lead's new row when it stays


def _stay_basis(
    case: Case, organization: Organization
) -> tuple[str, Consent | None, CaseConference | None]:
    """The basis on which a former lead stays on the team: its own is gone with the lead, so it
    needs one of ADR 0008's, checked as for any member (an emergency is not offered here)."""
    for consent in valid_consents_for(case):
        if _consent_names(consent, case, organization):
            return SharingBasis.CONSENT, consent, None
    conference = support_meetings_for(case, organization).first()
    if conference is not None:
        return SharingBasis.STATUTORY_MEETING, None, conference
    raise Invalid(
        _(
            "前の主担当機関をチームに残すには、その機関を共有先に含む今日有効な本人の同意か、"
            "その機関が出席した支援会議の記録が必要です。残さずに受理するか、先に同意を"
            "記録してください。"
        ),
        code="no_basis",
    )


def case_lead_transfer(
    actor: Actor,
    *,
    case: Case,
    worker: User,
    handover_summary: str,
    previous_lead_role: str = "",
    detail: dict[str, Any] | None = None,
) -> LeadChange:
    """The acting organization becomes the case's lead from today (移管).

    Called when it accepts a transfer the lead sent it (referrals), which is where the lead's
    decision was checked.  The old lead's period ends today and it leaves the team today,
    unless `previous_lead_role` names the role the new lead asks it to keep (on a basis of its
    own: `_stay_basis`).  Restricted notes written before today stay with their authors'
    organization (`Case.lead_since`, records.access); `handover_summary`, which the old lead
    wrote, is what the new lead reads instead."""
    actor = audit.require_writer(actor, target_type="cases.case", target_id=case.pk)
    assert actor.organization is not None  # noqa: S101  # require_writer guarantees it
    organization = actor.organization
    with audit.atomic():
        if not case.is_open:
            raise Invalid(_("終結したケースは移管できません。"))
        old_org_id = case.lead_organization_id
        if organization.pk == old_org_id:
            raise Invalid(_("この機関はすでにこのケースの主担当機関です。"))
        if previous_lead_role and (
            previous_lead_role not in TeamRole.values or previous_lead_role == TeamRole.LEAD
        ):
            raise Invalid(_("前の主担当機関に残ってもらう役割を選んでください。"))
        if not organization_worker_choices(organization).filter(pk=worker.pk).exists():
            raise Invalid(_("担当者は、依頼先の機関の職員から選んでください。"))
        if not handover_summary.strip():
            raise Invalid(_("移管には、前の主担当機関が書いた引継ぎの要約が必要です。"))
        now = timezone.now()
        day = timezone.localdate(now)
        updated = Case.objects.filter(
            pk=case.pk, lead_organization_id=old_org_id, status=case.status
        ).update(
            lead_organization=organization,
            lead_worker=worker,
            lead_since=now,
            version=F("version") + 1,
            updated_at=now,
        )
        if updated != 1:
            raise Conflict(CONFLICT_MESSAGE)
        old_org = case.lead_organization
        old_worker = case.lead_worker
        case.lead_organization, case.lead_worker, case.lead_since = organization, worker, now
        case.version += 1
        # The old lead's period: the running one, or (a case opened before periods were kept)
        # one from the day it opened.
        previous = CaseLeadPeriod.objects.filter(case=case, ended_on__isnull=True).first()
        if previous is None:
            previous = CaseLeadPeriod(
                case=case,
                organization=old_org,
                worker=old_worker,
                started_on=case.opened_on,
                started_at=case.created_at,
            )
        previous.ended_on = max(day, previous.started_on)
        full_clean(previous, labelled=False, constraints=True)
        previous.save()
        current = CaseLeadPeriod(
            case=case,
            organization=organization,
            worker=worker,
            started_on=day,
            started_at=now,
            handover_summary=handover_summary.strip(),
            started_by=actor.user,
        )
        full_clean(current, labelled=False, constraints=True)
        current.save()
        # The team: every running row of the old lead and of the new one ends today; the new
        # lead joins as the lead, the old one in the role asked of it, if any.
        running = active_team_members(on=day).filter(
            case=case, organization_id__in=[old_org_id, organization.pk]
        )
        ended = list(running.values_list("pk", flat=True))
        CaseTeamMember.objects.filter(pk__in=ended).update(left_on=day)
        lead_member = CaseTeamMember(
            case=case,
            organization=organization,
            worker=worker,
            role=TeamRole.LEAD,
            basis=SharingBasis.LEAD,
            joined_on=day,
            added_by=actor.user,
        )
        full_clean(lead_member, labelled=False, constraints=True)
        lead_member.save()
        stayed: CaseTeamMember | None = None
        if previous_lead_role:
            basis, consent, conference = _stay_basis(case, old_org)
            stayed = CaseTeamMember(
                case=case,
                organization=old_org,
                worker=old_worker,
                role=previous_lead_role,
                basis=basis,
                consent=consent,
                conference=conference,
                joined_on=day,
                added_by=actor.user,
            )
            full_clean(stayed, labelled=False, constraints=True)
            stayed.save()
        audit.record(
            action=ACTION_LEAD_CHANGED,
            actor=actor,
            target=case,
            detail={
                "from": old_org_id,
                "to": organization.pk,
                "worker": worker.pk,
                "on": str(day),
                "ended_members": ended,
                "lead_member": lead_member.pk,
                "previous_lead_role": previous_lead_role,
                "previous_lead_member": stayed.pk if stayed else None,
                **(detail or {}),
            },
        )
        return LeadChange(
            case=case,
            previous=previous,
            current=current,
            lead_member=lead_member,
            previous_lead_member=stayed,
        )


# --- Break-glass ----------------------------------------------------------------------------


def break_glass_open(actor: Actor, *, person_id: object, reason: str) -> BreakGlassAccess | None:
    """Emergency access to a person the acting organization cannot see.

    The caller learns nothing from the answer: a missing id and an existing one both return
    quietly (None or the access), and the screen shows the same message for both.  Only an
    existing person gets a BreakGlassAccess row (the review list); every attempt, hit or miss,
    is in the audit log with its reason.
    """
    actor = audit.require_writer(actor, target_type="people.person", target_id=str(person_id)[:64])
    if break_glass_attempts_today(actor.user) >= settings.BREAK_GLASS_PER_DAY:
        audit.record_denial(
            actor,
            target_type="people.person",
            target_id=str(person_id)[:64],
            reason="break-glass daily limit",
        )
        raise Forbidden(
            _(
                "緊急アクセスは1日%(n)s回までです。必要なときは基幹相談支援センターに"
                "連絡してください。"
            )
            % {"n": settings.BREAK_GLASS_PER_DAY},
            code="break_glass_limit",
        )
    reason = reason.strip()
    # Validate before looking anything up, so that errors never depend on the id.
    if len(reason) < BREAK_GLASS_MIN_REASON:
        raise Invalid(
            _("理由を%(n)s文字以上で具体的に入力してください。") % {"n": BREAK_GLASS_MIN_REASON}
        )
    try:
        pk = int(str(person_id))
    except ValueError:
        pk = 0
    if pk > 0 and persons_visible_to(actor).filter(pk=pk).exists():
        # Nothing to hide from someone who can already see the record.
        raise Invalid(_("この方の記録はすでに閲覧できます。緊急アクセスは不要です。"))
    with audit.atomic():
        person = Person.objects.filter(pk=pk).first() if pk > 0 else None
        if person is None:
            audit.record(
                action=Action.BREAK_GLASS_OPENED,
                actor=actor,
                target_type="people.person",
                target_id=str(person_id)[:64],
                outcome=Outcome.DENIED,
                detail={"reason": reason, "result": "no such person"},
            )
            return None
        assert actor.organization is not None  # noqa: S101  # _writer guarantees it
        now = timezone.now()
        access = BreakGlassAccess(
            person=person,
            user=actor.user,
            organization=actor.organization,
            reason=reason,
            started_at=now,
            expires_at=now + dt.timedelta(hours=settings.BREAK_GLASS_HOURS),
        )
        full_clean(access, labelled=False, constraints=True)
        access.save()
        audit.record(
            action=Action.BREAK_GLASS_OPENED,
            actor=actor,
            target=person,
            detail={
                "reason": reason,
                "break_glass": access.pk,
                "expires_at": access.expires_at.isoformat(),
            },
        )
        return access


def break_glass_review(
    actor: Actor, *, access: BreakGlassAccess, note: str = ""
) -> BreakGlassAccess:
    if not is_break_glass_reviewer(actor):
        audit.record_denial(
            actor,
            target_type="cases.breakglassaccess",
            target_id=str(access.pk),
            reason="not a reviewer",
        )
        raise Forbidden(_("確認できるのは基幹相談支援センターとシステム管理者だけです。"))
    with audit.atomic():
        if access.user_id == actor.user.pk:
            raise Invalid(
                _("自分の緊急アクセスは確認できません。ほかの人に確認を依頼してください。")
            )
        now = timezone.now()
        updated = BreakGlassAccess.objects.filter(pk=access.pk, reviewed_at__isnull=True).update(
            reviewed_by=actor.user, reviewed_at=now, review_note=note.strip()[:200]
        )
        if updated != 1:
            raise Invalid(_("この緊急アクセスはすでに確認済みです。"))
        access.reviewed_by = actor.user
        access.reviewed_at = now
        access.review_note = note.strip()[:200]
        audit.record(
            action=Action.BREAK_GLASS_REVIEWED,
            actor=actor,
            target=access,
            detail={"person": access.person_id, "note": access.review_note},
        )
        return access


# --- Review of emergency bases (core center) -------------------------------------------------


def _reviewer(actor: Actor, member: CaseTeamMember) -> Actor:
    if not is_break_glass_reviewer(actor) or not actor.can_write:
        audit.record_denial(
            actor,
            target_type="cases.caseteammember",
            target_id=str(member.pk),
            reason="not a reviewer",
        )
        raise Forbidden(_("確認できるのは基幹相談支援センターとシステム管理者だけです。"))
    return actor


def _open_emergency(member: CaseTeamMember) -> None:
    if member.basis != SharingBasis.EMERGENCY or member.basis_ended_at is not None:
        raise Invalid(_("この緊急の根拠はすでに終了または切り替え済みです。"), code="closed")


@audit.atomic_with_refusals
def emergency_basis_convert(
    actor: Actor,
    *,
    member: CaseTeamMember,
    basis: str,
    consent: Consent | None = None,
    conference: CaseConference | None = None,
) -> CaseTeamMember:
    """Replace a running emergency basis by consent or a support meeting, checked as when a
    member is added; the access then continues on the new basis."""
    actor = _reviewer(actor, member)
    _open_emergency(member)
    case = member.case
    if member.emergency_ends_on is not None and member.emergency_ends_on < timezone.localdate():
        raise Invalid(
            _("期限が過ぎた緊急の根拠は切り替えられません。チームに加え直してください。"),
            code="closed",
        )
    if basis == SharingBasis.CONSENT:
        if not _consent_names(consent, case, member.organization):
            raise Invalid(_(NO_CONSENT_MESSAGE), code="no_basis")
        conference = None
    elif basis == SharingBasis.STATUTORY_MEETING:
        _check_support_meeting(conference, case, member.organization)
        consent = None
    else:
        raise Invalid(
            _("切り替え先の根拠（同意または支援会議）を選んでください。"), code="no_basis"
        )
    now = timezone.now()
    updated = CaseTeamMember.objects.filter(
        pk=member.pk, basis=SharingBasis.EMERGENCY, basis_ended_at__isnull=True
    ).update(
        basis=basis,
        consent=consent,
        conference=conference,
        basis_reviewed_at=now,
        basis_reviewed_by=actor.user,
    )
    if updated != 1:
        raise Conflict(_(CONFLICT_MESSAGE))
    member.basis, member.consent, member.conference = basis, consent, conference
    member.basis_reviewed_at, member.basis_reviewed_by = now, actor.user
    audit.record(
        action=Action.SHARING_BASIS_CONVERTED,
        actor=actor,
        target=case,
        detail={
            "member": member.pk,
            "organization": member.organization_id,
            "from": SharingBasis.EMERGENCY.value,
            "to": basis,
            "consent": consent.pk if consent else None,
            "conference": conference.pk if conference else None,
        },
    )
    return member


@audit.atomic_with_refusals
def emergency_basis_end(actor: Actor, *, member: CaseTeamMember, note: str = "") -> CaseTeamMember:
    """End an emergency basis now (the reviewer finds the emergency over or unfounded)."""
    actor = _reviewer(actor, member)
    _open_emergency(member)
    now = timezone.now()
    updated = CaseTeamMember.objects.filter(
        pk=member.pk, basis=SharingBasis.EMERGENCY, basis_ended_at__isnull=True
    ).update(
        basis_ended_at=now,
        basis_end_reason=BasisEnd.ENDED_BY_REVIEWER,
        basis_reviewed_at=now,
        basis_reviewed_by=actor.user,
    )
    if updated != 1:
        raise Conflict(_(CONFLICT_MESSAGE))
    member.basis_ended_at, member.basis_end_reason = now, BasisEnd.ENDED_BY_REVIEWER
    member.basis_reviewed_at, member.basis_reviewed_by = now, actor.user
    audit.record(
        action=Action.SHARING_BASIS_ENDED,
        actor=actor,
        target=member.case,
        detail={
            "member": member.pk,
            "organization": member.organization_id,
            "reason": BasisEnd.ENDED_BY_REVIEWER.value,
            "note": note.strip()[:200],
        },
    )
    return member


@audit.atomic_with_refusals
def emergency_basis_mark_reviewed(
    actor: Actor, *, member: CaseTeamMember, note: str = ""
) -> CaseTeamMember:
    """The reviewer has looked at the emergency and lets it run to its end date."""
    actor = _reviewer(actor, member)
    if member.basis != SharingBasis.EMERGENCY:
        raise Invalid(_("この緊急の根拠はすでに切り替え済みです。"), code="closed")
    if member.added_by_id == actor.user.pk:
        raise Invalid(_("自分が記録した緊急の根拠は確認できません。ほかの人に依頼してください。"))
    now = timezone.now()
    updated = CaseTeamMember.objects.filter(
        pk=member.pk, basis=SharingBasis.EMERGENCY, basis_reviewed_at__isnull=True
    ).update(basis_reviewed_at=now, basis_reviewed_by=actor.user)
    if updated != 1:
        raise Invalid(_("この緊急の根拠はすでに確認済みです。"), code="closed")
    member.basis_reviewed_at, member.basis_reviewed_by = now, actor.user
    audit.record(
        action=Action.SHARING_BASIS_REVIEWED,
        actor=actor,
        target=member.case,
        detail={
            "member": member.pk,
            "organization": member.organization_id,
            "note": note.strip()[:200],
        },
    )
    return member


def emergency_bases_record_expired(*, now: dt.datetime | None = None) -> list[CaseTeamMember]:
    """Record the end of every emergency basis past its end date (the access itself already
    ended with the date: `access.active_team_members`).  One audit row each, by the system;
    returns the members ended, for the command to notify."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    ended: list[CaseTeamMember] = []
    expired = CaseTeamMember.objects.filter(
        basis=SharingBasis.EMERGENCY, basis_ended_at__isnull=True, emergency_ends_on__lt=today
    ).select_related("case", "organization", "worker", "reviewer", "added_by")
    for member in expired:
        with audit.atomic():
            updated = CaseTeamMember.objects.filter(
                pk=member.pk, basis=SharingBasis.EMERGENCY, basis_ended_at__isnull=True
            ).update(basis_ended_at=now, basis_end_reason=BasisEnd.EXPIRED)
            if updated != 1:
                continue
            member.basis_ended_at, member.basis_end_reason = now, BasisEnd.EXPIRED
            audit.record(
                action=Action.SHARING_BASIS_ENDED,
                actor_username="system",
                target=member.case,
                detail={
                    "member": member.pk,
                    "organization": member.organization_id,
                    "reason": BasisEnd.EXPIRED.value,
                    "emergency_ends_on": str(member.emergency_ends_on),
                },
            )
            ended.append(member)
    return ended
