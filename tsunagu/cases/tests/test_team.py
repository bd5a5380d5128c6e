"""The case team and the basis for sharing (DESIGN.md §5)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases import services
from tsunagu.cases.access import active_team_members, cases_visible_to
from tsunagu.cases.models import CaseTeamMember, SharingBasis, TeamRole
from tsunagu.cases.tests.factories import CaseFactory, pledged_support_meeting
from tsunagu.core.errors import Forbidden, Invalid
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.people.tests.factories import (
    ConsentFactory,
    HouseholdFactory,
    HouseholdMemberFactory,
    PersonFactory,
)


def _add(personas, case, **kwargs):
    defaults = {"organization": personas.core_center, "role": TeamRole.JOINT}
    return services.team_member_add(
        actor=actor_as(personas.counselor_a), case=case, **{**defaults, **kwargs}
    )


def _core_sees(personas, case) -> bool:
    return cases_visible_to(actor_as(personas.core_officer)).filter(pk=case.pk).exists()


def test_refused_without_a_basis(personas, world):
    with pytest.raises(Invalid) as info:
        _add(personas, world.case, basis="")
    assert info.value.message == services.NO_CONSENT_MESSAGE
    assert not CaseTeamMember.objects.filter(organization=personas.core_center).exists()


def test_refused_with_consent_basis_but_no_consent(personas, world):
    with pytest.raises(Invalid) as info:
        _add(personas, world.case, basis=SharingBasis.CONSENT)
    assert info.value.message == (
        "この機関を含む有効な同意がありません。"
        "同意を記録するか、支援会議または緊急の根拠を選んでください。"
    )


def test_refused_with_a_consent_that_does_not_name_the_organization(personas, world):
    consent = ConsentFactory.create(person=world.person, organizations=[personas.office_b])
    with pytest.raises(Invalid, match="有効な同意がありません"):
        _add(personas, world.case, basis=SharingBasis.CONSENT, consent=consent)


def test_refused_with_an_expired_consent(personas, world):
    consent = ConsentFactory.create(
        person=world.person,
        organizations=[personas.core_center],
        expires_on=timezone.localdate() - dt.timedelta(days=1),
    )
    with pytest.raises(Invalid, match="有効な同意がありません"):
        _add(personas, world.case, basis=SharingBasis.CONSENT, consent=consent)


def test_refused_with_a_withdrawn_consent(personas, world):
    consent = ConsentFactory.create(
        person=world.person, organizations=[personas.core_center], withdrawn_at=timezone.now()
    )
    with pytest.raises(Invalid, match="有効な同意がありません"):
        _add(personas, world.case, basis=SharingBasis.CONSENT, consent=consent)


def test_refused_with_someone_elses_consent(personas, world):
    consent = ConsentFactory.create(organizations=[personas.core_center])
    with pytest.raises(Invalid, match="有効な同意がありません"):
        _add(personas, world.case, basis=SharingBasis.CONSENT, consent=consent)


def test_valid_consent_opens_the_case_to_the_core_center_until_withdrawn(personas, world):
    consent = ConsentFactory.create(person=world.person, organizations=[personas.core_center])
    assert not _core_sees(personas, world.case)
    member = _add(personas, world.case, basis=SharingBasis.CONSENT, consent=consent)
    assert member.consent == consent
    assert _core_sees(personas, world.case)
    event = AuditEvent.objects.get(action=Action.TEAM_MEMBER_ADDED)
    assert event.detail["basis"] == "consent"
    assert event.detail["consent"] == consent.pk

    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    assert not _core_sees(personas, world.case)


def test_statutory_meeting_needs_a_recorded_meeting(personas, world):
    # Issue 13 item 4: a note alone (the old rule) no longer makes a support-meeting basis.
    with pytest.raises(Invalid, match="支援会議") as info:
        _add(
            personas,
            world.case,
            basis=SharingBasis.STATUTORY_MEETING,
            basis_note="令和7年度第3回支援会議（6月12日）",
        )
    assert info.value.code == "no_meeting"
    meeting = pledged_support_meeting(world.case, personas.core_center, personas.counselor_a)
    member = _add(personas, world.case, basis=SharingBasis.STATUTORY_MEETING, conference=meeting)
    assert member.basis == SharingBasis.STATUTORY_MEETING
    assert member.conference == meeting
    assert _core_sees(personas, world.case)


def test_emergency_needs_a_note(personas, world):
    with pytest.raises(Invalid, match="緊急"):
        _add(
            personas,
            world.case,
            basis=SharingBasis.EMERGENCY,
            basis_note=" ",
            reviewer=personas.core_officer,
        )
    member = _add(
        personas,
        world.case,
        basis=SharingBasis.EMERGENCY,
        basis_note="自宅で倒れているとの通報、安否確認のため",
        reviewer=personas.core_officer,
    )
    assert member.basis == SharingBasis.EMERGENCY


def test_household_case_accepts_a_current_members_consent(personas):
    household = HouseholdFactory.create(registered_by_organization=personas.office_a)
    key_person = PersonFactory.create(registered_by_organization=personas.office_a)
    HouseholdMemberFactory.create(household=household, person=key_person)
    former = PersonFactory.create(registered_by_organization=personas.office_a)
    HouseholdMemberFactory.create(
        household=household,
        person=former,
        relationship="child",
        end_date=timezone.localdate() - dt.timedelta(days=10),
    )
    case = CaseFactory.create(
        person=None,
        household=household,
        lead_organization=personas.office_a,
        lead_worker=personas.counselor_a,
    )
    stale = ConsentFactory.create(person=former, organizations=[personas.core_center])
    with pytest.raises(Invalid, match="有効な同意がありません"):
        _add(personas, case, basis=SharingBasis.CONSENT, consent=stale)
    consent = ConsentFactory.create(person=key_person, organizations=[personas.core_center])
    member = _add(personas, case, basis=SharingBasis.CONSENT, consent=consent)
    assert member.consent == consent


def test_organization_without_accounts_joins_with_a_worker_name(personas, world):
    from tsunagu.organizations.tests.factories import OrganizationFactory

    school = OrganizationFactory.create(
        kind="school", has_accounts=False, name="みどり市立第一中学校"
    )
    member = _add(
        personas,
        world.case,
        organization=school,
        role=TeamRole.SCHOOL,
        basis=SharingBasis.STATUTORY_MEETING,
        conference=pledged_support_meeting(world.case, school, personas.counselor_a),
        worker_name="担任 鈴木先生",
    )
    assert member.worker is None
    assert member.worker_name == "担任 鈴木先生"
    with pytest.raises(Invalid, match="その機関の職員"):
        _add(
            personas,
            world.case,
            organization=personas.office_b,
            basis=SharingBasis.EMERGENCY,
            basis_note="安否確認",
            reviewer=personas.core_officer,
            worker=personas.counselor_a,
        )


def test_only_lead_writers_change_the_team(personas, world):
    for user in (personas.reader_a, personas.counselor_b):
        with pytest.raises(Forbidden):
            services.team_member_add(
                actor=actor_as(user),
                case=world.case,
                organization=personas.core_center,
                role=TeamRole.JOINT,
                basis=SharingBasis.EMERGENCY,
                basis_note="安否確認",
            )
    assert not CaseTeamMember.objects.filter(organization=personas.core_center).exists()


def test_leaving_the_team_ends_access(personas, world):
    member = _add(
        personas,
        world.case,
        basis=SharingBasis.STATUTORY_MEETING,
        conference=pledged_support_meeting(world.case, personas.core_center, personas.counselor_a),
    )
    assert _core_sees(personas, world.case)
    services.team_member_leave(
        actor=actor_as(personas.counselor_a),
        member=member,
        left_on=timezone.localdate(),
    )
    assert AuditEvent.objects.filter(action=Action.TEAM_MEMBER_LEFT).exists()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert not active_team_members(on=tomorrow).filter(pk=member.pk).exists()


def test_the_lead_cannot_leave(personas, world):
    lead = CaseTeamMember.objects.get(case=world.case, role=TeamRole.LEAD)
    lead.case = world.case
    with pytest.raises(Invalid):
        services.team_member_leave(actor=actor_as(personas.counselor_a), member=lead)
