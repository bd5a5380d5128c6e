"""Organizations, memberships and accounts managed in the app (issue 17 item 8; ADR 0014):
who may do what, bad input, the office list import from the sample file, the invitation."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tsunagu.accounts.models import ApiToken, User
from tsunagu.accounts.tests.factories import TOTPDeviceFactory, api_token_for, totp_code
from tsunagu.audit.models import AuditEvent
from tsunagu.organizations import imports
from tsunagu.organizations.models import (
    Area,
    AreaKind,
    JobTitle,
    Membership,
    Organization,
    OrganizationKind,
    SystemRole,
)
from tsunagu.organizations.tests.factories import MembershipFactory, OrganizationFactory

SAMPLE = Path(imports.__file__).parent / "samples" / "wam_office_list.csv"
BIG = 2**63
TODAY = timezone.localdate


@pytest.fixture
def world(personas):
    """The city (みどり市) with two wards; the core center serves the city; office A serves
    中央区, office B 東区; a closed-off office serves nothing.  The city official and the core
    officer are their organizations' managers; counselor A manages office A (an office's
    manager, not a manager of the network)."""
    city_area = Area.objects.create(code="midori", name="みどり市", kind=AreaKind.CITY)
    chuo = Area.objects.create(code="chuo", name="中央区", kind=AreaKind.WARD, parent=city_area)
    higashi = Area.objects.create(code="higashi", name="東区", kind=AreaKind.WARD, parent=city_area)
    personas.core_center.areas_served.set([city_area])
    personas.office_a.areas_served.set([chuo])
    personas.office_b.areas_served.set([higashi])
    Membership.objects.filter(
        user__in=[personas.city_official, personas.core_officer, personas.counselor_a]
    ).update(role=SystemRole.MANAGER)
    return {"city": city_area, "chuo": chuo, "higashi": higashi}


def _membership(user: User, organization: Organization) -> Membership:
    return Membership.objects.get(user=user, organization=organization, is_active=True)


def _found(pattern: str, text: str) -> str:
    match = re.search(pattern, text)
    assert match is not None, pattern
    return match.group(1)


def _code(user: User, drift: int = 0) -> str:
    """The user's current code, the device's throttle after a wrong one waited out."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    device.throttle_reset()
    return totp_code(device, drift)


# --- Who may do what ---------------------------------------------------------------------


def _urls(p):
    colleague = _membership(p.colleague_a, p.office_a)
    return [
        "/organizations/manage/",
        "/organizations/manage/new/",
        f"/organizations/manage/{p.office_a.pk}/",
        f"/organizations/manage/{p.office_a.pk}/edit/",
        f"/organizations/manage/{p.office_a.pk}/members/new/",
        f"/organizations/manage/members/{colleague.pk}/end/",
        "/accounts/manage/users/new/",
        f"/accounts/manage/users/{p.colleague_a.pk}/",
        f"/accounts/manage/users/{p.colleague_a.pk}/reset-2fa/",
    ]


def test_the_city_and_core_managers_get_the_screens_everyone_else_404(personas, world, client_as):
    for user in (personas.city_official, personas.core_officer):
        client = client_as(user)
        for url in _urls(personas):
            assert client.get(url).status_code == 200, (user.username, url)
    for user in (personas.counselor_a, personas.colleague_a, personas.counselor_b):
        client = client_as(user)
        for url in [*_urls(personas), "/organizations/manage/import/"]:
            assert client.get(url).status_code == 404, (user.username, url)
    denials = AuditEvent.objects.filter(action="access.denied", actor=personas.counselor_b)
    assert denials.count() == len(_urls(personas)) + 1


