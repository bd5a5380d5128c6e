"""A verified session is no licence to guess the current password: on the password-change form,
wrong current passwords count under the username with the sign-in throttle (and with the
sign-in failures), the wait is told in Japanese, and every wrong guess and refusal is audited.
The clock is the `clock` fixture (accounts/tests/conftest.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from tsunagu.accounts.models import SignInThrottle, User
from tsunagu.accounts.tests.factories import PASSWORD
from tsunagu.audit.models import Action, AuditEvent, Outcome

URL = "/accounts/account/password/"
NEW = "plum violet zebra quilt"
WRONG = "not-my-password-at-all"
WAIT_TEXT = "パスワードの変更を一時的に止めています"


@pytest.fixture(autouse=True)
def _rule(settings):
    settings.REQUIRE_2FA_FOR_ALL = False
    settings.SIGNIN_FREE_FAILURES = 5
    settings.SIGNIN_ADDRESS_FREE_FAILURES = 20


def _change(client: Client, current: str):
    return client.post(URL, {"old_password": current, "new_password1": NEW, "new_password2": NEW})


def _sign_in(username: str, password: str):
    return Client().post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR="203.0.113.9"
    )


def _unchanged(user: User) -> bool:
    return User.objects.get(pk=user.pk).check_password(PASSWORD)


def test_wrong_current_passwords_are_throttled_and_audited(personas, client_as, clock):
    user = personas.counselor_a
    client = client_as(user)
    for _attempt in range(4):
        assert _change(client, WRONG).status_code == 400
    guesses = AuditEvent.objects.filter(action=Action.PASSWORD_CHECK_FAILED, actor=user)
    assert guesses.count() == 4
    assert {g.outcome for g in guesses} == {Outcome.FAILED}
    assert all(WRONG not in str(g.detail) for g in guesses)

    fifth = _change(client, WRONG)
    assert fifth.status_code == 429
    assert fifth["Retry-After"] == "1"
    assert WAIT_TEXT in fifth.content.decode()
    assert SignInThrottle.objects.get(key="username:counselor_a").failures == 5

    # While the username waits, even the right password is not checked.
    refused = _change(client, PASSWORD)
    assert refused.status_code == 429
    assert WAIT_TEXT in refused.content.decode()
    assert _unchanged(user)
    assert not AuditEvent.objects.filter(action=Action.PASSWORD_CHANGED).exists()
    refusals = AuditEvent.objects.filter(action=Action.LOCKED_OUT, actor=user)
    assert refusals.count() == 2
    assert {r.detail["form"] for r in refusals} == {"password_change"}
    assert AuditEvent.objects.filter(action=Action.PASSWORD_CHECK_FAILED).count() == 5

    clock.advance(1)
    assert _change(client, PASSWORD).status_code == 302
    assert User.objects.get(pk=user.pk).check_password(NEW)
    assert not SignInThrottle.objects.filter(key="username:counselor_a").exists()


def test_guesses_add_up_with_sign_in_failures(personas, client_as):
    for _attempt in range(3):
        assert _sign_in("counselor_a", WRONG).status_code == 400
    client = client_as(personas.counselor_a)
    assert _change(client, WRONG).status_code == 400
    assert _change(client, WRONG).status_code == 429
    # ... and the other way round: the stranger's next sign-in waits too.
    assert _sign_in("counselor_a", PASSWORD).status_code == 429
    assert _unchanged(personas.counselor_a)


def test_a_wrong_new_password_with_the_right_current_one_is_no_guess(personas, client_as):
    client = client_as(personas.counselor_a)
    assert _change(client, WRONG).status_code == 400
    weak = client.post(
        URL, {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"}
    )
    assert weak.status_code == 400
    assert WAIT_TEXT not in weak.content.decode()
    # The right current password clears the count, as a successful sign-in does.
    assert not SignInThrottle.objects.filter(key="username:counselor_a").exists()
    assert AuditEvent.objects.filter(action=Action.PASSWORD_CHECK_FAILED).count() == 1
