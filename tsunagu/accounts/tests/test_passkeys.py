"""Staff passkeys (WebAuthn, ADR 0024): a verified staff member registers, names and removes
passkeys; the login page signs in with one, fully (both factors); bad answers are a 400 with a
Japanese message, never a 500; every registration, removal, sign-in and failure is audited."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tsunagu.accounts import services
from tsunagu.accounts.models import PasskeyChallenge, StaffPasskey
from tsunagu.accounts.tests.authenticator import SoftPasskey
from tsunagu.accounts.tests.factories import UserFactory
from tsunagu.audit.models import AuditEvent
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.organizations.tests.factories import MembershipFactory

OPTIONS = "/accounts/account/passkeys/options/"
REGISTER = "/accounts/account/passkeys/"
SIGNIN_OPTIONS = "/accounts/login/passkey/options/"
SIGNIN = "/accounts/login/passkey/"
ORIGIN = "http://localhost:8000"


@pytest.fixture(autouse=True)
def _relying_party(settings):
    settings.PASSKEY_RP_ID = "localhost"
    settings.PASSKEY_ORIGINS = [ORIGIN]


@pytest.fixture
def staff(db):
    user = UserFactory.create(username="pk_counselor")
    MembershipFactory.create(user=user)
    return user


def post_json(client: Client, url: str, body: Any = None, *, raw: str | None = None):
    data = raw if raw is not None else json.dumps(body or {})
    return client.post(url, data=data, content_type="application/json")


def register(client: Client, key: SoftPasskey, name: str = "職場のPC"):
    options = post_json(client, OPTIONS)
    assert options.status_code == 200, options.content
    answer = key.create(options.json())
    return post_json(client, REGISTER, {"credential": answer, "name": name})


def sign_in(client: Client, key: SoftPasskey, **kwargs: Any):
    options = post_json(client, SIGNIN_OPTIONS)
    assert options.status_code == 200, options.content
    return post_json(client, SIGNIN, {"credential": key.get(options.json()), **kwargs})


def actions_of(user) -> list[str]:
    return list(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))


def test_a_verified_staff_member_registers_a_passkey_and_signs_in_with_it_fully(staff, client_as):
    client = client_as(staff)
    key = SoftPasskey()
    options = post_json(client, OPTIONS).json()
    # A discoverable credential with user verification, for this site, for this user only.
    assert options["rp"]["id"] == "localhost"
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "required"
    response = post_json(client, REGISTER, {"credential": key.create(options), "name": "職場のPC"})
    assert response.status_code == 200, response.content
    assert response.json()["redirect"] == "/accounts/account/"
    passkey = StaffPasskey.objects.get(user=staff)
    assert passkey.name == "職場のPC"
    assert services.PASSKEY_ADDED in actions_of(staff)
    page = client.get("/accounts/account/")
    assert "職場のPC" in page.content.decode()

    # A fresh browser: the passkey alone, no username, no password, no code.
    browser = Client()
    response = sign_in(browser, key, next="/people/")
    assert response.status_code == 200, response.content
    assert response.json()["redirect"] == "/people/"
    home = browser.get("/")
    assert home.status_code == 200  # not sent to the 2FA step: the session is verified
    assert browser.get("/accounts/login/verify/").status_code == 302
    assert services.PASSKEY_SIGNED_IN in actions_of(staff)
    passkey.refresh_from_db()
    assert passkey.sign_count == 1
    assert passkey.last_used_at is not None


def test_only_a_session_verified_with_2fa_may_add_a_passkey(staff, client_as):
    client = client_as(staff, verified=False)
    response = post_json(client, OPTIONS)
    # Not verified: the 2FA middleware sends the request on to its step, or the view refuses.
    assert response.status_code in (302, 400)
    assert not PasskeyChallenge.objects.exists()
    assert not StaffPasskey.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [
        '"just a string"',
        "[1, 2]",
        "not json at all",
        json.dumps({"credential": "a string"}),
        json.dumps({"credential": {"id": "!!!", "rawId": "%%%", "response": {}}}),
        json.dumps(
            {
                "credential": {
                    "id": "AAAA",
                    "rawId": "AAAA",
                    "type": "public-key",
                    "response": {"clientDataJSON": "@@@", "attestationObject": "***"},
                }
            }
        ),
    ],
)
def test_garbage_is_a_400_with_a_japanese_message(staff, client_as, raw):
    client = client_as(staff)
    post_json(client, OPTIONS)
    response = post_json(client, REGISTER, raw=raw)
    assert response.status_code == 400
    assert "パスキー" in response.json()["error"]
    post_json(Client(), SIGNIN_OPTIONS)
    anonymous = Client()
    post_json(anonymous, SIGNIN_OPTIONS)
    response = post_json(anonymous, SIGNIN, raw=raw)
    assert response.status_code == 400
    assert "パスキー" in response.json()["error"]


def test_a_challenge_is_used_once_and_only_by_the_browser_it_was_given_to(staff, client_as):
    client = client_as(staff)
    key = SoftPasskey()
    assert register(client, key).status_code == 200

    browser = Client()
    options = post_json(browser, SIGNIN_OPTIONS).json()
    answer = key.get(options)
    # Another browser (no binding cookie) cannot use the answer.
    assert post_json(Client(), SIGNIN, {"credential": answer}).status_code == 400
    assert post_json(browser, SIGNIN, {"credential": answer}).status_code == 200
    # Replayed: the challenge is gone.
    replay = Client()
    replay.cookies = browser.cookies
    response = post_json(browser, SIGNIN, {"credential": answer})
    assert response.status_code == 400
    assert "パスキー" in response.json()["error"]


def test_an_expired_challenge_is_refused(staff, client_as):
    client = client_as(staff)
    key = SoftPasskey()
    options = post_json(client, OPTIONS).json()
    PasskeyChallenge.objects.update(expires_at="2000-01-01T00:00:00Z")
    response = post_json(client, REGISTER, {"credential": key.create(options)})
    assert response.status_code == 400
    assert not StaffPasskey.objects.exists()


def test_a_sign_counter_that_does_not_go_up_is_refused(staff, client_as):
    client = client_as(staff)
    key = SoftPasskey()
    register(client, key)
    assert sign_in(Client(), key).status_code == 200
    key.sign_count = 0  # a cloned authenticator, behind the real one
    response = sign_in(Client(), key)
    assert response.status_code == 400
    assert services.PASSKEY_FAILED in AuditEvent.objects.values_list("action", flat=True)


def test_a_wrong_origin_or_missing_user_verification_is_refused(staff, client_as):
    client = client_as(staff)
    key = SoftPasskey()
    options = post_json(client, OPTIONS).json()
    response = post_json(
        client, REGISTER, {"credential": key.create(options, origin="https://evil.example")}
    )
    assert response.status_code == 400
    register(client, key)
    key.user_verified = False
    assert sign_in(Client(), key).status_code == 400


def test_an_unknown_passkey_or_a_disabled_account_signs_nobody_in(staff, client_as):
    stranger = SoftPasskey(user_handle=b"x" * 32)
    response = sign_in(Client(), stranger)
    assert response.status_code == 400
    key = SoftPasskey()
    register(client_as(staff), key)
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    browser = Client()
    assert sign_in(browser, key).status_code == 400
    assert browser.get("/").status_code == 302


def test_someone_elses_passkey_cannot_be_removed_and_ones_own_can(staff, client_as):
    other = UserFactory.create(username="pk_other")
    MembershipFactory.create(user=other)
    key = SoftPasskey()
    register(client_as(other), key, name="他人の鍵")
    theirs = StaffPasskey.objects.get(user=other)
    client = client_as(staff)
    assert client.post(f"/accounts/account/passkeys/{theirs.pk}/delete/").status_code == 404
    assert StaffPasskey.objects.filter(pk=theirs.pk).exists()
    own = client_as(other)
    response = own.post(f"/accounts/account/passkeys/{theirs.pk}/delete/")
    assert response.status_code == 302
    assert not StaffPasskey.objects.exists()
    assert services.PASSKEY_REMOVED in actions_of(other)


def test_the_administrators_2fa_reset_removes_the_passkeys(staff, client_as):
    register(client_as(staff), SoftPasskey())
    admin = UserFactory.create(username="pk_admin", is_superuser=True)
    services.user_reset_2fa(actor_as(admin), user=staff)
    assert not StaffPasskey.objects.filter(user=staff).exists()


def test_the_login_page_offers_the_passkey_only_where_it_can_work(db, settings):
    page = Client().get("/accounts/login/")
    assert "パスキーでサインイン" in page.content.decode()
    assert "core/js/passkeys" in page.content.decode()
    settings.PASSKEY_RP_ID = ""
    page = Client().get("/accounts/login/")  # testserver: not loopback, no RP id configured
    assert "パスキーでサインイン" not in page.content.decode()
    page = Client(HTTP_HOST="localhost:8000").get("/accounts/login/")
    assert "パスキーでサインイン" in page.content.decode()
