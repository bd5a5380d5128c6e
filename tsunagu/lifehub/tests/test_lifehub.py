"""The life hub and the resident activities (issue 21 items 4 and 8)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.directory.models import SocialResource
from tsunagu.lifehub import services
from tsunagu.lifehub.models import EmergencyStatus, PublicationConsent, ResidentActivity
from tsunagu.lifehub.tests.factories import HubWorld, make_world
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.plans import selectors as plan_selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(personas) -> HubWorld:
    return make_world(personas)


def _api(client: Client, user, method: str, path: str, body: Any = None):
    token = api_token_for(user, user.memberships.get(is_primary=True).organization)
    kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if method == "GET":
        return client.get(path, **kwargs)
    data = body if isinstance(body, str) else json.dumps(body or {}, ensure_ascii=False)
    return client.generic(method, path, data=data, content_type="application/json", **kwargs)


def _last_event_id() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _public_names() -> set[str]:
    return set(SocialResource.objects.public().values_list("name", flat=True))


def _picker_names() -> set[str]:
    return set(plan_selectors.resource_choices().values_list("name", flat=True))


# --- Resident activities --------------------------------------------------------------------


def test_an_activity_is_found_only_where_its_group_agreed(personas, w, client):
    name = w.activity.resource.name
    # Consent to the supporters only: in the plans' picker, not on the residents' pages.
    assert name in _picker_names()
    assert name not in _public_names()
    page = client.get(reverse("directory:search"), {"q": "さくら"})
    assert name not in page.content.decode()
    services.consent_give(
        actor_as(personas.core_officer),
        activity=w.activity,
        scope="public",
        consented_by_name="山吹 花子",
        consented_on=timezone.localdate(),
    )
    assert name in _public_names()
    assert name in client.get(reverse("directory:search"), {"q": "さくら"}).content.decode()


def test_a_withdrawal_hides_the_activity_at_once(personas, w, client_as, client):
    core = actor_as(personas.core_officer)
    services.consent_give(
        core,
        activity=w.activity,
        scope="public",
        consented_by_name="山吹 花子",
        consented_on=timezone.localdate(),
    )
    public_url = reverse("directory:public_detail", args=[w.activity.resource.pk])
    assert client.get(public_url).status_code == 200
    marker = _last_event_id()
    response = client_as(personas.core_officer).post(
        reverse("lifehub:consent_withdraw", args=[w.activity.pk]),
        {"scope": "public", "note": "代表の方から電話で"},
    )
    assert response.status_code == 302
    assert client.get(public_url).status_code == 404
    assert w.activity.resource.name in _picker_names()  # the supporters' consent stands
    withdrawn = PublicationConsent.objects.get(activity=w.activity, scope="public")
    assert withdrawn.withdrawn_on == timezone.localdate()
    assert withdrawn.withdrawn_by == personas.core_officer
    assert AuditEvent.objects.filter(
        pk__gt=marker, action=Action.RECORD_UPDATED, target_id=str(withdrawn.pk)
    ).exists()
    services.consent_withdraw(core, activity=w.activity, scope="network")
    assert w.activity.resource.name not in _picker_names()


def test_a_keeper_ticking_published_cannot_publish_without_consent(personas, w):
    SocialResource.objects.filter(pk=w.activity.resource.pk).update(is_published=True)
    assert w.activity.resource.name not in _public_names()


def test_the_consent_record_says_who_when_and_to_what(personas, w, client):
    response = _api(
        client, personas.core_officer, "GET", f"/api/v1/lifehub/activities/{w.activity.pk}"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["standing_scopes"] == ["network"]
    [consent] = body["consents"]
    assert consent["consented_by_name"] == "山吹 花子"
    assert consent["scope"] == "network"
    assert consent["consented_on"] == timezone.localdate().isoformat()
    assert consent["recorded_by_organization_id"] == personas.core_center.pk
    page = Client()
    from conftest import sign_in

    sign_in(page, personas.core_officer)
    html = page.get(reverse("lifehub:activity_detail", args=[w.activity.pk])).content.decode()
    assert "山吹 花子（代表）" in html
    assert "書面" in html


def test_entering_an_activity_on_the_screen_writes_it_into_the_directory(personas, w, client_as):
    marker = _last_event_id()
    response = client_as(personas.core_officer).post(
        reverse("lifehub:activity_create"),
        {
            "name": "見守りの会 けやき",
            "kind": "watch_over",
            "group_name": "けやき団地自治会",
            "area": w.ward.pk,
            "contact_name": "柊 一郎",
            "consented_by_name": "柊 一郎",
            "consented_on": timezone.localdate().isoformat(),
            "scopes": ["network", "public"],
        },
    )
    assert response.status_code == 302
    activity = ResidentActivity.objects.get(group_name="けやき団地自治会")
    assert activity.resource.service_type.is_informal
    assert activity.resource.provider.is_informal
    assert "見守りの会 けやき" in _public_names()
    created = AuditEvent.objects.filter(pk__gt=marker, action=Action.RECORD_CREATED)
    assert created.filter(target_id=str(activity.pk)).exists()
    assert created.filter(target_type="lifehub.publicationconsent").count() == 2


def test_an_activity_without_any_consent_is_refused(personas, w, client_as):
    response = client_as(personas.core_officer).post(
        reverse("lifehub:activity_create"),
        {
            "name": "x",
            "kind": "salon",
            "group_name": "g",
            "contact_name": "c",
            "consented_by_name": "c",
            "consented_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 400
    assert "同意した掲載の範囲" in response.content.decode()


def test_an_office_may_not_enter_activities(personas, w, client_as, client):
    response = client_as(personas.counselor_a).get(reverse("lifehub:activity_create"))
    assert response.status_code == 404
    api = _api(
        client,
        personas.counselor_a,
        "POST",
        "/api/v1/lifehub/activities",
        {
            "name": "x",
            "kind": "salon",
            "group_name": "g",
            "contact_name": "c",
            "consented_by_name": "c",
            "consented_on": "2026-04-01",
            "scopes": ["network"],
        },
    )
    assert api.status_code == 404


# --- The hub --------------------------------------------------------------------------------


def test_the_hub_page_shows_the_functions_and_the_operating_meeting(personas, w, client_as):
    html = client_as(personas.counselor_a).get(reverse("lifehub:hub")).content.decode()
    assert "緊急時の受け入れ・対応（短期入所）" in html
    assert "短期入所 ひかりの家" in html
    assert "地域生活支援拠点 運営会議" in html
    assert "事務局: みどり市基幹相談支援センター" in html


def test_the_hub_api_twin(personas, w, client):
    body = _api(client, personas.counselor_a, "GET", "/api/v1/lifehub").json()
    emergency = next(f for f in body["functions"] if f["function"] == "emergency")
    assert [r["organization_name"] for r in emergency["roles"]] == ["短期入所 ひかりの家"]
    assert body["operating_bodies"][0]["secretariat_ids"] == [personas.core_center.pk]


def test_only_the_core_center_or_city_changes_the_roles(personas, w, client_as, client):
    assert client_as(personas.counselor_a).get(reverse("lifehub:role_add")).status_code == 404
    response = client_as(personas.counselor_a).post(reverse("lifehub:role_end", args=[w.role.pk]))
    assert response.status_code == 404
    response = _api(
        client,
        personas.core_officer,
        "POST",
        "/api/v1/lifehub/roles",
        {
            "function": "experience",
            "organization_id": w.short_stay.pk,
        },
    )
    assert response.status_code == 201
    again = _api(
        client,
        personas.core_officer,
        "POST",
        "/api/v1/lifehub/roles",
        {
            "function": "experience",
            "organization_id": w.short_stay.pk,
        },
    )
    assert again.status_code == 409
    ended = _api(client, personas.core_officer, "POST", f"/api/v1/lifehub/roles/{w.role.pk}/end")
    assert ended.status_code == 200
    assert ended.json()["ended_on"]


# --- Emergency acceptance -------------------------------------------------------------------


def test_an_emergency_request_is_accepted_and_its_stay_measured(personas, w, client_as):
    client = client_as(personas.core_officer)
    url = reverse("lifehub:emergency_accept", args=[w.emergency.pk])
    today = timezone.localdate()
    response = client.post(url, {"accepted_by": w.short_stay.pk, "stay_from": today.isoformat()})
    assert response.status_code == 302
    marker = _last_event_id()
    until = today + dt.timedelta(days=6)
    response = client.post(
        reverse("lifehub:emergency_end", args=[w.emergency.pk]),
        {"stay_until": until.isoformat()},
    )
    assert response.status_code == 302
    w.emergency.refresh_from_db()
    assert w.emergency.status == EmergencyStatus.ENDED
    assert w.emergency.stay_days == 7
    assert AuditEvent.objects.filter(pk__gt=marker, target_id=str(w.emergency.pk)).exists()
    html = client.get(reverse("lifehub:emergency_list")).content.decode()
    assert "短期入所 ひかりの家: 1" in html


def test_a_declined_request_keeps_its_reason(personas, w, client):
    response = _api(
        client,
        personas.core_officer,
        "POST",
        f"/api/v1/lifehub/emergencies/{w.emergency.pk}/decline",
        {"reason": "空床なし"},
    )
    assert response.status_code == 200
    assert response.json()["status"] == "declined"
    again = _api(
        client,
        personas.core_officer,
        "POST",
        f"/api/v1/lifehub/emergencies/{w.emergency.pk}/accept",
        {"accepted_by_id": w.short_stay.pk, "stay_from": "2026-12-01"},
    )
    assert again.status_code == 409


def test_the_office_that_asked_sees_its_request_and_others_do_not(personas, w, client_as, client):
    url = reverse("lifehub:emergency_detail", args=[w.emergency.pk])
    assert client_as(personas.counselor_a).get(url).status_code == 200
    marker = _last_event_id()
    assert client_as(personas.counselor_b).get(url).status_code == 404
    assert AuditEvent.objects.filter(pk__gt=marker, action=Action.ACCESS_DENIED).exists()
    api = f"/api/v1/lifehub/emergencies/{w.emergency.pk}"
    assert _api(client, personas.counselor_b, "GET", api).status_code == 404
    assert _api(client, personas.counselor_a, "GET", api).status_code == 200
    # The office that asked reads it but does not decide it.
    decided = _api(client, personas.counselor_a, "POST", api + "/decline", {"reason": "x"})
    assert decided.status_code == 403


def test_outsiders_get_404_on_every_object_url(personas, w, client_as, client):
    outsider = client_as(personas.counselor_b)
    for name, pk in [
        ("lifehub:activity_detail", w.activity.pk),
        ("lifehub:emergency_detail", w.emergency.pk),
    ]:
        assert outsider.get(reverse(name, args=[pk])).status_code == 404
    for name, pk in [
        ("lifehub:consent_give", w.activity.pk),
        ("lifehub:consent_withdraw", w.activity.pk),
        ("lifehub:emergency_accept", w.emergency.pk),
        ("lifehub:emergency_decline", w.emergency.pk),
        ("lifehub:emergency_end", w.emergency.pk),
        ("lifehub:role_end", w.role.pk),
    ]:
        assert outsider.post(reverse(name, args=[pk])).status_code == 404
    for method, path in [
        ("GET", f"/api/v1/lifehub/activities/{w.activity.pk}"),
        ("POST", f"/api/v1/lifehub/activities/{w.activity.pk}/consents"),
        ("POST", f"/api/v1/lifehub/activities/{w.activity.pk}/withdraw"),
        ("GET", f"/api/v1/lifehub/emergencies/{w.emergency.pk}"),
        ("POST", f"/api/v1/lifehub/emergencies/{w.emergency.pk}/accept"),
        ("POST", f"/api/v1/lifehub/emergencies/{w.emergency.pk}/decline"),
        ("POST", f"/api/v1/lifehub/emergencies/{w.emergency.pk}/end"),
        ("POST", f"/api/v1/lifehub/roles/{w.role.pk}/end"),
    ]:
        body = {
            "scope": "public",
            "consented_by_name": "x",
            "consented_on": "2026-04-01",
            "accepted_by_id": 1,
            "stay_from": "2026-04-01",
            "stay_until": "2026-04-02",
            "reason": "x",
        }
        response = _api(client, personas.counselor_b, method, path, body)
        assert response.status_code == 404, path


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/lifehub/activities/{2**63}",
        f"/api/v1/lifehub/emergencies/{2**63}",
    ],
)
def test_huge_ids_are_404(personas, w, client, path):
    assert _api(client, personas.core_officer, "GET", path).status_code == 404


def test_bad_bodies_are_json_errors(personas, w, client):
    for body in [
        '"a string"',
        '{"reason": "caregiver_illness", "situation": "\\ud800"}',
        {"reason": "nope", "situation": "x"},
    ]:
        response = _api(client, personas.core_officer, "POST", "/api/v1/lifehub/emergencies", body)
        assert response.status_code in (400, 422), body
        assert "error" in response.json()
    far = _api(
        client,
        personas.core_officer,
        "POST",
        f"/api/v1/lifehub/emergencies/{w.emergency.pk}/accept",
        {"accepted_by_id": w.short_stay.pk, "stay_from": "99999-01-01"},
    )
    assert far.status_code == 422


def test_bad_screen_input_is_a_japanese_message(personas, w, client_as):
    response = client_as(personas.core_officer).post(
        reverse("lifehub:emergency_accept", args=[w.emergency.pk]),
        {"accepted_by": w.short_stay.pk, "stay_from": "99999-01-01"},
    )
    assert response.status_code == 400
    assert "日付" in response.content.decode()
