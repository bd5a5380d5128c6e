"""Writes of referrals: create, edit a draft, move along the table of rules.py, escalate.

Each service checks who is acting, validates, writes, records the `ReferralTransition` and its
audit row in one transaction.  Refusals that must stay on record (a write by the wrong side)
are audited before the transaction opens, so that raising does not roll the denial back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from tsunagu.accounts.models import User
from tsunagu.audit import services as audit
from tsunagu.audit.actions import register_action
from tsunagu.audit.late_entry import record_late_entry
from tsunagu.cases.access import active_team_members
from tsunagu.cases.models import Case, CaseTeamMember, SharingBasis, TeamRole
from tsunagu.cases.selectors import (
    default_emergency_reviewer,
    subject_person_ids,
    support_meetings_for,
    valid_consents_for,
)
from tsunagu.cases.services import (
    case_lead_transfer,
    team_member_join_on_acceptance,
    team_member_leave,
)
from tsunagu.core.actor import Actor
from tsunagu.core.dates import wareki
from tsunagu.core.errors import Conflict, FieldErrors, Forbidden, Invalid
from tsunagu.core.http import site_url
from tsunagu.core.late_entry import original_date_problem
from tsunagu.core.validation import full_clean
from tsunagu.notifications.models import NotificationKind
from tsunagu.notifications.services import notify, organization_staff
from tsunagu.organizations.models import (
    AreaKind,
    Membership,
    Organization,
    OrganizationKind,
    SystemRole,
)
from tsunagu.people.models import Consent, HouseholdMember, Person
from tsunagu.plans.models import PlanItem
from tsunagu.referrals import deadlines, fhir, selectors
from tsunagu.referrals.access import side_of
from tsunagu.referrals.models import (
    ACCEPTED_STATUSES,
    FINAL_STATUSES,
    BusinessStatus,
    Channel,
    Referral,
    ReferralEscalation,
    ReferralKind,
    ReferralStatus,
    ReferralTransition,
    Side,
    SummaryField,
)
from tsunagu.referrals.rules import MOVES, Move, is_allowed

# Audit actions of this app (the audit log stores any action string; these are ours).
ACTION_CREATED = register_action("referral.created", gettext_lazy("紹介・依頼の作成"))
ACTION_UPDATED = register_action("referral.updated", gettext_lazy("紹介・依頼の下書きの更新"))
ACTION_TRANSITIONED = register_action(
    "referral.transitioned", gettext_lazy("紹介・依頼の状態の変更")
)
ACTION_ESCALATED = register_action("referral.escalated", gettext_lazy("受付期限超過の通知"))
ACTION_EXPORTED = register_action("referral.exported", gettext_lazy("紹介・依頼の書き出し"))
ACTION_STATISTICS_EXPORTED = register_action(
    "referral.statistics_exported", gettext_lazy("紹介・依頼の統計の書き出し")
)

# Marked for the catalogue; translated where it is raised, in the reader's language.
CONFLICT_MESSAGE = gettext_noop(
    "ほかの人が先に更新しました。画面を開き直して内容を確認してください。"
)
BASES = (SharingBasis.CONSENT, SharingBasis.STATUTORY_MEETING, SharingBasis.EMERGENCY)

# The role the receiving organization takes on the case team when it accepts.
KIND_ROLES: dict[str, str] = {
    ReferralKind.JOINT_SUPPORT: TeamRole.JOINT,
    ReferralKind.ADVICE: TeamRole.JOINT,
}
ORGANIZATION_ROLES: dict[str, str] = {
    OrganizationKind.HOSPITAL: TeamRole.MEDICAL,
    OrganizationKind.SCHOOL: TeamRole.SCHOOL,
    OrganizationKind.WARD_OFFICE: TeamRole.ADMINISTRATION,
    OrganizationKind.CITY_DEPARTMENT: TeamRole.ADMINISTRATION,
    OrganizationKind.SERVICE_PROVIDER: TeamRole.SERVICE,
    OrganizationKind.WELFARE_COMMISSIONER: TeamRole.INFORMAL,
}


REFERRAL = "referrals.referral"  # the audit rows' target type


# --- The summary the receiver sees before accepting -----------------------------------------


def _ward_name(person: Person) -> str:
    area = person.area
    while area is not None and area.kind not in (AreaKind.WARD, AreaKind.CITY):
        area = area.parent
    return area.name if area is not None else ""


def _household_concerns(case: Case, person: Person | None) -> list[str]:
    if case.household is not None:
        return list(case.household.concerns)
    if person is None:
        return []
    member = (
        HouseholdMember.objects.current()
        .filter(person=person)
        .select_related("household")
        .order_by("-start_date", "-pk")
        .first()
    )
    return list(member.household.concerns) if member else []


def build_summary(case: Case, person: Person | None, fields: Iterable[str]) -> dict[str, Any]:
    """What of the case the requester chose to show, taken now (codes, not labels)."""
    chosen = set(fields)
    summary: dict[str, Any] = {}
    if person is not None:
        if SummaryField.NAME in chosen:
            summary["name"] = person.display_name
            summary["kana"] = person.kana_name
        if SummaryField.AGE in chosen:
            summary["age"] = person.age_on(timezone.localdate())
        if SummaryField.SEX in chosen:
            summary["sex"] = person.sex
        if SummaryField.AREA in chosen:
            summary["area"] = _ward_name(person)
        if SummaryField.DISABILITY in chosen:
            summary["disability_categories"] = list(person.disability_categories)
            summary["support_category"] = person.support_category
    if SummaryField.HOUSEHOLD in chosen:
        summary["household_concerns"] = _household_concerns(case, person)
    if SummaryField.DIFFICULTY in chosen:
        summary["is_complex"] = case.is_complex
        summary["difficulty_factors"] = list(case.difficulty_factors)
    return summary


# --- Checks shared by create, edit and send -------------------------------------------------


@dataclass(frozen=True)
class ReferralData:
    kind: str
    receiving_organization: Organization
    reason: str
    request_text: str
    summary_text: str
    summary_fields: list[str]
    basis: str = ""
    consent: Consent | None = None
    basis_note: str = ""
    receiving_worker: User | None = None
    person: Person | None = None
    plan_item: PlanItem | None = None
    handover_summary: str = ""
    # Late entry (後日入力): the day the request was really made, by phone or on paper.
    requested_on: dt.date | None = None


def _require_lead(actor: Actor, case: Case) -> None:
    if actor.organization_id != case.lead_organization_id:
        audit.record_denial(
            actor, target_type="cases.case", target_id=str(case.pk), reason="not the lead"
        )
        raise Forbidden(_("紹介・依頼を出せるのはケースの主担当機関だけです。"))


def _subject_person(case: Case, person: Person | None) -> Person:
    """Whom the request is about: the case's person, or the member of its household chosen."""
    if person is None:
        if case.person is None:
            raise Invalid(_("世帯のケースでは、依頼の対象となる方を世帯員から選んでください。"))
        return case.person
    if person.pk not in subject_person_ids(case):
        raise Invalid(_("対象の方は、このケースの本人または世帯員から選んでください。"))
    return person