def test_the_core_center_reaches_offices_in_its_area_not_the_city_nor_itself(
    personas, world, client_as
):
    core = client_as(personas.core_officer)
    city_membership = _membership(personas.city_official, personas.city)
    for url in (
        f"/organizations/manage/{personas.city.pk}/",
        f"/organizations/manage/{personas.core_center.pk}/edit/",
        f"/organizations/manage/members/{city_membership.pk}/end/",
        f"/accounts/manage/users/{personas.city_official.pk}/",
        f"/accounts/manage/users/{personas.admin.pk}/",
        f"/accounts/manage/users/{personas.core_officer.pk}/",  # their own
        "/organizations/manage/import/",  # the city's
    ):
        assert core.get(url).status_code == 404, url
    # An office that serves no area in the center's reach is the city's to manage.
    elsewhere = OrganizationFactory.create(code="far", kind=OrganizationKind.COMMISSIONED_OFFICE)
    assert core.get(f"/organizations/manage/{elsewhere.pk}/").status_code == 404
    assert (
        client_as(personas.city_official).get(f"/organizations/manage/{elsewhere.pk}/").status_code
        == 200
    )


def test_nobody_acts_on_their_own_account_or_membership(personas, world, client_as):
    city = client_as(personas.city_official)
    own = _membership(personas.city_official, personas.city)
    assert city.get(f"/accounts/manage/users/{personas.city_official.pk}/").status_code == 404
    assert city.get(f"/organizations/manage/members/{own.pk}/end/").status_code == 404
    # Nor add themselves as a manager elsewhere.
    response = city.post(
        f"/organizations/manage/{personas.office_a.pk}/members/new/",
        {"user": personas.city_official.pk, "job_title": JobTitle.MANAGER, "role": "manager"},
    )
    assert response.status_code == 400
    assert not Membership.objects.filter(
        user=personas.city_official, organization=personas.office_a
    ).exists()


@pytest.mark.parametrize(
    "path",
    [
        f"/organizations/manage/{BIG}/",
        f"/organizations/manage/{BIG - 1}/edit/",
        f"/organizations/manage/members/{BIG - 1}/end/",
        f"/accounts/manage/users/{BIG - 1}/",
        f"/accounts/manage/users/{BIG}/reset-2fa/",
    ],
)
def test_a_huge_or_unknown_id_is_a_404(personas, world, client_as, path):
    assert client_as(personas.city_official).get(path).status_code in (400, 404)


