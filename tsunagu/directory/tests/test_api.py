"""The public HSDS API (/api/hsds/, no sign-in, no token) and the staff CRUD under /api/v1/."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.directory import hsds
from tsunagu.directory.models import SocialResource
from tsunagu.directory.taxonomy import SERVICE_TYPE, SPECIALTY
from tsunagu.directory.tests.conftest import INTERNAL_CONTACT, INTERNAL_NOTE, INTERNAL_PHONE
from tsunagu.directory.tests.factories import ResourceFactory, term
from tsunagu.meetings.models import ResourceDevelopment

pytestmark = pytest.mark.django_db

PAGE_KEYS = {
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
}


def get(path: str, **params):
    response = Client().get(path, params)
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return response


# --- /api/hsds/ -------------------------------------------------------------------------------


def test_the_api_root_gives_the_hsds_version_without_a_token(db):
    response = get("/api/hsds/")
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == "3.0"
    assert body["openapi_url"].endswith("openapi.json")


def test_services_are_paged_as_hsds_describes(directory):
    for n in range(3):
        ResourceFactory.create(provider=directory.informal_provider, name=f"サロン{n}")
    body = get("/api/hsds/services", per_page=2).json()
    assert set(body) == PAGE_KEYS
    assert body["total_items"] == 5  # the unpublished one is not there
    assert body["total_pages"] == 3
    assert (body["page_number"], body["size"], body["first_page"], body["last_page"]) == (
        1,
        2,
        True,
        False,
    )
    last = get("/api/hsds/services", per_page=2, page=3).json()
    assert last["last_page"]
    assert last["size"] == 1
    assert not last["empty"]
    beyond = get("/api/hsds/services", per_page=2, page=9).json()
    assert beyond["empty"]
    assert beyond["contents"] == []
    for service in body["contents"]:
        assert hsds.schema_errors("service", service) == []
        assert "phones" not in service  # one-to-one fields only


def test_services_search_and_taxonomy_filters(directory):
    ids = lambda body: {s["id"] for s in body["contents"]}  # noqa: E731
    a, salon = str(directory.resource_a.hsds_id), str(directory.salon.hsds_id)
    assert ids(get("/api/hsds/services", search="ひだまり").json()) == {a}
    assert ids(get("/api/hsds/services", search="サロン").json()) == {salon}
    life_care = str(term("life-care").hsds_id)
    assert ids(get("/api/hsds/services", taxonomy_term_id=life_care).json()) == {a}
    smid = str(term("smid-medical-care").hsds_id)
    assert ids(get("/api/hsds/services", taxonomy_term_id=smid).json()) == {a}
    assert ids(get("/api/hsds/services", taxonomy_id=SPECIALTY.hsds_id).json()) == {a}
    assert ids(get("/api/hsds/services", taxonomy_id=SERVICE_TYPE.hsds_id).json()) == {a, salon}
    provider = str(directory.informal_provider.hsds_id)
    assert ids(get("/api/hsds/services", organization_id=provider).json()) == {salon}
    assert get("/api/hsds/services", modified_after="2000-01-01T00:00:00Z").json()["total_items"]
    minimal = get("/api/hsds/services", minimal="true").json()["contents"][0]
    assert set(minimal) == {"id", "last_modified"}


def test_full_services_validate_and_hide_internal_data(directory):
    body = get("/api/hsds/services", full="true").json()
    text = json.dumps(body, ensure_ascii=False)
    for service in body["contents"]:
        assert hsds.schema_errors("service", service) == []
    for secret in (INTERNAL_NOTE, INTERNAL_PHONE, INTERNAL_CONTACT):
        assert secret not in text


def test_ndjson_streams_every_service(directory):
    response = Client().get("/api/hsds/services", {"format": "ndjson"})
    assert response.status_code == 200
    lines = response.content.decode().strip().splitlines()
    assert len(lines) == 2
    assert all(json.loads(line)["status"] == "active" for line in lines)


@pytest.mark.parametrize(
    "params",
    [
        {"page": "zero"},
        {"per_page": "0"},
        {"taxonomy_term_id": "life-care"},
        {"full": "maybe"},
        {"format": "xml"},
        {"modified_after": "yesterday"},
    ],
)
def test_bad_parameters_answer_400_json(directory, params):
    response = get("/api/hsds/services", **params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
    assert response.json()["error"]["message"]


def test_one_service_is_fully_nested_and_valid(directory):
    body = get(f"/api/hsds/services/{directory.resource_a.hsds_id}").json()
    assert hsds.schema_errors("service", body) == []
    assert body["organization"]["name"] == "相談支援センター あおば"
    assert (
        body["service_at_locations"][0]["location"]["accessibility"][0]["description"] == "段差なし"
    )
    numbers = [p["number"] for p in body["phones"]]
    assert INTERNAL_PHONE not in numbers
    assert "022-011-3101" in numbers
    facts = {a["taxonomy_term"]["code"]: a.get("value") for a in body["attributes"]}
    assert facts["capacity"] == "20"
    assert facts["vacancies"] == "2"
    assert facts["accepts_visits"] == "true"
    assert "internal_note" not in facts


@pytest.mark.parametrize("which", ["hidden", "missing", "not-a-uuid"])
def test_unknown_or_unpublished_services_are_404(directory, which):
    ident = {
        "hidden": str(directory.hidden.hsds_id),
        "missing": "00000000-0000-4000-8000-000000000000",
        "not-a-uuid": "12",
    }[which]
    response = get(f"/api/hsds/services/{ident}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_organizations_list_and_detail(directory):
    body = get("/api/hsds/organizations").json()
    assert set(body) == PAGE_KEYS
    names = {o["name"] for o in body["contents"]}
    assert names == {"相談支援センター あおば", "本町町内会"}
    for organization in body["contents"]:
        assert hsds.schema_errors("organization", organization) == []
        assert "services" not in organization
    full = get("/api/hsds/organizations", full="true").json()["contents"]
    assert all("services" in o for o in full)

    detail = get(f"/api/hsds/organizations/{directory.informal_provider.hsds_id}").json()
    assert hsds.schema_errors("organization", detail) == []
    assert [s["name"] for s in detail["services"]] == ["ふれあいサロン ほんまち"]  # not the hidden
    nested = get(
        f"/api/hsds/organizations/{directory.provider_a.hsds_id}", full_service="true"
    ).json()
    assert nested["organization_identifiers"][0]["identifier"] == "office-a"
    assert all(hsds.schema_errors("service", s) == [] for s in nested["services"])
    assert get("/api/hsds/organizations/nope").status_code == 404


def test_the_hsds_api_is_read_only(directory):
    for method in ("post", "put", "patch", "delete"):
        response = getattr(Client(), method)("/api/hsds/services")
        assert response.status_code == 405


# --- /api/v1/directory/ -----------------------------------------------------------------------


def _client(user, org):
    token = api_token_for(user, org)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def _send(client, method, path, body):
    return client.generic(
        method, path, json.dumps(body, ensure_ascii=False), content_type="application/json"
    )


def test_the_staff_api_needs_a_token(directory):
    response = Client().get("/api/v1/directory/resources")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_staff_list_includes_internal_and_unpublished(personas, directory):
    body = (
        _client(personas.counselor_b, personas.office_b)
        .get("/api/v1/directory/resources", {"q": "ひだまり"})
        .json()
    )
    assert body["count"] == 1
    assert body["results"][0]["internal_note"] == INTERNAL_NOTE
    all_ = _client(personas.counselor_b, personas.office_b).get("/api/v1/directory/resources")
    assert all_.json()["count"] == 3
    bad = _client(personas.counselor_b, personas.office_b).get(
        "/api/v1/directory/resources", {"service_type": "no-such"}
    )
    assert bad.status_code == 422


def _new_resource(directory, **extra):
    return {
        "provider_id": directory.provider_a.pk,
        "name": "放課後等デイサービス にじいろ",
        "service_type": "after-school-day",
        "specialties": ["developmental"],
        "capacity": 10,
        "vacancies": 1,
        "vacancies_confirmed_on": "2026-11-30",
        "accepts_visits": True,
        "locations": [{"city": "みどり市", "address": "東区若葉二丁目6番11号", "area": "t-honcho"}],
        "schedules": [{"weekdays": ["MO", "TU"], "opens_at": "13:00", "closes_at": "18:00"}],
        "phones": [{"number": "022-012-4602"}],
        **extra,
    }


def test_create_and_patch_over_the_api(personas, directory):
    client = _client(personas.counselor_a, personas.office_a)
    response = _send(client, "POST", "/api/v1/directory/resources", _new_resource(directory))
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["schedules"][0]["weekdays"] == ["MO", "TU"]
    assert created["locations"][0]["area"] == "t-honcho"
    resource = SocialResource.objects.get(pk=created["id"])
    assert AuditEvent.objects.filter(
        action=Action.RECORD_CREATED, target_id=str(resource.pk), actor=personas.counselor_a
    ).exists()

    path = f"/api/v1/directory/resources/{resource.pk}"
    response = _send(client, "PATCH", path, {"version": 1, "vacancies": 0, "phones": []})
    assert response.status_code == 200, response.content
    assert response.json()["vacancies"] == 0
    assert response.json()["phones"] == []
    assert response.json()["schedules"]  # not sent: kept

    stale = _send(client, "PATCH", path, {"version": 1, "name": "古い版から"})
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict"


@pytest.mark.parametrize(
    ("extra", "status", "code"),
    [
        ({"vacancies": 30}, 422, "invalid"),
        ({"service_type": "no-such-type"}, 422, "invalid"),
        ({"specialties": ["salon"]}, 422, "invalid"),
        ({"provider_id": 999999}, 422, "invalid"),
        ({"capacity": -1}, 422, "validation_error"),
        ({"name": ""}, 422, "validation_error"),
        ({"schedules": [{"weekdays": ["XX"]}]}, 422, "validation_error"),
        ({"locations": [{"area": "nowhere"}]}, 422, "invalid"),
    ],
)
def test_bad_input_is_a_json_error_and_nothing_is_saved(personas, directory, extra, status, code):
    before = SocialResource.objects.count()
    client = _client(personas.core_officer, personas.core_center)
    response = _send(
        client, "POST", "/api/v1/directory/resources", _new_resource(directory, **extra)
    )
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert SocialResource.objects.count() == before


def test_an_office_without_rights_gets_403_json(personas, directory):
    client = _client(personas.counselor_b, personas.office_b)
    response = _send(client, "POST", "/api/v1/directory/resources", _new_resource(directory))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert AuditEvent.objects.filter(
        action=Action.ACCESS_DENIED, actor=personas.counselor_b
    ).exists()
    missing = client.get("/api/v1/directory/resources/999999")
    assert missing.status_code == 404


def test_developments_over_the_api(personas, directory):
    client = _client(personas.counselor_b, personas.office_b)
    response = _send(
        client,
        "POST",
        "/api/v1/directory/developments",
        {
            "kind": "repurpose",
            "title": "子ども食堂を放課後等デイの帰りにも開放",
            "beneficiaries": "放課後等デイサービスを利用する子ども",
            "occurred_on": "2026-09-04",
            "resource_id": directory.salon.pk,
            "area": "t-chuo",
        },
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["recorded_by_organization"] == personas.office_b.name
    path = f"/api/v1/directory/developments/{created['id']}"
    response = _send(client, "PATCH", path, {"version": 1, "source_note": "東区の支援会議"})
    assert response.status_code == 200
    assert ResourceDevelopment.objects.get(pk=created["id"]).source_note == "東区の支援会議"
    bad = _send(client, "POST", "/api/v1/directory/developments", {"kind": "other"})
    assert bad.status_code == 422
    listed = client.get("/api/v1/directory/developments").json()["results"]
    assert {d["id"] for d in listed} == {created["id"], directory.development.pk}
