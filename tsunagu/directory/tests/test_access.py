"""Who may read and change the directory, route by route.

The directory's object routes are registered in the object-URL matrix as NOT_PERSON_DATA
(tsunagu/core/tests/test_object_url_matrix.py): they are not scoped to a case team.  This
module walks every one of them: reads are open to every signed-in member (the outsider
counselor_b included), and every write is refused — 403 and an access.denied row, nothing
changed — to an organization without edit rights (office B on office A's resource) and to a
read-only member, while the owner, the core center and the city department get through.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.core.tests.test_object_url_matrix import NOT_PERSON_DATA
from tsunagu.directory.models import SocialResource
from tsunagu.directory.tests.conftest import (
    INTERNAL_CONTACT,
    INTERNAL_NOTE,
    INTERNAL_PHONE,
    Directory,
)
from tsunagu.meetings.models import ResourceDevelopment

pytestmark = pytest.mark.django_db

Params = Callable[[Directory], dict[str, Any]]


@dataclass(frozen=True)
class Write:
    params: Params
    methods: tuple[str, ...]
    body: Callable[[Directory], dict[str, Any]] = field(default=lambda d: {})


def _resource(d: Directory) -> dict[str, Any]:
    return {"resource_id": d.resource_a.pk}


def _development(d: Directory) -> dict[str, Any]:
    return {"development_id": d.development.pk}


def _resource_form(d: Directory) -> dict[str, Any]:
    body: dict[str, Any] = {
        "version": d.resource_a.version,
        "provider": d.provider_a.pk,
        "name": "ひだまりの家（更新）",
        "service_type": d.resource_a.service_type_id,
        "status": "active",
        "is_published": "on",
        "capacity": "20",
        "vacancies": "2",
        "vacancies_confirmed_on": "2026-11-30",
    }
    for prefix in ("locations", "schedules", "phones", "contacts"):
        body[f"{prefix}-TOTAL_FORMS"] = "0"
        body[f"{prefix}-INITIAL_FORMS"] = "0"
    return body


FORM = ("GET", "POST")
READS: dict[str, Params] = {
    "directory:resource_detail": _resource,
    "GET /api/v1/directory/resources/{resource_id}": _resource,
    "GET /api/v1/directory/developments/{development_id}": _development,
}
PUBLIC: dict[str, Params] = {
    "directory:public_detail": lambda d: {"resource_id": d.resource_a.hsds_id},
}
WRITES: dict[str, Write] = {
    "directory:resource_edit": Write(_resource, FORM, _resource_form),
    "directory:vacancy_update": Write(_resource, ("POST",), lambda d: {"vacancies": "1"}),
    "directory:provider_edit": Write(
        lambda d: {"provider_id": d.provider_a.pk},
        FORM,
        lambda d: {"name": "相談支援センター あおば（改）", "name_kana": "あおば"},
    ),
    "meetings:development_edit": Write(
        _development,
        FORM,
        lambda d: {
            "version": d.development.version,
            "kind": "top_up",
            "title": "開所時間を16時30分まで延長",
            "beneficiaries": "家族の迎えが間に合わない利用者",
            "occurred_on": "2026-06-01",
        },
    ),
    "PATCH /api/v1/directory/resources/{resource_id}": Write(
        _resource, ("PATCH",), lambda d: {"version": d.resource_a.version, "name": "変更"}
    ),
    "PATCH /api/v1/directory/developments/{development_id}": Write(
        _development, ("PATCH",), lambda d: {"version": d.development.version, "title": "変更"}
    ),
    "POST /api/v1/directory/resources/{resource_id}/vacancy": Write(
        _resource, ("POST",), lambda d: {"vacancies": 1}
    ),
    "PATCH /api/v1/directory/providers/{provider_id}": Write(
        lambda d: {"provider_id": d.provider_a.pk},
        ("PATCH",),
        lambda d: {"name": "相談支援センター あおば（改）"},
    ),
}


def test_every_directory_route_of_the_matrix_is_walked_here():
    # The resource development log (tsunagu.meetings) keeps its directory rules and API paths.
    registered = {
        r
        for r in NOT_PERSON_DATA
        if r.startswith(("directory:", "meetings:development_")) or "/directory/" in r
    }
    assert registered == set(READS) | set(PUBLIC) | set(WRITES)


def _call(route, params, method, body, user, org, client_as):
    if route.startswith(("GET ", "PATCH ", "POST ")):
        verb, template = route.split(" ", 1)
        path = template.format(**params)
        client = Client()
        headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(user, org)}"}
        if verb == "GET":
            return path, client.get(path, **headers)
        data = json.dumps(body, ensure_ascii=False)
        return path, client.generic(verb, path, data, content_type="application/json", **headers)
    path = reverse(route, kwargs=params)
    client = client_as(user)
    if method == "GET":
        return path, client.get(path)
    return path, client.post(path, body)


def _snapshot(d: Directory) -> tuple[Any, ...]:
    resource = SocialResource.objects.get(pk=d.resource_a.pk)
    development = ResourceDevelopment.objects.get(pk=d.development.pk)
    return (resource.version, resource.name, resource.vacancies, development.version)


@pytest.mark.parametrize("route", sorted(READS))
def test_reads_are_open_to_every_signed_in_member(route, personas, directory, client_as):
    for user, org in ((personas.counselor_b, personas.office_b), (personas.reader_a, None)):
        path, response = _call(route, READS[route](directory), "GET", {}, user, org, client_as)
        assert response.status_code == 200, f"{user} {path}: {response.status_code}"


@pytest.mark.parametrize("route", sorted(PUBLIC))
def test_the_public_page_needs_no_sign_in(route, directory):
    response = Client().get(reverse(route, kwargs=PUBLIC[route](directory)))
    assert response.status_code == 200


@pytest.mark.parametrize("route", sorted(WRITES))
@pytest.mark.parametrize("who", ["counselor_b", "reader_a"])
def test_writes_are_refused_without_edit_rights(route, who, personas, directory, client_as):
    spec = WRITES[route]
    user = getattr(personas, who)
    org = personas.office_b if who == "counselor_b" else personas.office_a
    before = _snapshot(directory)
    for method in spec.methods:
        last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        path, response = _call(
            route, spec.params(directory), method, spec.body(directory), user, org, client_as
        )
        assert response.status_code == 403, f"{who} {method} {path}: {response.status_code}"
        if " /api/" in route:
            assert response.json()["error"]["code"] == "forbidden"
        else:
            assert "この操作は許可されていません" in response.content.decode()
        new = AuditEvent.objects.filter(pk__gt=last)
        assert new.filter(action=Action.ACCESS_DENIED, actor=user).exists(), f"{method} {path}"
        assert not new.filter(action__in=[Action.RECORD_CREATED, Action.RECORD_UPDATED]).exists()
    assert _snapshot(directory) == before


@pytest.mark.parametrize("route", sorted(WRITES))
@pytest.mark.parametrize("who", ["counselor_a", "core_officer", "city_official"])
def test_the_owner_and_the_keepers_may_write(route, who, personas, directory, client_as):
    spec = WRITES[route]
    user = getattr(personas, who)
    org = {"counselor_a": personas.office_a, "core_officer": personas.core_center}.get(
        who, personas.city
    )
    method = spec.methods[-1]
    path, response = _call(
        route, spec.params(directory), method, spec.body(directory), user, org, client_as
    )
    assert response.status_code in (200, 302), (
        f"{who} {method} {path}: {response.status_code} {response.content.decode()[:400]}"
    )
    assert AuditEvent.objects.filter(action=Action.RECORD_UPDATED, actor=user).exists()


def test_missing_objects_are_404(personas, client_as):
    client = client_as(personas.core_officer)
    for name, kwargs in [
        ("directory:resource_detail", {"resource_id": 999999}),
        ("directory:resource_edit", {"resource_id": 999999}),
        ("directory:provider_edit", {"provider_id": 999999}),
        ("meetings:development_edit", {"development_id": 999999}),
    ]:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 404
    raw = api_token_for(personas.core_officer, personas.core_center)
    token: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    for method, path, body in [
        ("PATCH", "/api/v1/directory/providers/999999", {"name": "x"}),
        ("POST", "/api/v1/directory/resources/999999/vacancy", {"vacancies": 1}),
    ]:
        response = Client().generic(
            method, path, json.dumps(body), content_type="application/json", **token
        )
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "not_found"


def test_staff_screens_need_sign_in(directory):
    for name in ("directory:resource_list", "meetings:development_list", "directory:import"):
        response = Client().get(reverse(name))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_only_the_keepers_import_and_export_internal_data(personas, client_as):
    office = client_as(personas.counselor_a)
    assert office.get(reverse("directory:import")).status_code == 403
    assert office.get(reverse("directory:export") + "?internal=1").status_code == 403
    assert office.get(reverse("directory:export")).status_code == 200
    core = client_as(personas.core_officer)
    assert core.get(reverse("directory:import")).status_code == 200
    assert core.get(reverse("directory:export") + "?internal=1").status_code == 200


def test_an_office_creates_only_for_its_own_provider(personas, client_as, directory):
    response = client_as(personas.counselor_b).get(reverse("directory:resource_create"))
    assert response.status_code == 403  # office B has no provider
    response = client_as(personas.counselor_a).get(reverse("directory:resource_create"))
    assert response.status_code == 200
    options = response.context["form"].fields["provider"].queryset
    assert list(options) == [directory.provider_a]


# --- What a resident sees ---------------------------------------------------------------------


def test_a_resident_sees_no_internal_field(directory):
    client = Client()
    pages = [
        client.get(reverse("directory:search")),
        client.get(reverse("directory:search") + "?q=ひだまり"),
        client.get(reverse("directory:public_detail", args=[directory.resource_a.hsds_id])),
    ]
    for response in pages:
        assert response.status_code == 200
        html = response.content.decode()
        assert "ヒダマリの家" in html
        for secret in (INTERNAL_NOTE, INTERNAL_PHONE, INTERNAL_CONTACT, directory.hidden.name):
            assert secret not in html
    detail = pages[2].content.decode()
    assert "受付窓口" in detail  # the public contact is shown
    assert "022-011-3101" in detail
    assert "段差なし" in detail


def test_an_unpublished_resource_is_not_found_for_residents(directory, personas, client_as):
    url = reverse("directory:public_detail", args=[directory.hidden.hsds_id])
    assert Client().get(url).status_code == 404
    staff = client_as(personas.counselor_b)
    assert (
        staff.get(reverse("directory:resource_detail", args=[directory.hidden.pk])).status_code
        == 200
    )


def test_the_public_frame_has_no_staff_header_or_menu(directory, personas, client_as):
    html = Client().get(reverse("directory:search")).content.decode()
    assert "操作中の所属" not in html
    assert "メインメニュー" not in html
    assert "サインアウト" not in html
    assert "個人情報を含みます" not in html
    assert 'lang="ja"' in html
    # Signed in, the public page is still the public page.
    html = client_as(personas.counselor_a).get(reverse("directory:search")).content.decode()
    assert "操作中の所属" not in html


def test_a_bad_search_value_is_shown_not_crashed(directory):
    response = Client().get(reverse("directory:search") + "?service_type=999999&q=ひだまり")
    assert response.status_code == 200
    assert "正しく選択してください" in response.content.decode()
