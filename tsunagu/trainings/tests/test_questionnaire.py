"""The questionnaire after an event (issue 18 item 1, "Done when": anonymous questionnaire
answers cannot be traced to a person through the API or the screens)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import models
from django.urls import reverse

from tsunagu.accounts.tests.factories import UserFactory, api_token_for
from tsunagu.audit.models import AuditEvent
from tsunagu.core.errors import Conflict, FieldErrors, Forbidden, Invalid
from tsunagu.organizations.models import JobTitle
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.organizations.tests.factories import MembershipFactory
from tsunagu.trainings import selectors, services
from tsunagu.trainings.models import QuestionnaireAnswer, Registration
from tsunagu.trainings.tests.factories import make_event

pytestmark = pytest.mark.django_db


def _attendees(personas, event, n: int) -> list[Registration]:
    """`n` workers of office A (named 受講者1…), registered and attended, in that order."""
    made = []
    for i in range(1, n + 1):
        user = UserFactory.create(username=f"attendee{i}", full_name=f"研修 受講者{i}")
        MembershipFactory.create(
            user=user, organization=personas.office_a, job_title=JobTitle.COUNSELOR
        )
        made.append(
            Registration.objects.create(
                event=event,
                worker=user,
                organization=personas.office_a,
                job_title=JobTitle.COUNSELOR,
                status="registered",
                attendance="attended",
                registered_by=personas.counselor_a,
            )
        )
    return made


@pytest.fixture
def held(personas):
    return make_event(
        personas.core_center, personas.core_officer, status="held", held_on=dt.date(2025, 6, 1)
    )


def _answer(registration: Registration, satisfaction: int, text: str = "") -> None:
    services.questionnaire_answer(
        actor_as(registration.worker, registration.organization),
        registration=registration,
        satisfaction=satisfaction,
        usefulness=satisfaction,
        comment=text,
        topics_wanted=f"{text}の続き" if text else "",
        topic_themes=["severe_behaviour"],
    )


def test_the_answer_row_holds_nothing_that_names_or_dates_the_attendee():
    fields = QuestionnaireAnswer._meta.get_fields()
    relations = {f.name for f in fields if f.is_relation}
    assert relations == {"event"}
    assert not [f for f in fields if isinstance(f, models.DateField | models.TimeField)]
    assert isinstance(QuestionnaireAnswer._meta.pk, models.UUIDField)  # no insertion order


def test_an_attendee_answers_once_and_the_audit_row_does_not_carry_the_answer(personas, held):
    (registration,) = _attendees(personas, held, 1)
    _answer(registration, 4, "事例の検討が具体的でよかった")
    registration.refresh_from_db()
    assert registration.questionnaire_answered
    answer = QuestionnaireAnswer.objects.get()
    assert (answer.satisfaction, answer.event_id) == (4, held.pk)
    row = AuditEvent.objects.filter(action="training.questionnaire_answered").get()
    assert row.detail == {"event": held.pk}
    assert row.target_id == str(registration.pk)
    dumped = json.dumps([e.detail for e in AuditEvent.objects.all()], ensure_ascii=False)
    assert str(answer.pk) not in dumped
    assert answer.pk.hex not in dumped
    assert "事例の検討" not in dumped
    with pytest.raises(Conflict):
        _answer(registration, 1)
    assert QuestionnaireAnswer.objects.count() == 1


def test_only_the_attendee_answers_after_the_event(personas, held):
    (registration,) = _attendees(personas, held, 1)
    with pytest.raises(Forbidden):  # someone else on their registration
        services.questionnaire_answer(
            actor_as(personas.counselor_a), registration=registration, satisfaction=5
        )
    registration.attendance = "absent"
    registration.save()
    with pytest.raises(Invalid):
        _answer(registration, 5)
    registration.attendance = "attended"
    registration.save()
    with pytest.raises(FieldErrors):
        _answer(registration, 6)
    assert not QuestionnaireAnswer.objects.exists()


def test_answers_are_listed_by_value_not_in_the_order_given(personas, held):
    registrations = _attendees(personas, held, 6)
    # In registration order the satisfaction rises: 1, 2, 3, 4, 5, 5.
    for i, registration in enumerate(registrations):
        _answer(registration, min(i + 1, 5), f"感想{i + 1}")
    results = selectors.questionnaire_results(held)
    assert results.shown
    assert results.answers == 6
    assert results.satisfaction_mean == round(20 / 6, 2)
    assert {t.value: t.count for t in results.satisfaction} == {5: 2, 4: 1, 3: 1, 2: 1, 1: 1}
    # Best first; the two fives in the order of their random keys, not of answering.
    assert results.comments[2:] == ["感想4", "感想3", "感想2", "感想1"]
    assert set(results.comments[:2]) == {"感想5", "感想6"}
    fives = list(QuestionnaireAnswer.objects.filter(satisfaction=5).order_by("id"))
    assert results.comments[:2] == [a.comment for a in fives]
    assert [(t.label, t.count) for t in results.topic_themes] == [("強度行動障害", 6)]


def test_with_fewer_than_five_answers_only_the_count_is_shown(personas, held, client_as, client):
    for i, registration in enumerate(_attendees(personas, held, 4)):
        _answer(registration, 5 - i, f"感想{i + 1}")
    results = selectors.questionnaire_results(held)
    assert (results.shown, results.answers, results.comments) == (False, 4, [])
    page = client_as(personas.core_officer).get(
        reverse("trainings:questionnaire_results", args=[held.pk])
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "感想1" not in text
    assert "5件に満たない" in text
    token = api_token_for(personas.core_officer, personas.core_center)
    body = client.get(
        f"/api/v1/trainings/{held.pk}/questionnaire/results",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    ).json()
    assert body["shown"] is False
    assert body["comments"] == []
    assert body["satisfaction"] == []


def test_nothing_on_the_screens_or_the_api_links_an_answer_to_a_person(
    personas, held, client_as, client
):
    registrations = _attendees(personas, held, 5)
    for registration in registrations:
        member = client_as(registration.worker)
        url = reverse("trainings:questionnaire", args=[held.pk])
        assert member.get(url).status_code == 200
        n = registration.worker.username.removeprefix("attendee")
        response = member.post(
            url, {"satisfaction": "4", "comment": f"感想{n}", "topic_themes": ["hikikomori"]}
        )
        assert response.status_code == 302, response.content.decode()
        assert "回答済み" in member.get(url).content.decode()
        assert member.post(url, {"satisfaction": "1"}).status_code == 409

    core = client_as(personas.core_officer)
    results = core.get(reverse("trainings:questionnaire_results", args=[held.pk])).content
    detail = core.get(reverse("trainings:event_detail", args=[held.pk])).content
    text = results.decode()
    assert "感想1" in text
    assert "ひきこもり: 5件" in text
    for registration in registrations:
        assert registration.worker.full_name not in text
        assert registration.worker.username not in text
    assert "回答済み" not in detail.decode()  # the organizer does not see who answered
    for answer in QuestionnaireAnswer.objects.all():
        assert str(answer.pk) not in text

    token = api_token_for(personas.core_officer, personas.core_center)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = client.get(f"/api/v1/trainings/{held.pk}/questionnaire/results", **auth).json()
    assert body["answers"] == 5
    assert body["shown"] is True
    assert set(body) >= {"comments", "satisfaction", "topic_themes"}
    flat = json.dumps(body, ensure_ascii=False)
    assert 'id"' not in flat.replace('event_id"', "")
    for answer in QuestionnaireAnswer.objects.all():
        assert str(answer.pk) not in flat
    registrations_body = client.get(f"/api/v1/trainings/{held.pk}/registrations", **auth).json()
    assert all("questionnaire_answered" not in r for r in registrations_body["results"])
    # The audit rows of answering name the registration, never the answer.
    rows = AuditEvent.objects.filter(action="training.questionnaire_answered")
    assert rows.count() == 5
    assert all(set(r.detail) == {"event"} for r in rows)


def test_the_api_answer_gives_back_no_key(personas, held, client):
    (registration,) = _attendees(personas, held, 1)
    token = api_token_for(registration.worker, personas.office_a)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    path = f"/api/v1/trainings/{held.pk}/questionnaire"
    assert client.get(path, **auth).json() == {"event_id": held.pk, "answered": False}
    for bad in (
        {"satisfaction": 0},
        {"satisfaction": "とても"},
        {"satisfaction": 3, "topic_themes": ["x"]},
    ):
        response = client.post(path, bad, content_type="application/json", **auth)
        assert response.status_code == 422, bad
    response = client.post(
        path, {"satisfaction": 3, "comment": "ふつう"}, content_type="application/json", **auth
    )
    assert response.status_code == 201
    assert response.json() == {"event_id": held.pk, "answered": True}
    again = client.post(path, {"satisfaction": 3}, content_type="application/json", **auth)
    assert again.status_code == 409
    assert QuestionnaireAnswer.objects.count() == 1


def test_bad_input_on_the_screen_is_a_400(personas, held, client_as):
    (registration,) = _attendees(personas, held, 1)
    url = reverse("trainings:questionnaire", args=[held.pk])
    member = client_as(registration.worker)
    for bad in ({}, {"satisfaction": "9"}, {"satisfaction": "3", "comment": "あ" * 2001}):
        assert member.post(url, bad).status_code == 400
    assert not QuestionnaireAnswer.objects.exists()


def test_who_did_not_attend_gets_404(personas, held, client_as, client):
    (registration,) = _attendees(personas, held, 1)
    registration.attendance = "absent"
    registration.save()
    url = reverse("trainings:questionnaire", args=[held.pk])
    results = reverse("trainings:questionnaire_results", args=[held.pk])
    for user in (registration.worker, personas.counselor_a, personas.counselor_b):
        assert client_as(user).get(url).status_code == 404
    # The results are the organizer's: an office gets the 404.
    assert client_as(personas.counselor_a).get(results).status_code == 404
    token = api_token_for(personas.counselor_b, personas.office_b)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get(f"/api/v1/trainings/{held.pk}/questionnaire", **auth).status_code == 404
    response = client.post(
        f"/api/v1/trainings/{held.pk}/questionnaire",
        {"satisfaction": 5},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 404
    assert (
        client.get(f"/api/v1/trainings/{held.pk}/questionnaire/results", **auth).status_code == 404
    )
