"""The household list: only households the organization may see, searchable, paginated."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tsunagu.audit.models import Action, AuditEvent
from tsunagu.audit.services import search_digest
from tsunagu.people.models import Relationship
from tsunagu.people.tests.factories import (
    HouseholdFactory,
    HouseholdMemberFactory,
    PersonFactory,
)

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


def test_each_page_is_a_read_row_naming_the_members_of_the_households_shown(personas, client_as):
    """Issue 13 loose end: a household's name and address are its members' data, so the list
    names every member of the households on the page (as person search names the persons),
    searched or not, and keeps the words only as a digest."""
    shown = HouseholdFactory.create(
        name="佐藤さん世帯", registered_by_organization=personas.office_a
    )
    mother = PersonFactory.create(registered_by_organization=personas.office_a)
    son = PersonFactory.create(registered_by_organization=personas.office_b)
    HouseholdMemberFactory.create(household=shown, person=mother)
    HouseholdMemberFactory.create(household=shown, person=son, relationship=Relationship.CHILD)
    other = HouseholdFactory.create(
        name="山田さん世帯", registered_by_organization=personas.office_a
    )
    neighbour = HouseholdMemberFactory.create(household=other).person
    stranger = HouseholdMemberFactory.create(
        household__registered_by_organization=personas.office_b
    ).person
    client = client_as(personas.counselor_a)

    assert client.get(URL, {"q": "佐藤"}).status_code == 200
    row = AuditEvent.objects.get(action=Action.RECORDS_LISTED, actor=personas.counselor_a)
    assert row.person_ids == sorted([mother.pk, son.pk])
    assert row.detail["view"] == "people.household_list"
    assert row.detail["search_digest"] == search_digest("佐藤")
    assert "佐藤" not in str(row.detail)
    assert not AuditEvent.objects.filter(
        action=Action.RECORD_VIEWED, target_type="people.household"
    ).exists()

    assert client.get(URL).status_code == 200
    unsearched = AuditEvent.objects.filter(
        action=Action.RECORDS_LISTED, actor=personas.counselor_a
    ).latest("pk")
    assert unsearched.pk != row.pk
    assert unsearched.person_ids == sorted([mother.pk, son.pk, neighbour.pk])
    assert stranger.pk not in unsearched.person_ids
