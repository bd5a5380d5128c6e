"""The household list: only households the organization may see, searchable, paginated."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tsunagu.people.tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db

URL = reverse("people:household_list")


def test_lists_only_visible_households(personas, client_as):
    mine = HouseholdFactory.create(
        name="山田さん世帯", registered_by_organization=personas.office_a
    )
    theirs = HouseholdFactory.create(
        name="田中さん世帯", registered_by_organization=personas.office_b
    )
    content = client_as(personas.counselor_a).get(URL).content.decode()
    assert reverse("people:household_detail", args=[mine.pk]) in content
    assert reverse("people:household_detail", args=[theirs.pk]) not in content
    assert "田中さん世帯" not in content


def test_outsider_does_not_see_others_households(personas, client_as):
    hidden = HouseholdFactory.create(
        name="北島さん世帯", registered_by_organization=personas.office_a
    )
    client = client_as(personas.counselor_b)
    for params in ({}, {"q": "北島"}):
        response = client.get(URL, params)
        assert response.status_code == 200
        assert "北島さん世帯" not in response.content.decode()
        assert f"/people/households/{hidden.pk}/" not in response.content.decode()


def test_search_by_name(personas, client_as):
    yamada = HouseholdFactory.create(
        name="山田さん世帯", registered_by_organization=personas.office_a
    )
    sato = HouseholdFactory.create(
        name="佐藤さん世帯", registered_by_organization=personas.office_a
    )
    content = client_as(personas.counselor_a).get(URL, {"q": "佐藤"}).content.decode()
    assert reverse("people:household_detail", args=[sato.pk]) in content
    assert reverse("people:household_detail", args=[yamada.pk]) not in content


def test_paginated(personas, client_as):
    HouseholdFactory.create_batch(30, registered_by_organization=personas.office_a)
    client = client_as(personas.counselor_a)
    first = client.get(URL).content.decode()
    assert first.count('href="/people/households/') == 25 + 1  # rows + 「世帯を登録する」
    assert "page=2" in first
    second = client.get(URL, {"page": 2}).content.decode()
    assert second.count('href="/people/households/') - 1 == 5


def test_linked_from_person_search(personas, client_as):
    content = client_as(personas.counselor_a).get(reverse("people:person_search")).content.decode()
    assert f'href="{URL}"' in content
