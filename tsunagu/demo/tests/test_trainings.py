"""The demo year of trainings: held ones with attendance, certificates, a handout and the
attendees' anonymous questionnaire answers; coming ones open (one full, with a waiting list);
themes on every event but the common course; seeded once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tsunagu.demo.trainings import seed_and_summarise
from tsunagu.trainings import selectors
from tsunagu.trainings.models import (
    QuestionnaireAnswer,
    Registration,
    TrainingEvent,
    TrainingMaterial,
)

pytestmark = pytest.mark.django_db


def test_a_year_of_trainings_seeded_once(personas, private_media):
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
    # Every held event has its handout and every attendee answered, once.
    for event in held:
        assert TrainingMaterial.objects.filter(event=event).exists()
        attended = event.registrations.filter(attendance="attended")
        assert QuestionnaireAnswer.objects.filter(event=event).count() == attended.count()
        assert not attended.filter(questionnaire_answered=False).exists()
    severe = TrainingEvent.objects.get(theme__startswith="強度行動障害")
    assert "severe_behaviour" in severe.themes
    if severe.held_on <= today:
        assert QuestionnaireAnswer.objects.filter(event=severe).exists()
    assert all(e.themes for e in TrainingEvent.objects.exclude(theme__contains="共通研修"))
    # Run again: nothing added.
    count = Registration.objects.count()
    answers = QuestionnaireAnswer.objects.count()
    assert "追加なし" in seed_and_summarise("core_officer")
    assert Registration.objects.count() == count
    assert QuestionnaireAnswer.objects.count() == answers
    assert TrainingEvent.objects.count() == 7


def test_a_city_seeded_before_the_follow_ups_gets_them(personas, private_media):
    seed_and_summarise("core_officer")
    QuestionnaireAnswer.objects.all().delete()
    Registration.objects.update(questionnaire_answered=False)
    TrainingMaterial.objects.all().delete()
    TrainingEvent.objects.update(themes=[])
    summary = seed_and_summarise("core_officer")
    assert "を追加" in summary
    assert TrainingEvent.objects.exclude(themes=[]).count() == 6
    held = TrainingEvent.objects.filter(status="held")
    if held.exists():
        assert QuestionnaireAnswer.objects.exists()
        assert TrainingMaterial.objects.count() == held.count()
        event = held.first()
        assert event is not None
        results = selectors.questionnaire_results(event)
        assert results.answers == event.registrations.filter(attendance="attended").count()
