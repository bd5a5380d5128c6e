"""The loop through the services: send with a basis, the receiver sees only the summary, accept
adds it to the team with that basis, every move is recorded, refusals are clear."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases.access import active_team_members, cases_visible_to
from tsunagu.cases.models import CaseStatus, CaseTeamMember, SharingBasis, TeamRole
from tsunagu.cases.tests.factories import pledged_support_meeting
from tsunagu.core.errors import Conflict, Forbidden, Invalid, NotFound
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.people.tests.factories import HouseholdFactory, HouseholdMemberFactory
from tsunagu.referrals import services
from tsunagu.referrals.access import access_referral, referrals_visible_to
from tsunagu.referrals.models import Referral, ReferralKind, ReferralStatus, ReferralTransition
from tsunagu.referrals.selectors import summary_items
from tsunagu.referrals.services import ReferralData
from tsunagu.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def _data(personas, world, **overrides) -> ReferralData:
    values = {
        "kind": ReferralKind.JOINT_SUPPORT,
        "receiving_organization": personas.core_center,
        "reason": "見立てが定まらず、支援チームが組めていない。",
        "request_text": "ケース会議への同席と助言をお願いしたい。",
        "summary_text": "40代男性。母の入院後、日中の居場所がない。",
        "summary_fields": ["age", "sex"],
        "basis": SharingBasis.CONSENT,
        "consent": world.consent,
    }
    values.update(overrides)
    return ReferralData(**values)


def _send(personas, world, **overrides) -> Referral:
    return services.referral_create(
        actor=actor_as(personas.counselor_a),
        case=world.case,
        data=_data(personas, world, **overrides),
    )


def _move(user, referral, action, **kwargs) -> Referral:
    fresh = Referral.objects.select_related(
        "case", "receiving_organization", "requesting_organization", "consent"
    ).get(pk=referral.pk)
    return services.referral_transition(
        actor=actor_as(user), referral=fresh, action=action, **kwargs
    )


def test_the_whole_loop_is_recorded(personas, world):
    referral = _send(personas, world)
    assert referral.status == ReferralStatus.REQUESTED
    assert referral.requested_at is not None
    # The receiver sees the request and only the chosen summary, not the case.
    core = actor_as(personas.core_officer)
    assert referrals_visible_to(core).filter(pk=referral.pk).exists()
    assert not cases_visible_to(core).filter(pk=world.case.pk).exists()
    assert referral.summary == {"age": world.person.age_on(timezone.localdate()), "sex": "male"}
    labels = dict(summary_items(referral))
    assert "氏名" not in labels

    _move(personas.core_officer, referral, "acknowledge")
    _move(personas.core_officer, referral, "accept")
    member = CaseTeamMember.objects.get(case=world.case, organization=personas.core_center)
    assert (member.basis, member.consent, member.role) == (
        SharingBasis.CONSENT,
        world.consent,
        TeamRole.JOINT,
    )
    assert member.worker == personas.core_officer
    assert cases_visible_to(core).filter(pk=world.case.pk).exists()

    _move(personas.core_officer, referral, "start")
    _move(personas.core_officer, referral, "hold", reason="本人の入院のため")
    _move(personas.core_officer, referral, "resume")
    _move(personas.core_officer, referral, "complete", outcome="ケース会議で役割分担を決めた。")
    done = _move(personas.counselor_a, referral, "confirm")
    assert done.status == ReferralStatus.CONFIRMED
    assert done.confirmed_at is not None
    steps = list(
        ReferralTransition.objects.filter(referral=referral).values_list(
            "action", "from_status", "to_status", "side"
        )
    )
    assert steps == [
        ("create", "", "draft", "requester"),
        ("request", "draft", "requested", "requester"),
        ("acknowledge", "requested", "requested", "receiver"),
        ("accept", "requested", "accepted", "receiver"),
        ("start", "accepted", "in_progress", "receiver"),
        ("hold", "in_progress", "on_hold", "receiver"),
        ("resume", "on_hold", "in_progress", "receiver"),
        ("complete", "in_progress", "completed", "receiver"),
        ("confirm", "completed", "confirmed", "requester"),
    ]
    hold = ReferralTransition.objects.get(referral=referral, action="hold")
    assert (hold.reason, hold.by, hold.by_organization) == (
        "本人の入院のため",
        personas.core_officer,
        personas.core_center,
    )
    assert AuditEvent.objects.filter(action=services.ACTION_TRANSITIONED).count() == 8
    assert AuditEvent.objects.filter(action=Action.TEAM_MEMBER_ADDED).count() == 1


def test_no_basis_no_request(personas, world):
    with pytest.raises(Invalid) as exc:
        _send(personas, world, basis="", consent=None)
    assert exc.value.code == "no_basis"
    assert "共有の根拠" in exc.value.message
    assert not Referral.objects.exists()
    # A draft may wait for its basis, but cannot be sent without it.
    draft = services.referral_create(
        actor=actor_as(personas.counselor_a),
        case=world.case,
        data=_data(personas, world, basis="", consent=None),
        send=False,
    )
    with pytest.raises(Invalid):
        _move(personas.counselor_a, draft, "request")
    assert Referral.objects.get().status == ReferralStatus.DRAFT


def test_the_consent_must_name_the_receiver_and_be_valid_today(personas, world):
    with pytest.raises(Invalid) as exc:
        _send(personas, world, receiving_organization=personas.office_b)
    assert "依頼先の機関を含む" in exc.value.message
    world.consent.expires_on = timezone.localdate() - dt.timedelta(days=1)
    world.consent.obtained_on = timezone.localdate() - dt.timedelta(days=30)
    world.consent.save()
    with pytest.raises(Invalid):
        _send(personas, world)


def test_statutory_meeting_needs_the_meeting_and_emergency_a_note(personas, world):
    with pytest.raises(Invalid) as exc:
        _send(personas, world, basis=SharingBasis.EMERGENCY, consent=None, basis_note="")
    assert "根拠の詳細" in exc.value.message
    # Issue 13 item 4: a note alone no longer makes a support-meeting basis.
    with pytest.raises(Invalid) as exc:
        _send(
            personas,
            world,
            basis=SharingBasis.STATUTORY_MEETING,
            consent=None,
            basis_note="令和8年度第3回支援会議（11月20日）",
            receiving_organization=personas.office_b,
            kind=ReferralKind.REFERRAL,
        )
    assert exc.value.code == "no_meeting"
    meeting = pledged_support_meeting(world.case, personas.office_b, personas.counselor_a)
    referral = _send(
        personas,
        world,
        basis=SharingBasis.STATUTORY_MEETING,
        consent=None,
        basis_note="令和8年度第3回支援会議（11月20日）",
        receiving_organization=personas.office_b,
        kind=ReferralKind.REFERRAL,
    )
    _move(personas.counselor_b, referral, "accept")
    member = CaseTeamMember.objects.get(case=world.case, organization=personas.office_b)
    assert member.basis == SharingBasis.STATUTORY_MEETING
    assert member.conference == meeting
    assert member.basis_note == "令和8年度第3回支援会議（11月20日）"


def test_a_withdrawn_consent_stops_the_acceptance(personas, world):
    referral = _send(personas, world)
    world.consent.withdrawn_at = timezone.now()
    world.consent.save()
    with pytest.raises(Invalid):
        _move(personas.core_officer, referral, "accept")
    assert Referral.objects.get().status == ReferralStatus.REQUESTED
    assert not CaseTeamMember.objects.filter(organization=personas.core_center).exists()


def test_only_the_lead_sends_and_never_to_itself(personas, world):
    with pytest.raises(Forbidden):
        services.referral_create(
            actor=actor_as(personas.core_officer),
            case=world.case,
            data=_data(personas, world, receiving_organization=personas.office_b),
        )
    with pytest.raises(Invalid) as exc:
        _send(personas, world, receiving_organization=personas.office_a)
    assert "自分の機関" in exc.value.message
    with pytest.raises(Forbidden):
        services.referral_create(
            actor=actor_as(personas.reader_a), case=world.case, data=_data(personas, world)
        )


def test_a_second_open_request_to_the_same_place_is_refused(personas, world):
    _send(personas, world)
    with pytest.raises(Invalid) as exc:
        _send(personas, world)
    assert exc.value.code == "duplicate"


def test_a_household_case_names_the_member_it_is_about(personas, world):
    household = HouseholdFactory.create(registered_by_organization=personas.office_a)
    HouseholdMemberFactory.create(household=household, person=world.person)
    world.case.person = None
    world.case.household = household
    world.case.save()
    with pytest.raises(Invalid) as exc:
        _send(personas, world, basis=SharingBasis.EMERGENCY, consent=None, basis_note="安否不明")
    assert "世帯員" in exc.value.message
    referral = _send(
        personas,
        world,
        basis=SharingBasis.EMERGENCY,
        consent=None,
        basis_note="安否不明",
        person=world.person,
    )
    assert referral.person == world.person


def test_drafts_are_the_requesters_alone(personas, world, rf):
    draft = services.referral_create(
        actor=actor_as(personas.counselor_a),
        case=world.case,
        data=_data(personas, world),
        send=False,
    )
    core = actor_as(personas.core_officer)
    with pytest.raises(NotFound):
        access_referral(core, draft.pk)
    assert access_referral(actor_as(personas.colleague_a), draft.pk) == draft


def test_two_people_moving_one_referral_cannot_both_win(personas, world):
    referral = _send(personas, world)
    stale = Referral.objects.select_related("case", "receiving_organization").get(pk=referral.pk)
    _move(personas.core_officer, referral, "reject", reason="担当区域外のため")
    with pytest.raises(Conflict):
        services.referral_transition(
            actor=actor_as(personas.core_officer), referral=stale, action="accept"
        )
    assert Referral.objects.get().status == ReferralStatus.REJECTED


def test_a_closed_case_cannot_send(personas, world):
    world.case.status = CaseStatus.CLOSED
    world.case.closed_on = timezone.localdate()
    world.case.save()
    with pytest.raises(Invalid):
        _send(personas, world)


def test_factory_referrals_are_valid(personas, world):
    referral = ReferralFactory.create(case=world.case, receiving_organization=personas.core_center)
    referral.full_clean()


def test_a_plan_item_names_the_receivers_role(personas, world):
    from tsunagu.plans.tests.factories import PlanItemFactory

    item = PlanItemFactory.create(
        plan__case=world.case, responsible_organization=personas.core_center
    )
    other = PlanItemFactory.create()
    with pytest.raises(Invalid) as exc:
        _send(personas, world, plan_item=other)
    assert "このケースの支援計画" in exc.value.message
    referral = _send(personas, world, plan_item=item)
    assert Referral.objects.get(pk=referral.pk).plan_item == item


def test_the_accepting_worker_belongs_to_the_receiver(personas, world):
    referral = _send(personas, world)
    with pytest.raises(Invalid) as exc:
        _move(personas.core_officer, referral, "accept", receiving_worker=personas.counselor_b)
    assert "依頼先の機関の職員" in exc.value.message
    accepted = _move(personas.core_officer, referral, "accept")
    assert accepted.receiving_worker == personas.core_officer


def test_withdrawn_after_acceptance_the_receiver_leaves_the_team_it_joined(personas, world):
    referral = _send(personas, world)
    _move(personas.core_officer, referral, "accept")
    member = CaseTeamMember.objects.get(case=world.case, organization=personas.core_center)
    core = actor_as(personas.core_officer)
    assert cases_visible_to(core).filter(pk=world.case.pk).exists()
    _move(personas.counselor_a, referral, "cancel", reason="本人が利用を望まなくなった")
    member.refresh_from_db()
    assert member.left_on == timezone.localdate()
    assert AuditEvent.objects.filter(action=Action.TEAM_MEMBER_LEFT).count() == 1
    # The last day on the team is today (left_on is inclusive, as for every member).
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert not active_team_members(on=tomorrow).filter(pk=member.pk).exists()


def test_withdrawn_after_acceptance_a_member_from_before_stays(personas, world):
    first = _send(personas, world)
    _move(personas.core_officer, first, "accept")
    _move(personas.core_officer, first, "start")
    _move(personas.core_officer, first, "complete", outcome="ケース会議で役割分担を決めた。")
    second = _send(personas, world, kind=ReferralKind.ADVICE)
    _move(personas.core_officer, second, "accept")
    assert not Referral.objects.get(pk=second.pk).joined_team  # it was on the team already
    _move(personas.counselor_a, second, "cancel", reason="助言は不要になった")
    member = CaseTeamMember.objects.get(case=world.case, organization=personas.core_center)
    assert member.left_on is None
    # Nor does withdrawing before acceptance touch the team.
    assert not AuditEvent.objects.filter(action=Action.TEAM_MEMBER_LEFT).exists()
