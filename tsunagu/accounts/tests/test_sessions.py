"""How sessions end: idle and absolute limits, password change, and administrators' actions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tsunagu.accounts.models import ApiToken, User
from tsunagu.accounts.services import SESSION_AUTH_AT
from tsunagu.accounts.tests.factories import PASSWORD, api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.organizations.services import ACTING_ORGANIZATION_SESSION_KEY
from tsunagu.organizations.tests.factories import MembershipFactory

LOGIN = "/accounts/login/"
EXPIRED = "セッションの有効期限が切れました。もう一度サインインしてください。"


def _is_signed_out(client: Client) -> bool:
    response = client.get("/")
    return response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_idle_timeout_is_thirty_minutes_renewed_on_every_request():
    assert django_settings.SESSION_COOKIE_AGE == 30 * 60
    assert django_settings.SESSION_SAVE_EVERY_REQUEST is True
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is False
    assert django_settings.SESSION_COOKIE_HTTPONLY is True


def test_each_request_renews_the_session_cookie(personas, client_as):
    client = client_as(personas.counselor_a)
    response = client.get("/")
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == 30 * 60


def _session_writes(client: Client, path: str = "/") -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return [
        q["sql"]
        for q in ctx.captured_queries
        if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]


def _stored_expiry(client: Client) -> dt.datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_an_unchanged_session_is_stored_again_at_most_once_a_minute(personas, client_as):
    assert django_settings.SESSION_REFRESH_SECONDS == 60
    client = client_as(personas.counselor_a)
    client.get("/")
    assert _session_writes(client) == []
    # The stored expiry a minute and a second behind: the next request renews it.
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + dt.timedelta(minutes=30) - dt.timedelta(seconds=61)
    )
    assert len(_session_writes(client)) == 1
    renewed = _stored_expiry(client) - timezone.now()
    assert dt.timedelta(minutes=29, seconds=59) < renewed <= dt.timedelta(minutes=30)
    assert _session_writes(client) == []


def test_a_changed_session_is_stored_at_once(personas, client_as):
    MembershipFactory.create(
        user=personas.counselor_a, organization=personas.core_center, is_primary=False
    )
    client = client_as(personas.counselor_a)
    client.get("/")
    with CaptureQueriesContext(connection) as ctx:
        client.post("/organizations/switch/", {"organization": personas.core_center.pk})
    assert any(q["sql"].startswith('UPDATE "django_session"') for q in ctx.captured_queries)
    assert client.session[ACTING_ORGANIZATION_SESSION_KEY] == personas.core_center.pk


def test_the_idle_limit_is_the_stored_expiry(personas, client_as):
    """A session whose stored expiry has passed is over, whatever its cookie says."""
    client = client_as(personas.counselor_a)
    assert client.get("/").status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    assert _is_signed_out(client)


def test_absolute_limit_of_twelve_hours(personas, client_as):
    lifetime_hours = django_settings.SESSION_ABSOLUTE_LIFETIME / dt.timedelta(hours=1)
    assert lifetime_hours == 12
    client = client_as(personas.counselor_a)
    session = client.session
    session[SESSION_AUTH_AT] = (timezone.now() - dt.timedelta(hours=13)).timestamp()
    session.save()
    response = client.get("/organizations/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=%2Forganizations%2F"
    event = AuditEvent.objects.get(action=Action.SESSION_EXPIRED)
    assert event.actor == personas.counselor_a
    assert event.detail == {"reason": "absolute_limit"}
    # Signed out for good, and told why on the sign-in page.
    assert "_auth_user_id" not in client.session
    assert EXPIRED in client.get(LOGIN).content.decode()


def test_a_session_under_the_absolute_limit_goes_on(personas, client_as):
    client = client_as(personas.counselor_a)
    session = client.session
    session[SESSION_AUTH_AT] = (timezone.now() - dt.timedelta(hours=11)).timestamp()
    session.save()
    assert client.get("/").status_code == 200
    assert not AuditEvent.objects.filter(action=Action.SESSION_EXPIRED).exists()


def test_password_change_keeps_this_session_and_ends_the_others(personas, client_as):
    here = client_as(personas.counselor_a)
    elsewhere = client_as(personas.counselor_a)
    token = api_token_for(personas.counselor_a)
    # Not "aoba no mori...": あおば is office A's name, refused since issue 13 (item 2).
    new_password = "plum violet zebra quilt"
    response = here.post(
        "/accounts/account/password/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/account/"
    assert here.get("/").status_code == 200
    assert _is_signed_out(elsewhere)
    assert ApiToken.objects.get().revoked_at is not None
    assert Client().get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert AuditEvent.objects.filter(
        action=Action.PASSWORD_CHANGED, actor=personas.counselor_a
    ).exists()
    user = User.objects.get(pk=personas.counselor_a.pk)
    assert user.check_password(new_password)


def test_password_change_refuses_a_weak_password_or_a_wrong_current_one(personas, client_as):
    client = client_as(personas.counselor_a)
    weak = client.post(
        "/accounts/account/password/",
        {"old_password": PASSWORD, "new_password1": "short-pass", "new_password2": "short-pass"},
    )
    assert weak.status_code == 400
    wrong = client.post(
        "/accounts/account/password/",
        {
            "old_password": "not-my-password",
            "new_password1": "aoba no mori ni kaze ga fuku",
            "new_password2": "aoba no mori ni kaze ga fuku",
        },
    )
    assert wrong.status_code == 400
    assert User.objects.get(pk=personas.counselor_a.pk).check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action=Action.PASSWORD_CHANGED).exists()


@pytest.fixture
def admin(personas, client_as) -> Client:
    return client_as(personas.admin)


def test_admin_disable_ends_sessions_revokes_tokens_and_refuses_sign_in(
    settings, personas, admin, client_as
):
    settings.REQUIRE_2FA_FOR_ALL = False
    target = personas.counselor_a
    their_browser = client_as(target)
    token = api_token_for(target)
    response = admin.post(f"/accounts/admin/users/{target.pk}/disable/")
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/admin/users/{target.pk}/"
    assert not User.objects.get(pk=target.pk).is_active
    assert _is_signed_out(their_browser)
    assert ApiToken.objects.get(user=target).revoked_at is not None
    api = Client().get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.status_code == 401
    sign_in = Client().post(LOGIN, {"username": target.username, "password": PASSWORD})
    assert sign_in.status_code == 400
    assert AuditEvent.objects.filter(
        action=Action.USER_DISABLED, actor=personas.admin, target_id=str(target.pk)
    ).exists()


def test_admin_enable_lets_a_disabled_user_back_in(settings, personas, admin):
    settings.REQUIRE_2FA_FOR_ALL = False
    target = personas.counselor_a
    admin.post(f"/accounts/admin/users/{target.pk}/disable/")
    admin.post(f"/accounts/admin/users/{target.pk}/enable/")
    assert User.objects.get(pk=target.pk).is_active
    sign_in = Client().post(LOGIN, {"username": target.username, "password": PASSWORD})
    assert sign_in.status_code == 302
    assert AuditEvent.objects.filter(action=Action.USER_ENABLED).exists()


def test_admin_end_sessions_signs_the_user_out_everywhere(personas, admin, client_as):
    target = personas.counselor_a
    browsers = [client_as(target), client_as(target)]
    token = api_token_for(target)
    bystander = client_as(personas.colleague_a)
    response = admin.post(f"/accounts/admin/users/{target.pk}/end_sessions/")
    assert response.status_code == 302
    assert all(_is_signed_out(browser) for browser in browsers)
    assert Client().get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert bystander.get("/").status_code == 200
    assert User.objects.get(pk=target.pk).is_active  # ending sessions is not disabling
    assert AuditEvent.objects.filter(action=Action.USER_SESSIONS_ENDED).exists()
    ended = AuditEvent.objects.filter(action=Action.SESSION_EXPIRED, actor=target)
    assert {e.detail["reason"] for e in ended} == {"ended"}


@pytest.mark.parametrize("action", ["disable", "end_sessions", "reset_2fa"])
def test_an_administrator_cannot_lock_themselves_out(action, personas, admin):
    response = admin.post(f"/accounts/admin/users/{personas.admin.pk}/{action}/", follow=True)
    assert response.status_code == 200
    assert "自分自身に対してこの操作はできません。" in response.content.decode()
    me = User.objects.get(pk=personas.admin.pk)
    assert me.is_active
    assert me.session_epoch == personas.admin.session_epoch
    assert admin.get("/accounts/admin/users/").status_code == 200


def test_admin_actions_are_post_only(personas, admin):
    response = admin.get(f"/accounts/admin/users/{personas.counselor_a.pk}/disable/")
    assert response.status_code == 405
    assert User.objects.get(pk=personas.counselor_a.pk).is_active
