"""The demo city's trial visits and motivating moments (issue 21 items 5 and 6): a person
visits three candidate services and chooses one, and the plan shows it; a moment reaches the
council page de-identified."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tsunagu.meetings import deidentify
from tsunagu.moments.models import CouncilMoment, MomentShare
from tsunagu.trials.models import CandidateStatus, TrialCandidate

pytestmark = pytest.mark.django_db


def test_a_person_visits_three_services_and_chooses_one(demo_city, client_as):
    candidates = list(TrialCandidate.objects.select_related("plan__case").order_by("pk"))
    assert len(candidates) == 3
    assert all(c.visits.exists() for c in candidates)
    chosen = [c for c in candidates if c.status == CandidateStatus.CHOSEN]
    assert len(chosen) == 1
    assert chosen[0].visits.count() == 2
    case = chosen[0].plan.case
    page = client_as(case.lead_worker).get(reverse("plans:plan_detail", args=[chosen[0].plan_id]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "体験後に選択" in text
    assert chosen[0].resource_name in text


def test_a_moment_reaches_the_council_de_identified(demo_city, client_as):
    moment = CouncilMoment.objects.select_related("note__case__person").get()
    assert moment.is_published
    assert deidentify.check(moment.text, moment.note.case, field="text") == []
    person = moment.note.case.person
    assert person is not None
    for name in (person.family_name, person.given_name):
        assert name not in moment.text
    assert MomentShare.objects.filter(note=moment.note, stopped_at__isnull=True).exists()
    page = client_as(moment.note.case.lead_worker).get(reverse("moments:council_moments"))
    assert moment.text in page.content.decode()
