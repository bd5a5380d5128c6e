"""Portal passkeys (ADR 0024): after signing in with the code or passphrase the person adds a
passkey, lists and removes theirs; the sign-in page's パスキーでログイン needs no portal id.
Ended accounts, closed cases, someone else's passkey, replayed or garbage answers: a 400 with
a plain Japanese message, never a 500; another account's passkey row is a 404."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tsunagu.accounts.tests.authenticator import SoftPasskey
from tsunagu.audit.models import AuditEvent
from tsunagu.cases.models import CaseStatus
from tsunagu.organizations.actors import actor_for
from tsunagu.portal import services
from tsunagu.portal.models import PortalPasskey, PortalSession
from tsunagu.portal.tests.factories import invite_person, invite_supporter, portal_client

OPTIONS = "/my/passkeys/options/"
ADD = "/my/passkeys/add/"
SIGNIN_OPTIONS = "/my/signin/passkey/options/"
SIGNIN = "/my/signin/passkey/"
ORIGIN = "http://localhost:8000"


@pytest.fixture(autouse=True)
def _relying_party(settings):
    settings.PASSKEY_RP_ID = "localhost"
    settings.PASSKEY_ORIGINS = [ORIGIN]


def post_json(client: Client, url: str, body: Any = None, *, raw: str | None = None):
    data = raw if raw is not None else json.dumps(body or {})
    return client.post(url, data=data, content_type="application/json")


def add_passkey(client: Client, key: SoftPasskey, label: str = "わたしの電話"):
    options = post_json(client, OPTIONS)
    assert options.status_code == 200, options.content
    return post_json(client, ADD, {"credential": key.create(options.json()), "name": label})


def passkey_sign_in(client: Client, key: SoftPasskey):
    options = post_json(client, SIGNIN_OPTIONS)
    assert options.status_code == 200, options.content
    return post_json(client, SIGNIN, {"credential": key.get(options.json())})


@pytest.fixture
def person(personas, world):
    account, code = invite_person(world.case, personas.counselor_a)
    return account, portal_client(account, code)


def test_the_person_adds_a_passkey_and_signs_in_with_one_tap(person):
    account, client = person
    key = SoftPasskey()
    options = post_json(client, OPTIONS).json()
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["user"]["name"] == account.portal_id
    response = post_json(client, ADD, {"credential": key.create(options), "name": "わたしの電話"})
    assert response.status_code == 200, response.content
    assert response.json()["redirect"].startswith("/my/passkeys/")
    listing = client.get("/my/passkeys/").content.decode()
    assert "わたしの電話" in listing

    browser = Client()
    page = browser.get("/my/signin/").content.decode()
    assert "パスキーでログイン" in page
    response = passkey_sign_in(browser, key)
    assert response.status_code == 200, response.content
    assert response.json()["redirect"] == "/my/"
    assert browser.cookies["tsunagu_portal"].value
    home = browser.get("/my/")
    assert account.display_name in home.content.decode()
    assert AuditEvent.objects.filter(
        actor_username=f"portal:{account.portal_id}", detail__by="passkey"
    ).exists()
    assert AuditEvent.objects.filter(action=services.PASSKEY_ADDED).exists()


@pytest.mark.parametrize(
    "raw",
    [
        '"a JSON string, not an object"',
        "[]",
        "{{{{",
        json.dumps({"credential": 42}),
        json.dumps({"credential": {"id": "…", "rawId": "not base64 ☃", "response": {}}}),
        json.dumps(
            {
                "credential": {
                    "id": "AAAA",
                    "rawId": "AAAA",
                    "type": "public-key",
                    "response": {
                        "clientDataJSON": "%%%",
                        "authenticatorData": "%%%",
                        "signature": "%%%",
                        "attestationObject": "%%%",
                    },
                }
            }
        ),
    ],
)
def test_garbage_is_a_400_in_plain_japanese(person, raw):
    _account, client = person
    post_json(client, OPTIONS)
    response = post_json(client, ADD, raw=raw)
    assert response.status_code == 400
    assert "パスキー" in response.json()["error"]
    browser = Client()
    post_json(browser, SIGNIN_OPTIONS)
    response = post_json(browser, SIGNIN, raw=raw)
    assert response.status_code == 400
    assert "パスキー" in response.json()["error"]
    assert not PortalPasskey.objects.exists()


def test_a_replayed_answer_or_one_from_another_browser_is_refused(person):
    _account, client = person
    key = SoftPasskey()
    add_passkey(client, key)
    browser = Client()
    answer = key.get(post_json(browser, SIGNIN_OPTIONS).json())
    assert post_json(Client(), SIGNIN, {"credential": answer}).status_code == 400
    assert post_json(browser, SIGNIN, {"credential": answer}).status_code == 200
    assert post_json(browser, SIGNIN, {"credential": answer}).status_code == 400


def test_an_ended_account_or_a_closed_case_does_not_open_with_a_passkey(person, personas, world):
    account, client = person
    key = SoftPasskey()
    add_passkey(client, key)
    services.portal_account_end(actor_for(personas.counselor_a), account=account)
    browser = Client()
    response = passkey_sign_in(browser, key)
    assert response.status_code == 400
    assert "あいことば" in response.json()["error"]
    assert "tsunagu_portal" not in browser.cookies
    assert not PortalSession.objects.filter(account=account, ended_at__isnull=True).exists()


def test_a_closed_case_does_not_open_with_a_passkey(person, world):
    _account, client = person
    key = SoftPasskey()
    add_passkey(client, key)
    world.case.status = CaseStatus.CLOSED
    world.case.save(update_fields=["status"])
    assert passkey_sign_in(Client(), key).status_code == 400


def test_another_accounts_passkey_is_neither_theirs_to_add_nor_to_remove(person, personas, world):
    account, client = person
    key = SoftPasskey()
    add_passkey(client, key)
    mine = PortalPasskey.objects.get(account=account)
    mother, mother_code = invite_supporter(world.case, personas.counselor_a, sections=["plan"])
    mother_client = portal_client(mother, mother_code)
    # The same authenticator's credential again, for another account: refused.
    response = add_passkey(mother_client, key)
    assert response.status_code == 400
    assert PortalPasskey.objects.filter(account=mother).count() == 0
    # Another account's passkey row: the same 404 as one that does not exist.
    url = f"/my/passkeys/{mine.pk}/remove/"
    assert mother_client.get(url).status_code == 404
    assert mother_client.post(url).status_code == 404
    assert PortalPasskey.objects.filter(pk=mine.pk).exists()
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not PortalPasskey.objects.filter(pk=mine.pk).exists()
    assert AuditEvent.objects.filter(action=services.PASSKEY_REMOVED).exists()


def test_an_answer_naming_another_accounts_user_handle_is_refused(person):
    _account, client = person
    key = SoftPasskey()
    add_passkey(client, key)
    key.user_handle = b"someone else" * 3
    assert passkey_sign_in(Client(), key).status_code == 400


def test_a_sign_counter_that_goes_back_is_refused(person):
    _account, client = person
    key = SoftPasskey()
    add_passkey(client, key)
    assert passkey_sign_in(Client(), key).status_code == 200
    key.sign_count = 0
    assert passkey_sign_in(Client(), key).status_code == 400


def test_guessing_with_passkeys_waits_like_the_passphrase(db):
    stranger = SoftPasskey(user_handle=b"u" * 32)
    statuses = []
    for _ in range(13):
        browser = Client()
        options = post_json(browser, SIGNIN_OPTIONS)
        if options.status_code != 200:
            statuses.append(options.status_code)
            break
        statuses.append(
            post_json(browser, SIGNIN, {"credential": stranger.get(options.json())}).status_code
        )
    assert statuses[0] == 400
    assert statuses[-1] == 429


def test_the_passkey_pages_need_a_portal_sign_in(db):
    browser = Client()
    assert browser.get("/my/passkeys/").status_code == 302
    response = post_json(browser, OPTIONS)
    assert response.status_code == 302
    assert response["Location"].startswith("/my/signin/")
