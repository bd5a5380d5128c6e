"""The demo training plan (issue 18 item 3): this year's plan, published, read against the demo
trainings; seeded once."""

from __future__ import annotations

import pytest

from tsunagu.demo.trainingplans import seed_and_summarise
from tsunagu.demo.trainings import seed_and_summarise as seed_trainings
from tsunagu.trainingplans import selectors
from tsunagu.trainingplans.models import PlannedTraining, TrainingPlan

pytestmark = pytest.mark.django_db


def test_the_plan_of_the_year_is_read_against_the_trainings_held(personas):
    seed_trainings("core_officer")
    summary = seed_and_summarise("core_officer")
    assert "計画した研修 6件" in summary
    plan = TrainingPlan.objects.get()
    assert plan.status == "published"
    found = selectors.progress(plan)
    assert found.planned == 6
    assert sum(found.counts.values()) == 6
    linked = PlannedTraining.objects.filter(events__isnull=False).distinct().count()
    assert linked == 4
    assert {r.item.need_source for r in found.items} >= {"curriculum_gap", "expertise_gap"}
    assert "追加なし" in seed_and_summarise("core_officer")
    assert PlannedTraining.objects.count() == 6