def test_the_api_answers_the_same(personas, world, client):
    def call(user, org, method, path, body=None):
        token = api_token_for(user, org)
        return client.generic(
            method,
            path,
            data=body if isinstance(body, str) else json.dumps(body or {}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    body = {"kind": "designated_planning_office", "name": "相談室 みなみ"}
    outsider = call(personas.counselor_b, personas.office_b, "POST", "/api/v1/organizations", body)
    assert outsider.status_code == 404
    assert outsider.json()["error"]["code"] == "not_found"
    response = call(personas.city_official, personas.city, "POST", "/api/v1/organizations", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["name"] == "相談室 みなみ"
    assert created["is_active"] is True
    patch = call(
        personas.city_official,
        personas.city,
        "PATCH",
        f"/api/v1/organizations/{created['id']}",
        {"name_kana": "ｿｳﾀﾞﾝｼﾂ ﾐﾅﾐ", "office_number": "０４３１２０００９９"},
    )
    assert patch.status_code == 200, patch.content
    assert patch.json()["name_kana"] == "そうだんしつ みなみ"
    assert patch.json()["office_number"] == "0431200099"
    # The core center may not reach the city's own page, nor give an office no area.
    assert (
        call(
            personas.core_officer,
            personas.core_center,
            "PATCH",
            f"/api/v1/organizations/{personas.city.pk}",
            {"name": "x"},
        ).status_code
        == 404
    )
    core_create = call(
        personas.core_officer, personas.core_center, "POST", "/api/v1/organizations", body
    )
    assert core_create.status_code == 422
    # Junk: a JSON string, a lone surrogate, an id past bigint.
    junk = call(personas.city_official, personas.city, "POST", "/api/v1/organizations", '"abc"')
    assert junk.status_code in (400, 422)
    assert "error" in junk.json()
    surrogate = call(
        personas.city_official,
        personas.city,
        "POST",
        "/api/v1/organizations",
        '{"kind": "other", "name": "\\ud800"}',
    )
    assert surrogate.status_code in (400, 422)
    huge = call(personas.city_official, personas.city, "PATCH", f"/api/v1/organizations/{BIG}", {})
    assert huge.status_code in (404, 422)


# --- Organizations: the form, kana, the office number ------------------------------------


def _form(**extra):
    data = {"kind": "designated_planning_office", "name": "相談支援事業所 こもれび"}
    data.update(extra)
    return data


def test_a_manager_adds_and_edits_an_office(personas, world, client_as):
    core = client_as(personas.core_officer)
    response = core.post(
        "/organizations/manage/new/",
        _form(
            name_kana="ｿｳﾀﾞﾝｼｴﾝｼﾞｷﾞｮｳｼｮ ｺﾓﾚﾋﾞ",
            office_number="0431-200-015",
            corporation_name="社会福祉法人 みどり会",
            areas_served=[world["chuo"].pk],
            has_accounts="on",
            caseload_cap="50",
            caseload_cap_due_on="R9.3.31",
        ),
    )
    assert response.status_code == 302, response.content.decode()
    office = Organization.objects.get(office_number="0431200015")
    assert office.name_kana == "そうだんしえんじぎょうしょ こもれび"
    assert office.corporation is not None
    assert office.corporation.name == "社会福祉法人 みどり会"
    assert office.caseload_cap == 50
    assert office.caseload_cap_due_on == dt.date(2027, 3, 31)
    assert list(office.areas_served.all()) == [world["chuo"]]
    assert AuditEvent.objects.filter(
        action="organization.created", target_id=str(office.pk)
    ).exists()
    edit = core.post(
        f"/organizations/manage/{office.pk}/edit/",
        _form(
            name="相談支援事業所 こもれび東", areas_served=[world["chuo"].pk], closed_on="R7.3.31"
        ),
    )
    assert edit.status_code == 302
    office.refresh_from_db()
    assert office.name == "相談支援事業所 こもれび東"
    assert not office.is_active
    row = AuditEvent.objects.filter(action="organization.updated", target_id=str(office.pk)).get()
    assert row.detail["before"]["name"] == "相談支援事業所 こもれび"
    assert row.detail["after"]["closed_on"] == "2025-03-31"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"name_kana": "Komorebi"}, "ふりがなはひらがな・カタカナ"),
        ({"name_kana": "木漏れ日"}, "ふりがなはひらがな・カタカナ"),
        ({"office_number": "043120001"}, "半角数字10桁"),
        ({"office_number": "04312000155"}, "半角数字10桁"),
        ({"office_number": "9931200015"}, "都道府県番号"),
        ({"office_number": "04312OOO15"}, "半角数字10桁"),
        ({"kind": "city_department"}, "候補にありません"),
        ({"caseload_cap": "50", "kind": "service_provider"}, "件数の上限"),
        ({"caseload_cap_due_on": "R9.3.31"}, "期限は上限と一緒"),
        ({"opened_on": "99999"}, ""),
        ({"closed_on": "2099-01-01"}, "廃止日は今日まで"),
        ({"areas_served": []}, "担当地域"),
    ],
)
def test_bad_input_is_a_japanese_message(personas, world, client_as, extra, message):
    data = _form(**{"areas_served": [world["chuo"].pk], **extra})
    response = client_as(personas.core_officer).post("/organizations/manage/new/", data)
    assert response.status_code == 400, extra
    assert message in response.content.decode()
    assert not Organization.objects.filter(name="相談支援事業所 こもれび").exists()


def test_an_office_number_is_taken_once(personas, world, client_as):
    OrganizationFactory.create(code="taken", name="既存の事業所", office_number="0431200015")
    response = client_as(personas.city_official).post(
        "/organizations/manage/new/", _form(office_number="０４３１２０００１５")
    )
    assert response.status_code == 400
    assert "すでに「既存の事業所」に登録されています" in response.content.decode()


# --- Memberships ---------------------------------------------------------------------------


