"""Registering, finding, editing and viewing a person (本人)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tsunagu.audit.models import Action, AuditEvent
from tsunagu.people.models import DuplicateCandidate, Person
from tsunagu.people.tests.conftest import person_form_data
from tsunagu.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("people:person_create")


# --- Search -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "やまだ",
        "ﾔﾏﾀﾞ",
        "ヤマダタロウ",
        "ヤマダ　タロウ",
        "山田太郎",
        "山田 太郎",
        "山田",
        "1975-06-01",
        "昭和50年6月1日",
        "S50.6.1",
        "09012345678",
        "090-1234-5678",
    ],
)
def test_search_finds_a_person_however_the_name_is_typed(personas, client_as, yamada, query):
    other = PersonFactory.create(
        family_name="勘解由小路",
        given_name="一郎",
        family_name_kana="カデノコウジ",
        given_name_kana="イチロウ",
        birth_date=dt.date(1990, 1, 1),
        phone="011-111-1111",
        registered_by_organization=personas.office_a,
    )
    response = client_as(personas.counselor_a).get(reverse("people:person_search"), {"q": query})
    assert response.status_code == 200
    content = response.content.decode()
    assert reverse("people:person_detail", args=[yamada.pk]) in content
    assert reverse("people:person_detail", args=[other.pk]) not in content
    assert "昭和50年6月1日" in content  # the birth date in the era calendar


@pytest.mark.parametrize("query", ["やまだ", "ﾔﾏﾀﾞ", "ヤマダタロウ", "山田太郎", "1975-06-01"])
def test_search_never_shows_a_person_of_another_organization(personas, client_as, yamada, query):
    response = client_as(personas.counselor_b).get(reverse("people:person_search"), {"q": query})
    assert response.status_code == 200
    content = response.content.decode()
    assert "0件" in content
    assert "ヤマダ タロウ" not in content
    assert reverse("people:person_detail", args=[yamada.pk]) not in content


def test_search_api_uses_the_same_rules(personas, client, yamada, api_headers):
    for query in ("やまだ", "ﾔﾏﾀﾞ", "ヤマダタロウ"):
        response = client.get("/api/v1/persons", {"q": query}, **api_headers(personas.counselor_a))
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 1
        assert body["results"][0]["id"] == yamada.pk
        assert body["results"][0]["display_name"] == "山田 太郎"
    response = client.get("/api/v1/persons", {"q": "やまだ"}, **api_headers(personas.counselor_b))
    assert (response.json()["results"], response.json()["count"]) == ([], 0)


def test_search_results_are_paginated(personas, client_as):
    for n in range(30):
        PersonFactory.create(
            family_name_kana="タナカ",
            given_name_kana="ジロウ",
            phone=f"090-0000-{n:04d}",
            birth_date=dt.date(1960, 1, 1) + dt.timedelta(days=n),
            registered_by_organization=personas.office_a,
        )
    client = client_as(personas.counselor_a)
    first = client.get(reverse("people:person_search"), {"q": "たなか"})
    assert "1 / 2 ページ" in first.content.decode()
    second = client.get(reverse("people:person_search"), {"q": "たなか", "page": 2})
    assert second.status_code == 200
    assert second.content.decode().count("/people/") >= 5


def test_search_pages_come_with_their_count_from_one_query(personas, client_as):
    """The page's query carries the count (core.paging): the visibility UNION runs once, and
    the screen shows what a count query and a page query showed."""
    people = [
        PersonFactory.create(
            family_name_kana="タナカ",
            given_name_kana="サブロウ",
            birth_date=dt.date(1960, 1, 1) + dt.timedelta(days=n),
            registered_by_organization=personas.office_a,
        )
        for n in range(30)
    ]
    PersonFactory.create(family_name_kana="タナカ", registered_by_organization=personas.office_b)
    client = client_as(personas.counselor_a)
    by_birth = [p.pk for p in people]
    for page, shown in ((1, by_birth[:25]), (2, by_birth[25:]), (9, by_birth[25:])):
        query = {"q": "たなか", "sort": "birth_date", "page": page}
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("people:person_search"), query)
        assert response.status_code == 200
        assert [p.pk for p in response.context["rows"]] == shown
        content = response.content.decode()
        assert "30件" in content
        assert "2 / 2 ページ" in content if page > 1 else "1 / 2 ページ" in content
        listed = AuditEvent.objects.filter(action=Action.RECORDS_LISTED).latest("pk")
        assert listed.person_ids == shown
        person_reads = [q["sql"] for q in ctx.captured_queries if '"people_person"' in q["sql"]]
        # Past the last page: that page, the count, then the last page (as before).
        assert len(person_reads) == (3 if page == 9 else 1)


def test_search_sorts_by_a_column_and_keeps_the_words(personas, client_as):
    for kana, born in (("タナカ", dt.date(1990, 1, 1)), ("タナベ", dt.date(1950, 1, 1))):
        PersonFactory.create(
            family_name_kana=kana,
            given_name_kana="ハナコ",
            birth_date=born,
            registered_by_organization=personas.office_a,
        )
    client = client_as(personas.counselor_a)
    by_kana = client.get(reverse("people:person_search"), {"q": "たな"}).context["rows"]
    assert [p.family_name_kana for p in by_kana] == ["タナカ", "タナベ"]
    by_birth = client.get(reverse("people:person_search"), {"q": "たな", "sort": "birth_date"})
    assert [p.family_name_kana for p in by_birth.context["rows"]] == ["タナベ", "タナカ"]
    assert "q=%E3%81%9F%E3%81%AA" in by_birth.content.decode()  # the words kept in the links


def test_nothing_is_read_before_anything_is_typed(personas, client_as, yamada):
    client = client_as(personas.counselor_a)
    for query in ({}, {"q": "  "}):
        response = client.get(reverse("people:person_search"), query)
        assert response.status_code == 200
        assert reverse("people:person_detail", args=[yamada.pk]) not in response.content.decode()
    partial = client.get(reverse("people:person_search"), HTTP_HX_REQUEST="true")
    assert "<h1>" not in partial.content.decode()
    assert not AuditEvent.objects.filter(action=Action.RECORDS_LISTED).exists()


def test_search_results_come_as_a_partial_for_htmx(personas, client_as, yamada):
    response = client_as(personas.counselor_a).get(
        reverse("people:person_search"), {"q": "やまだ"}, HTTP_HX_REQUEST="true"
    )
    content = response.content.decode()
    assert "<h1>" not in content
    assert reverse("people:person_detail", args=[yamada.pk]) in content


@pytest.mark.parametrize("query", ["あ" * 101, "ｱ" * 101])
def test_words_too_long_are_refused_with_a_message(personas, client_as, query):
    response = client_as(personas.counselor_a).get(reverse("people:person_search"), {"q": query})
    assert response.status_code == 400
    assert "100" in response.content.decode()  # the form's own message names the limit
    listed = AuditEvent.objects.get(action=Action.RECORDS_LISTED)
    assert listed.person_ids == []


# --- Create -----------------------------------------------------------------------------------


def test_create_stores_kana_as_full_width_katakana(personas, client_as):
    data = person_form_data(
        family_name_kana="ｻﾄｳ",
        given_name_kana="はなこ",
        cert_physical_status="held",
        cert_physical_grade="2",
        cert_physical_type="limb",
        cert_intellectual_status="applying",
        disability_categories=["physical", "intellectual"],
        primary_category="physical",
        support_category="3",
    )
    response = client_as(personas.counselor_a).post(CREATE_URL, data)
    assert response.status_code == 302
    person = Person.objects.get(family_name="佐藤")
    assert response["Location"] == reverse("people:person_detail", args=[person.pk])
    assert person.family_name_kana == "サトウ"
    assert person.given_name_kana == "ハナコ"
    assert person.kana_name == "サトウ ハナコ"
    assert person.kana_normalized == "サトウハナコ"
    assert person.phone_normalized == "08022223333"
    assert person.registered_by_organization == personas.office_a
    assert person.disability_categories == ["physical", "intellectual"]
    certificates = {c.kind: c for c in person.certificates.all()}
    assert certificates["physical"].grade == "2"
    assert certificates["physical"].physical_type == "limb"
    assert certificates["intellectual"].status == "applying"
    assert "mental" not in certificates
    created = AuditEvent.objects.get(action=Action.RECORD_CREATED, target_id=str(person.pk))
    assert created.detail["duplicate_check"]["candidates"] == 0
    assert "佐藤" not in str(created.detail)  # field names, never values


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        # In the future but within the dates any field takes (2999 is refused as out of range).
        ({"birth_date": "2099-01-01"}, "生年月日が未来の日付になっています。"),
        ({"family_name_kana": ""}, "姓（カナ）を入力してください。"),
        (
            {"given_name_kana": "Yamada"},
            "名（カナ）はカナ（ひらがな・カタカナ）で入力してください。",
        ),
        (
            {"family_name_kana": "山田"},
            "姓（カナ）はカナ（ひらがな・カタカナ）で入力してください。",
        ),
        (
            {"cert_physical_status": "held", "cert_physical_grade": "7"},
            "身体障害者手帳の等級・判定は 1・2・3・4・5・6 のいずれかです。",
        ),
        (
            {"cert_intellectual_status": "held", "cert_intellectual_grade": "3"},
            "療育手帳の等級・判定は A・B のいずれかです。",
        ),
        (
            {"cert_mental_status": "held", "cert_mental_grade": "4"},
            "精神障害者保健福祉手帳の等級・判定は 1・2・3 のいずれかです。",
        ),
        (
            {"disability_categories": ["intellectual"], "primary_category": "mental"},
            "主たる障害種別は、チェックした障害種別の中から選んでください。",
        ),
        ({"phone": "でんわ"}, "電話番号は 10〜11 桁の数字で入力してください（ハイフン可）。"),
    ],
)
def test_bad_input_is_refused_with_a_japanese_message(personas, client_as, overrides, message):
    before = Person.objects.count()
    data = person_form_data(**overrides)
    response = client_as(personas.counselor_a).post(CREATE_URL, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Person.objects.count() == before
    # What the user typed is still in the form.
    assert "みどり市青葉区中央1-1" in response.content.decode()


def test_bad_input_through_the_api_is_a_422_with_fields(personas, client, api_headers):
    response = client.post(
        "/api/v1/persons",
        {
            "family_name_kana": "Yamada",
            "given_name_kana": "たろう",
            # In the future but within the dates any field takes (2999 is out of range).
            "birth_date": "2099-01-01",
            "certificates": [{"kind": "physical", "status": "held", "grade": "7"}],
        },
        content_type="application/json",
        **api_headers(personas.counselor_a),
    )
    assert response.status_code == 422
    body = response.json()["error"]
    assert body["code"] == "validation_error"
    fields = {f["field"]: f["message"] for f in body["fields"]}
    assert fields["birth_date"] == "生年月日が未来の日付になっています。"
    assert "カナ" in fields["family_name_kana"]
    assert "1・2・3・4・5・6" in fields["cert_physical_grade"]
    assert not Person.objects.exists()


def test_api_create_sets_the_registering_organization(personas, client, api_headers):
    response = client.post(
        "/api/v1/persons",
        {"family_name": "高橋", "family_name_kana": "たかはし", "given_name_kana": "ｹﾝ"},
        content_type="application/json",
        **api_headers(personas.counselor_a),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["family_name_kana"] == "タカハシ"
    assert body["given_name_kana"] == "ケン"
    assert body["registered_by_organization"] == personas.office_a.name


# --- Duplicates -------------------------------------------------------------------------------


def test_duplicate_the_user_may_see_is_shown_with_a_link(personas, client_as, yamada):
    client = client_as(personas.counselor_a)
    data = person_form_data(
        family_name="山田",
        given_name="太郎",
        family_name_kana="やまだ",
        given_name_kana="たろう",
        birth_date="1975-06-01",
        phone="",
    )
    response = client.post(CREATE_URL, data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "似た記録があります" in content
    assert reverse("people:person_detail", args=[yamada.pk]) in content
    assert "別人として登録する" in content
    assert Person.objects.count() == 1
    check = AuditEvent.objects.filter(action=Action.RECORD_VIEWED, target_type="people.person")
    assert check.get().detail["duplicate_check"]["candidates"] == 1

    # Confirmed as someone else: registered.
    response = client.post(CREATE_URL, {**data, "confirm_new": "True"})
    assert response.status_code == 302
    assert Person.objects.count() == 2


def test_duplicate_found_by_phone_alone(personas, client_as, yamada):
    data = person_form_data(phone="090 1234 5678")
    response = client_as(personas.counselor_a).post(CREATE_URL, data)
    assert reverse("people:person_detail", args=[yamada.pk]) in response.content.decode()
    assert Person.objects.count() == 1


def test_duplicate_elsewhere_is_not_mentioned(personas, client_as):
    """Issue 13, item 7 (this test used to pin the organization's name and phone): a record
    the office may not see changes nothing in its answer; it goes to the core center's queue."""
    hidden = PersonFactory.create(
        family_name="山田",
        given_name="太郎",
        family_name_kana="ヤマダ",
        given_name_kana="タロウ",
        birth_date=dt.date(1975, 6, 1),
        phone="090-9999-0000",
        address="みどり市楓区秘密町9-9",
        registered_by_organization=personas.office_b,
    )
    data = person_form_data(
        family_name="",
        given_name="",
        family_name_kana="やまだ",
        given_name_kana="たろ",  # a typo: still similar enough
        birth_date="1975-06-01",
        phone="",
    )
    response = client_as(personas.counselor_a).post(CREATE_URL, data)
    assert response.status_code == 302  # registered at once, as with no match at all
    created = Person.objects.exclude(pk=hidden.pk).get()
    page = client_as(personas.counselor_a).get(response["Location"]).content.decode()
    secrets = ("似た記録", personas.office_b.name, "秘密町", "090-9999", f"/people/{hidden.pk}/")
    for secret in secrets:
        assert secret not in page
    detail = AuditEvent.objects.get(
        action=Action.RECORD_CREATED, target_type="people.person"
    ).detail["duplicate_check"]
    assert detail == {"candidates": 0, "confirmed_new": False}
    queued = DuplicateCandidate.objects.get()
    assert (queued.person, queued.match, queued.raised_by_organization) == (
        created,
        hidden,
        personas.office_a,
    )
    assert queued.matched_on == ["kana_birth_date"]


def test_duplicate_through_the_api_is_a_409(personas, client, yamada, api_headers):
    hidden = PersonFactory.create(
        family_name_kana="ヤマダ",
        given_name_kana="タロウ",
        birth_date=dt.date(1975, 6, 1),
        phone="",
        registered_by_organization=personas.office_b,
    )
    body = {"family_name_kana": "やまだ", "given_name_kana": "たろう", "birth_date": "1975-06-01"}
    response = client.post(
        "/api/v1/persons",
        body,
        content_type="application/json",
        **api_headers(personas.counselor_a),
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "possible_duplicate"
    assert error["candidates"] == [{"id": yamada.pk, "display_name": "山田 太郎"}]
    assert set(error) == {"code", "message", "candidates"}  # nothing about `hidden`
    assert not DuplicateCandidate.objects.exists()  # nothing registered yet
    response = client.post(
        "/api/v1/persons",
        {**body, "confirm_new": True},
        content_type="application/json",
        **api_headers(personas.counselor_a),
    )
    assert response.status_code == 201
    assert DuplicateCandidate.objects.get().match == hidden


# --- Detail -----------------------------------------------------------------------------------


def test_detail_shows_era_dates_age_and_leaves_a_viewed_row(personas, client_as, yamada):
    client = client_as(personas.counselor_a)
    for _ in range(2):
        response = client.get(reverse("people:person_detail", args=[yamada.pk]))
        assert response.status_code == 200
    content = response.content.decode()
    assert "昭和50年6月1日" in content
    assert f"{yamada.age_on(timezone.localdate())}歳" in content
    views = AuditEvent.objects.filter(
        action=Action.RECORD_VIEWED, target_type="people.person", target_id=str(yamada.pk)
    )
    assert views.count() == 2
    assert {v.actor for v in views} == {personas.counselor_a}


def test_api_detail_for_the_registering_organization(personas, client, yamada, api_headers):
    response = client.get(f"/api/v1/persons/{yamada.pk}", **api_headers(personas.counselor_a))
    assert response.status_code == 200
    assert response.json()["family_name_kana"] == "ヤマダ"
    assert AuditEvent.objects.filter(action=Action.RECORD_VIEWED, target_id=str(yamada.pk)).exists()


# --- Edit and concurrency ---------------------------------------------------------------------


def _edit_data(person, **overrides):
    from tsunagu.people.forms import PersonEditForm

    initial = PersonEditForm.initial_for(person)
    data: dict[str, object] = {}
    for key, value in initial.items():
        if value is None or value is False:
            continue  # an unticked checkbox is not sent
        data[key] = getattr(value, "pk", value)
    data["birth_date"] = person.birth_date.isoformat() if person.birth_date else ""
    data["version"] = person.version
    data.update(overrides)
    return data


def test_edit_changes_the_person_and_audits_field_names(personas, client_as, yamada):
    response = client_as(personas.counselor_a).post(
        reverse("people:person_edit", args=[yamada.pk]),
        _edit_data(yamada, address="みどり市楓区新町2-2", given_name_kana="ﾀﾛｰ"),
    )
    assert response.status_code == 302
    yamada.refresh_from_db()
    assert yamada.address == "みどり市楓区新町2-2"
    assert yamada.given_name_kana == "タロー"
    assert yamada.kana_normalized == "ヤマダタロー"
    assert yamada.version == 2
    updated = AuditEvent.objects.get(action=Action.RECORD_UPDATED, target_id=str(yamada.pk))
    assert updated.detail == {"fields": ["address", "given_name_kana"]}


def test_two_edits_of_the_same_version_the_second_is_refused(personas, client_as, yamada):
    url = reverse("people:person_edit", args=[yamada.pk])
    first, second = client_as(personas.counselor_a), client_as(personas.colleague_a)
    assert first.get(url).status_code == 200
    assert second.get(url).status_code == 200
    response = first.post(url, _edit_data(yamada, address="一人目の住所"))
    assert response.status_code == 302
    response = second.post(url, _edit_data(yamada, address="二人目の住所"))
    assert response.status_code == 409
    content = response.content.decode()
    assert "ほかの人が先に更新しました。画面を開き直して内容を確認してください。" in content
    assert "二人目の住所" in content  # the user's input is still there
    yamada.refresh_from_db()
    assert yamada.address == "一人目の住所"
    assert yamada.version == 2


def test_api_patch_with_an_old_version_is_a_conflict(personas, client, yamada, api_headers):
    headers = api_headers(personas.counselor_a)
    url = f"/api/v1/persons/{yamada.pk}"
    ok = client.patch(url, {"version": 1, "notes": "A"}, content_type="application/json", **headers)
    assert ok.status_code == 200
    assert ok.json()["version"] == 2
    late = client.patch(
        url, {"version": 1, "notes": "B"}, content_type="application/json", **headers
    )
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "conflict"
    yamada.refresh_from_db()
    assert yamada.notes == "A"


def test_api_patch_validates(personas, client, yamada, api_headers):
    response = client.patch(
        f"/api/v1/persons/{yamada.pk}",
        {"version": 1, "birth_date": "2099-12-31"},  # future, within every date's range
        content_type="application/json",
        **api_headers(personas.counselor_a),
    )
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert fields == [{"field": "birth_date", "message": "生年月日が未来の日付になっています。"}]
    yamada.refresh_from_db()
    assert yamada.birth_date == dt.date(1975, 6, 1)


# --- Read-only member -------------------------------------------------------------------------


def test_reader_can_view_but_not_write(personas, client_as, client, yamada, api_headers):
    reader = client_as(personas.reader_a)
    assert reader.get(reverse("people:person_detail", args=[yamada.pk])).status_code == 200
    assert reader.get(CREATE_URL).status_code == 403
    response = reader.post(CREATE_URL, person_form_data())
    assert response.status_code == 403
    assert "閲覧のみの権限では変更できません。" in response.content.decode()
    assert Person.objects.count() == 1
    edit = reverse("people:person_edit", args=[yamada.pk])
    assert reader.get(edit).status_code == 403
    assert reader.post(edit, _edit_data(yamada, address="変更")).status_code == 403
    yamada.refresh_from_db()
    assert yamada.address != "変更"
    headers = api_headers(personas.reader_a)
    assert client.get(f"/api/v1/persons/{yamada.pk}", **headers).status_code == 200
    patch = client.patch(
        f"/api/v1/persons/{yamada.pk}",
        {"version": 1, "notes": "x"},
        content_type="application/json",
        **headers,
    )
    assert patch.status_code == 403
    post = client.post(
        "/api/v1/persons",
        {"family_name_kana": "た", "given_name_kana": "た"},
        content_type="application/json",
        **headers,
    )
    assert post.status_code == 403
    assert Person.objects.count() == 1
    assert (
        AuditEvent.objects.filter(action=Action.ACCESS_DENIED, actor=personas.reader_a).count() >= 4
    )
