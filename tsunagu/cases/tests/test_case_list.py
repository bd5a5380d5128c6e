"""The case list (issue 16): found by name or kana typed any way, sorted by its columns,
filtered by person or household, filters kept in the URL, bad input answered in Japanese, and
one read row naming the persons shown."""

from __future__ import annotations

import pytest

from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases.models import Case
from tsunagu.cases.tests.factories import CaseFactory, ConsultationFactory
from tsunagu.people.tests.factories import (
    HouseholdFactory,
    HouseholdMemberFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.status_code
    return {c.pk for c in response.context["rows"]}


@pytest.fixture
def suzuki(personas) -> Case:
    person = PersonFactory.create(
        family_name="鈴木",
        given_name="一郎",
        family_name_kana="スズキ",
        given_name_kana="イチロウ",
        registered_by_organization=personas.office_a,
    )
    return CaseFactory.create(
        person=person,
        title="",
        lead_organization=personas.office_a,
        lead_worker=personas.colleague_a,
    )


@pytest.mark.parametrize("typed", ["鈴木", "鈴木 一郎", "すずき", "スズキ", "ｽｽﾞｷ", "いちろう"])
def test_found_by_name_or_kana_typed_any_way(personas, world, suzuki, client_as, typed):
    client = client_as(personas.counselor_a)
    assert _ids(client.get("/cases/", {"q": typed})) == {suzuki.pk}


def test_a_household_case_is_found_by_a_members_name(personas, world, client_as):
    household = HouseholdFactory.create(registered_by_organization=personas.office_a)
    member = PersonFactory.create(
        family_name="高橋",
        family_name_kana="タカハシ",
        registered_by_organization=personas.office_a,
    )
    HouseholdMemberFactory.create(household=household, person=member)
    case = CaseFactory.create(
        person=None, household=household, title="", lead_organization=personas.office_a
    )
    assert _ids(client_as(personas.counselor_a).get("/cases/?q=たかはし")) == {case.pk}


def test_the_search_never_reaches_another_offices_cases(personas, world, client_as):
    other_name = world.other_case.person.family_name
    assert world.other_case.pk not in _ids(
        client_as(personas.counselor_a).get("/cases/", {"q": other_name})
    )


def test_filtered_by_person_from_the_person_page(personas, world, suzuki, client_as):
    client = client_as(personas.counselor_a)
    assert _ids(client.get(f"/cases/?person={world.person.pk}")) == {world.case.pk}
    body = client.get(f"/people/{world.person.pk}/").content.decode()
    assert f'href="/cases/{world.case.pk}/"' in body
    assert f'href="/cases/?person={world.person.pk}"' in body
    assert 'href="/records/households/' not in body  # no household: no timeline link


def test_sorted_by_a_column_both_ways(personas, world, suzuki, client_as):
    client = client_as(personas.counselor_a)
    up = client.get("/cases/?sort=subject")
    # By kana: スズキ before ヤマダ (world.person is 佐藤 in kanji, ヤマダ in kana).
    assert [c.pk for c in up.context["rows"]] == [suzuki.pk, world.case.pk]
    down = client.get("/cases/?sort=-subject")
    assert [c.pk for c in down.context["rows"]] == [world.case.pk, suzuki.pk]
    body = up.content.decode()
    assert 'aria-sort="ascending"' in body
    assert "sort=-subject" in body  # the header's link turns the order round


def test_the_filters_stay_in_the_page_links(personas, world, client_as):
    for _ in range(31):
        CaseFactory.create(
            person__registered_by_organization=personas.office_a,
            lead_organization=personas.office_a,
            lead_worker=personas.counselor_a,
        )
    body = client_as(personas.counselor_a).get("/cases/?mine=on&sort=opened_on").content.decode()
    assert "mine=on&amp;sort=opened_on&amp;page=2" in body


@pytest.mark.parametrize(
    "query",
    [f"person={2**63}", "person=abc", "status=nope", "household=-1", "q=" + "あ" * 101],
)
def test_bad_filters_are_told_in_japanese(personas, world, client_as, query):
    response = client_as(personas.counselor_a).get(f"/cases/?{query}")
    assert response.status_code == 400
    assert "入力内容を確認してください" in response.content.decode()
    assert list(response.context["rows"]) == []


def test_odd_values_never_give_a_500(personas, world, client_as):
    client = client_as(personas.counselor_a)
    for query in ["q=%ED%A0%80", "sort=nonexistent", "page=99999", "sort=-", "q=%00"]:
        assert client.get(f"/cases/?{query}").status_code in (200, 400), query


def test_one_read_row_names_the_persons_shown_not_the_words(personas, world, suzuki, client_as):
    client_as(personas.counselor_a).get("/cases/?q=すずき&status=intake")
    row = AuditEvent.objects.filter(action=Action.RECORDS_LISTED).latest("pk")
    assert row.detail["view"] == "cases.case_list"
    assert row.person_ids == [suzuki.person_id]
    assert "すずき" not in str(row.detail)
    assert row.detail["search_digest"]
    assert row.detail["filters"]["status"] == "intake"


# --- The consultation list, through the same helper -------------------------------------------


def test_consultations_found_by_kana_and_filtered(personas, world, suzuki, client_as):
    from_suzuki = ConsultationFactory.create(
        organization=personas.office_a,
        received_by=personas.counselor_a,
        person=suzuki.person,
        urgency="high",
    )
    other = ConsultationFactory.create(
        organization=personas.office_a, received_by=personas.counselor_a, person=world.person
    )
    client = client_as(personas.counselor_a)
    assert _ids(client.get("/cases/consultations/", {"q": "ｽｽﾞｷ"})) == {from_suzuki.pk}
    assert _ids(client.get("/cases/consultations/?urgency=high")) == {from_suzuki.pk}
    assert _ids(client.get(f"/cases/consultations/?person={world.person.pk}")) == {other.pk}
    bad = client.get("/cases/consultations/?channel=fax-by-pigeon")
    assert bad.status_code == 400
    assert "入力内容を確認してください" in bad.content.decode()


def test_the_household_timeline_is_reached_from_household_and_person(personas, world, client_as):
    household = HouseholdFactory.create(registered_by_organization=personas.office_a)
    HouseholdMemberFactory.create(household=household, person=world.person)
    client = client_as(personas.counselor_a)
    timeline = f'href="/records/households/{household.pk}/notes/"'
    household_page = client.get(f"/people/households/{household.pk}/").content.decode()
    assert timeline in household_page
    assert f'href="/cases/?household={household.pk}"' in household_page
    assert timeline in client.get(f"/people/{world.person.pk}/").content.decode()
    assert client.get(f"/records/households/{household.pk}/notes/").status_code == 200
