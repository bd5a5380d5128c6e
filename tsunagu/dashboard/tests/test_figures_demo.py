"""The dashboards on the demo city: city1, core1, ward1 and council1 each see real figures."""

from __future__ import annotations

import pytest

from conftest import sign_in
from tsunagu.dashboard import figures as dashboards
from tsunagu.organizations.models import Membership
from tsunagu.organizations.tests.actors import actor_as


@pytest.fixture
def demo(demo_city, db, settings):
    settings.DEMO_MODE = True
    return demo_city


def _actor(username: str):
    membership = Membership.objects.get(user__username=username, is_primary=True)
    return actor_as(membership.user, membership.organization)


@pytest.mark.parametrize(
    ("username", "role"),
    [
        ("city1", "city"),
        ("core1", "core_center"),
        ("ward1", "ward_office"),
        ("council1", "council"),
    ],
)
def test_each_demo_role_has_its_dashboard_with_figures(demo, client, username, role):
    actor = _actor(username)
    scope = dashboards.scope_of(actor)
    assert scope is not None
    assert scope.role == role
    board = dashboards.dashboard(actor, scope, year=dashboards.fiscal_years()[0])
    consultations = board.distribution("consultations_by_month")
    assert consultations.total, username
    assert any(row.count for row in board.distribution("consultations_by_support_type").rows)
    response = sign_in(client, actor.user).get("/dashboards/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="img"' in page
    assert scope.title in page


def test_a_demo_office_on_the_council_sees_the_councils_figures(demo, client):
    scope = dashboards.scope_of(_actor("office_b1"))
    # office-kaede is a member of the council: its counselors see the council's figures.
    assert scope is not None
    assert scope.role == "council"
