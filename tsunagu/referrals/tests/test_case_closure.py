"""A case cannot be closed as "referred" until its referral has been accepted (issue 5)."""

from __future__ import annotations

import pytest

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.cases.models import Case, CaseStatus, CaseStatusChange
from tsunagu.referrals.models import ReferralKind, ReferralStatus
from tsunagu.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def _transfer(personas, world, status):
    return ReferralFactory.create(
        case=world.case,
        kind=ReferralKind.TRANSFER,
        receiving_organization=personas.office_b,
        status=status,
    )


@pytest.mark.parametrize(
    "status", [ReferralStatus.DRAFT, ReferralStatus.REQUESTED, ReferralStatus.REJECTED]
)
def test_not_before_acceptance_on_screen(status, personas, world, client_as):
    _transfer(personas, world, status)
    response = client_as(personas.counselor_a).post(
        f"/cases/{world.case.pk}/status/",
        {"to_status": "closed", "closure_reason": "", "referred": "on"},
    )
    assert response.status_code == 400
    assert "受理されてから" in response.content.decode()
    assert Case.objects.get().status == CaseStatus.INTAKE


def test_after_acceptance_the_case_closes_as_referred(personas, world, client_as):
    referral = _transfer(personas, world, ReferralStatus.ACCEPTED)
    response = client_as(personas.counselor_a).post(
        f"/cases/{world.case.pk}/status/",
        {"to_status": "closed", "closure_reason": "", "referred": "on"},
    )
    assert response.status_code == 302, response.content.decode()
    case = Case.objects.get()
    assert case.status == CaseStatus.CLOSED
    assert case.closure_reason == f"{personas.office_b.name}へ移管（受理済み）"
    change = CaseStatusChange.objects.filter(case=case).last()
    assert change is not None
    assert change.to_status == CaseStatus.CLOSED
    from tsunagu.audit.models import Action, AuditEvent

    event = AuditEvent.objects.get(action=Action.CASE_STATUS_CHANGED)
    assert event.detail["referral"] == referral.pk


def test_a_joint_support_request_is_not_a_referral_away(personas, world, client):
    ReferralFactory.create(
        case=world.case,
        kind=ReferralKind.JOINT_SUPPORT,
        receiving_organization=personas.core_center,
        status=ReferralStatus.IN_PROGRESS,
    )
    token = api_token_for(personas.counselor_a, personas.office_a)
    response = client.post(
        f"/api/v1/cases/{world.case.pk}/status",
        {"to": "closed", "closure_reason": "紹介済み", "referred": True},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "referral_not_accepted"


def test_the_api_closes_as_referred_after_acceptance(personas, world, client):
    _transfer(personas, world, ReferralStatus.IN_PROGRESS)
    token = api_token_for(personas.counselor_a, personas.office_a)
    response = client.post(
        f"/api/v1/cases/{world.case.pk}/status",
        {"to": "closed", "closure_reason": "かえでへ移管", "referred": True},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200, response.content
    assert response.json()["closure_reason"] == "かえでへ移管"


def test_closing_for_another_reason_needs_no_referral(personas, world, client_as):
    response = client_as(personas.counselor_a).post(
        f"/cases/{world.case.pk}/status/", {"to_status": "closed", "closure_reason": "転居のため"}
    )
    assert response.status_code == 302
