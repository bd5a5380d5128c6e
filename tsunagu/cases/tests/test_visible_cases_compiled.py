"""`visible_case_ids` is compiled to SQL once per process (`VisibleCases`, ADR 0007): the same
decisions as the UNION built afresh, for every actor, with the organization, the user, today
and now of each query, never those of the query that compiled it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from tsunagu.cases import access
from tsunagu.cases.access import (
    _visible_case_union,
    cases_visible_to,
    consultations_visible_to,
    visible_case_ids,
    without_break_glass,
)
from tsunagu.cases.models import BreakGlassAccess, Case, SharingBasis
from tsunagu.cases.tests.factories import CaseFactory, ConsultationFactory, TeamMemberFactory
from tsunagu.organizations.tests.actors import actor_as

pytestmark = pytest.mark.django_db


def _fresh(actor) -> set[int]:
    """The rules built and compiled for this query alone, as before `VisibleCases`."""
    union = _visible_case_union(
        actor.organization_id, actor.user.pk, day=timezone.localdate(), now=timezone.now()
    )
    return set(Case.objects.filter(pk__in=union).values_list("pk", flat=True))


def _seen(actor) -> set[int]:
    return set(cases_visible_to(actor).values_list("pk", flat=True))


@pytest.fixture
def cases(personas):
    led_a = CaseFactory(lead_organization=personas.office_a, lead_worker=personas.counselor_a)
    led_b = CaseFactory(lead_organization=personas.office_b, lead_worker=personas.counselor_b)
    shared = CaseFactory(lead_organization=personas.office_b, lead_worker=personas.counselor_b)
    TeamMemberFactory(
        case=shared, organization=personas.office_a, basis=SharingBasis.EMERGENCY
    )  # office A on office B's case until the emergency basis ends
    glass = CaseFactory(lead_organization=personas.core_center, lead_worker=personas.core_officer)
    BreakGlassAccess.objects.create(
        person=glass.person,
        user=personas.colleague_a,
        organization=personas.office_a,
        reason="本人が自宅で倒れているとの通報あり。服薬状況を至急確認するため。",
        expires_at=timezone.now() + dt.timedelta(hours=1),
    )
    return {"led_a": led_a, "led_b": led_b, "shared": shared, "glass": glass}


def test_every_actor_gets_the_decision_of_the_rules(personas, cases):
    access._compiled_rules.clear()
    actors = [
        actor_as(personas.counselor_a),
        actor_as(personas.colleague_a),
        actor_as(personas.counselor_b),
        actor_as(personas.core_officer),
        actor_as(personas.city_official),
    ]
    for actor in actors:
        assert _seen(actor) == _fresh(actor)
        with without_break_glass():
            assert _seen(actor) == _fresh(actor)
    # One compilation per database and mode, whoever asked first.
    assert set(access._compiled_rules) == {
        ("cases", "default", connection.vendor, False),
        ("cases", "default", connection.vendor, True),
    }
    ids = {name: case.pk for name, case in cases.items()}
    assert _seen(actors[0]) == {ids["led_a"], ids["shared"]}
    assert _seen(actors[1]) == {ids["led_a"], ids["shared"], ids["glass"]}
    with without_break_glass():
        assert _seen(actors[1]) == {ids["led_a"], ids["shared"]}
    assert _seen(actors[2]) == {ids["led_b"], ids["shared"]}
    assert _seen(actors[4]) == set()


def test_the_clock_is_read_by_each_query_not_kept(personas, cases, monkeypatch):
    actor = actor_as(personas.colleague_a)
    glass, shared = cases["glass"].pk, cases["shared"].pk
    assert {glass, shared} <= _seen(actor)  # compiled (again) here, with the clock of now

    expires_at = BreakGlassAccess.objects.get().expires_at
    later = expires_at + dt.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert glass not in _seen(actor)
    assert glass not in _fresh(actor)

    ends_on = cases["shared"].team.get(organization=personas.office_a).emergency_ends_on
    monkeypatch.setattr(access, "_today", lambda: ends_on + dt.timedelta(days=1))
    assert shared not in _seen(actor)
    assert not consultations_visible_to(actor).filter(case_id=shared).exists()


def test_the_data_are_read_by_each_query(personas, cases):
    actor = actor_as(personas.counselor_a)
    assert cases["led_b"].pk not in _seen(actor)
    TeamMemberFactory(case=cases["led_b"], organization=personas.office_a)
    assert cases["led_b"].pk in _seen(actor)
    consultation = ConsultationFactory(
        organization=personas.office_b, case=cases["led_b"], person=cases["led_b"].person
    )
    assert consultations_visible_to(actor).filter(pk=consultation.pk).exists()


def test_in_once_takes_it_and_still_refuses_values(personas, cases):
    visible = visible_case_ids(actor_as(personas.counselor_a))
    assert set(Case.objects.filter(pk__in_once=visible)) == {cases["led_a"], cases["shared"]}
    with pytest.raises(TypeError, match="one-column queryset"):
        Case.objects.filter(pk__in_once=[cases["led_a"].pk])
