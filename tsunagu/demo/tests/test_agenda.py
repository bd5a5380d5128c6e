"""The calendar of the demo city: office_a1's winter has entries of every kind the demo makes,
and the feed built from them names none of the demo's people."""

from __future__ import annotations

import datetime as dt

import pytest

from tsunagu.agenda import ics, selectors
from tsunagu.agenda.models import Scope
from tsunagu.cases.access import persons_visible_to
from tsunagu.organizations.models import Membership
from tsunagu.organizations.tests.actors import actor_as


@pytest.fixture
def demo(demo_city, db, settings):
    settings.DEMO_MODE = True
    return demo_city


def _actor(username: str):
    membership = Membership.objects.get(user__username=username, is_primary=True)
    return actor_as(membership.user, membership.organization)


def test_office_a1_sees_a_season_of_work_and_the_feed_names_nobody(demo):
    actor = _actor("office_a1")
    entries = selectors.agenda_entries(
        actor, first=dt.date(2026, 11, 1), last=dt.date(2027, 3, 31), scope=Scope.ORGANIZATION
    )
    kinds = {e.kind for e in entries}
    assert {"meeting", "monitoring"} <= kinds, kinds
    body = ics.feed_calendar(entries, name="つなぐ", site="https://tsunagu.invalid").decode()
    names = {
        name
        for person in persons_visible_to(actor)
        for name in (person.family_name + person.given_name, person.given_name)
        if len(name) >= 2
    }
    leaked = sorted(name for name in names if name in body)
    assert not leaked, leaked
    case_titles = {e.case_label for e in entries if e.case_label and e.case_label[0] != "#"}
    assert not [t for t in case_titles if t in body]
