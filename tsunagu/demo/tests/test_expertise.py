"""The demo expertise answers the issue's question: who knows about 強度行動障害 in 北区 (and in
東区).  Idempotent; small counts stay suppressed."""

from __future__ import annotations

import pytest

from tsunagu.demo.expertise import seed_expertise
from tsunagu.demo.management.commands.seed_demo import seed_demo
from tsunagu.expertise import selectors
from tsunagu.expertise.models import ExpertiseDeclaration, Theme
from tsunagu.organizations.models import Area, Membership, Organization
from tsunagu.organizations.tests.actors import actor_as

pytestmark = pytest.mark.django_db


def test_the_demo_answers_who_knows_about_severe_behaviour_in_the_east_ward(settings):
    settings.DEMO_MODE = True
    seed_demo()
    created = seed_expertise()
    assert created["declaration"] >= 8
    assert not seed_expertise().total()  # idempotent

    office_b1 = Membership.objects.get(user__username="office_b1", is_primary=True)
    actor = actor_as(office_b1.user, office_b1.organization)
    east = Area.objects.get(code="midori-higashi")
    entries = selectors.directory(actor, theme=Theme.SEVERE_BEHAVIOUR, ward=east)
    codes = [e.organization.code for e in entries]
    # かえで serves 東区 and declares it; the core center serves the whole city and declares it.
    assert {"office-kaede", "core-center"} <= set(codes)
    # さくら and みどりの風 serve 西区 only: not asked.
    assert not {"office-sakura", "plan-midorinokaze"} & set(codes)
    for entry in entries:
        for item in entry.evidence:
            assert item.closed_cases is None or item.closed_cases == 0 or item.closed_cases >= 5
            assert (item.closed_cases is None) == (item.closed_band == "under_5")
    # Every declaration was written by a member of its own office.
    for declaration in ExpertiseDeclaration.objects.select_related("organization"):
        assert Membership.objects.filter(
            user=declaration.declared_by, organization=declaration.organization
        ).exists()
    assert Organization.objects.filter(code="office-kaede", areas_served=east).exists()


def test_the_demo_answers_who_knows_about_severe_behaviour_in_the_north_ward(settings, client_as):
    settings.DEMO_MODE = True
    seed_demo()
    seed_expertise()
    north = Area.objects.get(code="midori-kita", kind="ward")
    office_c1 = Membership.objects.get(user__username="office_c1", is_primary=True)
    assert office_c1.organization.code == "plan-kitakaze"
    actor = actor_as(office_c1.user, office_c1.organization)
    entries = selectors.directory(actor, theme=Theme.SEVERE_BEHAVIOUR, ward=north)
    codes = [e.organization.code for e in entries]
    # きたかぜ serves 北区 and declares it; the core center serves the whole city.
    assert set(codes) == {"plan-kitakaze", "core-center"}
    # The screen gives the same answer to a worker of another ward's office.
    page = client_as(Membership.objects.get(user__username="office_a1").user).get(
        "/expertise/", {"theme": Theme.SEVERE_BEHAVIOUR.value, "ward": north.pk}
    )
    assert page.status_code == 200
    assert "相談支援事業所 きたかぜ" in page.content.decode()
