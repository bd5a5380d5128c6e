"""Meeting frequencies judged pro rata for the part of the fiscal year that has passed (issue 16,
item 9): no alarm in July for a body that must meet four times a year and has met once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.core.dates import fiscal_months_passed
from tsunagu.meetings import selectors
from tsunagu.meetings.models import MeetingStatus
from tsunagu.meetings.tests.factories import MeetingFactory
from tsunagu.organizations.tests.actors import actor_as

pytestmark = pytest.mark.django_db

FY = 2026  # 令和8年度: 2026-04-01 .. 2027-03-31


def _held(body, *days: dt.date, status: str = MeetingStatus.HELD) -> None:
    for day in days:
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(14, 0)))
        MeetingFactory.create(body=body, starts_at=at, ends_at=at, status=status)


@pytest.mark.parametrize(
    ("today", "months"),
    [
        (dt.date(2026, 3, 31), 0),  # before the year
        (dt.date(2026, 4, 1), 0),
        (dt.date(2026, 7, 15), 3),  # April to June are over
        (dt.date(2027, 1, 1), 9),
        (dt.date(2027, 3, 31), 11),  # the last month is not over yet
        (dt.date(2027, 4, 1), 12),
    ],
)
def test_whole_months_of_the_fiscal_year_passed(today, months):
    assert fiscal_months_passed(FY, today) == months


def test_july_a_body_of_four_a_year_that_met_once_is_not_flagged(personas, ward_network):
    _held(ward_network, dt.date(2026, 5, 20))
    actor = actor_as(personas.core_officer, personas.core_center)
    [row] = selectors.compliance(actor=actor, year=FY, today=dt.date(2026, 7, 15))
    assert (row.required, row.due, row.held) == (4, 1, 1)
    assert not row.is_short
    assert not row.is_met


def test_july_a_body_of_four_a_year_that_has_not_met_is_flagged(personas, ward_network):
    _held(ward_network, dt.date(2026, 9, 16), status=MeetingStatus.SCHEDULED)
    actor = actor_as(personas.core_officer, personas.core_center)
    [row] = selectors.compliance(actor=actor, year=FY, today=dt.date(2026, 7, 15))
    assert (row.due, row.held, row.scheduled) == (1, 0, 1)
    assert row.is_short


def test_march_three_of_four_is_on_track_and_two_is_short(personas, ward_network):
    _held(ward_network, dt.date(2026, 5, 20), dt.date(2026, 8, 19))
    actor = actor_as(personas.core_officer, personas.core_center)
    march = dt.date(2027, 3, 10)
    [row] = selectors.compliance(actor=actor, year=FY, today=march)
    assert (row.due, row.held) == (3, 2)  # eleven months passed: 4 × 11 / 12, rounded down
    assert row.is_short
    assert row.cannot_reach

    _held(ward_network, dt.date(2026, 11, 18))
    [row] = selectors.compliance(actor=actor, year=FY, today=march)
    assert (row.due, row.held, row.is_short) == (3, 3, False)
    # Once the year is over, all four are due.
    [row] = selectors.compliance(actor=actor, year=FY, today=dt.date(2027, 4, 1))
    assert (row.due, row.is_short) == (4, True)


def test_the_screen_says_on_track_in_july(personas, client_as, ward_network, monkeypatch):
    _held(ward_network, dt.date(2026, 5, 20))
    monkeypatch.setattr(timezone, "localdate", lambda *args: dt.date(2026, 7, 15))
    client = client_as(personas.core_officer)
    html = client.get(reverse("meetings:compliance"), {"year": FY}).content.decode()
    assert "順調" in html
    assert "必要な回数に届いていない会議体" not in html
    assert "row--flagged" not in html