def _check_data(actor: Actor, case: Case, data: ReferralData) -> None:
    if data.kind not in ReferralKind.values:
        raise Invalid(_("依頼の種類を選んでください。"))
    receiver = data.receiving_organization
    if receiver.pk == actor.organization_id:
        raise Invalid(_("自分の機関には依頼できません。依頼先を選び直してください。"))
    if not receiver.is_active:
        raise Invalid(_("無効になっている機関には依頼できません。"))
    if not receiver.has_accounts:
        raise Invalid(
            _(
                "この機関はつなぐを利用していないため、受理の記録ができません。"
                "電話などで連絡し、支援チームに直接加えてください。"
            )
        )
    if data.receiving_worker is not None and not (
        Membership.objects.current()
        .filter(user=data.receiving_worker, organization=receiver)
        .exists()
    ):
        raise Invalid(_("依頼先の担当者は、依頼先の機関の職員から選んでください。"))
    for name, label in (
        ("reason", _("依頼の理由")),
        ("request_text", _("依頼したいこと")),
        ("summary_text", _("先方に伝える概要")),
    ):
        if not str(getattr(data, name)).strip():
            raise Invalid(_("%(field)sを入力してください。") % {"field": label})
    if set(data.summary_fields) - set(SummaryField.values):
        raise Invalid(_("先方に見せる項目に不明な値があります。"))
    if data.basis and data.basis not in BASES:
        raise Invalid(_("共有の根拠を選んでください。"), code="no_basis")
    if data.consent is not None and data.consent.person_id not in subject_person_ids(case):
        raise Invalid(_("同意は、このケースの本人または世帯員のものを選んでください。"))
    if data.plan_item is not None and data.plan_item.plan.case_id != case.pk:
        raise Invalid(_("支援計画の項目は、このケースの支援計画から選んでください。"))


