"""GET /api/v1/agenda: the screen's selector and read row over JSON; bad input is a 422."""

from __future__ import annotations

import datetime as dt

import pytest

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.agenda.tests.world import build_agenda_world
from tsunagu.audit.models import Action, AuditEvent

MONDAY = dt.date(2026, 11, 30)


@pytest.fixture
def world(personas):
    return build_agenda_world(personas, MONDAY)


def _get(client, user, organization, **query):
    token = api_token_for(user, organization)
    return client.get("/api/v1/agenda", query, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_week_of_the_lead(world, personas, client):
    response = _get(client, personas.counselor_a, personas.office_a, date="2026-12-03")
    assert response.status_code == 200
    body = response.json()
    assert (body["first"], body["last"]) == ("2026-11-30", "2026-12-06")
    assert (body["previous"], body["next"]) == ("2026-11-23", "2026-12-07")
    kinds = sorted(e["kind"] for e in body["entries"])
    assert kinds == ["conference", "meeting", "meeting", "monitoring", "task"]
    monitoring = next(e for e in body["entries"] if e["kind"] == "monitoring")
    assert monitoring["id"] == world.monitoring.pk
    assert monitoring["url"] == f"/plans/monitorings/{world.monitoring.pk}/"
    assert monitoring["case_id"] == world.case.pk
    row = AuditEvent.objects.filter(action=Action.RECORDS_LISTED).latest("pk")
    assert row.person_ids == [world.case.person_id]


def test_the_outsider_gets_an_empty_calendar(world, personas, client):
    for scope in ("mine", "organization"):
        response = _get(
            client, personas.counselor_b, personas.office_b, date="2026-12-03", scope=scope
        )
        assert response.status_code == 200
        assert response.json()["entries"] == []


@pytest.mark.parametrize(
    "query",
    [
        {"date": "abc"},
        {"date": "99999-01-01"},
        {"date": str(2**63)},
        {"view": "year"},
        {"scope": "everyone"},
    ],
)
def test_bad_input_is_a_422(world, personas, client, query):
    response = _get(client, personas.counselor_a, personas.office_a, **query)
    assert response.status_code == 422
    assert response.json()["error"]["message"]
