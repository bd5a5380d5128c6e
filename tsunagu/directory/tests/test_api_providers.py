"""POST /api/v1/directory/providers and the vacancy route, the API twins of the provider and
vacancy screens (issue 14, API parity): the same services and rules as the screens."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.directory.models import Provider, SocialResource

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    def as_user(user, organization):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(user, organization)}"}

        def post(path, data):
            return client.post(path, data, content_type="application/json", **headers)

        return post

    return as_user


def test_keepers_register_any_provider_and_an_office_only_its_own(personas, api):
    core = api(personas.core_officer, personas.core_center)
    created = core(
        "/api/v1/directory/providers",
        {"name": "ひまわり作業所", "name_kana": "ひまわりさぎょうしょ", "phone": "011-222-3333"},
    )
    assert created.status_code == 201, created.content
    provider = Provider.objects.get(pk=created.json()["id"])
    assert (provider.name, provider.organization) == ("ひまわり作業所", None)
    assert created.json()["is_informal"] is True
    assert AuditEvent.objects.filter(
        action=Action.RECORD_CREATED, target_id=str(provider.pk), actor=personas.core_officer
    ).exists()

    office_b = api(personas.counselor_b, personas.office_b)
    for_a = office_b(
        "/api/v1/directory/providers", {"name": "あおば", "organization_id": personas.office_a.pk}
    )
    assert for_a.status_code == 403
    assert for_a.json()["error"]["code"] == "forbidden"
    assert AuditEvent.objects.filter(
        action=Action.ACCESS_DENIED, actor=personas.counselor_b
    ).exists()
    own = office_b(
        "/api/v1/directory/providers", {"name": "かえで", "organization_id": personas.office_b.pk}
    )
    assert own.status_code == 201, own.content
    reader = api(personas.reader_a, personas.office_a)
    refused = reader(
        "/api/v1/directory/providers", {"name": "あおば", "organization_id": personas.office_a.pk}
    )
    assert refused.status_code == 403
    assert Provider.objects.filter(name__in=["あおば"]).count() == 0


def test_provider_bad_input_is_422(personas, api):
    core = api(personas.core_officer, personas.core_center)
    for bad in (
        {"name": ""},
        {"name": "x", "organization_id": 999999},
        {"name": "x", "email": "not an address"},
        {"name": "x", "website": "javascript:alert(1)"},
        {"name": "x" * 201},
    ):
        response = core("/api/v1/directory/providers", bad)
        assert response.status_code == 422, bad
        assert set(response.json()["error"]) >= {"code", "message"}
    assert not Provider.objects.filter(name="x").exists()


def test_vacancy_update_confirms_today(personas, api, directory):
    office_a = api(personas.counselor_a, personas.office_a)
    url = f"/api/v1/directory/resources/{directory.resource_a.pk}/vacancy"
    assert office_a(url, {"vacancies": -1}).status_code == 422
    response = office_a(url, {"vacancies": 3})
    assert response.status_code == 200, response.content
    resource = SocialResource.objects.get(pk=directory.resource_a.pk)
    assert (resource.vacancies, resource.vacancies_confirmed_on) == (3, timezone.localdate())
    assert response.json()["vacancies"] == 3
