"""The demo year of trainings: held ones with attendance and certificates, coming ones open
(one full, with a waiting list); seeded once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tsunagu.demo.trainings import seed_and_summarise
from tsunagu.trainings.models import Registration, TrainingEvent

pytestmark = pytest.mark.django_db


def test_a_year_of_trainings_seeded_once(personas):
    summary = seed_and_summarise("core_officer")
    assert summary.startswith("研修: 7件")
    today = timezone.localdate()
    held = TrainingEvent.objects.filter(held_on__lte=today)
    assert held.exists()
    assert all(e.status == "held" for e in held)
    assert Registration.objects.filter(
        event__in=held, attendance="attended", certificate_issued_on__isnull=False
    ).exists()
    assert Registration.objects.filter(status="waiting").exists()  # the full site visit
    # Run again: nothing added.
    count = Registration.objects.count()
    assert "追加なし" in seed_and_summarise("core_officer")
    assert Registration.objects.count() == count
    assert TrainingEvent.objects.count() == 7
