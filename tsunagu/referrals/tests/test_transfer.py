"""Transfers (移管) move the lead (issue 16 item 6, ADR 0012): the receiver becomes the lead
from the day it accepts, the old lead leaves the team that day unless asked to stay in a named
role, the lead history shows each lead and period, and the old lead's handover summary is what
the new lead reads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import AuditEvent
from tsunagu.cases import selectors as case_selectors
from tsunagu.cases.access import active_team_members, cases_visible_to
from tsunagu.cases.models import Case, CaseLeadPeriod, CaseTeamMember, SharingBasis, TeamRole
from tsunagu.cases.services import ACTION_LEAD_CHANGED
from tsunagu.core.errors import Conflict, Invalid
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.people.tests.factories import ConsentFactory
from tsunagu.referrals import services
from tsunagu.referrals.models import Referral, ReferralKind, ReferralStatus
from tsunagu.referrals.services import ReferralData

pytestmark = pytest.mark.django_db

HANDOVER = "転居に伴い移管。母の入院中は週1回の電話連絡が本人の安心につながっていた。"


def _consent(personas, world, *organizations):
    return ConsentFactory.create(
        person=world.person,
        obtained_by=personas.counselor_a,
        obtained_by_organization=personas.office_a,
        organizations=list(organizations),
    )


def _send_transfer(personas, world, *, handover: str = HANDOVER, consent=None) -> Referral:
    consent = consent or _consent(personas, world, personas.office_b)
    return services.referral_create(
        actor=actor_as(personas.counselor_a),
        case=world.case,
        data=ReferralData(
            kind=ReferralKind.TRANSFER,
            receiving_organization=personas.office_b,
            reason="本人が市内の別の区へ転居したため。",
            request_text="主担当機関を引き継いでください。",
            summary_text="40代男性。転居先はみどり区。",
            summary_fields=["age", "sex"],
            basis=SharingBasis.CONSENT,
            consent=consent,
            handover_summary=handover,
        ),
    )


def _api(user, organization) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(user, organization)}"}


def _accept(personas, referral: Referral, **kwargs) -> Referral:
    fresh = Referral.objects.select_related("case", "receiving_organization").get(pk=referral.pk)
    return services.referral_transition(
        actor=actor_as(personas.counselor_b), referral=fresh, action="accept", **kwargs
    )


def test_accepting_a_transfer_makes_the_receiver_the_lead_from_today(personas, world):
    referral = _accept(personas, _send_transfer(personas, world))
    today = timezone.localdate()

    case = Case.objects.get(pk=world.case.pk)
    assert referral.status == ReferralStatus.ACCEPTED
    assert case.lead_organization == personas.office_b
    assert case.lead_worker == personas.counselor_b
    assert case.lead_since is not None

    periods = list(CaseLeadPeriod.objects.filter(case=case))
    assert [(p.organization, p.started_on, p.ended_on) for p in periods] == [
        (personas.office_a, world.case.opened_on, today),
        (personas.office_b, today, None),
    ]
    assert periods[1].handover_summary == HANDOVER
    assert periods[1].started_by == personas.counselor_b

    # The old lead leaves the team today; the new one is on it as the lead.
    old = CaseTeamMember.objects.get(case=case, organization=personas.office_a)
    assert (old.role, old.left_on) == (TeamRole.LEAD, today)
    new = CaseTeamMember.objects.get(case=case, organization=personas.office_b)
    assert (new.role, new.basis, new.left_on) == (TeamRole.LEAD, SharingBasis.LEAD, None)
    assert referral.team_member == new
    tomorrow = today + dt.timedelta(days=1)
    assert set(
        active_team_members(on=tomorrow).filter(case=case).values_list("organization", flat=True)
    ) == {personas.office_b.pk}

    event = AuditEvent.objects.get(action=ACTION_LEAD_CHANGED)
    assert event.detail["from"] == personas.office_a.pk
    assert event.detail["to"] == personas.office_b.pk
    assert event.detail["referral"] == referral.pk

    history = [e.what for e in case_selectors.case_history(case)]
    assert any("移管" in what and personas.office_b.name in what for what in history)


def test_the_new_lead_can_ask_the_old_lead_to_stay_in_a_named_role(personas, world):
    consent = _consent(personas, world, personas.office_a, personas.office_b)
    referral = _send_transfer(personas, world, consent=consent)
    _accept(personas, referral, previous_lead_role=TeamRole.JOINT)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    stays = active_team_members(on=tomorrow).get(case=world.case, organization=personas.office_a)
    assert (stays.role, stays.basis, stays.consent) == (
        TeamRole.JOINT,
        SharingBasis.CONSENT,
        consent,
    )
    assert world.case.pk in set(
        cases_visible_to(actor_as(personas.counselor_a)).values_list("pk", flat=True)
    )


def test_the_old_lead_stays_only_on_a_basis_of_its_own(personas, world):
    """The consent names the receiver only: the old lead cannot stay, and nothing moves."""
    referral = _send_transfer(personas, world)
    with pytest.raises(Invalid) as refused:
        _accept(personas, referral, previous_lead_role=TeamRole.JOINT)
    assert refused.value.code == "no_basis"
    assert Case.objects.get(pk=world.case.pk).lead_organization == personas.office_a
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.REQUESTED
    assert not CaseLeadPeriod.objects.filter(case=world.case, ended_on__isnull=False).exists()


def test_a_transfer_is_not_sent_without_a_handover_summary(personas, world):
    with pytest.raises(Invalid) as refused:
        _send_transfer(personas, world, handover="   ")
    assert refused.value.code == "handover_required"


def test_only_a_transfer_moves_the_lead_or_takes_a_role_for_the_old_lead(personas, world):
    consent = _consent(personas, world, personas.office_b)
    referral = services.referral_create(
        actor=actor_as(personas.counselor_a),
        case=world.case,
        data=ReferralData(
            kind=ReferralKind.JOINT_SUPPORT,
            receiving_organization=personas.office_b,
            reason="見立てが定まらない。",
            request_text="助言をお願いしたい。",
            summary_text="40代男性。",
            summary_fields=[],
            basis=SharingBasis.CONSENT,
            consent=consent,
            handover_summary="共同支援には引継ぎの要約は使われない。",
        ),
    )
    assert referral.handover_summary == ""
    with pytest.raises(Invalid):
        _accept(personas, referral, previous_lead_role=TeamRole.JOINT)
    _accept(personas, referral)
    assert Case.objects.get(pk=world.case.pk).lead_organization == personas.office_a


def test_a_transfer_from_a_former_lead_is_refused(personas, world):
    """Two transfers sent by the same lead: once one is accepted, the other cannot move the
    lead again from an organization that no longer holds it."""
    first = _send_transfer(personas, world)
    second = services.referral_create(
        actor=actor_as(personas.counselor_a),
        case=world.case,
        data=ReferralData(
            kind=ReferralKind.TRANSFER,
            receiving_organization=personas.core_center,
            reason="重複した依頼。",
            request_text="主担当機関を引き継いでください。",
            summary_text="40代男性。",
            summary_fields=[],
            basis=SharingBasis.CONSENT,
            consent=world.consent,
            handover_summary=HANDOVER,
        ),
    )
    _accept(personas, first)
    fresh = Referral.objects.select_related("case", "receiving_organization").get(pk=second.pk)
    with pytest.raises(Conflict):
        services.referral_transition(
            actor=actor_as(personas.core_officer), referral=fresh, action="accept"
        )
    assert Case.objects.get(pk=world.case.pk).lead_organization == personas.office_b


def test_the_handover_summary_is_read_by_the_new_lead_once_accepted(
    personas, world, client_as, client
):
    referral = _send_transfer(personas, world)
    receiver = client_as(personas.counselor_b)
    api = _api(personas.counselor_b, personas.office_b)
    before = receiver.get(reverse("referrals:detail", kwargs={"referral_id": referral.pk}))
    assert HANDOVER not in before.content.decode()
    # The accept form asks whether the old lead stays, and in which role.
    assert 'name="previous_lead_role"' in before.content.decode()
    assert "共同支援として残ってもらう" in before.content.decode()
    before_api = client.get(f"/api/v1/referrals/{referral.pk}", **api).json()
    assert before_api["handover_summary"] == ""

    page = receiver.post(
        reverse("referrals:transition", kwargs={"referral_id": referral.pk}),
        {"action": "accept", "previous_lead_role": ""},
    )
    assert page.status_code == 302
    after = receiver.get(reverse("referrals:detail", kwargs={"referral_id": referral.pk}))
    assert HANDOVER in after.content.decode()
    case_page = receiver.get(reverse("cases:case_detail", kwargs={"case_id": world.case.pk}))
    body = case_page.content.decode()
    assert "主担当機関の履歴" in body
    assert HANDOVER in body
    after_api = client.get(f"/api/v1/referrals/{referral.pk}", **api).json()
    assert after_api["handover_summary"] == HANDOVER
    leads = client.get(f"/api/v1/cases/{world.case.pk}/leads", **api).json()["results"]
    assert [p["organization_id"] for p in leads] == [personas.office_a.pk, personas.office_b.pk]
    assert leads[1]["handover_summary"] == HANDOVER


def test_an_outsider_gets_404_for_the_lead_history(personas, world, client_as, client):
    _accept(personas, _send_transfer(personas, world))
    outsider = client_as(personas.city_official)
    api = _api(personas.city_official, personas.city)
    assert client.get(f"/api/v1/cases/{world.case.pk}/leads", **api).status_code == 404
    assert (
        outsider.get(reverse("cases:case_detail", kwargs={"case_id": world.case.pk})).status_code
        == 404
    )
    assert client.get(f"/api/v1/cases/{2**63}/leads", **api).status_code in (404, 422)
