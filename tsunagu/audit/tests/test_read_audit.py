"""Every read of person data leaves a row, lists and searches included (issue 13, item 9): one row
per request naming the persons shown (ids only) and how they were asked for, and the "who
looked at this person's record" screen and API find those rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.audit.services import search_digest
from tsunagu.cases.tests.factories import CaseFactory, ConsultationFactory
from tsunagu.meetings.models import CommunityIssue
from tsunagu.people.tests.factories import HouseholdFactory, HouseholdMemberFactory, PersonFactory
from tsunagu.records.tests.factories import ProgressNoteFactory


@pytest.fixture
def shown(personas):
    """A person and a household (two members) with cases led by office A, and a person of
    office B's that office A never sees."""
    person = PersonFactory.create(
        family_name="佐藤", given_name="花子", registered_by_organization=personas.office_a
    )
    case = CaseFactory.create(
        person=person,
        lead_organization=personas.office_a,
        lead_worker=personas.counselor_a,
        opened_on=timezone.localdate() - dt.timedelta(days=30),
    )
    household = HouseholdFactory.create(registered_by_organization=personas.office_a)
    mother = HouseholdMemberFactory.create(
        household=household, person__registered_by_organization=personas.office_a
    ).person
    son = HouseholdMemberFactory.create(
        household=household, person__registered_by_organization=personas.office_a
    ).person
    household_case = CaseFactory.create(
        household=household,
        person=None,
        lead_organization=personas.office_a,
        lead_worker=personas.counselor_a,
    )
    stranger = CaseFactory.create(
        person__registered_by_organization=personas.office_b,
        lead_organization=personas.office_b,
        lead_worker=personas.counselor_b,
    ).person
    return {
        "person": person,
        "case": case,
        "mother": mother,
        "son": son,
        "household_case": household_case,
        "stranger": stranger,
    }


@pytest.fixture
def api(client):
    def as_user(user):
        token = api_token_for(user, user.memberships.get(is_primary=True).organization)

        def get(path, **params):
            return client.get(path, params, HTTP_AUTHORIZATION=f"Bearer {token}")

        return get

    return as_user


def _listed(user) -> AuditEvent:
    rows = list(AuditEvent.objects.filter(action=Action.RECORDS_LISTED, actor=user))
    assert len(rows) == 1, rows  # one row per request
    return rows[0]


def test_person_search_screen_names_the_persons_shown_not_the_words(personas, shown, client_as):
    response = client_as(personas.counselor_a).get("/people/", {"q": "佐藤"})
    assert response.status_code == 200
    row = _listed(personas.counselor_a)
    assert row.person_ids == [shown["person"].pk]
    assert row.detail["view"] == "people.person_search"
    assert row.detail["search_digest"] == search_digest("佐藤")
    assert "佐藤" not in str(row.detail)


def test_person_list_api_names_the_page_served(personas, shown, api):
    response = api(personas.counselor_a)("/api/v1/persons", q="")
    assert response.status_code == 200
    served = {item["id"] for item in response.json()["results"]}
    assert shown["person"].pk in served
    row = _listed(personas.counselor_a)
    assert set(row.person_ids) == served
    assert shown["stranger"].pk not in row.person_ids


def test_case_list_screen_names_every_household_member(personas, shown, client_as):
    response = client_as(personas.counselor_a).get("/cases/", {"status": ""})
    assert response.status_code == 200
    row = _listed(personas.counselor_a)
    assert {shown["person"].pk, shown["mother"].pk, shown["son"].pk} <= set(row.person_ids)
    assert shown["stranger"].pk not in row.person_ids


def test_case_and_consultation_list_api(personas, shown, api):
    get = api(personas.counselor_a)
    assert get("/api/v1/cases").status_code == 200
    cases_row = _listed(personas.counselor_a)
    assert {shown["person"].pk, shown["mother"].pk, shown["son"].pk} <= set(cases_row.person_ids)

    ConsultationFactory.create(
        organization=personas.office_a, received_by=personas.counselor_a, person=shown["person"]
    )
    assert get("/api/v1/consultations").status_code == 200
    rows = AuditEvent.objects.filter(
        action=Action.RECORDS_LISTED, detail__view="api.consultation_list"
    )
    assert [r.person_ids for r in rows] == [[shown["person"].pk]]


