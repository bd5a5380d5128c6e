"""The demo city's plan in plain words (issue 22 item 2): a person living with their mother
reads their released plan with furigana; the mother's view has only what the person allowed."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from tsunagu.demo.plainplans import demo_case
from tsunagu.people.models import HouseholdMember, Relationship
from tsunagu.plainplans.selectors import released_for

pytestmark = pytest.mark.django_db


def test_the_demo_person_reads_their_plan_and_the_mother_only_what_was_allowed(demo_city):
    assert "わかりやすい計画:" in demo_city
    case = demo_case()
    assert case is not None
    assert HouseholdMember.objects.filter(
        household=case.household, relationship=Relationship.MOTHER
    ).exists()
    person = case.person
    assert person is not None
    mine = released_for(person, audience="person")
    assert mine is not None
    html = render_to_string("plainplans/_person_view.html", {"plain_plan": mine})
    assert "<ruby><rb>毎日</rb><rt>まいにち</rt></ruby>" in html
    assert mine.parts.exists()
    assert "plain-plan__parts" in html
    mothers = released_for(person, audience="family")
    assert mothers is not None
    family_html = render_to_string("plainplans/_person_view.html", {"plain_plan": mothers})
    assert "<rb>毎日</rb>" in family_html  # the goals: allowed
    assert "plain-plan__parts" not in family_html  # what each helper does: not allowed
    assert "<time datetime=" in family_html  # the next meeting: allowed
