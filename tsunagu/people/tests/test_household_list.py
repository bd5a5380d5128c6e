"""The household list: only households the organization may see, searchable, paginated."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tsunagu.audit.models import Action, AuditEvent
from tsunagu.audit.services import search_digest
from tsunagu.organizations.tests.factories import AreaFactory
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


# --- On the shared list machinery (issue 16) ---------------------------------------------------


def test_found_by_a_member_s_name_typed_in_hiragana_with_hyphens(personas, client_as):
    """As the case list does: the person search's own matching (kana folded) finds a member,
    and the household with them; a member the organization may not see finds nothing."""
    found = HouseholdFactory.create(
        name="北村さん世帯", registered_by_organization=personas.office_a
    )
    HouseholdMemberFactory.create(
        household=found,
        person=PersonFactory.create(
            family_name="北村",
            family_name_kana="キタムラ",
            given_name_kana="ルーシー",
            registered_by_organization=personas.office_a,
        ),
    )
    other = HouseholdFactory.create(name="南さん世帯", registered_by_organization=personas.office_a)
    client = client_as(personas.counselor_a)
    response = client.get(URL, {"q": "きたむら る-しー"})
    assert [h.pk for h in response.context["rows"]] == [found.pk]
    assert other.name not in response.content.decode()
    assert client_as(personas.counselor_b).get(URL, {"q": "きたむら"}).context["rows"] == []


def test_filtered_by_area_sorted_and_every_name_a_link(personas, client_as):
    ward = AreaFactory.create(code="hh-ward", name="青葉区")
    a = HouseholdFactory.create(
        name="あ世帯", area=ward, registered_by_organization=personas.office_a
    )
    b = HouseholdFactory.create(
        name="い世帯", area=ward, registered_by_organization=personas.office_a
    )
    HouseholdFactory.create(name="う世帯", registered_by_organization=personas.office_a)
    client = client_as(personas.counselor_a)
    down = client.get(URL, {"area": ward.pk, "sort": "-name"})
    assert [h.pk for h in down.context["rows"]] == [b.pk, a.pk]
    page = down.content.decode()
    assert f'href="{reverse("people:household_detail", args=[a.pk])}">あ世帯</a>' in page
    assert f'href="?area={ward.pk}">青葉区</a>' in page
    assert 'aria-sort="descending"' in page
    row = AuditEvent.objects.filter(action=Action.RECORDS_LISTED).latest("pk")
    assert row.detail["filters"] == {"area": str(ward.pk)}


@pytest.mark.parametrize(
    "query", [{"area": str(2**63)}, {"area": "本町"}, {"q": "や" * 101}, {"page": "-1"}]
)
def test_bad_input_is_a_message_or_ignored_never_an_error(personas, client_as, query):
    HouseholdFactory.create(name="山田さん世帯", registered_by_organization=personas.office_a)
    response = client_as(personas.counselor_a).get(URL, query)
    if "page" in query:
        assert response.status_code == 200
        assert "山田さん世帯" in response.content.decode()
    else:
        assert response.status_code == 400
        assert "入力内容を確認してください" in response.content.decode()
        assert response.context["rows"] == []