def _check_basis(referral: Referral) -> None:
    """A request is sent only with a basis that holds today (the rules of the case team)."""
    basis = referral.basis
    if basis == SharingBasis.CONSENT:
        valid = {c.pk: c for c in valid_consents_for(referral.case)}
        consent = valid.get(referral.consent_id or 0)
        if consent is None or referral.receiving_organization_id not in {
            o.pk for o in consent.organizations.all()
        }:
            raise Invalid(
                _(
                    "依頼先の機関を含む、今日有効な同意がありません。"
                    "同意を記録するか、支援会議または緊急の根拠を選んでください。"
                ),
                code="no_basis",
            )
    elif basis == SharingBasis.STATUTORY_MEETING:
        # The meeting itself, as for the team (issue 13 item 4): the receiver joins on it.
        if not support_meetings_for(referral.case, referral.receiving_organization).exists():
            raise Invalid(
                _(
                    "依頼先の機関が出席し、出席者全員が守秘義務（社会福祉法106条の6第5項）を"
                    "誓約した、このケースについての開催済みの支援会議の記録がありません。"
                    "先に支援会議を記録してください。"
                ),
                code="no_meeting",
            )
    elif basis == SharingBasis.EMERGENCY:
        if not referral.basis_note.strip():
            raise Invalid(
                _("緊急と判断した状況（生命・身体の保護）を「根拠の詳細」に入力してください。"),
                code="no_basis",
            )
        if default_emergency_reviewer() is None:
            raise Invalid(
                _("緊急の根拠を確認する基幹相談支援センターの職員が登録されていません。"),
                code="no_reviewer",
            )
    else:
        raise Invalid(
            _("共有の根拠（本人の同意・支援会議・緊急）を選ばないと依頼を送れません。"),
            code="no_basis",
        )


def _check_not_duplicate(referral: Referral) -> None:
    duplicate = (
        Referral.objects.filter(
            case_id=referral.case_id,
            receiving_organization_id=referral.receiving_organization_id,
            kind=referral.kind,
        )
        .exclude(status__in=[*FINAL_STATUSES, ReferralStatus.DRAFT])
        .exclude(pk=referral.pk)
    )
    if duplicate.exists():
        raise Invalid(
            _("このケースについて、同じ機関への同じ種類の依頼がすでに進んでいます。"),
            code="duplicate",
        )


def _apply_data(referral: Referral, case: Case, data: ReferralData) -> None:
    consent = data.consent if data.basis == SharingBasis.CONSENT else None
    referral.kind = data.kind
    referral.receiving_organization = data.receiving_organization
    referral.receiving_worker = data.receiving_worker
    referral.person = _subject_person(case, data.person)
    referral.reason = data.reason.strip()
    referral.request_text = data.request_text.strip()
    referral.summary_text = data.summary_text.strip()
    referral.summary_fields = [f for f in SummaryField.values if f in set(data.summary_fields)]
    referral.basis = data.basis
    referral.consent = consent
    referral.basis_note = data.basis_note.strip()[:200]
    referral.plan_item = data.plan_item
    referral.handover_summary = (
        data.handover_summary.strip() if data.kind == ReferralKind.TRANSFER else ""
    )
    referral.summary = build_summary(case, referral.person, referral.summary_fields)


