"""Bearer tokens for the JSON API: issue, use, expiry, revocation, and the documentation."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openapi_spec_validator import validate

from tsunagu.accounts.models import ApiToken
from tsunagu.accounts.tests.factories import PASSWORD, TOTPDeviceFactory, totp_code, wrong_totp_code
from tsunagu.audit.models import Action, AuditEvent

TOKEN_URL = "/api/v1/auth/token"


@pytest.fixture(autouse=True)
def _no_required_2fa(settings):
    settings.REQUIRE_2FA_FOR_ALL = False


def _issue(client: Client, **body):
    return client.post(TOKEN_URL, data=body, content_type="application/json")


def _bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _assert_error(response, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert {"code", "message"} <= set(body["error"])
    assert body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code
    return body


def test_token_for_a_user_without_2fa(personas, client):
    response = _issue(client, username="counselor_a", password=PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expires_at"}
    expires = dt.datetime.fromisoformat(body["expires_at"])
    assert (
        timezone.now() + dt.timedelta(hours=11) < expires <= timezone.now() + dt.timedelta(hours=12)
    )
    token = ApiToken.objects.get(user=personas.counselor_a)
    assert token.organization == personas.office_a  # the primary membership
    event = AuditEvent.objects.get(action=Action.API_TOKEN_ISSUED)
    assert event.actor == personas.counselor_a


def test_token_is_stored_only_as_its_sha256(personas, client):
    raw = _issue(client, username="counselor_a", password=PASSWORD).json()["token"]
    token = ApiToken.objects.get(user=personas.counselor_a)
    assert token.key_hash != raw
    assert re.fullmatch(r"[0-9a-f]{64}", token.key_hash)
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(AuditEvent.objects.values_list("detail", flat=True))


def test_wrong_password_is_401(personas, client):
    body = _assert_error(
        _issue(client, username="counselor_a", password="not-it-at-all"), 401, "invalid_credentials"
    )
    missing = _assert_error(
        _issue(client, username="nobody", password="not-it-at-all"), 401, "invalid_credentials"
    )
    assert body == missing
    assert not ApiToken.objects.exists()


def test_api_sign_in_failures_count_towards_the_lockout(personas, client):
    for _attempt in range(4):
        _issue(client, username="counselor_a", password="not-it-at-all")
    _assert_error(
        _issue(client, username="counselor_a", password="not-it-at-all"), 429, "locked_out"
    )
    _assert_error(_issue(client, username="counselor_a", password=PASSWORD), 429, "locked_out")
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [
        {"username": "counselor_a"},
        {"password": PASSWORD},
        {"username": ["counselor_a"], "password": PASSWORD},
        {"username": "counselor_a", "password": PASSWORD, "organization": "あおば"},
    ],
)
def test_malformed_body_is_422(payload, personas, client):
    body = _assert_error(_issue(client, **payload), 422, "validation_error")
    assert body["error"]["fields"]
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("payload", "content_type"),
    [("{not json", "application/json"), ("username=counselor_a", "text/plain")],
)
def test_a_body_that_is_not_json_is_refused_in_the_error_shape(
    payload, content_type, personas, client
):
    # django-ninja answers 400 before validation can run (see the report on this suite).
    response = client.post(TOKEN_URL, data=payload, content_type=content_type)
    _assert_error(response, 400, "bad_request")


def test_a_user_with_an_authenticator_needs_the_code(personas, client):
    device = TOTPDeviceFactory.create(user=personas.counselor_a)
    _assert_error(_issue(client, username="counselor_a", password=PASSWORD), 401, "otp_required")
    assert not ApiToken.objects.exists()
    response = _issue(client, username="counselor_a", password=PASSWORD, otp=totp_code(device))
    assert response.status_code == 200
    assert response.json()["token"]
    refusal = AuditEvent.objects.get(action=Action.API_TOKEN_REFUSED)
    assert refusal.detail == {"reason": "otp_required"}


def test_a_wrong_code_is_refused(personas, client):
    device = TOTPDeviceFactory.create(user=personas.counselor_a)
    response = _issue(
        client, username="counselor_a", password=PASSWORD, otp=wrong_totp_code(device)
    )
    _assert_error(response, 401, "invalid_otp")
    assert not ApiToken.objects.exists()
    refusal = AuditEvent.objects.get(action=Action.API_TOKEN_REFUSED)
    assert refusal.detail == {"reason": "invalid_otp"}


def test_a_user_who_must_enrol_first_is_sent_to_the_browser(settings, personas, client):
    settings.REQUIRE_2FA_FOR_ALL = True
    _assert_error(
        _issue(client, username="counselor_a", password=PASSWORD), 403, "otp_enrollment_required"
    )


def test_token_for_an_organization_the_user_does_not_belong_to_is_refused(personas, client):
    _assert_error(
        _issue(
            client, username="counselor_a", password=PASSWORD, organization=personas.office_b.pk
        ),
        403,
        "not_a_member",
    )


def test_bearer_token_works_on_me_and_organizations(personas, client):
    token = _issue(client, username="counselor_a", password=PASSWORD).json()["token"]
    me = client.get("/api/v1/auth/me", **_bearer(token))
    assert me.status_code == 200
    assert me.json()["username"] == "counselor_a"
    assert me.json()["acting_organization_id"] == personas.office_a.pk
    assert [m["organization_id"] for m in me.json()["memberships"]] == [personas.office_a.pk]
    organizations = client.get("/api/v1/organizations", **_bearer(token))
    assert organizations.status_code == 200
    names = {o["name"] for o in organizations.json()["results"]}
    assert {"相談支援センター あおば", "相談支援センター かえで"} <= names


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_AUTHORIZATION": "Bearer garbage"},
        {"HTTP_AUTHORIZATION": "Bearer "},
        {"HTTP_AUTHORIZATION": "Basic Y291bnNlbG9yX2E6cGFzc3dvcmQ="},
        {"HTTP_AUTHORIZATION": "tsu_not-even-a-scheme"},
    ],
)
def test_missing_or_garbage_token_is_401(headers, personas, client):
    response = client.get("/api/v1/auth/me", **headers)
    _assert_error(response, 401, "unauthorized")
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_browser_session_is_not_an_api_credential(personas, client_as):
    response = client_as(personas.counselor_a).get("/api/v1/organizations")
    _assert_error(response, 401)


def test_expired_token_is_401(personas, client):
    token = _issue(client, username="counselor_a", password=PASSWORD).json()["token"]
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    _assert_error(client.get("/api/v1/auth/me", **_bearer(token)), 401)


def test_delete_revokes_the_token(personas, client):
    token = _issue(client, username="counselor_a", password=PASSWORD).json()["token"]
    response = client.delete(TOKEN_URL, **_bearer(token))
    assert response.status_code == 204
    assert ApiToken.objects.get().revoked_at is not None
    _assert_error(client.get("/api/v1/auth/me", **_bearer(token)), 401)
    _assert_error(client.delete(TOKEN_URL, **_bearer(token)), 401)
    assert AuditEvent.objects.filter(action=Action.API_TOKEN_REVOKED).count() == 1


def test_openapi_document_is_valid_and_documents_the_token_endpoint(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    validate(spec)
    token = spec["paths"]["/api/v1/auth/token"]
    assert {"post", "delete"} <= set(token)
    assert "401" in token["post"]["responses"]
    assert "/api/v1/organizations/{organization_id}" in spec["paths"]


def test_docs_page_is_html(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "openapi.json" in response.content.decode()
