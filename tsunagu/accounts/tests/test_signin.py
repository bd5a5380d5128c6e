"""Signing in with the real form: passwords, lockout, and the audit trail of both."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tsunagu import settings as production_settings
from tsunagu.accounts.models import User
from tsunagu.accounts.tests.factories import PASSWORD, UserFactory
from tsunagu.audit.models import Action, AuditEvent, Outcome

LOGIN = "/accounts/login/"
WRONG = "ユーザー名またはパスワードが正しくありません。"
LOCKED = "サインインの失敗が続いたため"


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    # These tests are about the password step; 2FA has its own module.
    settings.REQUIRE_2FA_FOR_ALL = False


def _post(client, username: str, password: str, **extra: str):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def _signed_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


def test_sign_in_with_the_right_password(personas, client):
    response = _post(client, "counselor_a", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _signed_in_user_id(client) == str(personas.counselor_a.pk)
    assert client.get("/").status_code == 200
    event = AuditEvent.objects.get(action=Action.LOGIN)
    assert event.actor == personas.counselor_a
    assert event.outcome == Outcome.SUCCESS


def test_sign_in_goes_on_to_a_local_next_but_never_off_site(personas, client):
    response = _post(client, "counselor_a", PASSWORD, next="/organizations/")
    assert response["Location"] == "/organizations/"
    other = client.__class__()
    response = _post(other, "counselor_a", PASSWORD, next="https://evil.example.com/")
    assert response["Location"] == "/"


def test_production_hashes_passwords_with_argon2id_at_the_owasp_parameters(settings, db, client):
    assert production_settings.PASSWORD_HASHERS[0] == "tsunagu.accounts.hashers.Argon2idHasher"
    settings.PASSWORD_HASHERS = production_settings.PASSWORD_HASHERS
    user = UserFactory.create(username="argon_user")
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    response = _post(client, "argon_user", PASSWORD)
    assert response.status_code == 302
    assert _signed_in_user_id(client) == str(user.pk)


def test_an_argon2_hash_with_other_parameters_still_signs_in_and_is_rewritten(settings, db, client):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = UserFactory.create(username="django_default")
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=102400,t=2,p=8$")
    settings.PASSWORD_HASHERS = production_settings.PASSWORD_HASHERS
    assert _post(client, "django_default", PASSWORD).status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


def test_a_password_stored_with_an_older_hasher_is_upgraded_on_sign_in(settings, db, client):
    user = UserFactory.create(username="old_hash")  # MD5 under the test settings
    settings.PASSWORD_HASHERS = [
        *production_settings.PASSWORD_HASHERS,
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    assert _post(client, "old_hash", PASSWORD).status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")


def _codes(password: str) -> set[str]:
    try:
        validate_password(password, User(username="someone", full_name="山田 花子"))
    except ValidationError as error:
        return {str(e.code) for e in error.error_list}
    return set()


def test_password_rules_are_length_and_commonness_not_composition():
    assert "password_too_short" in _codes("kumo-sora-12")  # 12 characters
    assert "password_too_common" in _codes("qwertyuiop123")  # 13, but on the common list
    assert _codes("sakura ga saku koro ni") == set()  # lower case and spaces only
    assert _codes("みどり市の桜並木は春がきれい") == set()  # Japanese passphrase


def test_wrong_password_is_refused_with_the_same_answer_as_a_missing_user(personas, client):
    wrong = _post(client, "counselor_a", "not-the-password-at-all")
    missing = _post(client, "nobody_here", "not-the-password-at-all")
    assert wrong.status_code == missing.status_code == 400
    assert WRONG in wrong.content.decode()
    assert _signed_in_user_id(client) is None

    def normalised(response, username: str) -> str:
        body = response.content.decode().replace(username, "USERNAME")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)

    assert normalised(wrong, "counselor_a") == normalised(missing, "nobody_here")


def test_failed_sign_in_is_audited_without_the_password(personas, client):
    _post(client, "counselor_a", "not-the-password-at-all")
    event = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert event.actor_username == "counselor_a"
    assert event.outcome == Outcome.FAILED
    assert "not-the-password-at-all" not in str(event.detail)


@pytest.mark.parametrize("username", ["counselor_a", "nobody_here"])
def test_lockout_after_five_failures(username, personas, client):
    for _attempt in range(4):
        assert _post(client, username, "wrong-password-again").status_code == 400
    fifth = _post(client, username, "wrong-password-again")
    assert fifth.status_code == 429
    assert LOCKED in fifth.content.decode()
    sixth = _post(client, username, "wrong-password-again")
    assert sixth.status_code == 429
    assert LOCKED in sixth.content.decode()
    assert (
        AuditEvent.objects.filter(action=Action.LOGIN_FAILED, actor_username=username).count() >= 5
    )
    locked = AuditEvent.objects.filter(action=Action.LOCKED_OUT, actor_username=username)
    assert locked.exists()
    assert {e.outcome for e in locked} == {Outcome.DENIED}


def test_lockout_text_is_the_same_for_existing_and_missing_users(personas, client):
    answers = {}
    for username in ("counselor_a", "nobody_here"):
        for _attempt in range(5):
            response = _post(client, username, "wrong-password-again")
        answers[username] = re.sub(
            r'name="csrfmiddlewaretoken" value="[^"]+"',
            "",
            response.content.decode().replace(username, "USERNAME"),
        )
    assert answers["counselor_a"] == answers["nobody_here"]


def test_the_right_password_is_refused_while_locked_out(personas, client):
    for _attempt in range(5):
        _post(client, "counselor_a", "wrong-password-again")
    response = _post(client, "counselor_a", PASSWORD)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert _signed_in_user_id(client) is None
    assert not AuditEvent.objects.filter(action=Action.LOGIN).exists()


def test_lockout_is_per_username(personas, client):
    for _attempt in range(5):
        _post(client, "counselor_a", "wrong-password-again")
    # A colleague at the same address can still sign in.
    assert _post(client, "colleague_a", PASSWORD).status_code == 302


def test_administrator_unlock_lets_the_user_sign_in_again(personas, client, client_as):
    for _attempt in range(5):
        _post(client, "counselor_a", "wrong-password-again")
    admin = client_as(personas.admin)
    detail = admin.get(f"/accounts/admin/users/{personas.counselor_a.pk}/")
    assert detail.context["locked"] is True
    admin.post(f"/accounts/admin/users/{personas.counselor_a.pk}/unlock/")
    assert AuditEvent.objects.filter(action=Action.USER_UNLOCKED).exists()
    assert _post(client, "counselor_a", PASSWORD).status_code == 302


def test_sign_out_is_a_post_and_is_audited(personas, client):
    _post(client, "counselor_a", PASSWORD)
    assert client.get("/accounts/logout/").status_code == 405
    assert _signed_in_user_id(client) is not None
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert _signed_in_user_id(client) is None
    event = AuditEvent.objects.get(action=Action.LOGOUT)
    assert event.actor == personas.counselor_a
    assert client.get("/")["Location"].startswith(LOGIN)
