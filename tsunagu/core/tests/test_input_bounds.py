"""Bad input is a 4xx, never a 500: in the API with its error shape, on screen in Japanese.

One test per case found on main (issue 13, item 12), each on the screen and the API where both
exist, plus the project-wide rule that every model's date field is bounded.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DataError, models
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from tsunagu.accounts.services import api_token_issue
from tsunagu.core import dates
from tsunagu.core.actor import Origin
from tsunagu.core.middleware import BadInputMiddleware
from tsunagu.core.validators import MAX_DATE, MIN_DATE, validate_date_in_range
from tsunagu.meetings.models import ResourceDevelopment
from tsunagu.meetings.tests.factories import DevelopmentFactory
from tsunagu.people.models import Person
from tsunagu.people.tests.factories import PersonFactory
from tsunagu.plans.models import Task

TOO_BIG_ID = "9" * 20  # > 2**63 - 1


@pytest.fixture
def api_as(db):
    """`api_as(user, organization)`: a client that sends a bearer token (issued directly, not
    through the rate-limited sign-in endpoint)."""

    def make(user, organization) -> Client:
        token = api_token_issue(
            origin=Origin(path="/api/v1/auth/token"),
            user=user,
            organization=organization,
        ).raw
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    return make


def _assert_error_shape(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content[:500]
    body: dict[str, Any] = response.json()
    assert isinstance(body["error"]["code"], str)
    assert isinstance(body["error"]["message"], str)
    assert body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code
    return body


def _post_json(client: Client, path: str, data: object) -> Any:
    body = data if isinstance(data, str) else json.dumps(data)
    return client.post(path, body, content_type="application/json")


# --- Dates ------------------------------------------------------------------------------------


def test_every_model_date_field_refuses_dates_outside_the_range():
    unbounded = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model.__module__.startswith("tsunagu.")
        for field in model._meta.get_fields()
        if isinstance(field, models.DateField)
        and not isinstance(field, models.DateTimeField)
        and validate_date_in_range not in field.validators
    ]
    assert unbounded == [], "use tsunagu.core.validators.BoundedDateField for these"


def test_the_date_range_starts_with_meiji_and_ends_in_2100():
    validate_date_in_range(MIN_DATE)
    validate_date_in_range(MAX_DATE)
    for bad in (MIN_DATE - dt.timedelta(days=1), dt.date(295, 6, 1), dt.date(2101, 1, 1)):
        with pytest.raises(ValidationError, match="日付を入力してください"):
            validate_date_in_range(bad)


def test_era_labels_never_fail_on_a_date_or_year_no_era_covers():
    assert dates.wareki(dt.date(295, 6, 1)) == "0295-06-01"
    assert dates.wareki_short(dt.date(1867, 12, 31)) == "1867-12-31"
    assert dates.fiscal_year_label(1024) == "1024年度"
    assert dates.fiscal_year_label(131024) == "131024年度"
    assert dates.fiscal_year_label(2025) == "令和7年度"


@pytest.mark.parametrize("year", ["1024", "131024", "-5", "99999999999999999999"])
def test_a_fiscal_year_out_of_range_is_422_in_the_api(personas, api_as, year):
    client = api_as(personas.core_officer, personas.core_center)
    response = client.get("/api/v1/meetings/compliance", {"fiscal_year": year})
    _assert_error_shape(response, 422)


def test_a_birth_date_before_meiji_is_refused_in_the_api(personas, api_as):
    client = api_as(personas.counselor_a, personas.office_a)
    response = _post_json(
        client,
        "/api/v1/persons",
        {
            "family_name": "山田",
            "given_name": "太郎",
            "family_name_kana": "ヤマダ",
            "given_name_kana": "タロウ",
            "birth_date": "1867-12-31",
        },
    )
    assert 400 <= response.status_code < 500
    _assert_error_shape(response, response.status_code)
    assert not Person.objects.filter(family_name="山田").exists()


def test_a_birth_date_before_meiji_is_refused_on_screen(personas, client_as):
    response = client_as(personas.counselor_a).post(
        reverse("people:person_create"),
        {
            "family_name": "山田",
            "given_name": "太郎",
            "family_name_kana": "ヤマダ",
            "given_name_kana": "タロウ",
            "birth_date": "1867-12-31",
            "sex": "",
        },
    )
    assert response.status_code in (200, 400)
    assert "までの日付を入力してください" in response.content.decode()
    assert not Person.objects.filter(family_name="山田").exists()


def test_year_0295_is_refused_for_a_resource_development(personas, api_as):
    client = api_as(personas.core_officer, personas.core_center)
    response = _post_json(
        client,
        "/api/v1/directory/developments",
        {
            "kind": "top_up",
            "title": "送迎の延長",
            "beneficiaries": "利用者",
            "occurred_on": "0295-06-01",
        },
    )
    assert 400 <= response.status_code < 500
    _assert_error_shape(response, response.status_code)
    assert not ResourceDevelopment.objects.filter(title="送迎の延長").exists()


def test_a_stored_date_before_meiji_does_not_break_the_development_export(personas, client_as):
    # Rows stored before entry was bounded must still show and export.
    DevelopmentFactory.create(
        occurred_on=dt.date(295, 6, 1),
        title="昔の記録",
        recorded_by=personas.core_officer,
        recorded_by_organization=personas.core_center,
    )
    client = client_as(personas.core_officer)
    response = client.get(reverse("meetings:development_export"))
    assert response.status_code == 200
    assert "0295-06-01" in response.content.decode("utf-8-sig")
    page = client.get(reverse("meetings:development_list"))
    assert page.status_code == 200


# --- Ids, pages and numbers -------------------------------------------------------------------


def test_an_id_past_bigint_in_a_screen_path_is_404(personas, client_as):
    response = client_as(personas.counselor_a).get(f"/people/{TOO_BIG_ID}/")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()


def test_an_id_past_bigint_in_an_api_path_is_404(personas, api_as):
    client = api_as(personas.counselor_a, personas.office_a)
    _assert_error_shape(client.get(f"/api/v1/persons/{TOO_BIG_ID}"), 404, "not_found")
    _assert_error_shape(client.get(f"/api/v1/cases/{TOO_BIG_ID}"), 404, "not_found")


def test_page_two_to_the_63_is_422_not_500(personas, api_as):
    client = api_as(personas.counselor_a, personas.office_a)
    _assert_error_shape(client.get("/api/v1/persons", {"page": 2**63}), 422)


# --- Characters -------------------------------------------------------------------------------


def test_a_nul_byte_in_a_json_body_is_refused_and_never_stored(personas, api_as):
    client = api_as(personas.counselor_a, personas.office_a)
    response = _post_json(client, "/api/v1/tasks", {"title": "電話\x00連絡"})
    _assert_error_shape(response, 400, "bad_characters")
    assert not Task.objects.filter(title__contains="連絡").exists()


def test_a_lone_surrogate_in_a_json_body_is_refused(personas, api_as):
    client = api_as(personas.counselor_a, personas.office_a)
    response = _post_json(client, "/api/v1/tasks", '{"title": "電話\\ud800連絡"}')
    _assert_error_shape(response, 400, "bad_characters")
    assert not Task.objects.exists()


def test_a_nul_byte_in_a_query_string_is_refused(personas, api_as, client_as):
    api = api_as(personas.counselor_a, personas.office_a)
    _assert_error_shape(api.get("/api/v1/persons", {"q": "山\x00田"}), 400, "bad_characters")
    response = client_as(personas.counselor_a).get(
        reverse("people:person_search"), {"q": "山\x00田"}
    )
    assert response.status_code == 400
    assert "入力に使えない文字" in response.content.decode()


def test_a_nul_byte_in_a_form_is_refused_and_never_stored(personas, client_as):
    response = client_as(personas.counselor_a).post(
        reverse("people:person_create"),
        {
            "family_name": "山\x00田",
            "given_name": "太郎",
            "family_name_kana": "ヤマダ",
            "given_name_kana": "タロウ",
        },
    )
    assert response.status_code == 400
    assert "入力に使えない文字" in response.content.decode()
    assert not Person.objects.filter(given_name="太郎").exists()


def test_a_thousand_four_byte_characters_in_a_search_are_no_500(personas, api_as, client_as):
    text = "😀" * 999
    api = api_as(personas.counselor_a, personas.office_a)
    assert api.get("/api/v1/persons", {"q": text}).status_code < 500
    screen = client_as(personas.counselor_a)
    assert screen.get(reverse("people:person_search"), {"q": text}).status_code < 500
    assert screen.get(reverse("search:search"), {"q": text}).status_code < 500


# --- JSON shape -------------------------------------------------------------------------------


@pytest.mark.parametrize("body", ['"abc"', "[]", "1", "null", "true"])
def test_a_json_body_that_is_not_an_object_is_422(personas, api_as, body):
    client = api_as(personas.counselor_a, personas.office_a)
    _assert_error_shape(_post_json(client, "/api/v1/tasks", body), 422, "validation_error")
    assert not Task.objects.exists()


def test_a_body_that_is_not_json_is_400_in_the_error_shape(personas, api_as):
    client = api_as(personas.counselor_a, personas.office_a)
    _assert_error_shape(_post_json(client, "/api/v1/tasks", "{title"), 400, "bad_request")


def test_null_for_a_boolean_is_422(personas, api_as):
    client = api_as(personas.counselor_a, personas.office_a)
    response = _post_json(
        client,
        "/api/v1/persons",
        {
            "family_name": "山田",
            "given_name": "太郎",
            "family_name_kana": "ヤマダ",
            "given_name_kana": "タロウ",
            "confirm_new": None,
        },
    )
    _assert_error_shape(response, 422)


def test_text_longer_than_its_column_is_422(personas, api_as):
    client = api_as(personas.counselor_a, personas.office_a)
    response = _post_json(
        client,
        "/api/v1/persons",
        {
            "family_name": "山" * 500,
            "given_name": "太郎",
            "family_name_kana": "ヤマダ",
            "given_name_kana": "タロウ",
        },
    )
    _assert_error_shape(response, 422)
    assert not Person.objects.filter(given_name="太郎").exists()


# --- Host header and DEBUG --------------------------------------------------------------------


@pytest.mark.parametrize("host", ["evil..", "evil.example.com", "[::1"])
def test_a_bad_host_header_gets_the_400_page(db, host):
    response = Client(HTTP_HOST=host).get("/")
    assert response.status_code == 400
    body = response.content.decode()
    assert "リクエストを処理できませんでした" in body
    assert "Traceback" not in body


def test_a_bad_host_header_on_the_api_gets_the_error_shape(db):
    _assert_error_shape(Client(HTTP_HOST="evil..").get("/api/v1/persons"), 400, "bad_request")


def _demo_manage(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("PYTEST") and name not in {"DJANGO_DEBUG", "DJANGO_SECRET_KEY"}
    }
    env.update({"TSUNAGU_DEMO": "1", "DJANGO_SETTINGS_MODULE": "tsunagu.settings", **extra})
    return subprocess.run(  # noqa: S603  # fixed arguments, our own manage.py
        [sys.executable, str(settings.BASE_DIR / "manage.py"), *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_demo_mode_runs_without_debug_and_still_serves_static_files():
    script = (
        "from django.conf import settings as s; from django.test import Client; "
        "c = Client(HTTP_HOST='localhost'); "
        "css = c.get('/static/core/css/app.css'); "
        "missing = c.get('/no-such-page/'); "
        "print(s.DEBUG, css.status_code, missing.status_code, "
        "b'URLconf' in missing.content or b'Traceback' in missing.content)"
    )
    result = _demo_manage("shell", "-c", script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-4:] == ["False", "200", "404", "False"]


def test_debug_cannot_be_turned_on_in_demo_mode():
    result = _demo_manage("check", DJANGO_DEBUG="1")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must not be set together with TSUNAGU_DEMO" in result.stderr


@pytest.mark.parametrize(
    "change",
    [
        {"lives_alone": None},
        {"needs_evacuation_support": None},
        {"birth_date": "0295-06-01"},
        {"family_name": "山" * 500},
        {"version": 2**63},
    ],
)
def test_a_patch_with_null_or_out_of_range_values_is_4xx(personas, api_as, change):
    person = PersonFactory.create(
        family_name="山田", given_name="太郎", registered_by_organization=personas.office_a
    )
    client = api_as(personas.counselor_a, personas.office_a)
    response = client.patch(
        f"/api/v1/persons/{person.pk}",
        json.dumps({"version": person.version, **change}),
        content_type="application/json",
    )
    assert 400 <= response.status_code < 500, response.content[:300]
    _assert_error_shape(response, response.status_code)
    person.refresh_from_db()
    assert person.family_name == "山田"


@pytest.mark.parametrize(
    "error",
    [OverflowError("Python int too large to convert to SQLite INTEGER"), DataError("too long")],
)
def test_a_value_the_database_refuses_on_a_screen_is_a_400_page(rf, error):
    middleware = BadInputMiddleware(lambda request: HttpResponse())
    response = middleware.process_exception(rf.post("/cases/1/status/"), error)
    assert response is not None
    assert response.status_code == 400
    assert "扱える範囲を超えています" in response.content.decode()
    assert middleware.process_exception(rf.get("/"), ValueError("a bug")) is None
