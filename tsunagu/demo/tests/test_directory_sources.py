"""The demo resource developments link to the demo community issues and meetings of
tsunagu/demo/meetings.py when those exist, whichever demo runs first."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tsunagu.demo.directory import seed_directory
from tsunagu.meetings.models import ResourceDevelopment

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
