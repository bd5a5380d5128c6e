"""The support a consultation gave, in the Kumamoto model's kinds (seed 004), which the
dashboards count: entered on the intake screen and through the API, by the same service."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.cases import services
from tsunagu.cases.models import Consultation, SupportType
from tsunagu.core.errors import Invalid
from tsunagu.organizations.tests.actors import actor_as

pytestmark = pytest.mark.django_db


def _intake(**overrides):
    data = {
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "channel": "phone",
        "consulter": "family",
        "is_anonymous": "on",
        "main_concern": "グループホームの空きを知りたいとの相談。",
        "urgency": "normal",
        "outcome": "information",
        "minutes_spent": "15",
    }
    data.update(overrides)
    return data


def test_the_intake_screen_records_the_support_given_in_the_models_order(personas, client_as):
    client = client_as(personas.counselor_a)
    form = client.get("/cases/consultations/new/").content.decode()
    assert "行った支援の種類" in form
    assert "ピアカウンセリング" in form
    response = client.post(
        "/cases/consultations/new/",
        _intake(support_types=["peer_counselling", "service_use"]),
    )
    assert response.status_code == 302
    consultation = Consultation.objects.get()
    assert consultation.support_types == ["service_use", "peer_counselling"]
    detail = client.get(response["Location"]).content.decode()
    assert "福祉サービスの利用援助、ピアカウンセリング" in detail


def test_an_unknown_kind_is_refused_on_screen_with_the_input_kept(personas, client_as):
    client = client_as(personas.counselor_a)
    response = client.post("/cases/consultations/new/", _intake(support_types=["telepathy"]))
    assert response.status_code == 400
    assert "グループホームの空き" in response.content.decode()
    assert not Consultation.objects.exists()


def test_the_service_refuses_an_unknown_kind(personas):
    with pytest.raises(Invalid):
        services.consultation_create(
            actor_as(personas.counselor_a),
            received_at=timezone.now(),
            channel="phone",
            consulter="family",
            main_concern="相談",
            outcome="information",
            is_anonymous=True,
            support_types=["telepathy"],
        )


def test_the_api_records_and_returns_the_support_given(personas, client):
    token = api_token_for(personas.counselor_a, personas.office_a)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    data = {
        "channel": "phone",
        "consulter": "family",
        "main_concern": "成年後見制度について知りたい。",
        "outcome": "information",
        "is_anonymous": True,
        "support_types": [SupportType.GUARDIANSHIP, SupportType.RESOURCES],
    }
    created = client.post(
        "/api/v1/consultations", json.dumps(data), content_type="application/json", **headers
    )
    assert created.status_code == 201, created.content
    assert created.json()["support_types"] == ["resources", "guardianship"]
    bad = client.post(
        "/api/v1/consultations",
        json.dumps({**data, "support_types": ["telepathy"]}),
        content_type="application/json",
        **headers,
    )
    assert bad.status_code == 422
