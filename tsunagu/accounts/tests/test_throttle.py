"""Issue 13, item 3: growing delays shared by the form and the token endpoint, no lockout that a
stranger who knows a username can set.  The clock is the `clock` fixture (conftest.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from tsunagu.accounts.models import ApiToken, SignInThrottle
from tsunagu.accounts.tests.factories import PASSWORD
from tsunagu.accounts.throttle import DEVICE_COOKIE
from tsunagu.audit.models import Action, AuditEvent, Outcome

LOGIN = "/accounts/login/"
TOKEN_URL = "/api/v1/auth/token"
HOME = "192.0.2.10"  # the counselor's office
STRANGER = "203.0.113.66"
WRONG = "wrong-password-again"


@pytest.fixture(autouse=True)
def _password_step_only(settings):
    settings.REQUIRE_2FA_FOR_ALL = False
    settings.SIGNIN_FREE_FAILURES = 5
    settings.SIGNIN_ADDRESS_FREE_FAILURES = 20


def _form(client: Client, username: str, password: str, address: str = STRANGER):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def _api(client: Client, username: str, password: str, address: str = STRANGER):
    return client.post(
        TOKEN_URL,
        {"username": username, "password": password},
        content_type="application/json",
        REMOTE_ADDR=address,
    )


def test_the_form_and_the_api_count_failures_together(personas):
    stranger = Client()
    for attempt in range(4):
        send = _form if attempt % 2 else _api
        assert send(stranger, "counselor_a", WRONG).status_code in {400, 401}
    fifth = _api(stranger, "counselor_a", WRONG)
    assert fifth.status_code == 429
    assert _form(stranger, "counselor_a", PASSWORD).status_code == 429
    row = SignInThrottle.objects.get(key="username:counselor_a")
    assert row.failures == 5


def test_an_api_success_clears_the_count_the_form_uses(personas):
    client = Client()
    for _attempt in range(4):
        _form(client, "counselor_a", WRONG)
    assert _api(client, "counselor_a", PASSWORD).status_code == 200
    assert not SignInThrottle.objects.filter(key="username:counselor_a").exists()
    # Four more wrong passwords are four, not eight: no 429 in between.
    for _attempt in range(4):
        assert _form(client, "counselor_a", WRONG).status_code == 400


def test_delays_grow_and_are_capped_and_told_in_japanese(personas, clock, settings):
    settings.SIGNIN_MAX_DELAY = timedelta(minutes=15)
    client = Client()
    for _attempt in range(4):
        _form(client, "counselor_a", WRONG)
    waits = []
    for _attempt in range(12):
        response = _form(client, "counselor_a", WRONG)
        assert response.status_code == 429
        waits.append(int(response["Retry-After"]))
        assert "待ってからもう一度お試しください" in response.content.decode()
        refused = _form(client, "counselor_a", PASSWORD)  # still waiting: not even checked
        assert refused.status_code == 429
        clock.advance(waits[-1])
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]
    assert "約15分" in _form(client, "counselor_a", WRONG).content.decode()


def test_the_api_answers_429_with_retry_after_in_the_error_shape(personas):
    client = Client()
    for _attempt in range(4):
        _api(client, "counselor_a", WRONG)
    response = _api(client, "counselor_a", WRONG)
    assert response.status_code == 429
    assert response["Retry-After"] == "1"
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == "locked_out"
    assert "1秒待ってから" in body["error"]["message"]
    assert not ApiToken.objects.exists()


def test_a_stranger_cannot_keep_the_user_out_of_their_own_browser(personas):
    browser = Client()
    assert _form(browser, "counselor_a", PASSWORD, address=HOME).status_code == 302
    assert browser.cookies[DEVICE_COOKIE].value
    browser.post("/accounts/logout/", REMOTE_ADDR=HOME)

    stranger = Client()
    for _attempt in range(30):
        _api(stranger, "counselor_a", WRONG)
    assert _api(stranger, "counselor_a", PASSWORD).status_code == 429
    # The user's browser, even from a new address (a phone on the train), still gets in.
    assert _form(browser, "counselor_a", PASSWORD, address="198.51.100.7").status_code == 302


def test_a_stranger_cannot_keep_the_user_out_of_the_api_from_their_usual_address(personas):
    assert _api(Client(), "counselor_a", PASSWORD, address=HOME).status_code == 200
    stranger = Client()
    for _attempt in range(30):
        _form(stranger, "counselor_a", WRONG)
    assert _form(Client(), "counselor_a", PASSWORD, address="198.51.100.7").status_code == 429
    assert _api(Client(), "counselor_a", PASSWORD, address=HOME).status_code == 200


def test_a_known_device_is_still_throttled_on_its_own_failures(personas):
    browser = Client()
    _form(browser, "counselor_a", PASSWORD, address=HOME)
    browser.post("/accounts/logout/", REMOTE_ADDR=HOME)
    for _attempt in range(4):
        assert _form(browser, "counselor_a", WRONG, address=HOME).status_code == 400
    assert _form(browser, "counselor_a", WRONG, address=HOME).status_code == 429


def test_a_forged_or_foreign_device_cookie_counts_for_nothing(personas):
    browser = Client()
    _form(browser, "colleague_a", PASSWORD, address=HOME)  # a cookie, but for colleague_a
    for _attempt in range(5):
        _api(Client(), "counselor_a", WRONG)
    assert _form(browser, "counselor_a", PASSWORD).status_code == 429
    forged = Client()
    forged.cookies[DEVICE_COOKIE] = "eyJkIjoieCIsInUiOlsiY291bnNlbG9yX2EiXX0:forged:signature"
    assert _form(forged, "counselor_a", PASSWORD).status_code == 429


def test_one_address_spraying_many_usernames_is_slowed_down(personas):
    client = Client()
    for index in range(19):
        assert _form(client, f"guess{index}", WRONG).status_code == 400
    assert _form(client, "guess19", WRONG).status_code == 429
    assert _form(client, "counselor_a", PASSWORD).status_code == 429
    # Other addresses are not affected.
    assert _form(Client(), "counselor_a", PASSWORD, address=HOME).status_code == 302


def test_a_success_does_not_clear_the_address_count(personas):
    insider = Client()
    for index in range(18):
        _form(insider, f"guess{index}", WRONG)
    assert _form(insider, "counselor_a", PASSWORD).status_code == 302
    insider.post("/accounts/logout/", REMOTE_ADDR=STRANGER)
    assert _form(insider, "guess18", WRONG).status_code == 400
    assert _form(insider, "guess19", WRONG).status_code == 429


def test_failures_are_forgotten_a_day_later(personas, clock):
    client = Client()
    for _attempt in range(5):
        _form(client, "counselor_a", WRONG)
    clock.advance(24 * 3600 + 1)
    for _attempt in range(4):
        assert _form(client, "counselor_a", WRONG).status_code == 400


def test_failures_and_refusals_are_audited_the_same_for_missing_users(personas):
    for username in ("counselor_a", "nobody_here"):
        client = Client()
        for _attempt in range(6):
            _form(client, username, WRONG)
        failed = AuditEvent.objects.filter(action=Action.LOGIN_FAILED, actor_username=username)
        assert failed.count() == 5
        refused = AuditEvent.objects.filter(action=Action.LOCKED_OUT, actor_username=username)
        assert {e.outcome for e in refused} == {Outcome.DENIED}
        assert [e.detail["wait_seconds"] for e in refused.order_by("pk")] == [1, 1]


def test_behind_the_proxy_the_address_is_the_one_the_proxy_added(personas, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert _api(Client(), "counselor_a", PASSWORD, address=HOME).status_code == 200
    for _attempt in range(5):
        _api(Client(), "counselor_a", WRONG)
    # A guesser who writes the office's address first is still counted as the stranger.
    spoofed = Client().post(
        TOKEN_URL,
        {"username": "counselor_a", "password": PASSWORD},
        content_type="application/json",
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR=f"{HOME}, {STRANGER}",
    )
    assert spoofed.status_code == 429
    garbage = Client().post(
        TOKEN_URL,
        {"username": "someone", "password": WRONG},
        content_type="application/json",
        HTTP_X_FORWARDED_FOR="not-an-address",
    )
    assert garbage.status_code == 401