def test_consultation_list_screen(personas, shown, client_as):
    ConsultationFactory.create(
        organization=personas.office_a, received_by=personas.counselor_a, person=shown["person"]
    )
    assert client_as(personas.counselor_a).get("/cases/consultations/").status_code == 200
    assert _listed(personas.counselor_a).person_ids == [shown["person"].pk]


def test_community_issue_reads_name_the_source_case_person(personas, shown, client_as, api):
    issue = CommunityIssue.objects.create(
        title="短期入所先が足りない",
        theme="respite",
        description="医療的ケアのある人の受け皿が少ない。",
        source="case",
        source_case=shown["case"],
        raised_by=personas.counselor_a,
        raised_by_organization=personas.office_a,
    )
    # Read by someone who never sees the case: the row still says whose case it came from.
    officer = client_as(personas.counselor_b)
    assert officer.get("/meetings/issues/").status_code == 200
    assert officer.get(f"/meetings/issues/{issue.pk}/").status_code == 200
    assert officer.get("/meetings/issues/council/").status_code == 200
    assert api(personas.counselor_b)("/api/v1/community-issues").status_code == 200
    rows = AuditEvent.objects.filter(action=Action.RECORDS_LISTED, actor=personas.counselor_b)
    assert sorted(r.detail["view"] for r in rows) == [
        "api.issue_list",
        "meetings.council_issues",
        "meetings.issue_detail",
        "meetings.issue_list",
    ]
    assert all(r.person_ids == [shown["person"].pk] for r in rows)


def test_who_looked_screen_and_api_find_list_rows(personas, shown, client_as, api):
    # counselor_b's organization has nothing to do with the son; colleague_a lists him.
    client_as(personas.colleague_a).get("/cases/")
    son = shown["son"].pk

    response = client_as(personas.counselor_a).get(f"/cases/people/{son}/access-log/")
    assert response.status_code == 200
    rows = list(response.context["page"])
    listed = [e for e in rows if e.action == Action.RECORDS_LISTED]
    assert [e.actor for e in listed] == [personas.colleague_a]
    assert "一覧・検索での閲覧" in response.content.decode()

    body = api(personas.counselor_a)(f"/api/v1/persons/{son}/access-log")
    assert body.status_code == 200
    data = body.json()
    assert body.json()["count"] == len(data["results"])  # the person is the one in the URL
    assert [r["actor_username"] for r in data["results"] if r["listed"]] == ["colleague_a"]
    # The list row of the screen visit above and of this call are rows too, but not "listed".
    assert (
        AuditEvent.objects.filter(
            action=Action.ACCESS_LOG_VIEWED, actor=personas.counselor_a, target_id=str(son)
        ).count()
        == 2
    )


def test_who_looked_does_not_find_rows_of_other_persons(personas, shown, client_as):
    client_as(personas.colleague_a).get("/people/", {"q": "佐藤"})  # shows only the person
    response = client_as(personas.counselor_a).get(f"/cases/people/{shown['son'].pk}/access-log/")
    assert not [e for e in response.context["page"] if e.action == Action.RECORDS_LISTED]


@pytest.mark.parametrize("persona", ["counselor_b", "core_officer", "city_official"])
def test_who_looked_api_is_404_outside_the_lead_organization(persona, personas, shown, api):
    response = api(getattr(personas, persona))(f"/api/v1/persons/{shown['person'].pk}/access-log")
    assert response.status_code == 404
    assert response.json()["error"]["code"]
    assert not AuditEvent.objects.filter(action=Action.ACCESS_LOG_VIEWED).exists()


def test_full_text_search_row_names_the_persons_of_the_cases_found(personas, shown, client_as):
    ProgressNoteFactory.create(
        case=shown["household_case"], author=personas.counselor_a, text="短期入所の体験を調整。"
    )
    response = client_as(personas.counselor_a).get("/search/", {"q": "短期入所"})
    assert response.status_code == 200
    row = AuditEvent.objects.get(
        action=Action.RECORD_VIEWED, actor=personas.counselor_a, target_type="search.searchdocument"
    )
    assert len(row.detail["results"]) == 1
    assert row.person_ids == sorted([shown["mother"].pk, shown["son"].pk])
