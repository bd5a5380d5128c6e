"""Editing a person so that they match someone else: the same notice and confirmation as on
registration."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from tsunagu.audit.models import Action, AuditEvent
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


def test_edit_to_an_invisible_duplicate_names_only_the_organization(personas, client_as, suzuki):
    personas.office_b.phone = "022-333-4444"
    personas.office_b.save()
    hidden = PersonFactory.create(
        family_name="鈴木",
        given_name="秘子",
        family_name_kana="スズキ",
        given_name_kana="ヒメコ",
        birth_date=dt.date(1990, 9, 9),
        address="みどり市楓区秘密町9-9",
        registered_by_organization=personas.office_b,
    )
    response = client_as(personas.counselor_a).post(
        reverse("people:person_edit", args=[suzuki.pk]),
        _edit_data(suzuki, given_name_kana="ヒメコ", birth_date="1990-09-09"),
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert (
        "似た記録が相談支援センター かえでにあります。"
        "必要な場合は 電話: 022-333-4444 に問い合わせてください。"
    ) in content
    section = re.search(r'<section class="panel message--warning".*?</section>', content, re.S)
    assert section is not None
    assert "秘子" not in section.group(0)
    assert "秘密町" not in content
    assert f"/people/{hidden.pk}/" not in content
    suzuki.refresh_from_db()
    assert suzuki.given_name_kana == "ハナコ"
