"""The demo curricula: two of them, workers at different stages, one approved and one pending
external learning; seeded once."""

from __future__ import annotations

import pytest

from tsunagu.accounts.models import User
from tsunagu.curricula import access, selectors
from tsunagu.curricula.models import Curriculum, ExternalLearning
from tsunagu.curricula.progress import progress_of
from tsunagu.demo.curricula import seed_and_summarise
from tsunagu.demo.management.commands.seed_demo import seed_demo
from tsunagu.demo.trainings import seed_and_summarise as seed_trainings
from tsunagu.organizations.models import Membership
from tsunagu.organizations.tests.actors import actor_as

pytestmark = pytest.mark.django_db


def test_two_curricula_with_workers_at_different_stages(settings, private_media):
    settings.DEMO_MODE = True
    seed_demo()
    seed_trainings()
    summary = seed_and_summarise()
    assert summary.startswith("研修カリキュラム: 2件"), summary
    assert Curriculum.objects.count() == 2
    assert sorted(ExternalLearning.objects.values_list("status", flat=True)) == [
        "approved",
        "pending",
    ]
    staged = Curriculum.objects.get(name="相談支援従事者の段階別研修")
    assert [s.name for s in staged.stages.order_by("position")] == [
        "共通研修",
        "対人援助コミュニケーション研修",
        "重層的支援体制強化研修",
    ]
    workers = User.objects.filter(username__in=["office_a1", "office_a2", "office_b1"])
    staff = progress_of(
        staged, User.objects.filter(memberships__is_active=True).values_list("pk", flat=True)
    )
    completed = {row.completed_stages for row in staff.values()}
    assert len(completed) >= 3, completed  # nobody yet, stage 1 only, further on
    done = User.objects.get(username="office_a2")
    assert staff[done.pk].finished
    assert any(row.stages[0].complete and not row.finished for row in staff.values())
    assert workers.count() == 3
    # 田中 (office_a1) is あおば's 管理者: the office-manager view shows her staff, 伊藤 done.
    manager = Membership.objects.get(user__username="office_a1", is_primary=True)
    manager_actor = actor_as(manager.user, manager.organization)
    assert access.is_office_manager(manager_actor)
    view = selectors.overview(manager_actor, staged, organization=manager.organization)
    names = {row.worker.username for row in view.staff}
    assert {"office_a1", "office_a2"} <= names
    assert "office_b1" not in names
    # Run again: nothing added.
    assert "追加なし" in seed_and_summarise()
    assert Curriculum.objects.count() == 2
