"""Issue 13, item 1: the password alone never gets past a second factor the user already has.

A user with a confirmed authenticator who signed in with the password only must not be able to
enrol a new authenticator (and so walk in verified), nor reach any other page.  The walk below
goes over every URL of the URL conf, so a page added later is covered without a new test.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tsunagu.accounts import services
from tsunagu.accounts.models import ApiToken
from tsunagu.accounts.tests.factories import (
    PASSWORD,
    TOTPDeviceFactory,
    api_token_for,
    totp_code,
)
from tsunagu.accounts.views import SESSION_SETUP_DEVICE
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.organizations.tests.actors import actor_as

SETUP = "/accounts/account/2fa/setup/"
VERIFY = "/accounts/login/verify/"
LOGOUT = "/accounts/logout/"

# Pages anyone may see, signed in or not.  A view marked @login_not_required that is not here
# fails test_the_public_list_is_the_views_marked_public, so nobody opens one by accident.
PUBLIC_VIEWS = {
    "core:healthz",
    "accounts:login",
    "directory:search",
    "directory:public_detail",
    "set_language",
    "otpadmin:login",  # the Django admin's own sign-in, which needs the second factor too
    # A calendar app fetches the feed with its secret address (a revocable token, stored
    # hashed); it carries no names (tsunagu/agenda/tests/test_feed.py).
    "agenda:feed",
    # The invited person chooses a password through the one-time link in their mail (Django's
    # password-reset token: it stops working once used); then they sign in (ADR 0014).
    "accounts:invitation_accept",
    # Signing in with a passkey: the challenge, and the signed answer that is the sign-in itself
    # (both factors at once: a passkey asks for user verification; ADR 0024).
    "accounts:passkey_signin_options",
    "accounts:passkey_signin",
    # The safety-check phone screen's web app shell: the manifest, the service worker and the
    # empty offline page hold no data; the script fills it from the encrypted copy (ADR 0020).
    "disaster:manifest",
    "disaster:service_worker",
    "disaster:offline_shell",
}
PUBLIC_PREFIXES = ("/api/hsds/", "/static/")
# The API answers for itself: its documentation is public, everything else needs a bearer token.
API_PREFIX = "/api/v1/"
API_PUBLIC_PATHS = {"/api/v1/docs", "/api/v1/openapi.json"}
# The person's portal answers for itself with its own cookie (ADR 0024): a staff session, half
# signed in or not, counts for nothing there, and only leads to the portal's own sign-in.
PORTAL_PREFIX = "/my/"


def _route_sample(route: str) -> str:
    """`cases/<int:case_id>/` -> `cases/1/`."""
    return re.sub(
        r"<(?:(\w+):)?\w+>",
        lambda m: str(uuid.UUID(int=1)) if m.group(1) == "uuid" else "1",
        route,
    )


def _regex_sample(regex: str) -> str:
    """A string the regex matches: named groups of alternatives take the first, others "1"."""

    def group(match: re.Match[str]) -> str:
        body = match.group(2)
        if re.fullmatch(r"[\w|]+", body):
            return body.split("|")[0]
        return "1"

    sample = re.sub(r"\(\?P<(\w+)>((?:[^()]|\([^()]*\))*)\)", group, regex)
    sample = sample.lstrip("^").rstrip("$").replace("\\", "")
    if not re.fullmatch(regex.lstrip("^").rstrip("$") or ".*", sample):
        raise AssertionError(f"no sample for {regex!r}")
    return sample


def _sample(pattern: RoutePattern | RegexPattern) -> str:
    if isinstance(pattern, RoutePattern):
        return _route_sample(str(pattern))
    return _regex_sample(pattern.regex.pattern)


def _all_urls() -> Iterator[tuple[str, str | None, URLPattern]]:
    """Every URL pattern of the URL conf as (sample path, namespaced view name, pattern)."""

    def walk(
        resolver: URLResolver, prefix: str, namespace: str
    ) -> Iterator[tuple[str, str | None, URLPattern]]:
        for entry in resolver.url_patterns:
            path = prefix + _sample(entry.pattern)  # type: ignore[arg-type]
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry, path, inner)
            else:
                yield path, (f"{namespace}{entry.name}" if entry.name else None), entry

    yield from walk(get_resolver(), "/", "")


URLS = dict(sorted((path, name) for path, name, _entry in _all_urls()))


@pytest.fixture
def half_signed_in(personas) -> Client:
    """counselor_a has an authenticator and has typed the right password, nothing more."""
    TOTPDeviceFactory.create(user=personas.counselor_a)
    client = Client()
    response = client.post("/accounts/login/", {"username": "counselor_a", "password": PASSWORD})
    assert response["Location"] == VERIFY
    return client


def test_the_walk_covers_the_whole_url_conf():
    assert len(URLS) > 150
    for expected in [SETUP, VERIFY, "/admin/", "/cases/1/", "/audit/", API_PREFIX + "cases"]:
        assert expected in URLS


def test_the_public_list_is_the_views_marked_public():
    marked = {
        name
        for path, name, entry in _all_urls()
        if getattr(entry.callback, "login_required", True) is False
        and not path.startswith(PUBLIC_PREFIXES)
    }
    assert marked == PUBLIC_VIEWS


def test_every_page_sends_a_password_only_session_to_verification(half_signed_in):
    """Every URL answers with the verify page, sign-out, a redirect to verify, or is public."""
    passed = []
    for path, name in URLS.items():
        if path.startswith(API_PREFIX):
            continue  # below
        response = half_signed_in.get(path)
        if path == VERIFY:
            assert response.status_code == 200, path
            assert response.templates[0].name == "accounts/pages/otp_verify.html"
        elif path == LOGOUT:
            assert response.status_code == 405, path  # sign-out is a POST, allowed below
        elif name in PUBLIC_VIEWS or path.startswith(PUBLIC_PREFIXES):
            assert response.status_code in {200, 302, 404}, (path, response.status_code)
        elif path.startswith(PORTAL_PREFIX):
            assert response.status_code in {200, 302, 404, 405}, (path, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith(PORTAL_PREFIX), (path, response["Location"])
        else:
            assert response.status_code == 302, (path, response.status_code)
            assert response["Location"] == VERIFY, (path, response["Location"])
        passed.append(path)
    assert SETUP in passed
    assert "/admin/" in passed
    assert half_signed_in.post(LOGOUT).status_code == 302


def test_the_api_takes_no_session_in_place_of_a_token(half_signed_in):
    refused = []
    for path in URLS:
        if not path.startswith(API_PREFIX) or path in API_PUBLIC_PATHS:
            continue
        response = half_signed_in.get(path)
        # 405: the path has only other methods; 404: the bare root, which has no page.
        assert response.status_code in {401, 404, 405}, (path, response.status_code)
        assert response.json()["error"]["code"], path
        if response.status_code == 401:
            refused.append(path)
    assert len(refused) > 30
    assert f"{API_PREFIX}auth/me" in refused


def test_no_api_token_without_a_valid_otp(personas, client):
    device = TOTPDeviceFactory.create(user=personas.counselor_a)
    for otp in [None, "", "000000x", "12345"]:
        body = {"username": "counselor_a", "password": PASSWORD}
        if otp is not None:
            body["otp"] = otp
        response = client.post("/api/v1/auth/token", body, content_type="application/json")
        assert response.status_code in {401, 422}, otp
    assert not ApiToken.objects.filter(user=personas.counselor_a).exists()
    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows a device down after wrong codes
    ok = client.post(
        "/api/v1/auth/token",
        {"username": "counselor_a", "password": PASSWORD, "otp": totp_code(device)},
        content_type="application/json",
    )
    assert ok.status_code == 200


def test_a_password_only_session_cannot_enrol_a_new_authenticator(half_signed_in, personas):
    owners = TOTPDevice.objects.get(user=personas.counselor_a, confirmed=True)
    assert half_signed_in.get(SETUP)["Location"] == VERIFY
    assert half_signed_in.post(SETUP, {"token": "123456"})["Location"] == VERIFY
    assert SESSION_SETUP_DEVICE not in half_signed_in.session
    assert list(TOTPDevice.objects.filter(user=personas.counselor_a)) == [owners]
    assert not AuditEvent.objects.filter(action=Action.OTP_ENROLLED).exists()
    assert half_signed_in.get("/")["Location"] == VERIFY


def test_recovery_codes_alone_also_guard_enrolment(personas, client):
    services.recovery_codes_issue(actor_as(personas.counselor_a))
    assert not TOTPDevice.objects.filter(user=personas.counselor_a).exists()
    response = client.post("/accounts/login/", {"username": "counselor_a", "password": PASSWORD})
    assert response["Location"] == VERIFY
    assert client.get(SETUP)["Location"] == VERIFY


def test_a_verified_session_may_replace_the_authenticator(half_signed_in, personas):
    owners = TOTPDevice.objects.get(user=personas.counselor_a, confirmed=True)
    assert half_signed_in.post(VERIFY, {"token": totp_code(owners)}).status_code == 302
    assert half_signed_in.get(SETUP).status_code == 200
    new = TOTPDevice.objects.get(pk=half_signed_in.session[SESSION_SETUP_DEVICE])
    response = half_signed_in.post(SETUP, {"token": totp_code(new)})
    assert response.status_code == 200
    assert list(TOTPDevice.objects.filter(user=personas.counselor_a, confirmed=True)) == [new]
    assert not TOTPDevice.objects.filter(pk=owners.pk).exists()


def test_admin_reset_ends_sessions_and_tokens_and_is_audited(personas, client_as):
    TOTPDeviceFactory.create(user=personas.counselor_a)
    services.recovery_codes_issue(actor_as(personas.counselor_a))
    token = api_token_for(personas.counselor_a)
    victim = client_as(personas.counselor_a)
    assert victim.get("/").status_code == 200
    admin = client_as(personas.admin)
    response = admin.post(f"/accounts/admin/users/{personas.counselor_a.pk}/reset_2fa/")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=personas.counselor_a).exists()
    assert not StaticDevice.objects.filter(user=personas.counselor_a).exists()
    assert victim.get("/")["Location"].startswith("/accounts/login/")
    me = Client().get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401
    assert not ApiToken.objects.usable().filter(user=personas.counselor_a).exists()
    event = AuditEvent.objects.get(action=Action.USER_2FA_RESET)
    assert event.actor == personas.admin
    assert event.target_id == str(personas.counselor_a.pk)
