"""Peer counselling (issue 20 item 5; seed 004 ⑥): the directory's peer counsellors and peer
supporters, named by the consultations that were peer counselling — on the intake screen and
through the API, by the same service — and counted by the dashboard under that support type."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases import services
from tsunagu.cases.models import Consultation, SupportType
from tsunagu.core.dates import fiscal_year
from tsunagu.core.errors import Invalid
from tsunagu.dashboard import figures as dashboards
from tsunagu.directory import selectors as directory_selectors
from tsunagu.directory.models import ResourceStatus
from tsunagu.directory.tests.factories import ProviderFactory, ResourceFactory, term
from tsunagu.organizations.tests.actors import actor_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def counsellor():
    provider = ProviderFactory.create(name="みどり市ピアサポートの会", name_kana="ぴあさぽーと")
    return ResourceFactory.create(
        provider=provider,
        name="ピアカウンセラー 森 さくら",
        name_kana="もり さくら",
        service_type=term("peer-counselling"),
    )


def _intake(**overrides):
    data = {
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "channel": "office",
        "consulter": "self",
        "is_anonymous": "on",
        "main_concern": "一人暮らしの経験を聞きたい。",
        "urgency": "normal",
        "outcome": "information",
        "minutes_spent": "60",
    }
    data.update(overrides)
    return data


def _last_event() -> int:
    last = AuditEvent.objects.order_by("-pk").first()
    return last.pk if last else 0


def test_only_the_peer_counselling_resources_are_peer_counsellors(counsellor):
    ResourceFactory.create(name="生活介護 わかば")  # another kind of service
    ResourceFactory.create(
        service_type=term("peer-counselling"),
        name="ピアサポーター 廃止",
        status=ResourceStatus.DEFUNCT,
    )
    assert list(directory_selectors.peer_counsellors()) == [counsellor]


def test_a_session_recorded_on_screen_names_the_counsellor_and_is_peer_counselling(
    personas, client_as, counsellor
):
    client = client_as(personas.core_officer)
    form = client.get(reverse("cases:consultation_create")).content.decode()
    assert "ピアカウンセラー・ピアサポーター" in form
    assert "ピアカウンセラー 森 さくら（みどり市ピアサポートの会）" in form
    marker = _last_event()
    # The support type is not ticked: naming the counsellor makes it peer counselling.
    response = client.post(
        reverse("cases:consultation_create"),
        _intake(support_types=["resources"], peer_counsellor=counsellor.pk),
    )
    assert response.status_code == 302, response.content.decode()
    session = Consultation.objects.get()
    assert session.peer_counsellor == counsellor
    assert session.support_types == ["resources", "peer_counselling"]
    event = AuditEvent.objects.get(pk__gt=marker, action=Action.RECORD_CREATED)
    assert event.detail["peer_counsellor"] == counsellor.pk
    assert event.detail["support_types"] == ["resources", "peer_counselling"]
    detail = client.get(response["Location"]).content.decode()
    assert "ピアカウンセラー 森 さくら" in detail
    assert reverse("directory:resource_detail", args=[counsellor.pk]) in detail


def test_a_resource_that_is_not_a_peer_counsellor_is_refused(personas, client_as, counsellor):
    other = ResourceFactory.create(name="生活介護 わかば")
    client = client_as(personas.core_officer)
    for bad in (other.pk, 2**63, "abc"):
        response = client.post(reverse("cases:consultation_create"), _intake(peer_counsellor=bad))
        assert response.status_code == 400
        assert "選んだピアカウンセラーが見つかりません" in response.content.decode()
    assert not Consultation.objects.exists()
    with pytest.raises(Invalid):
        services.consultation_create(
            actor_as(personas.core_officer),
            received_at=timezone.now(),
            channel="office",
            consulter="self",
            main_concern="相談",
            outcome="information",
            is_anonymous=True,
            peer_counsellor=other,
        )


def _api(client, user, org, body):
    token = api_token_for(user, org)
    return client.post(
        "/api/v1/consultations",
        body if isinstance(body, str) else json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_the_api_records_a_session_and_the_outsider_gets_404(
    personas, client, client_as, counsellor
):
    data = {
        "channel": "office",
        "consulter": "self",
        "main_concern": "退院後の暮らしについて経験者と話したい。",
        "outcome": "continuing",
        "is_anonymous": True,
        "peer_counsellor_id": counsellor.pk,
    }
    created = _api(client, personas.core_officer, personas.core_center, data)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["peer_counsellor_id"] == counsellor.pk
    assert body["support_types"] == ["peer_counselling"]
    other = ResourceFactory.create()
    for bad in (other.pk, 2**63, "abc", "x\ud800"):
        response = _api(
            client, personas.core_officer, personas.core_center, {**data, "peer_counsellor_id": bad}
        )
        assert response.status_code in (400, 422), (bad, response.content)
        assert response.json()
    assert _api(client, personas.core_officer, personas.core_center, '"x"').status_code == 422
    assert Consultation.objects.count() == 1
    # Another organization sees neither the session's page nor its API row.
    pk = body["id"]
    outsider = client_as(personas.counselor_b)
    assert outsider.get(reverse("cases:consultation_detail", args=[pk])).status_code == 404
    token = api_token_for(personas.counselor_b, personas.office_b)
    api = client.get(f"/api/v1/consultations/{pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.status_code == 404


def test_the_dashboard_counts_the_sessions_under_peer_counselling(personas, counsellor):
    actor = actor_as(personas.core_officer)
    for _ in range(3):
        services.consultation_create(
            actor,
            received_at=timezone.now(),
            channel="office",
            consulter="self",
            main_concern="ピアカウンセリング",
            outcome="information",
            is_anonymous=True,
            peer_counsellor=counsellor,
        )
    services.consultation_create(
        actor,
        received_at=timezone.now(),
        channel="phone",
        consulter="family",
        main_concern="サービスの相談",
        outcome="information",
        is_anonymous=True,
        support_types=[SupportType.SERVICE_USE],
    )
    city = actor_as(personas.city_official)
    scope = dashboards.scope_of(city)
    assert scope is not None
    board = dashboards.dashboard(city, scope, year=fiscal_year(timezone.localdate()))
    by_type = {
        row.key: row.count for row in board.distribution("consultations_by_support_type").rows
    }
    assert by_type["peer_counselling"] == 3
    assert by_type["service_use"] == 1
