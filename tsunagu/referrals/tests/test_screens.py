"""The screens: inbox and outbox, the request form with its errors, the receiver's view before
and after acceptance, the moves, the outsider."""

from __future__ import annotations

import json

import pytest

from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases.models import CaseTeamMember
from tsunagu.referrals.models import Referral, ReferralStatus
from tsunagu.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def _form(personas, world, **overrides):
    data = {
        "kind": "joint_support",
        "receiving_organization": personas.core_center.pk,
        "reason": "見立てが定まらず、支援チームが組めていない。",
        "request_text": "ケース会議への同席をお願いしたい。",
        "summary_text": "40代男性。母の入院後、日中の居場所がない。",
        "summary_fields": ["age", "sex"],
        "basis": "consent",
        "consent": world.consent.pk,
        "send": "1",
    }
    data.update(overrides)
    return data


def test_request_from_the_form(personas, world, client_as):
    client = client_as(personas.counselor_a)
    url = f"/referrals/cases/{world.case.pk}/new/"
    page = client.get(url)
    assert page.status_code == 200
    assert "先方に伝える概要" in page.content.decode()

    # Bad input: the form comes back with the messages and what was typed.
    bad = client.post(url, _form(personas, world, reason="", basis="", consent=""))
    body = bad.content.decode()
    assert bad.status_code == 400
    assert "依頼の理由を入力してください。" in body
    assert "ケース会議への同席をお願いしたい。" in body
    no_basis = client.post(url, _form(personas, world, basis="", consent=""))
    assert no_basis.status_code == 400
    assert "共有の根拠（本人の同意・支援会議・緊急）を選ばないと依頼を送れません。" in (
        no_basis.content.decode()
    )
    assert not Referral.objects.exists()

    sent = client.post(url, _form(personas, world))
    referral = Referral.objects.get()
    assert sent.status_code == 302
    assert sent["Location"] == f"/referrals/{referral.pk}/"
    assert referral.status == ReferralStatus.REQUESTED
    outbox = client.get("/referrals/?box=outbox").content.decode()
    assert world.person.display_name in outbox


def test_save_as_draft_then_send(personas, world, client_as):
    client = client_as(personas.counselor_a)
    url = f"/referrals/cases/{world.case.pk}/new/"
    client.post(url, {**_form(personas, world, basis="", consent=""), "save_draft": "1"})
    draft = Referral.objects.get()
    assert draft.status == ReferralStatus.DRAFT
    edit = f"/referrals/{draft.pk}/edit/"
    assert client.get(edit).status_code == 200
    response = client.post(edit, {**_form(personas, world), "version": draft.version})
    assert response.status_code == 302, response.content.decode()
    assert Referral.objects.get().status == ReferralStatus.REQUESTED


def test_the_receiver_sees_the_summary_only_until_it_accepts(personas, world, client_as):
    referral = ReferralFactory.create(
        case=world.case,
        receiving_organization=personas.core_center,
        basis="consent",
        consent=world.consent,
        basis_note="",
    )
    core = client_as(personas.core_officer)
    inbox = core.get("/referrals/").content.decode()
    assert f"/referrals/{referral.pk}/" in inbox
    assert world.person.display_name not in inbox
    page = core.get(f"/referrals/{referral.pk}/").content.decode()
    assert referral.summary_text in page
    assert world.person.display_name not in page
    assert f"/cases/{world.case.pk}/" not in page
    assert core.get(f"/cases/{world.case.pk}/").status_code == 404
    assert AuditEvent.objects.filter(
        action=Action.RECORD_VIEWED, target_type="referrals.referral", actor=personas.core_officer
    ).exists()

    accepted = core.post(f"/referrals/{referral.pk}/transition/", {"action": "accept"})
    assert accepted.status_code == 302
    assert CaseTeamMember.objects.filter(
        case=world.case, organization=personas.core_center, basis="consent"
    ).exists()
    page = core.get(f"/referrals/{referral.pk}/").content.decode()
    assert f"/cases/{world.case.pk}/" in page
    assert core.get(f"/cases/{world.case.pk}/").status_code == 200
    # The requester is told what withdrawing now would do to the team.
    lead = client_as(personas.counselor_a).get(f"/referrals/{referral.pk}/").content.decode()
    assert "この依頼で加わった支援チームを今日で離れます" in lead


def test_a_move_without_its_reason_redisplays_the_page(personas, world, client_as):
    referral = ReferralFactory.create(case=world.case, receiving_organization=personas.core_center)
    core = client_as(personas.core_officer)
    response = core.post(
        f"/referrals/{referral.pk}/transition/", {"action": "reject", "reason": ""}
    )
    assert response.status_code == 400
    assert "理由が必要です" in response.content.decode()
    response = core.post(f"/referrals/{referral.pk}/transition/", {"action": "confirm"})
    assert response.status_code == 302  # not offered on this side: the message says why
    follow = core.get(f"/referrals/{referral.pk}/").content.decode()
    assert "依頼元が行う操作です" in follow
    assert Referral.objects.get().status == ReferralStatus.REQUESTED


def test_the_outsider_sees_nothing(personas, world, client_as):
    referral = ReferralFactory.create(case=world.case, receiving_organization=personas.core_center)
    outsider = client_as(personas.counselor_b)
    for box in ("", "?box=outbox", "?state=all"):
        listing = outsider.get(f"/referrals/{box}").content.decode()
        assert f"/referrals/{referral.pk}/" not in listing
    assert outsider.get(f"/referrals/{referral.pk}/").status_code == 404
    assert outsider.get(f"/referrals/cases/{world.case.pk}/new/").status_code == 404


def test_a_team_member_who_is_not_the_lead_cannot_send(personas, world, client_as):
    from tsunagu.cases.tests.factories import TeamMemberFactory

    TeamMemberFactory.create(case=world.case, organization=personas.core_center)
    response = client_as(personas.core_officer).get(f"/referrals/cases/{world.case.pk}/new/")
    assert response.status_code == 403
    assert "主担当機関" in response.content.decode()


def test_case_picker_lists_the_open_lead_cases(personas, world, client_as):
    page = client_as(personas.counselor_a).get("/referrals/new/").content.decode()
    assert f"/referrals/cases/{world.case.pk}/new/" in page
    other = client_as(personas.counselor_b).get("/referrals/new/").content.decode()
    assert f"/referrals/cases/{world.case.pk}/new/" not in other


def test_fhir_download(personas, world, client_as):
    referral = ReferralFactory.create(case=world.case, receiving_organization=personas.core_center)
    response = client_as(personas.counselor_a).get(f"/referrals/{referral.pk}/fhir/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    bundle = json.loads(response.content)
    assert bundle["resourceType"] == "Bundle"
