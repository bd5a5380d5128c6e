"""Every move of the table from every status, by both sides, through the API.

The expected answer is worked out here from the rules as the issue states them, not read from
rules.py: a move by the wrong side is 422 (wrong_side), a move the status does not allow is 409
(illegal_transition), a move without its reason or outcome report is 422, and the legal moves
reach their status.  The receiver never sees a draft at all (404, as for any record not yours).
"""

from __future__ import annotations

import pytest
from django.test import Client

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.people.tests.factories import PersonFactory
from tsunagu.referrals.models import BusinessStatus, Referral, ReferralStatus
from tsunagu.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

S = ReferralStatus
REQUESTER, RECEIVER = "requester", "receiver"
# The workflow, written out: action → (side, statuses it may start from, target).
WORKFLOW = {
    "request": (REQUESTER, {S.DRAFT}, S.REQUESTED),
    "acknowledge": (RECEIVER, {S.REQUESTED}, S.REQUESTED),
    "accept": (RECEIVER, {S.REQUESTED}, S.ACCEPTED),
    "reject": (RECEIVER, {S.REQUESTED}, S.REJECTED),
    "start": (RECEIVER, {S.ACCEPTED}, S.IN_PROGRESS),
    "hold": (RECEIVER, {S.IN_PROGRESS}, S.ON_HOLD),
    "resume": (RECEIVER, {S.ON_HOLD}, S.IN_PROGRESS),
    "complete": (RECEIVER, {S.IN_PROGRESS}, S.COMPLETED),
    "fail": (RECEIVER, {S.ACCEPTED, S.IN_PROGRESS, S.ON_HOLD}, S.FAILED),
    "cancel": (
        REQUESTER,
        {S.DRAFT, S.REQUESTED, S.ACCEPTED, S.IN_PROGRESS, S.ON_HOLD},
        S.CANCELLED,
    ),
    "confirm": (REQUESTER, {S.COMPLETED}, S.CONFIRMED),
}
NEEDS_REASON = {"reject", "hold", "fail", "cancel"}
NEEDS_OUTCOME = {"complete"}


@pytest.fixture
def tokens(personas):
    return {
        REQUESTER: api_token_for(personas.counselor_a, personas.office_a),
        RECEIVER: api_token_for(personas.core_officer, personas.core_center),
    }


def _referral(personas, status: str) -> Referral:
    case = CaseFactory.create(
        person=PersonFactory.create(registered_by_organization=personas.office_a),
        lead_organization=personas.office_a,
        lead_worker=personas.counselor_a,
    )
    return ReferralFactory.create(
        case=case, receiving_organization=personas.core_center, status=status
    )


def _post(token: str, referral: Referral, body: dict[str, str]):
    return Client().post(
        f"/api/v1/referrals/{referral.pk}/transitions",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def _expected(status: str, action: str, side: str) -> tuple[int, str]:
    if status == S.DRAFT and side == RECEIVER:
        return 404, "not_found"
    who, sources, _target = WORKFLOW[action]
    if side != who:
        return 422, "wrong_side"
    if status not in sources:
        return 409, "illegal_transition"
    return 200, ""


@pytest.mark.parametrize("status", S.values)
def test_every_move_from_every_status_by_both_sides(status, personas, tokens):
    failures = []
    legal = 0
    for action in WORKFLOW:
        for side in (REQUESTER, RECEIVER):
            referral = _referral(personas, status)
            body = {"action": action, "reason": "理由を書きました", "outcome": "結果を書きました"}
            response = _post(tokens[side], referral, body)
            want_status, want_code = _expected(status, action, side)
            got = response.json()
            if response.status_code != want_status:
                failures.append(f"{action} by {side}: {response.status_code} {got}")
                continue
            referral.refresh_from_db()
            if want_status == 200:
                legal += 1
                target = WORKFLOW[action][2]
                if referral.status != target:
                    failures.append(f"{action} by {side}: reached {referral.status}")
                if action == "acknowledge" and referral.business_status != "received":
                    failures.append("acknowledge did not mark the request received")
                continue
            if got["error"]["code"] != want_code or not got["error"]["message"]:
                failures.append(f"{action} by {side}: {got}")
            if referral.status != status:
                failures.append(f"{action} by {side}: refused but moved to {referral.status}")
            if referral.transitions.exists():
                failures.append(f"{action} by {side}: refused but recorded a transition")
    assert not failures, "\n".join(failures)
    # Every status but the final ones has at least one way on.
    final = {S.REJECTED, S.FAILED, S.CANCELLED, S.CONFIRMED}
    assert (legal == 0) == (status in final)


def test_acknowledging_twice_is_a_conflict(personas, tokens):
    referral = _referral(personas, S.REQUESTED)
    referral.business_status = BusinessStatus.RECEIVED
    referral.save()
    response = _post(tokens[RECEIVER], referral, {"action": "acknowledge"})
    assert response.status_code == 409
    assert response.json()["error"]["message"] == "この依頼はすでに受け付け済みです。"


@pytest.mark.parametrize("action", sorted(NEEDS_REASON | NEEDS_OUTCOME))
def test_a_move_without_its_reason_is_422(action, personas, tokens):
    side, sources, _target = WORKFLOW[action]
    status = sorted(sources - {S.DRAFT})[0]
    referral = _referral(personas, status)
    response = _post(tokens[side], referral, {"action": action, "reason": "  ", "outcome": ""})
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == ("outcome_required" if action in NEEDS_OUTCOME else "reason_required")
    assert "入力してください" in error["message"]
    referral.refresh_from_db()
    assert referral.status == status


def test_an_unknown_action_is_422(personas, tokens):
    referral = _referral(personas, S.REQUESTED)
    response = _post(tokens[RECEIVER], referral, {"action": "teleport"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "unknown_action"


def test_a_read_only_member_is_refused_with_403(personas):
    referral = _referral(personas, S.DRAFT)
    token = api_token_for(personas.reader_a, personas.office_a)
    response = _post(token, referral, {"action": "request"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_an_outsider_gets_404_for_any_move(personas):
    referral = _referral(personas, S.REQUESTED)
    token = api_token_for(personas.counselor_b, personas.office_b)
    for action in WORKFLOW:
        response = _post(token, referral, {"action": action, "reason": "x", "outcome": "x"})
        assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.status == S.REQUESTED