def _record(
    actor: Actor | None,
    *,
    referral: Referral,
    action: str,
    from_status: str,
    from_business: str,
    reason: str,
    side: str,
    channel: str,
) -> ReferralTransition:
    transition = ReferralTransition.objects.create(
        referral=referral,
        action=action,
        from_status=from_status,
        to_status=referral.status,
        from_business_status=from_business,
        to_business_status=referral.business_status,
        reason=reason,
        side=side,
        channel=channel,
        by=actor.user if actor else None,
        by_organization=actor.organization if actor else None,
    )
    audit.record(
        action=ACTION_TRANSITIONED if action != "create" else ACTION_CREATED,
        actor=actor,
        target=referral,
        detail={
            "action": action,
            "from": from_status,
            "to": referral.status,
            "business_status": referral.business_status,
            "reason": reason,
            "case": referral.case_id,
            "receiving_organization": referral.receiving_organization_id,
            "channel": channel,
        },
    )
    return transition


# --- Create and edit ------------------------------------------------------------------------


def referral_create(
    actor: Actor,
    *,
    case: Case,
    data: ReferralData,
    send: bool = True,
    channel: str = Channel.SCREEN,
) -> Referral:
    """A new referral from the case's lead organization; `send=False` keeps it as a draft."""
    actor = audit.require_writer(actor, target_type=REFERRAL)
    _require_lead(actor, case)
    with audit.atomic():
        if not case.is_open:
            raise Invalid(_("終結したケースからは紹介・依頼を出せません。"))
        if data.requested_on is not None:
            if not send:
                raise FieldErrors(
                    {
                        "requested_on": _(
                            "依頼日は送信するときに入れます。下書きでは空欄にしてください。"
                        )
                    }
                )
            problem = original_date_problem(data.requested_on, label=_("依頼日"))
            if problem:
                raise FieldErrors({"requested_on": problem})
        _check_data(actor, case, data)
        assert actor.organization is not None  # noqa: S101  # _writer guarantees it
        referral = Referral(
            case=case,
            requesting_organization=actor.organization,
            requesting_worker=actor.user,
            status=ReferralStatus.DRAFT,
        )
        _apply_data(referral, case, data)
        full_clean(referral, labelled=False, constraints=True)
        referral.save()
        _record(
            actor=actor,
            referral=referral,
            action="create",
            from_status="",
            from_business="",
            reason="",
            side=Side.REQUESTER,
            channel=channel,
        )
        if send:
            _transition(
                actor=actor,
                referral=referral,
                move=MOVES["request"],
                reason="",
                outcome="",
                receiving_worker=None,
                channel=channel,
            )
            if data.requested_on is not None:
                _date_request(actor, referral, data.requested_on)
        return referral


def _date_request(actor: Actor, referral: Referral, day: dt.date) -> None:
    """A request made before it was entered keeps its own day (the start of it) as
    `requested_at`: the statistics count it then, and its acknowledgement deadline runs from
    it.  Its transition row keeps the moment it was entered."""
    if day >= timezone.localdate():
        return
    referral.requested_at = deadlines.start_of_local_day(day)
    Referral.objects.filter(pk=referral.pk).update(requested_at=referral.requested_at)
    record_late_entry(actor, target=referral, own=day)


