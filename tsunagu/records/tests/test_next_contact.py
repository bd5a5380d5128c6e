"""次回連絡予定日: a note's next-contact date becomes a task of its author's organization, moved
with the date and cancelled when it is cleared; the screens, the API and the case's task list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases.models import CaseStatus
from tsunagu.core.errors import Invalid
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.plans.models import Task, TaskSource, TaskStatus
from tsunagu.records import services
from tsunagu.records.models import NoteKind, ProgressNote

pytestmark = pytest.mark.django_db


def _in(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def _reiwa(day: dt.date) -> str:
    return f"令和{day.year - 2018}年{day.month}月{day.day}日"


def _headers(user, organization):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(user, organization)}"}


def _post_note(client, case, **extra):
    data = {
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "kind": "home_visit",
        "text": "自宅を訪問。来週もう一度電話することにした。",
        **extra,
    }
    return client.post(f"/records/cases/{case.pk}/notes/new/", data)


def _note_with_task(personas, world, days=7):
    return services.note_create(
        actor_as(personas.counselor_a),
        case=world.case,
        data={"kind": NoteKind.PHONE, "text": "電話で様子を聞いた。", "next_contact_on": _in(days)},
    )


def test_a_note_with_a_next_contact_date_makes_the_authors_task(personas, world, client_as):
    day = _in(7)
    response = _post_note(client_as(personas.counselor_a), world.case, next_contact_on=_reiwa(day))
    assert response.status_code == 302, response.content.decode()
    note = ProgressNote.objects.get()
    assert note.next_contact_on == day
    task = Task.objects.get()
    assert (task.source, task.progress_note, task.case, task.due_on, task.status) == (
        TaskSource.NOTE,
        note,
        world.case,
        day,
        TaskStatus.OPEN,
    )
    assert (task.owner_organization, task.owner_worker) == (
        personas.office_a,
        personas.counselor_a,
    )
    assert task.display_title == "次回の連絡（訪問の記録から）"
    created = AuditEvent.objects.filter(action=Action.RECORD_CREATED)
    assert set(created.values_list("target_type", flat=True)) == {
        "records.progressnote",
        "plans.task",
    }
    note_row = created.get(target_type="records.progressnote")
    assert note_row.detail["task"] == task.pk

    # The timeline shows the date; the case's task list shows the task.
    timeline = client_as(personas.colleague_a).get(f"/records/cases/{world.case.pk}/notes/")
    assert "次回連絡予定日" in timeline.content.decode()
    tasks = client_as(personas.core_officer).get(f"/plans/cases/{world.case.pk}/tasks/")
    assert tasks.status_code == 200
    assert f'id="task-{task.pk}"' in tasks.content.decode()
    assert "次回の連絡（訪問の記録から）" in tasks.content.decode()


def test_a_note_without_the_date_makes_no_task(personas, world, client_as):
    assert _post_note(client_as(personas.counselor_a), world.case).status_code == 302
    assert not Task.objects.exists()


@pytest.mark.parametrize("value", ["abc", "R7.2.30", "99999-01-01", "令和0年1月1日"])
def test_a_junk_date_is_a_message_and_nothing_is_saved(personas, world, client_as, value):
    response = _post_note(client_as(personas.counselor_a), world.case, next_contact_on=value)
    assert response.status_code == 400
    assert 'class="error-summary"' in response.content.decode()
    assert not ProgressNote.objects.exists()
    assert not Task.objects.exists()


def test_a_next_contact_before_the_note_is_refused(personas, world, client_as):
    response = _post_note(
        client_as(personas.counselor_a), world.case, next_contact_on=_in(-3).isoformat()
    )
    assert response.status_code == 400
    assert "記録の日付より後の日" in response.content.decode()
    assert not Task.objects.exists()


def test_a_closed_case_takes_no_next_contact(personas, world):
    world.case.status = CaseStatus.CLOSED
    world.case.closed_on = timezone.localdate()
    world.case.save()
    with pytest.raises(Invalid, match="終結したケース"):
        _note_with_task(personas, world)
    assert not ProgressNote.objects.exists()


def test_changing_the_date_moves_the_task_and_clearing_it_cancels_it(personas, world, client_as):
    note = _note_with_task(personas, world)
    task = Task.objects.get()
    client = client_as(personas.colleague_a)  # the author's colleague: the same organization
    url = f"/records/notes/{note.pk}/next-contact/"
    assert client.get(url).status_code == 200

    moved = client.post(url, {"next_contact_on": _reiwa(_in(14))})
    assert moved.status_code == 302
    task.refresh_from_db()
    assert (task.due_on, task.status) == (_in(14), TaskStatus.OPEN)
    note.refresh_from_db()
    assert note.next_contact_on == _in(14)

    cleared = client.post(url, {"next_contact_on": ""})
    assert cleared.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED
    note.refresh_from_db()
    assert note.next_contact_on is None
    updated = AuditEvent.objects.filter(action=Action.RECORD_UPDATED)
    assert updated.filter(target_type="records.progressnote").count() == 2
    assert updated.filter(target_type="plans.task").count() == 2

    # A date again is a new task; the cancelled one stays as it was.
    assert client.post(url, {"next_contact_on": _in(3).isoformat()}).status_code == 302
    assert Task.objects.filter(status=TaskStatus.OPEN, due_on=_in(3)).count() == 1
    assert Task.objects.count() == 2


def test_a_done_task_stays_done_when_the_date_moves(personas, world):
    note = _note_with_task(personas, world)
    Task.objects.update(status=TaskStatus.DONE)
    services.note_next_contact_set(
        actor_as(personas.counselor_a), note=note, next_contact_on=_in(20)
    )
    assert set(Task.objects.values_list("status", "due_on")) == {
        (TaskStatus.DONE, _in(7)),
        (TaskStatus.OPEN, _in(20)),
    }


def test_only_the_authors_organization_changes_the_date(personas, world, client_as):
    note = _note_with_task(personas, world)
    url = f"/records/notes/{note.pk}/next-contact/"
    data = {"next_contact_on": _in(30).isoformat()}
    # The core center is on the team and reads the note, but the task is office A's.
    refused = client_as(personas.core_officer).post(url, data)
    assert refused.status_code == 403
    assert "記録した機関だけ" in refused.content.decode()
    assert client_as(personas.reader_a).post(url, data).status_code == 403
    assert client_as(personas.counselor_b).post(url, data).status_code == 404
    assert client_as(personas.counselor_b).get(url).status_code == 404
    assert (
        client_as(personas.counselor_a).get(f"/records/notes/{2**63}/next-contact/").status_code
        == 404
    )
    note.refresh_from_db()
    assert note.next_contact_on == _in(7)
    assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED).count() >= 3
    # The core center sees no link to change it.
    timeline = client_as(personas.core_officer).get(f"/records/cases/{world.case.pk}/notes/")
    assert "next-contact" not in timeline.content.decode()


def test_the_title_follows_the_readers_language_not_the_stored_one(personas, world):
    _note_with_task(personas, world)
    task = Task.objects.select_related("progress_note").get()
    Task.objects.filter(pk=task.pk).update(title="手で変えた件名")
    task.refresh_from_db()
    assert task.display_title == "次回の連絡（電話の記録から）"
    with translation.override("en"):
        # The kind is read now, in the reader's language (the rest once the catalogue has it).
        assert "Phone" in task.display_title


# --- API --------------------------------------------------------------------------------------


def test_api_note_with_a_next_contact_and_its_patch(personas, world, client):
    headers = _headers(personas.counselor_a, personas.office_a)
    created = client.post(
        f"/api/v1/cases/{world.case.pk}/notes",
        {"kind": "phone", "text": "母から電話。", "next_contact_on": _in(5).isoformat()},
        content_type="application/json",
        **headers,
    )
    assert created.status_code == 201, created.content
    assert created.json()["next_contact_on"] == _in(5).isoformat()
    note_id = created.json()["id"]

    tasks = client.get(f"/api/v1/cases/{world.case.pk}/tasks", **headers).json()
    assert [(t["source"], t["progress_note_id"], t["due_on"]) for t in tasks["results"]] == [
        ("note", note_id, _in(5).isoformat())
    ]

    moved = client.patch(
        f"/api/v1/notes/{note_id}",
        {"next_contact_on": _in(9).isoformat()},
        content_type="application/json",
        **headers,
    )
    assert moved.status_code == 200
    assert Task.objects.get().due_on == _in(9)
    cleared = client.patch(
        f"/api/v1/notes/{note_id}",
        {"next_contact_on": None},
        content_type="application/json",
        **headers,
    )
    assert cleared.status_code == 200
    assert cleared.json()["next_contact_on"] is None
    assert Task.objects.get().status == TaskStatus.CANCELLED
    listed = client.get(f"/api/v1/cases/{world.case.pk}/tasks", {"status": "all"}, **headers)
    assert listed.json()["results"][0]["status"] == "cancelled"


@pytest.mark.parametrize(
    "payload", [{}, {"next_contact_on": "abc"}, {"next_contact_on": "2101-01-01"}]
)
def test_api_refuses_bad_next_contact_values(personas, world, client, payload):
    note = _note_with_task(personas, world)
    response = client.patch(
        f"/api/v1/notes/{note.pk}",
        payload,
        content_type="application/json",
        **_headers(personas.counselor_a, personas.office_a),
    )
    assert response.status_code == 422
    assert "error" in response.json()


def test_api_a_date_before_the_note_is_422(personas, world, client):
    note = _note_with_task(personas, world)
    response = client.patch(
        f"/api/v1/notes/{note.pk}",
        {"next_contact_on": _in(-1).isoformat()},
        content_type="application/json",
        **_headers(personas.counselor_a, personas.office_a),
    )
    assert response.status_code == 422
    assert "記録の日付より後" in response.json()["error"]["message"]


def test_api_outsiders_get_404_and_team_members_403(personas, world, client):
    note = _note_with_task(personas, world)
    body = {"next_contact_on": _in(2).isoformat()}
    outsider = _headers(personas.counselor_b, personas.office_b)
    for note_id in (note.pk, 2**63):
        response = client.patch(
            f"/api/v1/notes/{note_id}", body, content_type="application/json", **outsider
        )
        assert response.status_code == 404
    assert client.get(f"/api/v1/cases/{world.case.pk}/tasks", **outsider).status_code == 404
    core = client.patch(
        f"/api/v1/notes/{note.pk}",
        body,
        content_type="application/json",
        **_headers(personas.core_officer, personas.core_center),
    )
    assert core.status_code == 403


def test_a_restricted_notes_id_is_not_given_with_its_task(personas, world, client):
    services.note_create(
        actor_as(personas.counselor_a),
        case=world.case,
        data={
            "kind": NoteKind.INTERVIEW,
            "text": "本人だけに聞いた話。",
            "is_restricted": True,
            "next_contact_on": _in(4),
        },
    )
    core = _headers(personas.core_officer, personas.core_center)
    tasks = client.get(f"/api/v1/cases/{world.case.pk}/tasks", **core).json()["results"]
    assert [(t["source"], t["progress_note_id"]) for t in tasks] == [("note", None)]
    assert "本人だけ" not in str(tasks)
