"""The screens and the API walk the same services: create, register, attend, certify; bad
input is a Japanese message (400 on a screen, 422 in the API), never a 500."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.organizations.models import Membership
from tsunagu.trainings.models import Registration, RegistrationStatus, TrainingEvent
from tsunagu.trainings.tests.factories import make_event

pytestmark = pytest.mark.django_db


def _event_form(**over: str) -> dict[str, object]:
    return {
        "theme": "医療的ケア児の相談支援",
        "kind": "lecture",
        "held_on": "令和7年5月20日",
        "starts_at": "13:30",
        "ends_at": "16:00",
        "format": "in_person",
        "place": "みどり市役所 会議室",
        "lecturers": "高橋一郎（みどり市立病院）",
        "target_kinds": ["commissioned_office"],
        "target_job_titles": ["consultation_specialist"],
        "capacity": "1",
        "status": "announced",
        **over,
    }


def test_the_walk_on_the_screens(personas, client_as):
    core = client_as(personas.core_officer)
    response = core.post(reverse("trainings:event_create"), _event_form())
    assert response.status_code == 302, response.content.decode()
    event = TrainingEvent.objects.get()
    assert event.held_on == dt.date(2025, 5, 20)

    office = client_as(personas.counselor_a)
    assert office.get(reverse("trainings:event_list")).status_code == 200
    detail = office.get(reverse("trainings:event_detail", args=[event.pk])).content.decode()
    assert "高橋一郎（みどり市立病院）" in detail
    url = reverse("trainings:registration_create", args=[event.pk])
    for user in (personas.counselor_a, personas.colleague_a):
        membership = Membership.objects.get(user=user, organization=personas.office_a)
        assert office.post(url, {"membership": membership.pk}).status_code == 302
    first, second = Registration.objects.order_by("pk")
    assert (first.status, second.status) == ("registered", "waiting")

    # Office B cannot pick office A's staff: the form refuses the choice (400).
    other = Membership.objects.get(user=personas.colleague_a, organization=personas.office_a)
    assert client_as(personas.counselor_b).post(url, {"membership": other.pk}).status_code == 400

    cancel = reverse("trainings:registration_cancel", args=[first.pk])
    assert office.post(cancel).status_code == 302
    second.refresh_from_db()
    assert second.status == RegistrationStatus.REGISTERED

    attendance = reverse("trainings:attendance", args=[event.pk])
    assert core.get(attendance).status_code == 200
    assert core.post(attendance, {f"r{second.pk}": "attended"}).status_code == 302
    issue = reverse("trainings:certificates_issue", args=[event.pk])
    assert core.post(issue).status_code == 302
    certificate = office.get(reverse("trainings:certificate", args=[second.pk]))
    assert certificate.status_code == 200
    assert certificate["Content-Type"] == "application/pdf"
    assert certificate.content.startswith(b"%PDF")
    # The cancelled registration has no certificate: the project's 404.
    assert office.get(reverse("trainings:certificate", args=[first.pk])).status_code == 404


@pytest.mark.parametrize(
    "over",
    [
        {"held_on": "99999-01-01"},
        {"held_on": "H31.5.1"},
        {"capacity": "99999"},
        {"capacity": "ｱｲｳ"},
        {"starts_at": "25:00"},
        {"ends_at": "09:00"},
        {"kind": "party"},
    ],
)
def test_bad_input_on_the_event_form_is_a_400(personas, client_as, over):
    response = client_as(personas.core_officer).post(
        reverse("trainings:event_create"), _event_form(**over)
    )
    assert response.status_code == 400
    assert not TrainingEvent.objects.exists()


def test_offices_cannot_create_or_run_events(personas, client_as):
    office = client_as(personas.counselor_a)
    assert office.get(reverse("trainings:event_create")).status_code == 404
    event = make_event(personas.core_center, personas.core_officer)
    assert office.get(reverse("trainings:event_edit", args=[event.pk])).status_code == 403
    assert office.get(reverse("trainings:attendance", args=[event.pk])).status_code == 403


def test_huge_ids_are_404(personas, client_as):
    office = client_as(personas.counselor_a)
    assert office.get(f"/trainings/{2**63}/").status_code == 404
    assert office.get(f"/trainings/registrations/{2**64}/certificate.pdf").status_code == 404


def test_the_list_filters_refuse_bad_dates(personas, client_as):
    response = client_as(personas.counselor_a).get(
        reverse("trainings:event_list"), {"held_from": "99999-99-99"}
    )
    assert response.status_code == 400


def _api(client, token, method, path, body=None):
    data = body if isinstance(body, str) else json.dumps(body or {}, ensure_ascii=False)
    return client.generic(
        method,
        f"/api/v1{path}",
        data=data,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_the_walk_through_the_api(personas, client):
    core = api_token_for(personas.core_officer, personas.core_center)
    office = api_token_for(personas.counselor_a, personas.office_a)
    body = {
        "theme": "ひきこもり支援の事例検討",
        "kind": "case_study",
        "held_on": "2025-06-01",
        "starts_at": "10:00",
        "ends_at": "12:00",
        "format": "online",
        "capacity": 1,
        "status": "announced",
        "target_kinds": ["commissioned_office"],
        "co_organizer_ids": [personas.office_a.pk],
    }
    created = _api(client, core, "POST", "/trainings", body)
    assert created.status_code == 201, created.content
    event_id = created.json()["id"]
    assert created.json()["co_organizer_ids"] == [personas.office_a.pk]
    assert _api(client, office, "POST", "/trainings", body).status_code == 404

    members = [
        Membership.objects.get(user=u, organization=personas.office_a).pk
        for u in (personas.counselor_a, personas.colleague_a)
    ]
    path = f"/trainings/{event_id}/registrations"
    one = _api(client, office, "POST", path, {"membership_id": members[0]})
    two = _api(client, office, "POST", path, {"membership_id": members[1]})
    assert (one.json()["status"], two.json()["status"]) == ("registered", "waiting")
    again = _api(client, office, "POST", path, {"membership_id": members[1]})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"

    cancelled = _api(client, office, "POST", f"/training-registrations/{one.json()['id']}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    moved = _api(client, office, "GET", path).json()
    assert {r["id"]: r["status"] for r in moved["results"]}[two.json()["id"]] == "registered"

    marks = {"marks": [{"registration_id": two.json()["id"], "attendance": "attended"}]}
    assert _api(client, core, "POST", f"/trainings/{event_id}/attendance", marks).status_code == 200
    issued = _api(client, core, "POST", f"/trainings/{event_id}/certificates")
    assert [r["id"] for r in issued.json()] == [two.json()["id"]]
    pdf = _api(client, office, "GET", f"/training-registrations/{two.json()['id']}/certificate")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    "body",
    [
        '"a string, not an object"',
        {"marks": "attended"},
        {"marks": [{"registration_id": 2**63, "attendance": "attended"}]},
        {"marks": [{"registration_id": 1, "attendance": "late"}]},
    ],
)
def test_bad_api_input_is_a_json_error(personas, client, body):
    event = make_event(personas.core_center, personas.core_officer, held_on=dt.date(2025, 5, 1))
    core = api_token_for(personas.core_officer, personas.core_center)
    response = _api(client, core, "POST", f"/trainings/{event.pk}/attendance", body)
    assert response.status_code in (400, 422)
    assert response.json()["error"]["message"]


def test_api_event_bad_values(personas, client):
    core = api_token_for(personas.core_officer, personas.core_center)
    base = {
        "theme": "研修",
        "kind": "lecture",
        "held_on": "2025-06-01",
        "starts_at": "10:00",
        "ends_at": "12:00",
        "format": "online",
        "capacity": 10,
    }
    for over in (
        {"held_on": "99999-01-01"},
        {"capacity": 0},
        {"theme": "   "},
        {"ends_at": "09:00"},
        {"co_organizer_ids": [2**62]},
    ):
        response = _api(client, core, "POST", "/trainings", {**base, **over})
        assert response.status_code == 422, (over, response.content)
    assert not TrainingEvent.objects.exists()