def referral_update(
    actor: Actor,
    *,
    referral: Referral,
    expected_version: int,
    data: ReferralData,
    channel: str = Channel.SCREEN,
) -> Referral:
    """Edit a draft (a sent request is changed only by its moves)."""
    actor = audit.require_writer(actor, target_type=REFERRAL, target_id=referral.pk)
    if side_of(actor, referral) != Side.REQUESTER:
        audit.record_denial(
            actor,
            target_type="referrals.referral",
            target_id=str(referral.pk),
            reason="not the requester",
        )
        raise Forbidden(_("下書きを編集できるのは依頼元だけです。"))
    with audit.atomic():
        if referral.status != ReferralStatus.DRAFT:
            raise Conflict(
                _("送信済みの依頼は編集できません。取り下げてから新しく依頼してください。"),
                code="illegal_transition",
            )
        case = referral.case
        _check_data(actor, case, data)
        _apply_data(referral, case, data)
        full_clean(referral, labelled=False, constraints=True)
        fields = [
            "kind",
            "receiving_organization",
            "receiving_worker",
            "person",
            "reason",
            "request_text",
            "summary_text",
            "summary_fields",
            "summary",
            "basis",
            "consent",
            "basis_note",
            "plan_item",
            "handover_summary",
        ]
        values = {name: getattr(referral, name) for name in fields}
        updated = Referral.objects.filter(
            pk=referral.pk, version=expected_version, status=ReferralStatus.DRAFT
        ).update(**values, version=F("version") + 1, updated_at=timezone.now())
        if updated != 1:
            raise Conflict(_(CONFLICT_MESSAGE))
        referral.version = expected_version + 1
        audit.record(
            action=ACTION_UPDATED,
            actor=actor,
            target=referral,
            detail={"changed": fields, "channel": channel},
        )
        return referral


# --- Moves ----------------------------------------------------------------------------------


def _status_label(value: str) -> str:
    return str(ReferralStatus(value).label)


def referral_transition(
    actor: Actor,
    *,
    referral: Referral,
    action: str,
    reason: str = "",
    outcome: str = "",
    receiving_worker: User | None = None,
    previous_lead_role: str = "",
    channel: str = Channel.SCREEN,
) -> Referral:
    """Apply one move of rules.MOVES, as the acting organization's side.  Accepting a transfer
    may name `previous_lead_role`: the role in which the old lead stays on the team."""
    move = MOVES.get(action)
    if move is None:
        raise Invalid(
            _("操作「%(action)s」はありません。") % {"action": action[:40]},
            code="unknown_action",
        )
    actor = audit.require_writer(actor, target_type=REFERRAL, target_id=referral.pk)
    side = side_of(actor, referral)
    if side != move.side:
        audit.record_denial(
            actor,
            target_type="referrals.referral",
            target_id=str(referral.pk),
            reason=f"wrong side for {action}",
        )
        raise Invalid(
            _("「%(action)s」は%(side)sが行う操作です。")
            % {"action": move.label, "side": Side(move.side).label},
            code="wrong_side",
        )
    with audit.atomic():
        return _transition(
            actor=actor,
            referral=referral,
            move=move,
            reason=reason.strip(),
            outcome=outcome.strip(),
            receiving_worker=receiving_worker,
            channel=channel,
            previous_lead_role=previous_lead_role,
        )


def _receiver_role(referral: Referral) -> str:
    if referral.kind in KIND_ROLES:
        return KIND_ROLES[referral.kind]
    return ORGANIZATION_ROLES.get(referral.receiving_organization.kind, TeamRole.OTHER)


def _join_team(
    actor: Actor, referral: Referral, worker: User | None
) -> tuple[CaseTeamMember, bool]:
    """The receiver joins the case team with the basis recorded on the request.

    The lead decided to share when it sent the request (it alone may send one), so the lead
    check of `team_member_add` is replaced by the referral's own rule; every other rule of the
    team (open case, a consent valid today naming the organization, a note for a statutory
    meeting or an emergency, the worker's membership) is the team's own, applied by its service.
    """
    case = referral.case
    existing = (
        active_team_members()
        .filter(case=case, organization_id=referral.receiving_organization_id)
        .first()
    )
    if existing is not None:
        return existing, False
    member = team_member_join_on_acceptance(
        actor=actor,
        case=case,
        organization=referral.receiving_organization,
        role=_receiver_role(referral),
        basis=referral.basis,
        consent=referral.consent,
        basis_note=referral.basis_note,
        worker=worker,
    )
    return member, True


