"""The demo's team boards (tsunagu.demo.board): threads core1 is mentioned in, seen by the
team only."""

from __future__ import annotations

import pytest

from tsunagu.accounts.models import User
from tsunagu.demo.board import seed_board
from tsunagu.notifications.models import Notification, NotificationKind
from tsunagu.organizations.models import Membership
from tsunagu.records.models import BoardMessage

pytestmark = pytest.mark.django_db


def test_office_a1_and_core1_talk_on_three_boards(demo_city):
    messages = list(BoardMessage.objects.select_related("case"))
    assert len(messages) == 6
    assert len({m.case_id for m in messages}) == 3
    assert {m.author.username for m in messages} == {"office_a1", "core1"}
    assert all(m.case.lead_organization.code == "office-aoba" for m in messages)
    replies = [m for m in messages if m.parent_id]
    assert len(replies) == 3
    assert all(r.parent is not None and r.parent.case_id == r.case_id for r in replies)


def test_the_mentions_ring_core1s_bell(demo_city):
    core1 = User.objects.get(username="core1")
    mentioned = BoardMessage.objects.filter(mentions=core1)
    assert mentioned.count() == 3
    bell = Notification.objects.filter(recipient=core1, kind=NotificationKind.BOARD_MENTION)
    assert set(bell.values_list("target_id", flat=True)) == set(
        mentioned.values_list("pk", flat=True)
    )


def test_office_b1_sees_none_of_it(demo_city, client_as):
    kaede = User.objects.get(
        pk=Membership.objects.filter(organization__code="office-kaede").values("user")[:1]
    )
    client = client_as(kaede)
    team = client_as(User.objects.get(username="office_a1"))
    for case_id in set(BoardMessage.objects.values_list("case_id", flat=True)):
        assert team.get(f"/records/cases/{case_id}/board/").status_code == 200
        assert client.get(f"/records/cases/{case_id}/board/").status_code == 404


def test_seeding_again_adds_nothing(demo_city):
    assert seed_board() == 0
    assert BoardMessage.objects.count() == 6
