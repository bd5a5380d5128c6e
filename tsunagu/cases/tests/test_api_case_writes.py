"""The API twins of the case edit, team-leave and break-glass screens (issue 14, API parity):
the same services, the same access rules (an outsider gets 404, a reader 403), the same audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases.models import BreakGlassAccess, Case, CaseTeamMember
from tsunagu.cases.tests.factories import TeamMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    def as_user(user):
        org = user.memberships.get(is_primary=True).organization
        headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(user, org)}"}

        class Api:
            def post(self, path, data):
                return client.post(path, data, content_type="application/json", **headers)

            def patch(self, path, data):
                return client.patch(path, data, content_type="application/json", **headers)

        return Api()

    return as_user


# --- PATCH /cases/{id} ------------------------------------------------------------------------


def test_the_lead_edits_a_case(personas, world, api):
    url = f"/api/v1/cases/{world.case.pk}"
    counselor = api(personas.counselor_a)
    response = counselor.patch(
        url,
        {
            "version": world.case.version,
            "title": "佐藤さんの生活の再建",
            "is_complex": True,
            "difficulty_factors": ["life.money"],
        },
    )
    assert response.status_code == 200, response.content
    case = Case.objects.get(pk=world.case.pk)
    assert (case.title, case.is_complex, case.difficulty_factors) == (
        "佐藤さんの生活の再建",
        True,
        ["life.money"],
    )
    assert case.lead_worker == personas.counselor_a  # not sent, not changed
    assert response.json()["title"] == "佐藤さんの生活の再建"
    event = AuditEvent.objects.filter(action=Action.RECORD_UPDATED, target_id=str(case.pk)).get()
    assert set(event.detail["changed"]) == {"title", "is_complex", "difficulty_factors"}
    stale = counselor.patch(url, {"version": world.case.version, "title": "古い版"})
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict"


def test_case_edit_refuses_outsiders_readers_and_bad_input(personas, world, api):
    url = f"/api/v1/cases/{world.case.pk}"
    body = {"version": world.case.version, "title": "x"}
    outsider = api(personas.counselor_b).patch(url, body)
    assert outsider.status_code == 404
    assert outsider.json()["error"]["code"] == "not_found"
    assert api(personas.reader_a).patch(url, body).status_code == 403
    counselor = api(personas.counselor_a)
    for bad in (
        {**body, "support_layer": "nonsense"},
        {**body, "difficulty_factors": ["nonsense"]},
        {**body, "lead_worker_id": personas.counselor_b.pk},  # not a worker of the lead
        {"title": "no version"},
    ):
        response = counselor.patch(url, bad)
        assert response.status_code == 422, bad
        assert set(response.json()["error"]) >= {"code", "message"}
    case = Case.objects.get(pk=world.case.pk)
    assert (case.title, case.version) == ("佐藤花子さんの支援", world.case.version)


# --- POST /cases/{id}/team/{member_id}/leave --------------------------------------------------


def test_a_team_member_leaves_through_the_api(personas, world, api):
    member = TeamMemberFactory.create(
        case=world.case,
        organization=personas.office_b,
        added_by=personas.counselor_a,
        joined_on=timezone.localdate() - dt.timedelta(days=30),
    )
    url = f"/api/v1/cases/{world.case.pk}/team/{member.pk}/leave"
    assert api(personas.counselor_b).post(url, {}).status_code == 403  # not the lead
    assert api(personas.reader_a).post(url, {}).status_code == 403
    too_early = api(personas.counselor_a).post(url, {"left_on": "2000-01-01"})
    assert too_early.status_code == 422
    left = api(personas.counselor_a).post(url, {})
    assert left.status_code == 200, left.content
    assert CaseTeamMember.objects.get(pk=member.pk).left_on == timezone.localdate()
    assert left.json()["id"] == member.pk
    again = api(personas.counselor_a).post(url, {})
    assert again.status_code == 422
    assert again.json()["error"]["message"] == "この機関はすでにチームを離れています。"


def test_team_leave_is_404_for_outsiders_and_unknown_members(personas, world, api):
    lead = world.case.team.get()
    outsider_case = api(personas.counselor_b).post(
        f"/api/v1/cases/{world.case.pk}/team/{lead.pk}/leave", {}
    )
    assert outsider_case.status_code == 404
    unknown = api(personas.counselor_a).post(f"/api/v1/cases/{world.case.pk}/team/999999/leave", {})
    assert unknown.status_code == 404
    lead_leaves = api(personas.counselor_a).post(
        f"/api/v1/cases/{world.case.pk}/team/{lead.pk}/leave", {}
    )
    assert lead_leaves.status_code == 422
    assert CaseTeamMember.objects.get(pk=lead.pk).left_on is None


# --- POST /break-glass ------------------------------------------------------------------------


def test_break_glass_answers_alike_whether_or_not_the_person_exists(personas, world, api):
    outsider = api(personas.counselor_b)
    reason = "夜間に本人と連絡が取れず、安否確認のため記録を見る必要がある。"
    hit = outsider.post(
        "/api/v1/break-glass", {"person_id": str(world.person.pk), "reason": reason}
    )
    miss = outsider.post("/api/v1/break-glass", {"person_id": "999999", "reason": reason})
    assert hit.status_code == miss.status_code == 202, hit.content
    assert hit.json() == miss.json()
    access = BreakGlassAccess.objects.get()
    assert (access.person_id, access.organization) == (world.person.pk, personas.office_b)
    # Every attempt, hit or miss, is in the audit log.
    assert AuditEvent.objects.filter(actor=personas.counselor_b).count() >= 2


def test_break_glass_refuses_readers_and_short_reasons(personas, world, api):
    body = {"person_id": str(world.person.pk), "reason": "短い"}
    assert api(personas.counselor_b).post("/api/v1/break-glass", body).status_code == 422
    long_enough = {**body, "reason": "生命の危険があり、今すぐ確認が必要です。"}
    assert api(personas.reader_a).post("/api/v1/break-glass", long_enough).status_code == 403
    assert not BreakGlassAccess.objects.exists()
