"""The annual report counts the hearings of the offices the center held in the year and lists
the directions the council adopted from them (issue 19 item 4); a round another organization
holds is not the center's."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tsunagu.core.dates import fiscal_year
from tsunagu.hearings import services as hearings
from tsunagu.hearings.tests.factories import make_hearings
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.reports.annual import layout, report_for
from tsunagu.reports.figures import annual_figures

pytestmark = pytest.mark.django_db


def test_the_hearings_of_the_year_and_the_directions_adopted_are_in_the_report(personas):
    world = make_hearings(personas, adopted=True)
    city = actor_as(personas.city_official)
    other = hearings.round_create(
        city, title="市のヒアリング", fiscal_year=world.round.fiscal_year, questions=["状況"]
    )
    theirs = hearings.hearing_create(
        city,
        round_=other,
        kind="group",
        held_on=world.hearing.held_on,
        offices=[personas.office_a, personas.office_b],
        interviewers=[personas.city_official],
    )
    hearings.hearing_status(city, hearing=theirs, status="held")
    year = fiscal_year(timezone.localdate())
    f = annual_figures(personas.core_center, year)
    assert (f.hearings_individual, f.hearings_group, f.offices_heard) == (1, 0, 1)
    assert f.hearing_findings == 1
    assert [(d.title, d.round) for d in f.directions] == [
        (world.direction.title, world.round.title)
    ]
    text = [block.text for block in layout(report_for(personas.core_center, year), f).blocks]
    assert any("個別1回" in t and "1件の結果" in t for t in text)
    tables = [
        cell
        for block in layout(report_for(personas.core_center, year), f).blocks
        if block.table is not None
        for row in block.table.rows
        for cell in row
    ]
    assert world.direction.title in tables


def test_a_direction_not_yet_adopted_is_not_listed(personas):
    make_hearings(personas, adopted=False)
    f = annual_figures(personas.core_center, fiscal_year(timezone.localdate()))
    assert f.directions == []
    assert f.hearings_individual == 1
