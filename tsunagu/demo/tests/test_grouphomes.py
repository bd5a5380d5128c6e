"""The demo group home evaluations: four homes at the 地域部会, one evaluation at each stage and
one in writing (書面); the overdue list holds exactly the late report; seeded once."""

from __future__ import annotations

import pytest

from tsunagu.demo.grouphomes import seed_and_summarise
from tsunagu.demo.management.commands.seed_demo import seed_demo
from tsunagu.demo.meetings import seed_and_summarise as seed_meetings
from tsunagu.grouphomes import services
from tsunagu.grouphomes.models import GroupHome, GroupHomeEvaluation, SelfEvaluationSource

pytestmark = pytest.mark.django_db


def test_the_evaluations_are_seeded_once_at_each_stage(settings):
    settings.DEMO_MODE = True
    seed_demo()
    seed_meetings()
    summary = seed_and_summarise()
    assert summary.startswith("日中サービス支援型GHの評価: 5件"), summary
    assert GroupHome.objects.count() == 4
    steps = sorted(GroupHomeEvaluation.objects.values_list("step", flat=True))
    assert steps == sorted(["planned", "visited", "qa_held", "published", "self_evaluated"])
    written = GroupHomeEvaluation.objects.get(path="written")
    assert written.self_evaluation_source == SelfEvaluationSource.PAPER
    assert GroupHomeEvaluation.objects.filter(
        home=written.home, fiscal_year=written.fiscal_year - 1, step="published"
    ).exists()
    late = GroupHomeEvaluation.objects.get(step="qa_held")
    assert list(services.overdue()) == [late]
    assert seed_and_summarise().endswith("（追加なし）")
    assert GroupHomeEvaluation.objects.count() == 5
