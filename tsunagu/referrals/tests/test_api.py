"""The JSON API beyond the moves: create, list the boxes, edit a draft, the OpenAPI document."""

from __future__ import annotations

import pytest

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.referrals.models import Referral, ReferralStatus
from tsunagu.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def _auth(user, org):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(user, org)}"}


def _payload(personas, world, **overrides):
    body = {
        "case_id": world.case.pk,
        "kind": "joint_support",
        "receiving_organization_id": personas.core_center.pk,
        "reason": "見立てが定まらない。",
        "request_text": "ケース会議への同席。",
        "summary_text": "40代男性。",
        "basis": "consent",
        "consent_id": world.consent.pk,
    }
    body.update(overrides)
    return body


def test_create_list_and_read(personas, world, client):
    requester = _auth(personas.counselor_a, personas.office_a)
    created = client.post(
        "/api/v1/referrals", _payload(personas, world), content_type="application/json", **requester
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "requested"
    assert body["side"] == "requester"
    assert body["available_actions"] == ["cancel"]
    assert body["case_id"] == world.case.pk
    assert body["ack_due_on"]

    receiver = _auth(personas.core_officer, personas.core_center)
    inbox = client.get("/api/v1/referrals", **receiver).json()
    assert [r["id"] for r in inbox["results"]] == [body["id"]]
    item = inbox["results"][0]
    assert item["case_id"] is None  # not before acceptance
    assert item["available_actions"] == ["acknowledge", "accept", "reject"]
    assert world.person.display_name not in str(item)
    outbox = client.get("/api/v1/referrals", {"box": "outbox"}, **receiver).json()
    assert outbox["count"] == 0
    outsider = client.get("/api/v1/referrals", **_auth(personas.counselor_b, personas.office_b))
    assert outsider.json()["count"] == 0
    history = client.get(f"/api/v1/referrals/{body['id']}/transitions", **receiver).json()[
        "results"
    ]
    assert [t["action"] for t in history] == ["create", "request"]


def test_bad_requests_are_422(personas, world, client):
    requester = _auth(personas.counselor_a, personas.office_a)
    for overrides in (
        {"basis": "", "consent_id": None},
        {"kind": "gossip"},
        {"reason": " "},
        {"summary_fields": ["bank_account"]},
        {"receiving_organization_id": 999999},
    ):
        response = client.post(
            "/api/v1/referrals",
            _payload(personas, world, **overrides),
            content_type="application/json",
            **requester,
        )
        assert response.status_code == 422, (overrides, response.content)
        assert response.json()["error"]["message"]
    assert not Referral.objects.exists()


def test_patch_a_draft_only(personas, world, client):
    requester = _auth(personas.counselor_a, personas.office_a)
    draft = ReferralFactory.create(
        case=world.case, receiving_organization=personas.core_center, status="draft"
    )
    response = client.patch(
        f"/api/v1/referrals/{draft.pk}",
        {"version": draft.version, "kind": "advice", "summary_text": "概要を直しました。"},
        content_type="application/json",
        **requester,
    )
    assert response.status_code == 200, response.content
    assert (response.json()["kind"], response.json()["summary_text"]) == (
        "advice",
        "概要を直しました。",
    )
    stale = client.patch(
        f"/api/v1/referrals/{draft.pk}",
        {"version": draft.version, "kind": "referral"},
        content_type="application/json",
        **requester,
    )
    assert stale.status_code == 409
    sent = ReferralFactory.create(case=world.case, receiving_organization=personas.office_b)
    response = client.patch(
        f"/api/v1/referrals/{sent.pk}",
        {"version": sent.version, "kind": "advice"},
        content_type="application/json",
        **requester,
    )
    assert response.status_code == 409
    assert Referral.objects.get(pk=sent.pk).status == ReferralStatus.REQUESTED


def test_the_routes_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/referrals",
        "/api/v1/referrals/statistics",
        "/api/v1/referrals/{referral_id}",
        "/api/v1/referrals/{referral_id}/transitions",
        "/api/v1/referrals/{referral_id}/fhir",
        "/api/v1/referrals/{referral_id}/fhir/task",
    ):
        assert path in paths
