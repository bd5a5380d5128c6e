"""The demo meetings of みどり市 (tsunagu/demo/meetings.py), read from the seeded demo city."""

from __future__ import annotations

import datetime as dt

import pytest

from tsunagu.cases.models import CaseConference, CaseTeamMember
from tsunagu.demo.meetings import seed_and_summarise
from tsunagu.meetings import selectors
from tsunagu.meetings.models import CommunityIssue, MeetingBody
from tsunagu.organizations.models import Membership
from tsunagu.organizations.tests.actors import actor_as


@pytest.fixture
def demo(demo_city, db, settings):
    settings.DEMO_MODE = True
    return demo_city


def _actor(username: str, code: str):
    membership = Membership.objects.get(user__username=username, organization__code=code)
    return actor_as(membership.user, membership.organization)


def test_the_demo_flags_the_short_ward_network_meeting(demo):
    assert "会議を作成しました" in demo
    rows = selectors.compliance(
        actor=_actor("core1", "core-center"), year=2026, today=dt.date(2026, 12, 1)
    )
    by_name = {row.body.name: row for row in rows}
    higashi = by_name["東区障がい福祉ネットワーク会議"]
    assert (higashi.required, higashi.held, higashi.scheduled) == (4, 2, 0)
    assert higashi.cannot_reach
    chuo = by_name["中央区障がい福祉ネットワーク会議"]
    assert (chuo.held, chuo.scheduled) == (3, 1)
    assert not chuo.cannot_reach


def test_the_demo_has_conferences_and_issues_at_several_stages(demo):
    assert MeetingBody.objects.filter(parent__isnull=False).exists()
    # The meetings demo's three and the one-person office's case conference (the referrals
    # demo), besides the support meetings that the casework's support-meeting bases name
    # (issue 13 item 4), each with every pledge recorded.
    named = CaseTeamMember.objects.filter(conference__isnull=False).values("conference_id")
    assert CaseConference.objects.exclude(pk__in=named).count() == 4
    behind_bases = CaseConference.objects.filter(pk__in=named)
    assert behind_bases.exists()
    assert not behind_bases.filter(attendees__pledged_at__isnull=True).exists()
    assert not CaseTeamMember.objects.filter(
        basis="statutory_meeting", conference__isnull=True
    ).exists()
    assert CaseConference.objects.filter(summary_reviewed_at__isnull=False).count() == 1
    stages = set(CommunityIssue.objects.values_list("stage", flat=True))
    assert {"raised", "shared_meso", "under_study", "action"} <= stages
    # Idempotent: a second run makes nothing.
    assert "新たに作成したものはありません" in seed_and_summarise()