def _leave_team(actor: Actor, referral: Referral) -> None:
    """A request withdrawn after its acceptance: the receiver leaves the team it joined by
    accepting it, unless another accepted request of the case still keeps it there.  A member
    that was on the team before the request, or has left since, is not touched."""
    member = referral.team_member
    if not referral.joined_team or member is None or member.left_on is not None:
        return
    kept = (
        Referral.objects.filter(team_member=member, status__in=ACCEPTED_STATUSES)
        .exclude(pk=referral.pk)
        .exists()
    )
    if kept:
        return
    if referral.case.lead_organization_id != referral.requesting_organization_id:
        return  # the lead has changed since: the team is the new lead's to change
    team_member_leave(actor=actor, member=member)


def _request_step(
    actor: Actor, referral: Referral, worker: User | None, previous_lead_role: str
) -> dict[str, Any]:
    """Sending: the case is open, the receiver can take requests, the basis holds, and no
    same request is open; the summary is built from the case as it is now."""
    referral.case.refresh_from_db()
    if not referral.case.is_open:
        raise Invalid(_("終結したケースからは紹介・依頼を出せません。"))
    receiver = referral.receiving_organization
    if not receiver.is_active or not receiver.has_accounts:
        raise Invalid(_("依頼先の機関は現在依頼を受け付けられません。依頼先を選び直してください。"))
    _check_basis(referral)
    _check_not_duplicate(referral)
    if referral.kind == ReferralKind.TRANSFER and not referral.handover_summary.strip():
        raise Invalid(
            _(
                "移管には引継ぎの要約が必要です。限定公開の記録は新しい主担当機関に"
                "引き継がれないため、支援に必要なことを書いてください。"
            ),
            code="handover_required",
        )
    return {
        "business_status": BusinessStatus.NONE,
        "summary": build_summary(referral.case, referral.person, referral.summary_fields),
    }


def _accept_step(
    actor: Actor, referral: Referral, worker: User | None, previous_lead_role: str
) -> dict[str, Any]:
    """Accepting: the worker (one of the receiver's staff) and the receiver joins the team; on
    a transfer (移管) it becomes the case's lead instead (ADR 0012), the old lead leaving the
    team today unless `previous_lead_role` asks it to stay."""
    if worker is not None and not (
        Membership.objects.current()
        .filter(user=worker, organization_id=referral.receiving_organization_id)
        .exists()
    ):
        raise Invalid(_("担当者は、依頼先の機関の職員から選んでください。"))
    worker = worker or referral.receiving_worker or actor.user
    if referral.kind == ReferralKind.TRANSFER:
        case = referral.case
        case.refresh_from_db()
        if case.lead_organization_id != referral.requesting_organization_id:
            raise Conflict(
                _("この移管を依頼した機関は、もうこのケースの主担当機関ではありません。"),
                code="illegal_transition",
            )
        change = case_lead_transfer(
            actor,
            case=case,
            worker=worker,
            handover_summary=referral.handover_summary,
            previous_lead_role=previous_lead_role,
            detail={"referral": referral.pk},
        )
        return {
            "receiving_worker": worker,
            "team_member": change.lead_member,
            "joined_team": True,
        }
    if previous_lead_role:
        raise Invalid(_("前の主担当機関の役割を選べるのは移管のときだけです。"))
    member, joined = _join_team(actor, referral, worker)
    return {"receiving_worker": worker, "team_member": member, "joined_team": joined}


MOVE_STEPS: dict[str, Callable[[Actor, Referral, User | None, str], dict[str, Any]]] = {
    "request": _request_step,
    "accept": _accept_step,
}


