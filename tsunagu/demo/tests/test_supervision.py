"""The demo year of supervision: monthly group sessions and a few individual ones at the core
center, de-identified cases with themes, advice, follow-ups, and one case linked on the core
center's team membership with its advice on the case record; seeded once."""

from __future__ import annotations

import pytest

from tsunagu.cases.access import active_team_members
from tsunagu.demo.management.commands.seed_demo import seed_demo
from tsunagu.demo.supervision import seed_and_summarise
from tsunagu.records.models import ProgressNote
from tsunagu.supervision.models import PresentedCase, SupervisionSession

pytestmark = pytest.mark.django_db


def test_a_year_of_supervision_seeded_once(settings):
    settings.DEMO_MODE = True
    seed_demo()
    summary = seed_and_summarise()
    assert summary.startswith("スーパービジョン: グループ 12回、個別 3回"), summary
    group = SupervisionSession.objects.filter(kind="group")
    assert group.count() == 12
    assert SupervisionSession.objects.filter(kind="individual").count() == 3
    assert {s.organizer.kind for s in SupervisionSession.objects.all()} == {"core_center"}

    unlinked = PresentedCase.objects.filter(case__isnull=True)
    assert unlinked.count() >= 24
    assert all(item.themes for item in unlinked)
    assert not unlinked.filter(basis__isnull=False).exists()
    assert (
        PresentedCase.objects.exclude(advice="").count()
        == PresentedCase.objects.filter(carried_from__isnull=True).count()
    )
    assert PresentedCase.objects.filter(followed_up_at__isnull=False).exists()

    linked = PresentedCase.objects.get(case__isnull=False)
    organizer = linked.session.organizer_id
    assert linked.basis is not None
    assert linked.basis.organization_id == organizer  # the core center on the team
    assert active_team_members().filter(pk=linked.basis.pk).exists()
    note = ProgressNote.objects.get(case=linked.case, text__contains="スーパーバイザー")
    assert note.author_organization_id == linked.presenting_office_id
    assert linked.advice_on_case_at is not None

    count = PresentedCase.objects.count()
    assert "追加なし" in seed_and_summarise()
    assert PresentedCase.objects.count() == count
