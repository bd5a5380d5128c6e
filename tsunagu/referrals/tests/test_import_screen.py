"""The screen and API of the import of past joint-support requests: the sample file previews
and imports; the statistics then offer and count its year; staff and outsiders are refused; a
number imported twice is refused by row, and nothing of the second file is saved."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tsunagu.accounts.tests.factories import UserFactory, api_token_for
from tsunagu.organizations.models import SystemRole
from tsunagu.organizations.tests.factories import MembershipFactory
from tsunagu.referrals.models import ImportedRequest

pytestmark = pytest.mark.django_db

SAMPLE = (
    Path(__file__).resolve().parents[3] / "docs" / "samples" / "past-joint-support-requests.csv"
)
URL = "/referrals/import/"
API = "/api/v1/imports/referrals"


@pytest.fixture
def core_manager(personas):
    user = UserFactory.create(username="core_manager")
    MembershipFactory.create(
        user=user, organization=personas.core_center, job_title="manager", role=SystemRole.MANAGER
    )
    return user


def _file(content: bytes, name: str = "daicho.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_sample_previews_imports_and_the_year_is_counted(core_manager, personas, client_as):
    client = client_as(core_manager)
    page = client.get(URL)
    assert page.status_code == 200
    assert "依頼元の種別" in page.content.decode()
    preview = client.post(URL, {"file": _file(SAMPLE.read_bytes())})
    assert preview.status_code == 200
    assert "8行すべてを取り込めます" in preview.content.decode()
    done = client.post(URL, {"token": preview.context["token"]}, follow=True)
    assert done.redirect_chain[-1][0] == "/referrals/statistics/"
    assert "8件の依頼を取り込みました" in done.content.decode()
    assert set(ImportedRequest.objects.values_list("receiving_organization_id", flat=True)) == {
        personas.core_center.pk
    }
    # 令和5年度 can now be asked for, and its table holds the file's eight requests.
    table = client_as(personas.city_official).get("/referrals/statistics/", {"fiscal_year": 2023})
    assert table.status_code == 200
    assert table.context["table"].total == 8
    assert table.context["table"].rows[0].cells == [1, 0, 1, 0, 1, 0]  # 委託: 身体 知的 重複


def test_the_same_numbers_twice_are_refused_row_by_row(core_manager, personas, client):
    token = api_token_for(core_manager, personas.core_center)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    first = client.post(API + "?dry_run=false", {"file": _file(SAMPLE.read_bytes())}, **auth)
    assert first.status_code == 201, first.content
    again = client.post(API + "?dry_run=false", {"file": _file(SAMPLE.read_bytes())}, **auth)
    assert again.status_code == 422
    problems = again.json()["problems"]
    assert len(problems) == 8
    assert problems[0] == {
        "line": 2,
        "column": "",
        "message": "この受付番号の依頼はすでに取り込まれています。",
    }
    assert ImportedRequest.objects.count() == 8


def test_accepted_before_requested_is_a_row_problem(core_manager, personas, client):
    token = api_token_for(core_manager, personas.core_center)
    body = "依頼日,依頼元の種別,障害種別,受理日\r\n令和5年5月10日,その他,精神,令和5年5月1日\r\n"
    response = client.post(
        API, {"file": _file(body.encode())}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200
    assert response.json()["problems"] == [
        {"line": 2, "column": "", "message": "受理日は依頼日以降にしてください。"}
    ]


def test_only_managers_may_import(personas, client_as, client):
    for user in (personas.core_officer, personas.counselor_b, personas.reader_a):
        assert client_as(user).get(URL).status_code == 403
        assert client_as(user).post(URL, {"file": _file(SAMPLE.read_bytes())}).status_code == 403
        token = api_token_for(user)
        response = client.post(
            API, {"file": _file(SAMPLE.read_bytes())}, HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        assert response.status_code == 403
    assert ImportedRequest.objects.count() == 0


def test_a_file_too_large_is_refused_before_it_is_read(core_manager, personas, client, monkeypatch):
    monkeypatch.setattr("tsunagu.core.import_api.MAX_IMPORT_BYTES", 100)
    token = api_token_for(core_manager, personas.core_center)
    response = client.post(
        API, {"file": _file(SAMPLE.read_bytes())}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 422
    assert response.json() == {
        "error": {"code": "invalid", "message": "ファイルが大きすぎます（5MBまで）。"},
        "problems": [],
    }


def test_no_file_or_an_unreadable_one_is_a_422_without_row_problems(core_manager, personas, client):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(core_manager, personas.core_center)}"}
    for sent in ({}, {"file": _file(b"\x00\xff\xfe not a table")}):
        response = client.post(API, sent, **auth)
        assert response.status_code == 422, sent
        assert response.json()["problems"] == []
        assert response.json()["error"]["message"]