def _transition(
    actor: Actor,
    *,
    referral: Referral,
    move: Move,
    reason: str,
    outcome: str,
    receiving_worker: User | None,
    channel: str,
    previous_lead_role: str = "",
) -> Referral:
    from_status, from_business = referral.status, referral.business_status
    if not is_allowed(move, from_status, from_business):
        if move.business_status is not None and from_status in move.sources:
            message = _("この依頼はすでに受け付け済みです。")
        else:
            message = _("「%(status)s」の依頼は「%(action)s」ことができません。") % {
                "status": _status_label(from_status),
                "action": move.label,
            }
        raise Conflict(message, code="illegal_transition")
    if move.needs_reason and not reason:
        raise Invalid(
            _("「%(action)s」には理由が必要です。理由を入力してください。")
            % {"action": move.label},
            code="reason_required",
        )
    if move.needs_outcome and not outcome:
        raise Invalid(
            _("完了の報告には結果の報告が必要です。何をして、どうなったかを入力してください。"),
            code="outcome_required",
        )
    now = timezone.now()
    # What every move writes comes from its row of rules.MOVES; the two moves that check or
    # change more than the referral have their own step (MOVE_STEPS).
    values: dict[str, Any] = {"status": move.target}
    if move.business_status is not None:
        values["business_status"] = move.business_status
    values |= dict.fromkeys(move.stamps, now)
    values |= {name: getattr(referral, name) or now for name in move.first_stamps}
    if move.needs_reason:
        values["status_reason"] = reason
    if move.needs_outcome:
        values["outcome"] = outcome
    step = MOVE_STEPS.get(move.action)
    if step is not None:
        values |= step(actor, referral, receiving_worker, previous_lead_role)
    # Conditional on what was read, so that two people moving one referral cannot both win.
    updated = Referral.objects.filter(
        pk=referral.pk, status=from_status, business_status=from_business
    ).update(**values, version=F("version") + 1, updated_at=now)
    if updated != 1:
        raise Conflict(_(CONFLICT_MESSAGE))
    for name, value in values.items():
        setattr(referral, name, value)
    referral.version += 1
    if move.action == "cancel" and from_status in ACCEPTED_STATUSES:
        _leave_team(actor, referral)
    _record(
        actor=actor,
        referral=referral,
        action=move.action,
        from_status=from_status,
        from_business=from_business,
        reason=outcome if move.needs_outcome else reason,
        side=move.side,
        channel=channel,
    )
    _notify_move(actor, referral, move.action)
    return referral


# The moves the other side hears of, and who hears: the worker named on that side, else its
# organization's staff.
NOTIFIED_MOVES: dict[str, tuple[NotificationKind, str]] = {
    "request": (NotificationKind.REFERRAL_ARRIVED, Side.RECEIVER),
    "accept": (NotificationKind.REFERRAL_ACCEPTED, Side.REQUESTER),
    "reject": (NotificationKind.REFERRAL_RETURNED, Side.REQUESTER),
}


def _notify_move(actor: Actor, referral: Referral, action: str) -> None:
    notified = NOTIFIED_MOVES.get(action)
    if notified is None:
        return
    kind, side = notified
    if side == Side.RECEIVER:
        worker, organization_id = referral.receiving_worker, referral.receiving_organization_id
    else:
        worker, organization_id = referral.requesting_worker, referral.requesting_organization_id
    notify(
        recipients=[worker] if worker is not None else organization_staff(organization_id),
        kind=kind,
        target=referral,
        caused_by=actor.user,
    )


# --- The FHIR export ------------------------------------------------------------------------


def referral_fhir_export(actor: Actor, *, referral: Referral) -> dict[str, Any]:
    """The referral's FHIR bundle for the screen's download and the API alike, on the record
    (a receiver that has not accepted gets the Patient only as far as the summary allows)."""
    full = fhir.full_patient_for(
        side_of(actor, referral), referral, selectors.case_visible(actor, referral)
    )
    bundle = fhir.referral_bundle(referral, full_patient=full)
    audit.record(
        action=ACTION_EXPORTED,
        actor=actor,
        target=referral,
        detail={"format": "fhir", "full_patient": full},
    )
    return bundle


# --- Escalation of requests not acknowledged in time ----------------------------------------