def test_a_membership_is_added_and_ended_and_its_history_stays(personas, world, client_as):
    core = client_as(personas.core_officer)
    newcomer = User.objects.create(username="newcomer", full_name="新井 光")
    MembershipFactory.create(user=newcomer, organization=personas.office_b)
    response = core.post(
        f"/organizations/manage/{personas.office_a.pk}/members/new/",
        {"user": newcomer.pk, "job_title": JobTitle.COUNSELOR, "role": "staff"},
    )
    assert response.status_code == 302, response.content.decode()
    added = _membership(newcomer, personas.office_a)
    assert added.started_on == TODAY()
    again = core.post(
        f"/organizations/manage/{personas.office_a.pk}/members/new/",
        {"user": newcomer.pk, "job_title": JobTitle.COUNSELOR, "role": "staff"},
    )
    assert again.status_code == 400
    assert "すでにこの組織に所属" in again.content.decode()
    future = core.post(
        f"/organizations/manage/members/{added.pk}/end/",
        {"ended_on": (TODAY() + dt.timedelta(days=3)).isoformat()},
    )
    assert future.status_code == 400
    ended = core.post(
        f"/organizations/manage/members/{added.pk}/end/", {"ended_on": TODAY().isoformat()}
    )
    assert ended.status_code == 302
    added.refresh_from_db()
    assert not added.is_active
    assert added.ended_on == TODAY()
    assert Membership.objects.filter(pk=added.pk).exists()  # never deleted
    page = core.get(f"/organizations/manage/{personas.office_a.pk}/").content.decode()
    assert "新井 光" in page
    assert "終了" in page
    # Ended twice is a conflict, not a second end; and a new membership may follow the old.
    assert core.get(f"/organizations/manage/members/{added.pk}/end/").status_code == 200
    assert (
        core.post(
            f"/organizations/manage/members/{added.pk}/end/", {"ended_on": TODAY().isoformat()}
        ).status_code
        == 409
    )
    rejoin = core.post(
        f"/organizations/manage/{personas.office_a.pk}/members/new/",
        {"user": newcomer.pk, "job_title": JobTitle.CONSULTATION_SPECIALIST, "role": "staff"},
    )
    assert rejoin.status_code == 302
    assert Membership.objects.filter(user=newcomer, organization=personas.office_a).count() == 2
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"membership.added", "membership.ended"} <= actions


def test_the_core_center_cannot_add_a_city_official_to_an_office(personas, world, client_as):
    response = client_as(personas.core_officer).post(
        f"/organizations/manage/{personas.office_a.pk}/members/new/",
        {"user": personas.city_official.pk, "job_title": JobTitle.COUNSELOR, "role": "manager"},
    )
    assert response.status_code == 400  # not among the choices
    assert not Membership.objects.filter(
        user=personas.city_official, organization=personas.office_a
    ).exists()


# --- The office list import ----------------------------------------------------------------


def _import(client, raw: bytes, name: str = "offices.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        "/organizations/manage/import/",
        {"step": "preview", "file": SimpleUploadedFile(name, raw, content_type="text/csv")},
    )


def _commit(client, preview):
    content = _found(r'name="content" value="([^"]+)"', preview.content.decode())
    return client.post("/organizations/manage/import/", {"step": "commit", "content": content})


def test_the_sample_file_previews_commits_and_updates_on_reimport(personas, world, client_as):
    city = client_as(personas.city_official)
    before = Organization.objects.count()
    preview = _import(city, SAMPLE.read_bytes())
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "相談支援事業所 こもれび" in page
    assert "新規" in page
    assert "中央区" in page
    assert Organization.objects.count() == before  # a dry run
    done = _commit(city, preview)
    assert done.status_code == 302
    assert Organization.objects.count() == before + 8
    office = Organization.objects.get(office_number="0431200015")
    assert office.kind == OrganizationKind.DESIGNATED_PLANNING_OFFICE
    assert office.name_kana == "そうだんしえんじぎょうしょ こもれび"
    assert list(office.areas_served.values_list("name", flat=True)) == ["中央区"]
    assert AuditEvent.objects.filter(action="organization.imported").count() == 1
    assert AuditEvent.objects.filter(action="organization.created").count() == 8
    # Again, with one name changed, in CP932 as Excel saves it: one update, nothing new.
    text = SAMPLE.read_text(encoding="utf-8-sig").replace("こもれび", "こもれび中央")
    again = _import(city, text.encode("cp932"))
    assert again.status_code == 200
    assert "更新" in again.content.decode()
    assert "変更なし" in again.content.decode()
    assert _commit(city, again).status_code == 302
    assert Organization.objects.count() == before + 8
    office.refresh_from_db()
    assert office.name == "相談支援事業所 こもれび中央"


