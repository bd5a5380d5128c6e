"""The portal and the staff side never meet (ADR 0024): a portal session gets 404 on every
staff URL and API path (the URL conf walked, parameters filled with real ids); a staff session
is no portal session; one person cannot reach another's portal rows by changing an id; a
supporter opens only what the person allowed; staff outside the lead organization get 404."""

from __future__ import annotations

import re
import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import AuditEvent
from tsunagu.organizations.actors import actor_for
from tsunagu.people.tests.factories import ConsentFactory
from tsunagu.portal.models import PortalRequest
from tsunagu.portal.tests.factories import invite_person, invite_supporter, portal_client

CONVERTER = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")


def _walk(patterns, prefix=""):
    for entry in patterns:
        pattern = entry.pattern
        if isinstance(pattern, RoutePattern):
            route = str(pattern)
        elif isinstance(pattern, RegexPattern):
            raw = pattern.regex.pattern
            # A regex with groups (the admin's app index) becomes a route, filled below.
            route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<str:\1>", raw)
            route = route.lstrip("^").rstrip("$").replace("\\Z", "")
        else:  # pragma: no cover
            raise AssertionError(pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield prefix + route


def _filled(route: str, ids: dict[str, int]) -> str:
    def value(match: re.Match[str]) -> str:
        conv, name = match.group("conv") or "str", match.group("name")
        if conv == "int":
            return str(ids.get(name, ids["default"]))
        if conv == "uuid":
            return str(uuid.UUID(int=1))
        if name == "app_label":
            return "accounts"
        return "x"

    return "/" + CONVERTER.sub(value, route)


@pytest.fixture
def portal_pair(personas, world):
    account, code = invite_person(world.case, personas.counselor_a)
    return account, portal_client(account, code)


def test_a_portal_session_gets_404_on_every_staff_url_and_api_path(personas, world, portal_pair):
    account, client = portal_pair
    ids = {
        "default": world.case.pk,
        "case_id": world.case.pk,
        "person_id": world.case.person_id,
        "account_id": account.pk,
    }
    routes = sorted(set(_walk(get_resolver().url_patterns)))
    staff = [r for r in routes if not r.startswith("my/")]
    assert len(staff) > 300  # the whole staff side and the API, not a sample
    assert any(r.startswith("api/v1/") for r in staff)
    checked = 0
    for route in staff:
        path = _filled(route, ids)
        resolve(path)  # a real URL of the URL conf, not one that 404s by itself
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            assert response.status_code == 404, f"{method.upper()} {path}: {response.status_code}"
        checked += 1
    assert checked == len(staff)


def test_a_staff_session_is_no_portal_session(personas, world, client_as):
    invite_person(world.case, personas.counselor_a)
    staff = client_as(personas.counselor_a)
    assert staff.get("/my/plan/").status_code == 302  # to the portal's own sign-in
    home = staff.get("/my/")
    assert "はじめて使う" in home.content.decode()  # the signed-out welcome


def test_a_portal_cookie_does_not_open_the_api_even_with_a_token(personas, world, portal_pair):
    _account, client = portal_pair
    response = client.get("/api/v1/cases", HTTP_AUTHORIZATION="Bearer x")
    assert response.status_code == 404


def test_one_person_cannot_reach_anothers_rows_by_changing_an_id(personas, world, client_as):
    person, code = invite_person(world.case, personas.counselor_a)
    other, other_code = invite_person(world.other_case, personas.counselor_a)
    others_mother, _ = invite_supporter(world.other_case, personas.counselor_a, sections=["plan"])
    others_consent = ConsentFactory.create(person=world.other_case.person)
    # An access to the other person's record.
    client_as(personas.counselor_a).get(f"/cases/{world.other_case.pk}/")
    event = AuditEvent.objects.filter(
        target_type="cases.case", target_id=str(world.other_case.pk)
    ).latest("pk")
    mine = portal_client(person, code)
    portal_client(other, other_code)

    assert mine.get(f"/my/access/{event.pk}/ask/").status_code == 404
    assert mine.post(f"/my/access/{event.pk}/ask/", {"text": "?"}).status_code == 404
    assert mine.get(f"/my/rights/supporters/{others_mother.pk}/end/").status_code == 404
    assert mine.post(f"/my/rights/supporters/{others_mother.pk}/end/").status_code == 404
    assert (
        mine.get(f"/my/rights/ask/consent_change/?consent={others_consent.pk}").status_code == 404
    )
    assert mine.get(f"/my/access/{2**63}/ask/").status_code == 404
    assert not PortalRequest.objects.exists()
    others_mother.refresh_from_db()
    assert others_mother.consent_withdrawn_at is None


def test_the_mother_sees_only_what_the_person_allowed(personas, world):
    mother, code = invite_supporter(world.case, personas.counselor_a, sections=["plan"])
    client = portal_client(mother, code)
    home = client.get("/my/").content.decode()
    assert "さくらさんの計画" in home  # the person's, named: never わたしの計画 for the mother
    assert "わたしの計画" not in home
    assert "だれが記録を見たか" not in home
    assert client.get("/my/plan/").status_code == 200
    for path in ("/my/checkin/", "/my/access/", "/my/rights/", "/my/rights/ask/disclosure/"):
        assert client.get(path).status_code == 404, path


def test_staff_outside_the_lead_organization_get_404(personas, world, client_as):
    account, _code = invite_person(world.case, personas.counselor_a)
    outsider = client_as(personas.counselor_b)
    token = api_token_for(personas.counselor_b, personas.office_b)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    for path in (f"/portal/cases/{world.case.pk}/", f"/portal/cases/{world.case.pk}/invite/"):
        assert outsider.get(path).status_code == 404, path
    for path in (
        f"/api/v1/portal/cases/{world.case.pk}/accounts",
        f"/api/v1/portal/cases/{world.case.pk}/requests",
    ):
        assert api.get(path).status_code == 404, path
    assert outsider.post(f"/portal/accounts/{account.pk}/end/").status_code == 404
    ended = api.post(
        f"/api/v1/portal/accounts/{account.pk}/end", {}, content_type="application/json"
    )
    assert ended.status_code == 404
    assert client_as(personas.counselor_a).get(f"/portal/cases/{world.case.pk}/").status_code == 200


def test_a_read_only_member_cannot_invite(personas, world, client_as):
    reader = client_as(personas.reader_a)
    response = reader.post(
        f"/portal/cases/{world.case.pk}/invite/",
        {"kind": "person", "display_name": "さくらさん", "channel": "paper"},
    )
    assert response.status_code == 403
    assert actor_for(personas.reader_a).can_write is False
