"""Response headers, error pages and the production configuration."""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.core.http import safe_next

HTTP_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def _csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def _assert_security_headers(response) -> None:
    for header, value in HTTP_HEADERS.items():
        assert response[header] == value, header
    directives = _csp_directives(response)
    assert "'self'" in directives["script-src"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_sign_in_page_sends_the_security_headers(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    _assert_security_headers(response)
    assert response["X-Request-ID"]


def test_signed_in_page_sends_the_security_headers_and_is_not_cached(personas, client_as):
    response = client_as(personas.counselor_a).get("/organizations/")
    assert response.status_code == 200
    _assert_security_headers(response)
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_api_answers_are_not_cached(personas, client):
    token = api_token_for(personas.counselor_a)
    answered = client.get("/api/v1/organizations", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answered.status_code == 200
    assert "no-store" in answered["Cache-Control"]
    refused = client.get("/api/v1/organizations")
    assert refused.status_code == 401
    assert "no-store" in refused["Cache-Control"]


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/login/",
        "/healthz",
        "/",
        "/no-such-page/",
        "/api/v1/organizations",
        "/api/v1/openapi.json",
    ],
)
def test_every_response_has_a_request_id(path, client, db):
    response = client.get(path)
    assert len(response["X-Request-ID"]) >= 8


def test_request_ids_differ_between_requests(client, db):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert first != second


def test_a_plausible_incoming_request_id_is_kept_and_a_hostile_one_replaced(client, db):
    kept = client.get("/healthz", HTTP_X_REQUEST_ID="abcdef12-3456")
    assert kept["X-Request-ID"] == "abcdef12-3456"
    replaced = client.get("/healthz", HTTP_X_REQUEST_ID="<script>alert(1)</script>")
    assert replaced["X-Request-ID"] != "<script>alert(1)</script>"
    assert "<" not in replaced["X-Request-ID"]


def test_not_found_page_shows_the_request_id_and_no_traceback(personas, client_as):
    response = client_as(personas.counselor_a).get("/organizations/999999/")
    assert response.status_code == 404
    body = response.content.decode()
    request_id = response["X-Request-ID"]
    assert request_id in body
    assert "ページが見つかりません" in body
    assert "Traceback" not in body
    assert "organization_detail" not in body  # no view names or debug output
    _assert_security_headers(response)


def test_api_not_found_is_json_with_the_request_id(client, db):
    response = client.get("/api/v1/")
    assert response.status_code == 404
    assert response.json()["error"]["request_id"] == response["X-Request-ID"]


def test_tests_run_with_debug_off():
    # The error-page tests above only mean something when DEBUG pages are not shown.
    assert settings.DEBUG is False


# --- Production configuration, in a separate process ------------------------------------------


def _production_env() -> dict[str, str]:
    # Without the test harness's variables (conftest.py sets DJANGO_ALLOW_ASYNC_UNSAFE for
    # Playwright); DATABASE_URL stays as it is.
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("PYTEST")
        and name
        not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_DEBUG", "TSUNAGU_DEMO", "TSUNAGU_HTTPS"}
    }
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(48)  # 64 characters
    env["TSUNAGU_FILE_KEY"] = base64.b64encode(secrets.token_bytes(32)).decode()
    # Not the checkout's var/private, which a demo run may have left readable (W013).
    env["TSUNAGU_PRIVATE_MEDIA_ROOT"] = str(settings.BASE_DIR / "var" / "no-such-directory")
    env["DJANGO_ALLOWED_HOSTS"] = "tsunagu.example.jp"
    env["DJANGO_SETTINGS_MODULE"] = "tsunagu.settings"
    return env


def _manage(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  # fixed arguments, our own manage.py
        [sys.executable, str(settings.BASE_DIR / "manage.py"), *args],
        cwd=settings.BASE_DIR,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deploy_checks():
    result = _manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_harden_cookies_and_hashing():
    script = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'debug': s.DEBUG, 'session_cookie': s.SESSION_COOKIE_NAME, "
        "'csrf_cookie': s.CSRF_COOKIE_NAME, 'secure': s.SESSION_COOKIE_SECURE, "
        "'hsts': s.SECURE_HSTS_SECONDS, 'ssl_redirect': s.SECURE_SSL_REDIRECT, "
        "'hasher': s.PASSWORD_HASHERS[0], 'require_2fa': s.REQUIRE_2FA_FOR_ALL}))"
    )
    result = _manage("shell", "-c", script)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["debug"] is False
    assert values["session_cookie"].startswith("__Host-")
    assert values["csrf_cookie"].startswith("__Host-")
    assert values["secure"] is True
    assert values["hsts"] >= 365 * 24 * 3600
    assert values["ssl_redirect"] is True
    assert values["hasher"] == "tsunagu.accounts.hashers.Argon2idHasher"
    assert values["require_2fa"] is True


def _check_with(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  # fixed arguments, our own manage.py
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    env = _production_env()
    del env["DJANGO_SECRET_KEY"]
    result = _check_with(env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_a_site_url_without_a_scheme_is_refused_at_start():
    env = {**_production_env(), "TSUNAGU_SITE_URL": "tsunagu.city.example.jp"}
    result = _check_with(env)
    assert result.returncode != 0
    assert "TSUNAGU_SITE_URL" in result.stderr


@pytest.mark.parametrize(
    ("candidate", "secure", "expected"),
    [
        ("/cases/?page=2", False, "/cases/?page=2"),
        ("https://testserver/cases/", True, "https://testserver/cases/"),
        ("http://testserver/cases/", True, "/"),  # no step down from HTTPS
        ("https://evil.example/cases/", False, "/"),
        ("//evil.example/cases/", False, "/"),
        ("javascript:alert(1)", False, "/"),
        ("", False, "/"),
        (None, False, "/"),
    ],
)
def test_a_next_address_stays_on_this_site(candidate, secure, expected, rf):
    """`core.http.safe_next`, the one check behind sign-in, the organization switch and the
    task list's way back; the default is a URL name."""
    request = rf.get("/", secure=secure)
    assert safe_next(request, candidate, "dashboard:home") == expected