def test_one_bad_row_commits_nothing(personas, world, client_as):
    city = client_as(personas.city_official)
    lines = SAMPLE.read_text(encoding="utf-8-sig").splitlines()
    lines[3] = lines[3].replace("0431300014", "043130001")  # nine digits
    lines[5] = lines[5].replace("計画相談支援", "占い")  # not a service
    lines.append(lines[1])  # the first office again
    raw = "\r\n".join(lines).encode("utf-8")
    before = Organization.objects.count()
    preview = _import(city, raw)
    assert preview.status_code == 400
    page = preview.content.decode()
    assert "半角数字10桁" in page
    assert "サービス種別「占い」は取り込めません" in page
    assert "2 行目と重複しています" in page
    assert 'name="step" value="commit"' not in page  # nothing to confirm
    # Committing anyway (the form forged) still changes nothing.
    import base64

    forged = city.post(
        "/organizations/manage/import/",
        {"step": "commit", "content": base64.b64encode(raw).decode()},
    )
    assert forged.status_code == 400
    assert Organization.objects.count() == before


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("事業所番号,事業所名".encode("utf-16"), "文字コード"),
        (b"", "空です"),
        ("名前,住所\r\nあ,い\r\n".encode(), "見出しの行に"),
        ("事業所番号,事業所名,サービス種別\r\n".encode(), "見出しのほかに行がありません"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "CSVファイルではない"),
    ],
)
def test_a_file_that_is_not_an_office_list_is_a_message(personas, world, client_as, raw, message):
    response = _import(client_as(personas.city_official), raw)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_import_api_previews_and_commits(personas, world, client):
    token = api_token_for(personas.city_official, personas.city)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def post(commit: bool):
        with SAMPLE.open("rb") as f:
            return client.post(
                "/api/v1/manage/organizations/import", {"file": f, "commit": commit}, **headers
            )

    dry = post(False)
    assert dry.status_code == 200, dry.content
    assert dry.json()["committed"] is False
    assert len(dry.json()["rows"]) == 8
    assert not Organization.objects.filter(office_number="0431200015").exists()
    done = post(True)
    assert done.json()["committed"] is True
    assert Organization.objects.filter(office_number__startswith="04312").count() == 3
    core = api_token_for(personas.core_officer, personas.core_center)
    with SAMPLE.open("rb") as f:
        refused = client.post(
            "/api/v1/manage/organizations/import", {"file": f}, HTTP_AUTHORIZATION=f"Bearer {core}"
        )
    assert refused.status_code == 404


# --- Accounts ------------------------------------------------------------------------------


