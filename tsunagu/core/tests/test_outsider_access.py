"""Outsiders get the same 404 as for a page that does not exist, and the attempt is audited."""

from __future__ import annotations

import pytest

from tsunagu.accounts.models import User
from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent, Outcome

NON_ADMINS = ["counselor_a", "reader_a", "counselor_b", "core_officer", "city_official"]


def _admin_screens(personas) -> list[tuple[str, str]]:
    subject = personas.colleague_a.pk
    return [
        ("get", "/accounts/admin/users/"),
        ("get", f"/accounts/admin/users/{subject}/"),
        ("get", "/accounts/admin/users/new/"),
        ("post", "/accounts/admin/users/new/"),
        ("post", f"/accounts/admin/users/{subject}/disable/"),
        ("post", f"/accounts/admin/users/{subject}/end_sessions/"),
        ("post", f"/accounts/admin/users/{subject}/reset_2fa/"),
        ("get", "/audit/"),
        ("get", "/audit/export.csv"),
    ]


@pytest.mark.parametrize("persona", NON_ADMINS)
def test_admin_screens_are_404_for_everyone_else_and_audited(persona, personas, client_as):
    user = getattr(personas, persona)
    client = client_as(user)
    colleague_epoch = personas.colleague_a.session_epoch
    for method, path in _admin_screens(personas):
        before = AuditEvent.objects.count()
        response = getattr(client, method)(path)
        assert response.status_code == 404, f"{persona} {method} {path}"
        assert "ページが見つかりません" in response.content.decode()
        denial = AuditEvent.objects.order_by("-id").first()
        assert denial is not None
        assert AuditEvent.objects.count() == before + 1
        assert denial.action == Action.ACCESS_DENIED
        assert denial.outcome == Outcome.DENIED
        assert denial.actor == user
        assert denial.detail["path"] == path
        assert denial.detail["method"] == method.upper()
    # Nothing happened to the user the actions were aimed at.
    colleague = User.objects.get(pk=personas.colleague_a.pk)
    assert colleague.is_active
    assert colleague.session_epoch == colleague_epoch


def test_admin_screens_open_for_the_administrator(personas, client_as):
    client = client_as(personas.admin)
    for path in [
        "/accounts/admin/users/",
        f"/accounts/admin/users/{personas.counselor_a.pk}/",
        "/accounts/admin/users/new/",
        "/audit/",
        "/audit/export.csv",
    ]:
        assert client.get(path).status_code == 200, path
    assert not AuditEvent.objects.filter(action=Action.ACCESS_DENIED).exists()


def test_a_disabled_administrator_is_no_administrator(personas, client_as):
    client = client_as(personas.admin)
    User.objects.filter(pk=personas.admin.pk).update(is_active=False)
    response = client.get("/accounts/admin/users/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_admin_user_detail_of_a_missing_user_is_404(personas, client_as):
    response = client_as(personas.admin).get("/accounts/admin/users/999999/")
    assert response.status_code == 404


def test_unknown_admin_action_is_404(personas, client_as):
    response = client_as(personas.admin).post(
        f"/accounts/admin/users/{personas.counselor_a.pk}/make_superuser/"
    )
    assert response.status_code == 404
    assert not User.objects.get(pk=personas.counselor_a.pk).is_superuser


def test_organization_detail_of_a_missing_organization_is_404(personas, client_as):
    response = client_as(personas.counselor_a).get("/organizations/999999/")
    assert response.status_code == 404


def test_api_organization_detail_of_a_missing_organization_is_a_json_404(personas, client):
    token = api_token_for(personas.counselor_a)
    response = client.get("/api/v1/organizations/999999", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 404
    body = response.json()
    assert body["error"]["code"] == "not_found"
    assert body["error"]["message"]


def test_switching_to_an_organization_you_do_not_belong_to_is_refused(personas, client_as):
    client = client_as(personas.counselor_b)
    session_before = dict(client.session.items())
    response = client.post("/organizations/switch/", {"organization": personas.office_a.pk})
    assert response.status_code == 302
    assert dict(client.session.items()).get("acting_organization_id") == session_before.get(
        "acting_organization_id"
    )
    assert "acting_organization_id" not in client.session
    denial = AuditEvent.objects.get(action=Action.ACCESS_DENIED)
    assert denial.actor == personas.counselor_b
    assert denial.target_type == "organizations.organization"
    assert denial.target_id == str(personas.office_a.pk)
    assert not AuditEvent.objects.filter(action=Action.ORGANIZATION_SWITCHED).exists()
    # The next page still acts for the user's own office.
    home = client.get("/")
    assert home.wsgi_request.actor.organization == personas.office_b


@pytest.mark.parametrize("persona", NON_ADMINS)
def test_the_django_admin_is_closed_to_everyone_else(persona, personas, client_as):
    # The admin answers a signed-in non-administrator like any page they may not see: 404, after
    # one redirect to its (our) sign-in view, and the attempt is audited.
    user = getattr(personas, persona)
    client = client_as(user)
    for path in ["/admin/", "/admin/organizations/organization/", "/admin/accounts/user/"]:
        before = AuditEvent.objects.filter(actor=user, action="access.denied").count()
        response = client.get(path, follow=True)
        assert response.status_code == 404, path
        assert "見つかりません" in response.content.decode()
        assert AuditEvent.objects.filter(actor=user, action="access.denied").count() == before + 1


def test_the_django_admin_opens_for_the_administrator(personas, client_as):
    response = client_as(personas.admin).get("/admin/organizations/organization/")
    assert response.status_code == 200
