"""The demo city's community work: a year of activities across every kind and ward, awareness
with サポーター counted per ward, and an outreach lead that became a consultation; seeded once."""

from __future__ import annotations

import pytest

from tsunagu.cases.models import Channel
from tsunagu.community import selectors
from tsunagu.community.models import ActivityKind, CommunityActivity, LeadStatus, OutreachLead
from tsunagu.core.dates import fiscal_year
from tsunagu.demo.community import seed_and_summarise
from tsunagu.demo.management.commands.seed_demo import seed_demo
from tsunagu.organizations.models import Area

pytestmark = pytest.mark.django_db


def test_a_year_of_community_work_is_seeded_once(settings):
    settings.DEMO_MODE = True
    seed_demo()
    summary = seed_and_summarise()
    assert summary.startswith("地域活動: 37件"), summary
    kinds = set(CommunityActivity.objects.values_list("kind", flat=True))
    assert kinds == set(ActivityKind.values)
    wards = selectors.Wards()
    seen = {wards.ward_of(a) for a in CommunityActivity.objects.values_list("area_id", flat=True)}
    midori = set(
        Area.objects.filter(kind="ward", parent__code="midori").values_list("pk", flat=True)
    )
    assert len(midori) == 4
    assert midori <= seen
    months = {d.month for d in CommunityActivity.objects.values_list("held_on", flat=True)}
    assert len(months) == 12
    connected = OutreachLead.objects.get(status=LeadStatus.CONNECTED)
    assert connected.consultation is not None
    assert connected.consultation.channel == Channel.OUTREACH
    assert CommunityActivity.objects.filter(consultation=connected.consultation).exists()
    figures = [selectors.year_figures(y) for y in {fiscal_year(d) for d in [connected.received_on]}]
    assert all(f.total > 0 for f in figures)
    assert sum(selectors.year_figures(y).supporters for y in range(2020, 2035)) > 0
    assert seed_and_summarise() == "地域活動: 既存"
