"""Every URL the project routes is closed to anonymous visitors unless it is on a short list.

The test walks the URL resolver, so a new view is covered the day it is added: a page must
redirect to sign-in, an API route must answer 401 JSON, and a route that fits neither rule (for
example a new public page) fails until it is deliberately added to the list below.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.converters import IntConverter, SlugConverter, StringConverter, UUIDConverter
from django.urls.resolvers import RegexPattern, RoutePattern

LOGIN_PATH = "/accounts/login/"

# Public on purpose, by "namespace:name".
PUBLIC_PAGES = {"accounts:login", "core:healthz", "set_language", "directory:search"}
# The offline safety-check screen's code, manifest and empty page (ADR 0020): no data in them;
# a signed-out browser updating its service worker must get it, not the sign-in page.
PUBLIC_PAGES |= {"disaster:service_worker", "disaster:manifest", "disaster:offline_shell"}
# Public pages about one object: the sample path names none, so a plain 404 (not sign-in).
# The calendar feed: its secret address is its credential; an unknown one is a plain 404.
PUBLIC_OBJECT_PAGES = {"directory:public_detail", "agenda:feed", "accounts:invitation_accept"}
# The resource directory's HSDS 3.0 API: public, read-only JSON, no token (README).
PUBLIC_HSDS = {"hsds:root", "hsds:service_list", "hsds:organization_list"}
PUBLIC_HSDS_OBJECTS = {"hsds:service_detail", "hsds:organization_detail"}
# The API's own documentation; it says nothing that is not in the source.
PUBLIC_API_DOCS = {"api:openapi-json", "api:openapi-view"}
# Answers 404 (ninja uses it only to find its own prefix); must not say anything else.
API_ROOT = "api:api-root"

# Signing in with a passkey (ADR 0024): POST-only steps of the open sign-in pages, useless
# without a challenge this browser was given and a passkey's answer to it.
PASSKEY_SIGN_IN = {
    "accounts:passkey_signin_options",
    "accounts:passkey_signin",
    "portal:passkey_signin_options",
    "portal:passkey_signin",
}
# The person's portal: its welcome, code and sign-in pages are open; the rest send a visitor to
# the portal's own sign-in.
PORTAL_PUBLIC = {"portal:home", "portal:start", "portal:signin"}
PORTAL_SIGN_IN = "/my/signin/"
# POST /api/v1/auth/token is how a client signs in; DELETE on the same path needs a token.
API_TOKEN_ISSUE = "api:token_issue"


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    path: str


def _sample_for(converter: object) -> str:
    if isinstance(converter, IntConverter):
        return "1"
    if isinstance(converter, SlugConverter | StringConverter):  # PathConverter is a StringConverter
        return "x"
    if isinstance(converter, UUIDConverter):
        return "00000000-0000-4000-8000-000000000000"
    pytest.fail(f"no sample value for converter {converter!r}")


def _sample_path(pattern: object) -> str:
    """A concrete path that `pattern` matches (one level of the URL tree)."""
    if not isinstance(pattern, RoutePattern | RegexPattern):
        pytest.fail(f"no sample path for {pattern!r} (i18n_patterns?): extend this test")
    if isinstance(pattern, RoutePattern):
        return re.sub(
            r"<(?:\w+:)?(\w+)>",
            lambda m: _sample_for(pattern.converters[m.group(1)]),
            str(pattern),
        )
    source = pattern.regex.pattern.removeprefix("^").removesuffix("$")

    def group(match: re.Match[str]) -> str:
        body = match.group(2)
        for candidate in ("1", "x", *body.split("|")):
            if re.fullmatch(body, candidate):
                return candidate
        pytest.fail(f"no sample value for ({match.group(0)}) in {source}")

    filled = re.sub(r"\(\?P<(\w+)>([^()]*)\)", group, source)
    filled = re.sub(r"\\(.)", r"\1", filled)
    assert not set(filled) & set("()[]*+?^$|\\"), f"could not fill {source}"
    return filled


def _walk(
    patterns: list[URLPattern | URLResolver], path: str = "/", route: str = "", namespace: str = ""
) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(
                entry.url_patterns,
                path + _sample_path(entry.pattern),
                route + str(entry.pattern),
                inner,
            )
        else:
            yield Route(
                name=f"{namespace}{entry.name}",
                route=route + str(entry.pattern),
                path=path + _sample_path(entry.pattern),
            )


ROUTES = list(_walk(get_resolver().url_patterns))


def test_the_walk_finds_the_project_routes():
    names = {r.name for r in ROUTES}
    # A broken walk must not pass vacuously.
    assert {
        "dashboard:home",
        "accounts:user_action",
        "organizations:detail",
        "audit:export",
        "api:me",
        "api:organization_detail",
        "set_language",
    } <= names
    assert "admin/" in {r.route for r in ROUTES}


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.path)
def test_each_sample_path_reaches_its_own_pattern(route: Route):
    # ResolverMatch.route drops the "^" of a nested regex.
    assert resolve(route.path).route == route.route.replace("^", "")


def _redirect_target(client, path: str) -> str:
    """Where an anonymous GET of `path` ends up.  Every hop must be a redirect: the Django
    admin first sends visitors to its own /admin/login/, which sends them on to ours."""
    for _hop in range(3):
        response = client.get(path)
        assert response.status_code == 302, f"{path} answered {response.status_code}"
        path = response["Location"]
        if path.startswith(LOGIN_PATH) or not path.startswith("/"):
            return path
    pytest.fail(f"redirect loop from {path}")


def _assert_api_error(response, status: int) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert isinstance(body["error"]["code"], str)
    assert body["error"]["code"]
    assert body["error"]["message"]


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.name}:{r.path}")
def test_anonymous_visitor_is_kept_out(route: Route, client, db):
    if route.name in PUBLIC_PAGES:
        response = client.get(route.path)
        if route.name == "set_language":
            # A GET does not change the language; it sends the visitor on, never to sign-in.
            assert response.status_code in {204, 302}
            assert not response.get("Location", "").startswith(LOGIN_PATH)
        else:
            assert response.status_code == 200
    elif route.name in PUBLIC_OBJECT_PAGES:
        assert client.get(route.path).status_code == 404
    elif route.name in PASSKEY_SIGN_IN:
        assert client.get(route.path).status_code == 405
        response = client.post(route.path, data="{}", content_type="application/json")
        assert response.status_code == 400
        assert response.json()["error"]
    elif route.name in PUBLIC_HSDS:
        response = client.get(route.path)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/json")
    elif route.name in PUBLIC_HSDS_OBJECTS:
        _assert_api_error(client.get(route.path), 404)
    elif route.name in PUBLIC_API_DOCS:
        assert client.get(route.path).status_code == 200
    elif route.name == API_ROOT:
        _assert_api_error(client.get(route.path), 404)
    elif route.name == API_TOKEN_ISSUE:
        # Public, but useless without credentials: the empty body is refused.
        _assert_api_error(client.post(route.path, data={}, content_type="application/json"), 422)
        response = client.delete(route.path)
        _assert_api_error(response, 401)
        assert response["WWW-Authenticate"] == "Bearer"
    elif route.path.startswith("/api/"):
        method = "delete" if route.name == "api:token_revoke" else "get"
        response = getattr(client, method)(route.path)
        if response.status_code == 405:  # a path without GET: the JSON error, then its method
            _assert_api_error(response, 405)
            allowed = response["Allow"].split(",")[0].strip().lower()
            response = client.generic(allowed.upper(), route.path, "{}", "application/json")
        _assert_api_error(response, 401)
        assert response["WWW-Authenticate"] == "Bearer"
    elif route.path.startswith("/my/"):
        # The person's portal (ADR 0024): its own sign-in, never the staff one.
        if route.name in PORTAL_PUBLIC:
            assert client.get(route.path).status_code == 200
        elif route.name == "portal:signout":
            assert client.get(route.path).status_code == 405
        else:
            assert client.get(route.path)["Location"] == PORTAL_SIGN_IN
    elif route.path.startswith("/static/"):
        pytest.fail(f"static files are served by WhiteNoise, not a URL pattern: {route}")
    else:
        assert _redirect_target(client, route.path).startswith(LOGIN_PATH)


def test_static_files_are_public(client, db):
    response = client.get("/static/core/css/app.css")
    assert response.status_code == 200


def test_unknown_url_is_a_plain_404_for_anonymous_visitors(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