def test_an_account_is_created_with_an_invitation_not_a_password(
    personas, world, client_as, client, django_capture_on_commit_callbacks
):
    core = client_as(personas.core_officer)
    data = {
        "username": "komorebi1",
        "full_name": "木下 陽子",
        "full_name_kana": "ｷﾉｼﾀ ﾖｳｺ",
        "email": "kinoshita@example.jp",
        "organization": personas.office_a.pk,
        "job_title": JobTitle.CONSULTATION_SPECIALIST,
        "role": "staff",
        "otp": "000000",
    }
    wrong = core.post("/accounts/manage/users/new/", data)
    assert wrong.status_code == 400
    assert "確認コードが正しくありません" in wrong.content.decode(), wrong.context["form"].errors
    assert not User.objects.filter(username="komorebi1").exists()
    assert AuditEvent.objects.filter(action="auth.otp_failed", actor=personas.core_officer).exists()
    data["otp"] = _code(personas.core_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = core.post("/accounts/manage/users/new/", data)
    assert response.status_code == 302, response.content.decode()
    user = User.objects.get(username="komorebi1")
    assert not user.has_usable_password()
    assert user.full_name_kana == "きのした ようこ"
    assert _membership(user, personas.office_a).job_title == JobTitle.CONSULTATION_SPECIALIST
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["kinoshita@example.jp"]
    link = _found(r"(https?://\S+)", str(mail.outbox[0].body))
    path = link.split("testserver", 1)[-1]
    assert "木下" not in link
    # The link sets a password once.
    first = client.get(path, follow=True)
    assert first.status_code == 200
    assert "パスワードを決める" in first.content.decode()
    form_path = first.redirect_chain[-1][0]
    done = client.post(
        form_path,
        {"new_password1": "midori-spring-river-7", "new_password2": "midori-spring-river-7"},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("midori-spring-river-7")
    again = client.get(path, follow=True)
    assert again.status_code == 404
    assert "このリンクは使えません" in again.content.decode()
    assert not default_token_generator.check_token(user, path.rstrip("/").split("/")[-1])


def test_an_account_is_disabled_its_sessions_and_tokens_end(personas, world, client_as):
    token = api_token_for(personas.colleague_a, personas.office_a)
    epoch = personas.colleague_a.session_epoch
    response = client_as(personas.core_officer).post(
        f"/accounts/manage/users/{personas.colleague_a.pk}/disable/"
    )
    assert response.status_code == 302
    personas.colleague_a.refresh_from_db()
    assert not personas.colleague_a.is_active
    assert personas.colleague_a.session_epoch == epoch + 1
    assert ApiToken.objects.get(prefix=token[4:12]).revoked_at is not None
    # Someone the center does not manage: 404, and nothing changes.
    refused = client_as(personas.core_officer).post(
        f"/accounts/manage/users/{personas.city_official.pk}/disable/"
    )
    assert refused.status_code == 404
    personas.city_official.refresh_from_db()
    assert personas.city_official.is_active


def test_resetting_2fa_asks_for_the_managers_own_code(personas, world, client_as):
    client_as(personas.colleague_a)  # gives the colleague an authenticator
    city = client_as(personas.city_official)
    url = f"/accounts/manage/users/{personas.colleague_a.pk}/reset-2fa/"
    assert city.post(url, {"otp": "12"}).status_code == 400
    assert TOTPDevice.objects.filter(user=personas.colleague_a).exists()
    response = city.post(url, {"otp": _code(personas.city_official)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=personas.colleague_a).exists()
    assert AuditEvent.objects.filter(
        action="user.2fa_reset", target_id=str(personas.colleague_a.pk)
    ).exists()


def test_the_account_api_does_what_the_screens_do(
    personas, world, client, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://tsunagu.example.jp"
    TOTPDeviceFactory.create(user=personas.city_official)
    token = api_token_for(personas.city_official, personas.city)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = {
        "username": "nishi1",
        "full_name": "西田 翼",
        "email": "nishida@example.jp",
        "organization_id": personas.office_b.pk,
        "job_title": "counselor",
        "otp": _code(personas.city_official),
    }
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            "/api/v1/accounts", json.dumps(body), content_type="application/json", **headers
        )
    assert created.status_code == 201, created.content
    user_id = created.json()["id"]
    assert created.json()["has_password"] is False
    assert "https://tsunagu.example.jp/accounts/invitation/" in mail.outbox[-1].body
    disabled = client.post(f"/api/v1/accounts/{user_id}/disable", **headers)
    assert disabled.status_code == 200
    assert disabled.json()["is_active"] is False
    assert client.post(f"/api/v1/accounts/{user_id}/disable", **headers).status_code == 409
    outsider = api_token_for(personas.counselor_b, personas.office_b)
    assert (
        client.get(
            f"/api/v1/accounts/{user_id}", HTTP_AUTHORIZATION=f"Bearer {outsider}"
        ).status_code
        == 404
    )
    services_refusal = client.post(
        f"/api/v1/accounts/{personas.city_official.pk}/reset-2fa",
        json.dumps({"otp": "123456"}),
        content_type="application/json",
        **headers,
    )
    assert services_refusal.status_code == 404  # their own account
