"""FHIR R4 interchange: the Bundle validates with fhir.resources.R4B and discloses no more than
the screen does; partner Task updates go through the same rules."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from fhir.resources.R4B.bundle import Bundle

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.cases.models import CaseTeamMember, SharingBasis
from tsunagu.referrals.models import BusinessStatus, Referral, ReferralStatus, ReferralTransition
from tsunagu.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def _get(token: str, referral: Referral):
    return Client().get(
        f"/api/v1/referrals/{referral.pk}/fhir", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def _post_task(token: str, referral: Referral, task: dict[str, Any]):
    return Client().post(
        f"/api/v1/referrals/{referral.pk}/fhir/task",
        task,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def _resources(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["resource"]["resourceType"]: e["resource"] for e in bundle["entry"]}


@pytest.fixture
def referral(personas, world):
    return ReferralFactory.create(
        case=world.case,
        receiving_organization=personas.core_center,
        basis=SharingBasis.CONSENT,
        consent=world.consent,
        basis_note="",
    )


def test_the_bundle_validates_and_references_resolve(personas, world, referral):
    response = _get(api_token_for(personas.counselor_a, personas.office_a), referral)
    assert response.status_code == 200, response.content
    bundle = response.json()
    parsed = Bundle.model_validate(bundle)
    assert parsed.type == "collection"
    kinds = [e.resource.get_resource_type() for e in parsed.entry or [] if e.resource]
    assert sorted(kinds) == sorted(
        ["Patient", "Organization", "Organization", "ServiceRequest", "Task", "Consent"]
    )
    urls = {e["fullUrl"] for e in bundle["entry"]}
    resources = _resources(bundle)
    task = resources["Task"]
    for reference in (task["focus"], task["for"], task["requester"], task["owner"]):
        assert reference["reference"] in urls
    assert task["status"] == "requested"
    assert task["intent"] == "order"
    assert resources["ServiceRequest"]["code"]["coding"][0]["code"] == "joint_support"
    consent = resources["Consent"]
    assert consent["status"] == "active"
    assert consent["provision"]["period"]["start"] == world.consent.obtained_on.isoformat()
    # The requester leads the case: the whole name is there.
    assert resources["Patient"]["name"][0]["text"] == world.person.display_name


def test_before_acceptance_the_receiver_gets_only_the_summary(personas, world, referral):
    bundle = _get(api_token_for(personas.core_officer, personas.core_center), referral).json()
    patient = _resources(bundle)["Patient"]
    assert "name" not in patient
    assert "birthDate" not in patient
    assert patient["gender"] == "male"
    assert world.person.display_name not in str(bundle)


def test_the_outsider_gets_404(personas, referral):
    response = _get(api_token_for(personas.counselor_b, personas.office_b), referral)
    assert response.status_code == 404


def _task(referral: Referral, status: str, **extra) -> dict[str, Any]:
    return {
        "resourceType": "Task",
        "id": f"referral-{referral.pk}",
        "status": status,
        "intent": "order",
        **extra,
    }


def test_a_partner_walks_the_loop_with_tasks(personas, world, referral):
    core = api_token_for(personas.core_officer, personas.core_center)
    received = _post_task(core, referral, _task(referral, "received"))
    assert received.status_code == 200, received.content
    assert received.json()["referral"]["business_status"] == BusinessStatus.RECEIVED
    again = _post_task(core, referral, _task(referral, "received"))
    assert again.json()["changed"] is False
    accepted = _post_task(core, referral, _task(referral, "accepted"))
    assert accepted.json()["referral"]["status"] == "accepted"
    assert CaseTeamMember.objects.filter(
        case=world.case, organization=personas.core_center
    ).exists()
    _post_task(core, referral, _task(referral, "in-progress"))
    no_outcome = _post_task(core, referral, _task(referral, "completed"))
    assert no_outcome.status_code == 422
    assert no_outcome.json()["error"]["code"] == "outcome_required"
    done = _post_task(
        core,
        referral,
        _task(
            referral,
            "completed",
            output=[{"type": {"text": "結果"}, "valueString": "ケース会議で役割分担を決めた。"}],
        ),
    )
    assert done.json()["referral"]["outcome"] == "ケース会議で役割分担を決めた。"
    # Closing the loop is the requester's.
    closed = _post_task(
        core,
        referral,
        _task(referral, "completed", businessStatus={"coding": [{"code": "loop-closed"}]}),
    )
    assert closed.status_code == 422
    assert closed.json()["error"]["code"] == "wrong_side"
    channels = set(ReferralTransition.objects.values_list("channel", flat=True))
    assert "fhir" in channels


@pytest.mark.parametrize(
    ("task_status", "code", "http"),
    [
        ("completed", "illegal_transition", 409),
        ("on-hold", "illegal_transition", 409),
        ("ready", "unsupported_status", 422),
        ("entered-in-error", "unsupported_status", 422),
    ],
)
def test_a_task_the_rules_refuse(task_status, code, http, personas, referral):
    core = api_token_for(personas.core_officer, personas.core_center)
    response = _post_task(core, referral, _task(referral, task_status, output=[]))
    assert response.status_code == http, response.content
    assert response.json()["error"]["code"] == code
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REQUESTED


def test_a_rejection_from_a_partner_needs_its_reason(personas, referral):
    core = api_token_for(personas.core_officer, personas.core_center)
    response = _post_task(core, referral, _task(referral, "rejected"))
    assert response.status_code == 422
    ok = _post_task(
        core, referral, _task(referral, "rejected", statusReason={"text": "担当区域外のため"})
    )
    assert ok.status_code == 200
    assert ok.json()["referral"]["status_reason"] == "担当区域外のため"


@pytest.mark.parametrize(
    "payload",
    [
        {"resourceType": "Patient", "id": "x"},
        {"resourceType": "Task", "status": "accepted"},  # no intent
        {"resourceType": "Task", "id": "referral-999999", "status": "accepted", "intent": "order"},
    ],
    ids=["not a task", "invalid task", "another referral"],
)
def test_bad_fhir_is_422(payload, personas, referral):
    core = api_token_for(personas.core_officer, personas.core_center)
    response = _post_task(core, referral, payload)
    assert response.status_code == 422, response.content
    assert response.json()["error"]["message"]
