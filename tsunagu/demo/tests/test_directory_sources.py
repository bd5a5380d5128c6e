"""The demo resource developments link to the demo community issues and meetings of
tsunagu/demo/meetings.py when those exist, whichever demo runs first."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tsunagu.demo.directory import seed_directory
from tsunagu.meetings.models import ResourceDevelopment
from tsunagu.plans.models import PlanItem

TITLE = "生活介護の開所時間を15時から16時まで延長"


@pytest.fixture
def demo(demo_city, db, settings):
    settings.DEMO_MODE = True
    return demo_city


def test_the_demo_developments_link_to_the_demo_issue_and_meeting(demo):
    # seed_demo runs the directory before the meetings: the first run found nothing to link,
    # and a second run adds nothing.
    assert seed_directory().total() == 0
    # With the meetings demo in place (the other order), the developments are linked.
    ResourceDevelopment.objects.all().delete()
    assert seed_directory()["development"] >= 4
    development = ResourceDevelopment.objects.select_related("meeting__body").get(title=TITLE)
    assert development.community_issue is not None
    assert development.community_issue.title == "生活介護の開所時間が短く、家族が働き続けにくい"
    assert development.meeting is not None
    assert development.meeting.body.name == "中央区障がい福祉ネットワーク会議"
    assert timezone.localtime(development.meeting.starts_at).date() == dt.date(2026, 5, 20)
    unlinked = ResourceDevelopment.objects.exclude(title=TITLE)
    assert not unlinked.filter(meeting__isnull=False).exists()
    assert seed_directory().total() == 0


def test_the_demo_plans_name_providers_from_the_demo_directory(demo):
    """Issue 16, item 7: seed_demo makes the directory's resources before the plans, whose
    items choose them; the informal item names a salon and still the 民生委員 by text."""
    linked = PlanItem.objects.filter(resource__isnull=False).select_related("resource__provider")
    assert linked.filter(support_kind="formal").count() >= 10
    salons = linked.filter(support_kind="informal", resource__service_type__code="salon")
    assert salons.exists()
    assert all(item.responsible_name == "地区の民生委員" for item in salons)
    for item in linked:
        resource = item.resource
        assert resource is not None
        assert item.provider_name == resource.provider.name
        assert resource.status == "active"
