"""The API twins of meeting screens (issue 14, API parity): taking an action item as a task,
deleting a meeting attachment, recording a case conference, drafting its summary and moving a
community issue on.  The same services and access rules as the screens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases.models import CaseConference
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.meetings import services
from tsunagu.meetings.models import (
    IssueSource,
    IssueStage,
    MeetingActionItem,
    MeetingAttachment,
    MeetingBody,
)
from tsunagu.meetings.tests.factories import CaseConferenceFactory, MeetingFactory
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.people.tests.factories import PersonFactory
from tsunagu.records.tests.factories import minimal_pdf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]


@pytest.fixture
def api(client):
    def as_user(user):
        org = user.memberships.get(is_primary=True).organization
        headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(user, org)}"}

        class Api:
            def post(self, path, data=None):
                return client.post(path, data or {}, content_type="application/json", **headers)

            def delete(self, path):
                return client.delete(path, **headers)

        return Api()

    return as_user


@pytest.fixture
def case(personas):
    person = PersonFactory.create(
        family_name="鏑木",
        given_name="瑠璃子",
        family_name_kana="カブラギ",
        given_name_kana="ルリコ",
        registered_by_organization=personas.office_a,
    )
    return CaseFactory.create(
        person=person, lead_organization=personas.office_a, lead_worker=personas.counselor_a
    )


@pytest.fixture
def conference(personas, case):
    return CaseConferenceFactory.create(
        case=case,
        kind="case_study_session",
        organizer=personas.office_a,
        created_by=personas.counselor_a,
    )


# --- Case conferences -------------------------------------------------------------------------


def test_the_lead_records_a_conference_and_drafts_its_summary(personas, api, conference):
    counselor = api(personas.counselor_a)
    url = f"/api/v1/case-conferences/{conference.pk}/record"
    no_sv = counselor.post(url, {"supervisor_advice": "家族の休息を優先する"})
    assert no_sv.status_code == 422
    assert no_sv.json()["error"]["message"] == "SVの助言を書くときは、SVの氏名も書いてください。"
    recorded = counselor.post(
        url,
        {
            "discussion": "短期入所の利用を検討した",
            "supervisor_name": "佐々木",
            "supervisor_advice": "家族の休息を優先する",
        },
    )
    assert recorded.status_code == 200, recorded.content
    saved = CaseConference.objects.get(pk=conference.pk)
    assert (saved.discussion, saved.supervisor_name) == ("短期入所の利用を検討した", "佐々木")
    event = AuditEvent.objects.filter(
        action=Action.RECORD_UPDATED, target_id=str(conference.pk)
    ).latest("pk")
    assert set(event.detail["changed"]) == {"discussion", "supervisor_name", "supervisor_advice"}

    generated = counselor.post(f"/api/v1/case-conferences/{conference.pk}/summary/generate")
    assert generated.status_code == 200, generated.content
    saved.refresh_from_db()
    assert saved.summary.strip()
    assert "鏑木" not in saved.summary
    assert saved.summary_reviewed_at is None  # shared only after the author's review


def test_conference_writes_refuse_outsiders_and_readers(personas, api, conference):
    record = f"/api/v1/case-conferences/{conference.pk}/record"
    generate = f"/api/v1/case-conferences/{conference.pk}/summary/generate"
    for path, body in ((record, {"discussion": "x"}), (generate, None)):
        outsider = api(personas.counselor_b).post(path, body)
        assert outsider.status_code == 404, path
        assert outsider.json()["error"]["code"] == "not_found"
        assert api(personas.reader_a).post(path, body).status_code == 403, path
    too_long = api(personas.counselor_a).post(record, {"supervisor_name": "長" * 101})
    assert too_long.status_code == 422
    saved = CaseConference.objects.get(pk=conference.pk)
    assert (saved.discussion, saved.summary) == (conference.discussion, conference.summary)


# --- Meetings: action items and attachments ---------------------------------------------------


def test_an_action_item_becomes_the_owner_s_task_once(personas, api, ward_network):
    meeting = MeetingFactory.create(body=ward_network, created_by=personas.core_officer)
    item = MeetingActionItem.objects.create(
        meeting=meeting,
        title="空き状況の一覧を作る",
        owner_organization=personas.office_a,
        created_by=personas.core_officer,
    )
    url = f"/api/v1/meeting-action-items/{item.pk}/take"
    assert api(personas.counselor_b).post(url).status_code == 404  # not in the body
    assert api(personas.reader_a).post(url).status_code == 403
    assert api(personas.core_officer).post(url).status_code == 403  # not the owner
    taken = api(personas.counselor_a).post(url)
    assert taken.status_code == 200, taken.content
    item.refresh_from_db()
    assert item.task_id is not None
    assert taken.json()["task_id"] == item.task_id
    again = api(personas.counselor_a).post(url)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"


def test_the_secretariat_deletes_an_attachment(personas, api, client_as, ward_network):
    meeting = MeetingFactory.create(body=ward_network, created_by=personas.core_officer)
    response = client_as(personas.core_officer).post(
        reverse("meetings:meeting_record", kwargs={"meeting_id": meeting.pk}),
        {
            "version": meeting.version,
            "status": "held",
            "attachments": [SimpleUploadedFile("配布資料.pdf", minimal_pdf())],
        },
    )
    assert response.status_code == 302
    attachment = MeetingAttachment.objects.get(meeting=meeting)
    url = f"/api/v1/meeting-attachments/{attachment.pk}"
    assert api(personas.counselor_b).delete(url).status_code == 404
    assert api(personas.reader_a).delete(url).status_code == 403
    assert MeetingAttachment.objects.filter(pk=attachment.pk).exists()
    deleted = api(personas.core_officer).delete(url)
    assert deleted.status_code == 204, deleted.content
    assert not MeetingAttachment.objects.filter(pk=attachment.pk).exists()
    assert AuditEvent.objects.filter(
        action=Action.RECORD_DELETED, target_id=str(attachment.pk)
    ).exists()


# --- Community issues -------------------------------------------------------------------------

ISSUE = {
    "title": "重症心身障害のある人の短期入所先が区内にない",
    "theme": "respite",
    "description": (
        "医療的ケアが必要な人の短期入所の受け皿が区内になく、家族の入院時に困る世帯が続いている。"
    ),
    "source": IssueSource.CASE,
}


def test_an_issue_moves_on_through_the_api(personas, api, case, ward_network):
    issue = services.issue_raise(
        actor=actor_as(personas.counselor_a, personas.office_a), data=ISSUE, source_case=case
    )
    meeting = MeetingFactory.create(body=ward_network, created_by=personas.core_officer)
    url = f"/api/v1/community-issues/{issue.pk}/advance"
    today = timezone.localdate().isoformat()
    counselor = api(personas.counselor_a)
    assert counselor.post(url, {"stage": "nonsense", "occurred_on": today}).status_code == 422
    skipped = counselor.post(url, {"stage": "proposed", "occurred_on": today})
    assert skipped.status_code == 409
    no_meeting = counselor.post(url, {"stage": "shared_meso", "occurred_on": today})
    assert no_meeting.status_code == 422
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    future = counselor.post(url, {"stage": "shared_meso", "occurred_on": tomorrow})
    assert future.status_code == 422
    body = {"stage": "shared_meso", "occurred_on": today, "meeting_id": meeting.pk}
    # Office B reads the issue but may not move it; the meeting it cannot see is a 404.
    outsider = api(personas.counselor_b)
    assert outsider.post(url, {"stage": "shared_meso", "occurred_on": today}).status_code == 403
    assert outsider.post(url, body).status_code == 404
    assert api(personas.reader_a).post(url, body).status_code == 403
    moved = counselor.post(url, {**body, "note": "各機関から同様の声"})
    assert moved.status_code == 200, moved.content
    issue.refresh_from_db()
    assert issue.stage == IssueStage.SHARED_MESO
    assert [s.stage for s in issue.steps.all()] == ["raised", "shared_meso"]


# --- Meeting bodies ---------------------------------------------------------------------------

BODY = {
    "name": "中央区障がい者相談支援部会",
    "kind": "ward_network",
    "level": "meso",
    "frequency_kind": "at_least",
    "frequency_count": 4,
}


def test_the_core_center_registers_a_meeting_body(personas, api):
    core = api(personas.core_officer)
    created = core.post(
        "/api/v1/meeting-bodies",
        {
            **BODY,
            "secretariat_organization_ids": [personas.core_center.pk],
            "member_organization_ids": [personas.office_a.pk, personas.office_b.pk],
        },
    )
    assert created.status_code == 201, created.content
    body = MeetingBody.objects.get(pk=created.json()["id"])
    assert (body.name, body.frequency_count) == ("中央区障がい者相談支援部会", 4)
    assert list(body.secretariats.all()) == [personas.core_center]
    assert AuditEvent.objects.filter(action=Action.RECORD_CREATED, target_id=str(body.pk)).exists()


def test_meeting_bodies_are_registered_only_by_core_and_city_with_good_input(personas, api):
    good = {**BODY, "secretariat_organization_ids": [personas.core_center.pk]}
    office = api(personas.counselor_a).post("/api/v1/meeting-bodies", good)
    assert office.status_code == 403
    assert office.json()["error"]["code"] == "forbidden"
    core = api(personas.core_officer)
    for bad in (
        {**good, "secretariat_organization_ids": []},
        {**good, "secretariat_organization_ids": [999999]},
        {**good, "kind": "nonsense"},
        {**good, "frequency_count": 0},  # "at least N a year" needs N >= 1
        {**good, "frequency_kind": "months", "frequency_months": [13]},
        {**good, "parent_id": 999999},
        {**good, "name": ""},
    ):
        response = core.post("/api/v1/meeting-bodies", bad)
        assert response.status_code == 422, bad
        assert set(response.json()["error"]) >= {"code", "message"}
    assert not MeetingBody.objects.exists()
