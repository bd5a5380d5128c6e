"""A case nobody named is named when read, in the reader's language (issue 16 item 13); a
title someone typed stays as typed."""

from __future__ import annotations

import importlib

import pytest
from django.utils import timezone, translation

from tsunagu.cases import services
from tsunagu.cases.models import Case
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.people.tests.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(personas):
    return PersonFactory.create(
        family_name="佐藤", given_name="花子", registered_by_organization=personas.office_a
    )


def _open(personas, person, title=""):
    consultation_case = services.case_create(
        actor_as(personas.counselor_a), person=person, opened_on=timezone.localdate(), title=title
    )
    return Case.objects.get(pk=consultation_case.pk)


def test_an_unnamed_case_reads_in_the_readers_language(personas, person, client_as):
    case = _open(personas, person)
    assert case.title == ""
    assert str(case) == "佐藤 花子さんの支援"
    with translation.override("en"):
        assert str(case) == "Support for 佐藤 花子"
    page = client_as(personas.counselor_a).get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Support for 佐藤 花子" in page.content.decode()


def test_a_typed_title_stays_as_typed(personas, person):
    case = _open(personas, person, title="  花子さんの就労移行  ")
    assert case.title == "花子さんの就労移行"
    with translation.override("en"):
        assert str(case) == "花子さんの就労移行"


def test_a_household_case_is_named_by_the_household(personas):
    household = HouseholdFactory.create(
        name="高橋さん世帯", registered_by_organization=personas.office_a
    )
    case = CaseFactory.create(person=None, household=household)
    assert str(case) == "高橋さん世帯"


def test_the_migration_clears_only_what_the_system_wrote(personas, person):
    household = HouseholdFactory.create(
        name="高橋さん世帯", registered_by_organization=personas.office_a
    )
    written = CaseFactory.create(person=person, title="佐藤 花子さんの支援")
    typed = CaseFactory.create(person=person, title="花子さんの就労移行")
    by_household = CaseFactory.create(person=None, household=household, title="高橋さん世帯")
    migration = importlib.import_module(
        "tsunagu.cases.migrations.0009_untyped_titles_named_when_read"
    )
    from django.apps import apps

    migration.clear_generated_titles(apps, None)
    written.refresh_from_db()
    typed.refresh_from_db()
    by_household.refresh_from_db()
    assert (written.title, typed.title, by_household.title) == ("", "花子さんの就労移行", "")


def test_the_api_gives_the_typed_title_and_the_name_it_reads_as(personas, person):
    from django.test import Client

    from tsunagu.accounts.tests.factories import api_token_for

    case = _open(personas, person)
    token = api_token_for(personas.counselor_a, personas.office_a)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = client.get(f"/api/v1/cases/{case.pk}").json()
    assert (body["title"], body["name"]) == ("", "佐藤 花子さんの支援")
    english = client.get(f"/api/v1/cases/{case.pk}", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["name"] == "Support for 佐藤 花子"
    listed = client.get("/api/v1/cases").json()["results"]
    assert [row["name"] for row in listed] == ["佐藤 花子さんの支援"]
