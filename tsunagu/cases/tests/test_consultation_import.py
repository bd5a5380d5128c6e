"""Import of past consultations: screen (upload → preview → confirm) and API twin, through the
same service; managers only; row errors in Japanese; all or nothing; no person is created."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tsunagu.accounts.tests.factories import UserFactory, api_token_for
from tsunagu.audit.imports import ACTION_IMPORTED
from tsunagu.audit.late_entry import ACTION_LATE_ENTRY
from tsunagu.audit.models import AuditEvent
from tsunagu.cases.models import Consultation
from tsunagu.organizations.models import SystemRole
from tsunagu.organizations.tests.factories import MembershipFactory
from tsunagu.people.models import Person

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[3] / "docs" / "samples" / "past-consultations.csv"
HEADER = "受付日,相談方法,相談者,主訴,対応結果,相談の領域,緊急度,対応時間（分）\r\n"
URL = "/cases/consultations/import/"


@pytest.fixture
def manager_a(personas):
    user = UserFactory.create(username="manager_a")
    MembershipFactory.create(
        user=user, organization=personas.office_a, job_title="manager", role=SystemRole.MANAGER
    )
    return user


def _file(content: bytes, name: str = "uketsuke.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_the_sample_file_previews_then_imports(manager_a, personas, client_as):
    client = client_as(manager_a)
    assert URL in client.get("/cases/consultations/").content.decode()  # linked from the list
    assert URL not in client_as(personas.counselor_a).get("/cases/consultations/").content.decode()
    assert client.get(URL).status_code == 200
    data = SAMPLE.read_bytes()
    preview = client.post(URL, {"file": _file(data)})
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "5行すべてを取り込めます" in text
    assert Consultation.objects.count() == 0  # a preview saves nothing
    token = preview.context["token"]
    done = client.post(URL, {"token": token})
    assert done.status_code == 302
    consultations = Consultation.objects.order_by("received_at")
    assert consultations.count() == 5
    first = consultations[0]
    assert first.organization == personas.office_a
    assert first.received_by == manager_a
    assert timezone.localtime(first.received_at).date() == dt.date(2023, 4, 3)
    assert first.channel == "phone"
    assert first.consulter == "family"
    assert first.domains == ["employment", "family"]
    assert consultations[2].urgency == "high"
    assert all(c.person_id is None and c.household_id is None for c in consultations)
    assert Person.objects.count() == 0
    assert AuditEvent.objects.filter(action=ACTION_IMPORTED).count() == 1
    assert AuditEvent.objects.filter(action=ACTION_LATE_ENTRY).count() == 5
    # The list shows them, with the day they were entered beside their own.
    page = client.get(reverse("cases:consultation_detail", args=[first.pk]))
    assert "後日入力" in page.content.decode()


def test_cp932_and_row_errors_in_japanese(manager_a, client_as):
    client = client_as(manager_a)
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    body = (
        HEADER
        + "令和5年4月3日,ﾃﾞﾝﾜ,家族,相談,情報提供で終了,,,\r\n"  # half-width kana: not a label
        + f"{future},電話,家族,相談,情報提供で終了,,,\r\n"
        + "1999-03-31,電話,家族,相談,情報提供で終了,,,\r\n"
        + "令和5年4月3日,電話,家族,,情報提供で終了,,,99999\r\n"
    )
    response = client.post(URL, {"file": _file(body.encode("cp932"))})
    assert response.status_code == 400
    problems = {(p.line, p.column): p.message for p in response.context["outcome"].problems}
    assert "相談方法" in problems[(2, "相談方法")]
    assert problems[(3, "受付日")] == "受付日に未来の日付は指定できません。"
    assert "2000-04-01" in problems[(4, "受付日")]
    assert problems[(5, "主訴")] == "主訴を入れてください。"
    assert "0から1440" in problems[(5, "対応時間（分）")]
    assert "token" not in response.content.decode().split("import-confirm")[0][-10:]
    assert response.context["token"] == ""
    assert Consultation.objects.count() == 0


def test_unreadable_files_are_refused_in_japanese(manager_a, client_as):
    client = client_as(manager_a)
    for content, message in [
        (b"", "空"),
        (b"\xff\xfe\x00\xd8garbage\x81", "文字コード"),
        ("受付日,相談方法\r\n令和5年4月3日,電話\r\n".encode(), "列「相談者」"),
        (b"PK\x03\x04 not really a workbook", "xlsx"),
    ]:
        response = client.post(URL, {"file": _file(content)})
        assert response.status_code == 400
        assert message in response.content.decode()


def test_staff_read_only_and_other_kinds_are_refused(personas, client_as):
    for user in (personas.counselor_a, personas.reader_a, personas.city_official):
        assert client_as(user).get(URL).status_code == 403
        response = client_as(user).post(URL, {"file": _file(SAMPLE.read_bytes())})
        assert response.status_code == 403
    assert Consultation.objects.count() == 0


def test_a_stale_token_imports_nothing(manager_a, client_as):
    response = client_as(manager_a).post(URL, {"token": "0" * 64})
    assert response.status_code == 400
    assert "もう一度ファイルを選んでください" in response.content.decode()


def test_api_twin_dry_run_then_commit(manager_a, personas, client):
    token = api_token_for(manager_a, personas.office_a)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    url = "/api/v1/imports/consultations"
    dry = client.post(url, {"file": _file(SAMPLE.read_bytes())}, **auth)
    assert dry.status_code == 200, dry.content
    assert dry.json() == {
        "dry_run": True,
        "committed": False,
        "rows": 5,
        "valid_rows": 5,
        "created": 0,
        "problems": [],
    }
    bad = (HEADER + "令和5年13月1日,電話,家族,相談,情報提供で終了,,,\r\n").encode()
    refused = client.post(url + "?dry_run=false", {"file": _file(bad)}, **auth)
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "import_rows_invalid"
    assert refused.json()["problems"] == [
        {"line": 2, "column": "受付日", "message": "13月はありません。"}
    ]
    no_file = client.post(url, {}, **auth)
    assert no_file.status_code == 422
    assert no_file.json()["error"]["message"].startswith("ファイルを選んでください")
    unreadable = client.post(url, {"file": _file(b"")}, **auth)
    assert unreadable.status_code == 422
    assert unreadable.json()["error"]["message"] == "ファイルが空です。"
    done = client.post(url + "?dry_run=false", {"file": _file(SAMPLE.read_bytes())}, **auth)
    assert done.status_code == 201
    assert done.json()["created"] == 5
    assert Consultation.objects.filter(organization=personas.office_a).count() == 5
    staff = api_token_for(personas.counselor_a, personas.office_a)
    forbidden = client.post(
        url, {"file": _file(SAMPLE.read_bytes())}, HTTP_AUTHORIZATION=f"Bearer {staff}"
    )
    assert forbidden.status_code == 403
    assert "error" in forbidden.json()
