"""The demo self-evaluation (issue 19 item 5): last year's and this year's criteria, every
office's last year submitted and commented on, this year a mix; seeded once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tsunagu.accounts.tests.factories import UserFactory
from tsunagu.core.dates import fiscal_year
from tsunagu.demo.selfevaluations import seed_and_summarise
from tsunagu.organizations.models import JobTitle, SystemRole
from tsunagu.organizations.tests.factories import AreaFactory, MembershipFactory
from tsunagu.selfevaluations.models import CriteriaSet, EvaluationStatus, SelfEvaluation

pytestmark = pytest.mark.django_db


def test_the_demo_evaluations_span_two_years_and_every_state(personas):
    city1 = UserFactory.create(username="city1")
    MembershipFactory.create(
        user=city1,
        organization=personas.city,
        job_title=JobTitle.ADMINISTRATIVE_OFFICER,
        role=SystemRole.MANAGER,
    )
    core1 = UserFactory.create(username="core1")
    MembershipFactory.create(
        user=core1, organization=personas.core_center, job_title=JobTitle.CAPACITY_BUILDING_OFFICER
    )
    city_area = AreaFactory.create(code="midori", kind="city")
    personas.core_center.areas_served.add(city_area)
    personas.office_a.areas_served.add(city_area)
    personas.office_b.areas_served.add(city_area)

    summary = seed_and_summarise()
    year = fiscal_year(timezone.localdate())
    assert "2事業所" in summary
    assert set(CriteriaSet.objects.values_list("fiscal_year", "status")) == {
        (year - 1, "published"),
        (year, "published"),
    }
    last = SelfEvaluation.objects.filter(criteria_set__fiscal_year=year - 1)
    assert last.count() == 2
    assert all(e.status == EvaluationStatus.SUBMITTED and e.is_released for e in last)
    current = dict(
        SelfEvaluation.objects.filter(criteria_set__fiscal_year=year).values_list(
            "organization__code", "status"
        )
    )
    # Offices in code order: office-a submitted (index 0), office-b a draft (index 1).
    assert current == {"office-a": EvaluationStatus.SUBMITTED, "office-b": EvaluationStatus.DRAFT}
    assert "追加なし" in seed_and_summarise()
    assert SelfEvaluation.objects.count() == 4
