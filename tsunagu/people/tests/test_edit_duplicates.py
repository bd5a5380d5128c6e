"""Editing a person so that they match someone else: the same notice and confirmation as on
registration."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tsunagu.audit.models import Action, AuditEvent
from tsunagu.people.models import DuplicateCandidate
from tsunagu.people.tests.factories import PersonFactory
from tsunagu.people.tests.test_persons import _edit_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def suzuki(personas):
    """Someone else, registered by office A: 鈴木 花子, no phone."""
    return PersonFactory.create(
        family_name="鈴木",
        given_name="花子",
        family_name_kana="スズキ",
        given_name_kana="ハナコ",
        birth_date=dt.date(1980, 2, 3),
        phone="",
        registered_by_organization=personas.office_a,
    )


def test_edit_to_a_visible_duplicate_asks_for_confirmation(personas, client_as, yamada, suzuki):
    client = client_as(personas.counselor_a)
    url = reverse("people:person_edit", args=[suzuki.pk])
    data = _edit_data(suzuki, phone="090-1234-5678")  # 山田 太郎's phone
    response = client.post(url, data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "似た記録があります" in content
    assert reverse("people:person_detail", args=[yamada.pk]) in content
    assert "別人として保存する" in content
    assert 'name="confirm_new" value="True"' in content
    assert "090-1234-5678" in content  # the input is kept
    suzuki.refresh_from_db()
    assert (suzuki.phone, suzuki.version) == ("", 1)
    check = AuditEvent.objects.get(action=Action.RECORD_VIEWED, target_id=str(suzuki.pk))
    assert check.detail["duplicate_check"]["candidates"] == 1

    # Confirmed as someone else: saved.
    response = client.post(url, {**data, "confirm_new": "True"})
    assert response.status_code == 302
    suzuki.refresh_from_db()
    assert suzuki.phone == "090-1234-5678"


def test_edit_does_not_match_the_person_themself(personas, client_as, yamada):
    # Only the address changes, then the kana slightly: still only 山田 太郎 himself matches.
    client = client_as(personas.counselor_a)
    url = reverse("people:person_edit", args=[yamada.pk])
    assert client.post(url, _edit_data(yamada, address="新しい住所")).status_code == 302
    yamada.refresh_from_db()
    response = client.post(url, _edit_data(yamada, given_name_kana="タロー"))
    assert response.status_code == 302


def test_edit_of_unrelated_fields_skips_the_check(personas, client_as, yamada):
    twin = PersonFactory.create(
        family_name_kana="ヤマダ",
        given_name_kana="タロウ",
        birth_date=dt.date(1975, 6, 1),
        registered_by_organization=personas.office_a,
    )
    response = client_as(personas.counselor_a).post(
        reverse("people:person_edit", args=[twin.pk]), _edit_data(twin, address="別の住所")
    )
    assert response.status_code == 302


def test_edit_to_an_invisible_duplicate_saves_and_queues(personas, client_as, suzuki):
    """Issue 13, item 7 (this test used to pin the organization's name and phone): the edit
    is saved as if there were no match, and the match waits in the core center's queue."""
    hidden = PersonFactory.create(
        family_name="鈴木",
        given_name="秘子",
        family_name_kana="スズキ",
        given_name_kana="ヒメコ",
        birth_date=dt.date(1990, 9, 9),
        address="みどり市楓区秘密町9-9",
        registered_by_organization=personas.office_b,
    )
    client = client_as(personas.counselor_a)
    response = client.post(
        reverse("people:person_edit", args=[suzuki.pk]),
        _edit_data(suzuki, given_name_kana="ヒメコ", birth_date="1990-09-09"),
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    for secret in ("似た記録", "秘子", "秘密町", personas.office_b.name, f"/people/{hidden.pk}/"):
        assert secret not in page
    suzuki.refresh_from_db()
    assert suzuki.given_name_kana == "ヒメコ"
    queued = DuplicateCandidate.objects.get()
    assert (queued.person, queued.match) == (suzuki, hidden)


def test_api_patch_runs_the_same_check(personas, client, api_headers, yamada, suzuki):
    headers = api_headers(personas.counselor_a)
    hidden = PersonFactory.create(
        family_name_kana="スズキ",
        given_name_kana="ヒメコ",
        birth_date=dt.date(1990, 9, 9),
        phone="",
        registered_by_organization=personas.office_b,
    )
    url = f"/api/v1/persons/{suzuki.pk}"
    # A visible match (山田 太郎's phone): 409 with him as the only candidate.
    response = client.patch(
        url, {"version": 1, "phone": "090-1234-5678"}, content_type="application/json", **headers
    )
    assert response.status_code == 409, response.content
    error = response.json()["error"]
    assert error["code"] == "possible_duplicate"
    assert error["candidates"] == [{"id": yamada.pk, "display_name": yamada.display_name}]
    confirmed = client.patch(
        url,
        {"version": 1, "phone": "090-1234-5678", "confirm_new": True},
        content_type="application/json",
        **headers,
    )
    assert confirmed.status_code == 200, confirmed.content
    assert not DuplicateCandidate.objects.exists()
    # A match the office may not see: saved, the answer says nothing, the queue has it.
    response = client.patch(
        url,
        {"version": 2, "given_name_kana": "ヒメコ", "birth_date": "1990-09-09", "phone": ""},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["given_name_kana"] == "ヒメコ"
    assert "error" not in body
    assert "candidates" not in body
    assert DuplicateCandidate.objects.get().match == hidden