def escalation_recipients(organization: Organization) -> list[User]:
    """The organization's managers; when it has none, its writing staff, so that an
    escalation never reaches nobody."""
    memberships = (
        Membership.objects.current()
        .filter(organization=organization, user__is_active=True)
        .select_related("user")
        .order_by("user__username")
    )
    managers = [m.user for m in memberships if m.role == SystemRole.MANAGER]
    if managers:
        return managers
    return [m.user for m in memberships if m.role == SystemRole.STAFF]


def _escalation_mail(referral: Referral, due_on: dt.date) -> tuple[str, str]:
    # No person-level data in an email: the kind, the organizations and the dates only.
    subject = _("【つなぐ】受付期限を過ぎた依頼があります（%(kind)s #%(id)s）") % {
        "kind": referral.get_kind_display(),
        "id": referral.pk,
    }
    assert referral.requested_at is not None  # noqa: S101  # only sent requests escalate
    body = _(
        "%(receiver)s 管理者の方へ\n\n"
        "%(requester)s からの%(kind)s（#%(id)s）が、受付の期限（%(due)s）を過ぎても"
        "受け付けられていません。\n"
        "依頼日: %(sent)s\n\n"
        "つなぐの「紹介・依頼」の受信一覧（%(path)s）で内容を確認し、"
        "受け付け・受理・お断りのいずれかを記録してください。\n"
    ) % {
        "receiver": referral.receiving_organization.name,
        "requester": referral.requesting_organization.name,
        "kind": referral.get_kind_display(),
        "id": referral.pk,
        "due": wareki(due_on),
        "sent": wareki(referral.requested_at),
        "path": site_url(reverse("referrals:detail", kwargs={"referral_id": referral.pk})),
    }
    return subject, body


def _mail_after_commit(subject: str, body: str, addresses: list[str]) -> None:
    def send() -> None:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, addresses)

    transaction.on_commit(send)


def overdue_unescalated() -> list[Referral]:
    return list(
        Referral.objects.filter(
            status=ReferralStatus.REQUESTED,
            business_status=BusinessStatus.NONE,
            requested_at__lt=deadlines.sent_overdue_before(),
            escalation__isnull=True,
        )
        .select_related("receiving_organization", "requesting_organization")
        .order_by("requested_at", "pk")
    )


def referrals_escalate(*, dry_run: bool = False) -> list[ReferralEscalation]:
    """Raise every request past its acknowledgement deadline to the receiver's managers, once.

    Idempotent: a referral already escalated is skipped (and the one-to-one row refuses a
    second one if two runs overlap).  Each escalation is a row, an audit row and an email sent
    after the transaction commits."""
    escalations: list[ReferralEscalation] = []
    for referral in overdue_unescalated():
        assert referral.requested_at is not None  # noqa: S101  # filtered above
        due_on = deadlines.ack_due_on(referral.requested_at)
        recipients = escalation_recipients(referral.receiving_organization)
        if dry_run:
            escalations.append(
                ReferralEscalation(
                    referral=referral, organization=referral.receiving_organization, due_on=due_on
                )
            )
            continue
        try:
            with audit.atomic():
                escalation = ReferralEscalation.objects.create(
                    referral=referral,
                    organization=referral.receiving_organization,
                    due_on=due_on,
                    emails_sent=sum(1 for u in recipients if u.email),
                )
                escalation.recipients.set(recipients)
                audit.record(
                    action=ACTION_ESCALATED,
                    organization=referral.receiving_organization,
                    target=referral,
                    detail={
                        "escalation": escalation.pk,
                        "due_on": due_on.isoformat(),
                        "recipients": [u.username for u in recipients],
                    },
                )
                subject, body = _escalation_mail(referral, due_on)
                notify(
                    recipients=recipients, kind=NotificationKind.REFERRAL_OVERDUE, target=referral
                )
                addresses = [u.email for u in recipients if u.email]
                if addresses:
                    _mail_after_commit(subject, body, addresses)
        except IntegrityError:
            continue  # escalated by a concurrent run
        escalations.append(escalation)
    return escalations
