"""`visible_person_ids` is compiled to SQL once per process (`VisiblePersons`, ADR 0007): the
same persons as the UNION built afresh, for every actor of the test personas and of the demo
city, with the organization, the user, today and now of each query, never those of the query
that compiled it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tsunagu.cases import access
from tsunagu.cases.access import (
    _visible_case_union,
    _visible_person_union,
    cases_visible_to,
    persons_visible_to,
    without_break_glass,
)
from tsunagu.cases.models import BreakGlassAccess, Case, SharingBasis
from tsunagu.cases.tests.factories import CaseFactory, ConsultationFactory, TeamMemberFactory
from tsunagu.core.actor import Actor
from tsunagu.organizations.models import Membership
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.people.models import Person
from tsunagu.people.selectors import person_search
from tsunagu.people.tests.factories import (
    ConsentFactory,
    HouseholdFactory,
    HouseholdMemberFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


def _fresh_persons(actor: Actor) -> set[int]:
    """The person rules built and compiled for this query alone, as before `VisiblePersons`."""
    if actor.organization_id is None:
        return set()
    union = _visible_person_union(
        actor.organization_id, actor.user.pk, day=timezone.localdate(), now=timezone.now()
    )
    return set(Person.objects.filter(pk__in=union).values_list("pk", flat=True))


def _fresh_cases(actor: Actor) -> set[int]:
    if actor.organization_id is None:
        return set()
    union = _visible_case_union(
        actor.organization_id, actor.user.pk, day=timezone.localdate(), now=timezone.now()
    )
    return set(Case.objects.filter(pk__in=union).values_list("pk", flat=True))


def _persons(actor: Actor) -> set[int]:
    return set(persons_visible_to(actor).values_list("pk", flat=True))


def _cases(actor: Actor) -> set[int]:
    return set(cases_visible_to(actor).values_list("pk", flat=True))


def _assert_same_as_fresh(actor: Actor) -> None:
    assert _persons(actor) == _fresh_persons(actor), actor
    assert _cases(actor) == _fresh_cases(actor), actor
    with without_break_glass():
        assert _persons(actor) == _fresh_persons(actor), actor
        assert _cases(actor) == _fresh_cases(actor), actor


@pytest.fixture
def world(personas: Any) -> dict[str, Any]:
    """One person behind each rule of `visible_person_ids`, for office A, and some who are
    behind none."""
    a, b = personas.office_a, personas.office_b
    registered = PersonFactory(registered_by_organization=a)
    consulted = ConsultationFactory(organization=a, received_by=personas.counselor_a).person
    led = CaseFactory(lead_organization=a, lead_worker=personas.counselor_a).person
    household = HouseholdFactory(registered_by_organization=b)
    household_member = HouseholdMemberFactory(household=household).person
    CaseFactory(
        person=None,
        household=household,
        lead_organization=a,
        lead_worker=personas.counselor_a,
    )
    on_meeting = CaseFactory(lead_organization=b, lead_worker=personas.counselor_b)
    TeamMemberFactory(case=on_meeting, organization=a, basis=SharingBasis.STATUTORY_MEETING)
    on_emergency = CaseFactory(lead_organization=b, lead_worker=personas.counselor_b)
    TeamMemberFactory(case=on_emergency, organization=a, basis=SharingBasis.EMERGENCY)
    # Office A on a household case of office B by a support meeting: every member is subject.
    b_household = HouseholdFactory(registered_by_organization=b)
    b_member = HouseholdMemberFactory(household=b_household).person
    b_household_case = CaseFactory(
        person=None, household=b_household, lead_organization=b, lead_worker=personas.counselor_b
    )
    TeamMemberFactory(case=b_household_case, organization=a)
    consenting = ConsentFactory(organizations=[a]).person
    expired_consent = ConsentFactory(
        organizations=[a], expires_on=timezone.localdate() - dt.timedelta(days=1)
    ).person
    # Office A on a case by one member's consent: that member only, not the household.
    consent_household = HouseholdFactory(registered_by_organization=b)
    consent_subject = PersonFactory(registered_by_organization=b)
    HouseholdMemberFactory(household=consent_household, person=consent_subject)
    sibling = HouseholdMemberFactory(household=consent_household).person
    consent_case = CaseFactory(
        person=consent_subject, lead_organization=b, lead_worker=personas.counselor_b
    )
    consent = ConsentFactory(person=consent_subject, organizations=[a])
    TeamMemberFactory(
        case=consent_case, organization=a, basis=SharingBasis.CONSENT, consent=consent
    )
    glass = PersonFactory(registered_by_organization=personas.core_center)
    BreakGlassAccess.objects.create(
        person=glass,
        user=personas.colleague_a,
        organization=a,
        reason="本人が自宅で倒れているとの通報あり。服薬状況を至急確認するため。",
        expires_at=timezone.now() + dt.timedelta(hours=1),
    )
    hidden = CaseFactory(lead_organization=b, lead_worker=personas.counselor_b).person
    return {
        "registered": registered.pk,
        "consulted": consulted.pk,
        "led": led.pk,
        "household_member": household_member.pk,
        "on_meeting": on_meeting.person_id,
        "on_emergency": on_emergency.person_id,
        "b_member": b_member.pk,
        "consenting": consenting.pk,
        "expired_consent": expired_consent.pk,
        "consent_subject": consent_subject.pk,
        "sibling": sibling.pk,
        "glass": glass.pk,
        "hidden": hidden.pk,
    }


def test_every_persona_sees_the_persons_of_the_rules(personas, world):
    access._compiled_rules.clear()
    actors = [
        actor_as(personas.counselor_a),
        actor_as(personas.colleague_a),
        actor_as(personas.reader_a),
        actor_as(personas.counselor_b),
        actor_as(personas.core_officer),
        actor_as(personas.city_official),
        actor_as(personas.admin),
    ]
    for actor in actors:
        _assert_same_as_fresh(actor)
    # One compilation per rules, database and mode, whoever asked first.
    assert {(rules, write) for rules, _alias, _vendor, write in access._compiled_rules} == {
        ("cases", False),
        ("cases", True),
        ("persons", False),
        ("persons", True),
    }
    ids = world
    office_a = {
        ids[name]
        for name in (
            "registered",
            "consulted",
            "led",
            "household_member",
            "on_meeting",
            "on_emergency",
            "b_member",
            "consenting",
            "consent_subject",
        )
    }
    assert _persons(actors[0]) == office_a
    assert _persons(actors[1]) == office_a | {ids["glass"]}
    with without_break_glass():
        assert _persons(actors[1]) == office_a
    assert not {ids["expired_consent"], ids["sibling"], ids["hidden"]} & _persons(actors[1])
    assert ids["hidden"] in _persons(actors[3])
    assert _persons(actors[5]) == set()


def test_the_clock_is_read_by_each_query_not_kept(personas, world, monkeypatch):
    actor = actor_as(personas.colleague_a)
    assert {world["glass"], world["on_emergency"], world["consenting"]} <= _persons(actor)

    expires_at = BreakGlassAccess.objects.get().expires_at
    monkeypatch.setattr(timezone, "now", lambda: expires_at + dt.timedelta(minutes=1))
    assert world["glass"] not in _persons(actor)
    assert _persons(actor) == _fresh_persons(actor)

    ends_on = (
        Case.objects.get(person_id=world["on_emergency"])
        .team.get(organization=personas.office_a)
        .emergency_ends_on
    )
    assert ends_on is not None
    monkeypatch.setattr(access, "_today", lambda: ends_on + dt.timedelta(days=1))
    seen = _persons(actor)
    assert world["on_emergency"] not in seen
    assert world["consenting"] in seen  # a consent with no expiry still holds
    # The search of the person list takes the same set, with the same clock.
    names = set(person_search(actor, query="ヤマダ").values_list("pk", flat=True))
    assert world["on_emergency"] not in names
    assert world["consenting"] in names


def test_the_data_are_read_by_each_query(personas, world):
    actor = actor_as(personas.counselor_a)
    assert world["hidden"] not in _persons(actor)
    ConsentFactory(person_id=world["hidden"], organizations=[personas.office_a])
    assert world["hidden"] in _persons(actor)


def test_no_organization_sees_no_one(personas, world):
    actor = actor_as(personas.counselor_a)
    nobody = Actor(user=actor.user, membership=None, origin=actor.origin)
    assert _persons(nobody) == set()
    assert not Person.objects.filter(pk__in=access.visible_person_ids(nobody)).exists()


def test_every_member_of_the_demo_city_sees_what_the_rules_say(demo_city):
    memberships = Membership.objects.select_related("user", "organization").order_by("pk")
    checked = 0
    for member in memberships:
        actor = actor_as(member.user, member.organization)
        _assert_same_as_fresh(actor)
        checked += 1
    assert checked >= 20  # the demo city's staff, each as each organization they belong to


def test_rules_first_compiled_inside_a_subquery_of_a_subquery_serve_every_later_query(
    personas, world
):
    """The rules are compiled by whichever query asks first and kept for the process: a first
    asker two subqueries deep (`person__in=persons_visible_to(actor)`, as a list of records
    about persons asks) once compiled SQL naming the outer queries' aliases (`no such column:
    W0.consent_id`), and every later query of the process failed with it."""
    access._compiled_rules.clear()
    office_a = actor_as(personas.counselor_a)
    about = Case.objects.filter(person__in=persons_visible_to(office_a))
    expected = set(
        Case.objects.filter(person__in=_fresh_persons(office_a)).values_list("pk", flat=True)
    )
    assert set(about.values_list("pk", flat=True)) == expected
    assert about.count() == len(expected)
    for persona in (personas.counselor_a, personas.counselor_b, personas.core_officer):
        _assert_same_as_fresh(actor_as(persona))
