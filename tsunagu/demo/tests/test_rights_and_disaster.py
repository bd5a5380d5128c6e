"""The demo city holds issue 20's Done-when walk-throughs beside the abuse report: a 市長申立て
tracked to the court's ruling, a discrimination consultation ended in mediation, and a
safety-check campaign on one ward with states recorded."""

from __future__ import annotations

import pytest

from tsunagu.disaster.models import Campaign
from tsunagu.rights.models import DiscriminationConsultation, GuardianshipPetition

pytestmark = pytest.mark.django_db


def test_a_mayors_petition_reaches_the_courts_ruling(demo_city):
    petition = GuardianshipPetition.objects.get(petitioner="mayor")
    steps = list(petition.steps.order_by("on", "pk").values_list("step", flat=True))
    assert "mayor_decision" in steps
    assert "ruling" in steps
    assert steps.index("mayor_decision") < steps.index("ruling")
    assert petition.ruling == "granted"


def test_a_discrimination_consultation_ends_in_mediation(demo_city):
    consultation = DiscriminationConsultation.objects.get()
    kinds = list(consultation.steps.order_by("on", "pk").values_list("kind", flat=True))
    assert kinds[-1] == "mediation"
    assert consultation.outcome == "mediated"


def test_a_safety_check_campaign_on_one_ward_has_progress(demo_city):
    campaign = Campaign.objects.get()
    assert campaign.areas.count() == 1
    assert campaign.checks.exists()
