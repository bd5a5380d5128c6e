"""The staff side through the API: the same services as the screens; bad input is a JSON error,
never a 500 (ids past 2^63, JSON strings instead of objects, unknown choices, dates far out)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.portal.models import AccountKind, AccountStatus, PortalAccount


@pytest.fixture
def api(personas) -> Client:
    token = api_token_for(personas.counselor_a, personas.office_a)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def _post(api: Client, path: str, body: object):
    return api.post(path, json.dumps(body), content_type="application/json")


def test_invite_issue_and_end_through_the_api(personas, world, api):
    made = _post(
        api,
        f"/api/v1/portal/cases/{world.case.pk}/accounts",
        {"kind": "person", "display_name": "さくらさん", "channel": "paper"},
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert len(body["code"]) == 14  # XXXX-XXXX-XXXX
    account_id = body["account"]["id"]
    listed = api.get(f"/api/v1/portal/cases/{world.case.pk}/accounts").json()
    assert [a["id"] for a in listed["results"]] == [account_id]
    again = _post(api, f"/api/v1/portal/accounts/{account_id}/codes", {"channel": "paper"})
    assert again.status_code == 201
    assert again.json()["code"] != body["code"]
    ended = _post(api, f"/api/v1/portal/accounts/{account_id}/end", {})
    assert ended.status_code == 200
    assert PortalAccount.objects.get(pk=account_id).status == AccountStatus.ENDED


def test_a_second_person_account_is_refused(personas, world, api):
    body = {"kind": "person", "display_name": "さくらさん", "channel": "paper"}
    assert _post(api, f"/api/v1/portal/cases/{world.case.pk}/accounts", body).status_code == 201
    second = _post(api, f"/api/v1/portal/cases/{world.case.pk}/accounts", body)
    assert second.status_code == 422
    assert second.json()["error"]["message"]


@pytest.mark.parametrize(
    "body",
    [
        "person",
        {"kind": "boss", "display_name": "x", "channel": "paper"},
        {"kind": "supporter", "display_name": "x", "channel": "paper", "sections": ["all"]},
        {"kind": "supporter", "display_name": "x", "channel": "pigeon"},
        {
            "kind": "supporter",
            "display_name": "母",
            "relationship": "母",
            "sections": ["plan"],
            "consent_obtained_on": "99999-01-01",
            "channel": "paper",
        },
        {
            "kind": "supporter",
            "display_name": "母",
            "relationship": "母",
            "sections": ["plan"],
            "channel": "paper",
        },
        {"kind": "person", "display_name": "x", "channel": "sms"},
    ],
)
def test_bad_input_is_a_json_error(personas, world, api, body):
    response = _post(api, f"/api/v1/portal/cases/{world.case.pk}/accounts", body)
    assert response.status_code in (400, 422), response.content
    assert response.json()["error"]["message"]
    assert not PortalAccount.objects.filter(kind=AccountKind.SUPPORTER).exists()


def test_ids_past_bigint_are_404(personas, api):
    big = 2**63
    assert api.get(f"/api/v1/portal/cases/{big}/accounts").status_code == 404
    assert _post(api, f"/api/v1/portal/accounts/{big}/end", {}).status_code == 404
