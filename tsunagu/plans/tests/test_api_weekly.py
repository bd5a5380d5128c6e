"""POST/DELETE /api/v1/plans/{id}/weekly: the API twins of the draft plan's weekly schedule
screen (issue 14, API parity), through the same services and access rules."""

from __future__ import annotations

import pytest

from tsunagu.audit.models import Action, AuditEvent
from tsunagu.plans.models import WeeklyScheduleEntry
from tsunagu.plans.tests.test_api import PLAN, Api
from tsunagu.plans.tests.world import PlanWorld, build_plan_world

pytestmark = pytest.mark.django_db

ENTRY = {"weekday": 1, "start_time": "10:00", "end_time": "15:00", "activity": "作業所"}


@pytest.fixture
def w(personas) -> PlanWorld:
    return build_plan_world(personas)


def test_the_lead_adds_and_deletes_weekly_entries_of_a_draft(personas, w):
    lead = Api(personas.counselor_a, personas.office_a)
    draft = lead.post(f"/cases/{w.case.pk}/plans", PLAN).json()
    url = f"/plans/{draft['id']}/weekly"
    added = lead.post(url, {**ENTRY, "provider": "みどり作業所"})
    assert added.status_code == 201, added.content
    entry = WeeklyScheduleEntry.objects.get(pk=added.json()["id"])
    assert (entry.plan_id, entry.weekday, entry.activity) == (draft["id"], 1, "作業所")
    assert added.json()["weekday_label"] == "火"
    weekly = lead.get(f"/plans/{draft['id']}").json()["weekly"]
    assert entry.pk in [e["id"] for e in weekly]

    deleted = lead.delete(f"{url}/{entry.pk}")
    assert deleted.status_code == 204, deleted.content
    assert not WeeklyScheduleEntry.objects.filter(pk=entry.pk).exists()
    assert AuditEvent.objects.filter(action=Action.RECORD_DELETED, target_id=str(entry.pk)).exists()
    assert lead.delete(f"{url}/{entry.pk}").status_code == 422  # no longer on the draft


def test_weekly_entries_are_refused_to_outsiders_readers_agreed_plans_and_bad_input(personas, w):
    lead = Api(personas.counselor_a, personas.office_a)
    draft = lead.post(f"/cases/{w.case.pk}/plans", PLAN).json()
    url = f"/plans/{draft['id']}/weekly"
    outsider = Api(personas.counselor_b, personas.office_b).post(url, ENTRY)
    assert outsider.status_code == 404
    assert outsider.json()["error"]["code"] == "not_found"
    assert Api(personas.reader_a, personas.office_a).post(url, ENTRY).status_code == 403
    agreed = lead.post(f"/plans/{w.plan.pk}/weekly", ENTRY)
    assert agreed.status_code == 409  # only a draft changes
    for bad in (
        {**ENTRY, "weekday": 7},
        {**ENTRY, "end_time": "09:00"},
        {**ENTRY, "activity": ""},
        {**ENTRY, "start_time": "25:00"},
    ):
        response = lead.post(url, bad)
        assert response.status_code == 422, bad
    before = WeeklyScheduleEntry.objects.filter(plan_id=draft["id"]).count()
    some = WeeklyScheduleEntry.objects.filter(plan_id=draft["id"]).first()
    assert some is not None  # the draft starts from the agreed plan's week
    path = f"{url}/{some.pk}"
    assert Api(personas.counselor_b, personas.office_b).delete(path).status_code == 404
    assert Api(personas.reader_a, personas.office_a).delete(path).status_code == 403
    assert WeeklyScheduleEntry.objects.filter(plan_id=draft["id"]).count() == before
