"""The announcement to the targeted organizations, attendance from an uploaded list (dry run,
row problems in Japanese, all or nothing), the registration list it reads back, and the
themes an event covers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import AuditEvent
from tsunagu.core.errors import Invalid
from tsunagu.notifications.models import Notification
from tsunagu.notifications.registry import render_targets
from tsunagu.organizations.models import Membership
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.trainings import imports, services
from tsunagu.trainings.models import Registration, TrainingEvent
from tsunagu.trainings.tests.factories import make_event

pytestmark = pytest.mark.django_db


def _fields(**over):
    return {
        "theme": "強度行動障害の理解",
        "kind": "lecture",
        "held_on": dt.date(2025, 6, 1),
        "starts_at": dt.time(10),
        "ends_at": dt.time(12),
        "format": "online",
        "capacity": 10,
        "target_kinds": ["commissioned_office"],
        "target_job_titles": ["counselor"],
        **over,
    }


def _notified(event) -> set[str]:
    return set(
        Notification.objects.filter(
            target_type="trainings.trainingevent", target_id=event.pk
        ).values_list("recipient__username", flat=True)
    )


def test_announcing_notifies_the_targeted_members_once(personas):
    core = actor_as(personas.core_officer)
    event = services.event_create(core, status="draft", **_fields())
    assert _notified(event) == set()
    services.event_update(core, event=event, status="announced")
    # Counselors of commissioned offices: not office A's consultation specialist, not the
    # core center, not the city.
    assert _notified(event) == {"counselor_a", "reader_a", "counselor_b"}
    assert AuditEvent.objects.get(action="training.announced").detail["recipients"] == 3
    services.event_update(core, event=event, status="closed")
    services.event_update(core, event=event, status="announced")
    assert Notification.objects.filter(target_id=event.pk).count() == 3

    everyone = services.event_create(
        core, status="announced", **_fields(target_kinds=[], target_job_titles=[])
    )
    assert {"colleague_a", "city_official", "counselor_b"} <= _notified(everyone)
    assert "core_officer" not in _notified(everyone)  # who announced it

    shown = render_targets(actor_as(personas.counselor_b), [("trainings.trainingevent", event.pk)])
    (item,) = shown.values()
    assert "強度行動障害の理解" in item.title
    assert item.url == reverse("trainings:event_detail", args=[event.pk])


def test_themes_on_the_form_and_in_the_api(personas, client_as, client):
    core = client_as(personas.core_officer)
    form = {
        "theme": "医療的ケア児の相談支援",
        "kind": "lecture",
        "held_on": "令和7年5月20日",
        "starts_at": "13:30",
        "ends_at": "16:00",
        "format": "in_person",
        "capacity": "10",
        "status": "draft",
        "themes": ["medical_care_child", "medical_care"],
    }
    assert core.post(reverse("trainings:event_create"), form).status_code == 302
    event = TrainingEvent.objects.get()
    assert event.themes == ["medical_care", "medical_care_child"]
    page = core.get(reverse("trainings:event_detail", args=[event.pk])).content.decode()
    assert "医療的ケア児" in page
    bad = core.post(reverse("trainings:event_create"), {**form, "themes": ["cooking"]})
    assert bad.status_code == 400

    token = api_token_for(personas.core_officer, personas.core_center)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    got = client.get(f"/api/v1/trainings/{event.pk}", **auth).json()
    assert got["themes"] == ["medical_care", "medical_care_child"]
    patched = client.patch(
        f"/api/v1/trainings/{event.pk}",
        {"themes": ["severe_behaviour"]},
        content_type="application/json",
        **auth,
    )
    assert patched.json()["themes"] == ["severe_behaviour"]
    wrong = client.patch(
        f"/api/v1/trainings/{event.pk}",
        {"themes": ["cooking"]},
        content_type="application/json",
        **auth,
    )
    assert wrong.status_code == 422


@pytest.fixture
def event(personas):
    event = make_event(personas.core_center, personas.core_officer, held_on=dt.date(2025, 6, 1))
    for user, status in (
        (personas.counselor_a, "registered"),
        (personas.colleague_a, "registered"),
        (personas.reader_a, "waiting"),
    ):
        Registration.objects.create(
            event=event,
            worker=user,
            organization=personas.office_a,
            job_title="counselor",
            status=status,
            registered_by=personas.counselor_a,
        )
    return event


def _csv(text: str) -> bytes:
    return ("\ufeff" + text).encode("utf-8")


def test_the_import_checks_every_row_and_records_all_or_nothing(personas, event):
    core = actor_as(personas.core_officer)
    a = Registration.objects.get(worker=personas.counselor_a)
    c = Registration.objects.get(worker=personas.colleague_a)
    data = _csv(
        f"ログイン名,氏名,出欠\ncounselor_a,,\n,{personas.colleague_a.full_name},遅刻\n"
        "nobody,,出席\nreader_a,,\n"
    )
    outcome = imports.attendance_import(core, event=event, data=data, name="a.csv", dry_run=False)
    assert not outcome.committed
    messages = {(p.line, p.column): p.message for p in outcome.problems}
    assert "出欠として使えません" in messages[3, "出欠"]
    assert messages[4, "ログイン名"] == "「nobody」はこの研修の申込者にいません。"
    assert "キャンセル待ち" in messages[5, ""]
    a.refresh_from_db()
    assert a.attendance == ""  # nothing recorded

    squeezed = personas.colleague_a.full_name.replace(" ", "")  # spaces do not matter
    good = _csv(f"ログイン名,氏名,出欠\ncounselor_a,,\n,{squeezed},欠席\n")
    dry = imports.attendance_import(core, event=event, data=good, name="a.csv", dry_run=True)
    assert dry.ok
    assert not dry.committed
    a.refresh_from_db()
    assert a.attendance == ""
    done = imports.attendance_import(core, event=event, data=good, name="a.csv", dry_run=False)
    assert done.committed
    assert sorted(done.created_ids) == sorted([a.pk, c.pk])
    a.refresh_from_db()
    c.refresh_from_db()
    assert (a.attendance, c.attendance) == ("attended", "absent")
    row = AuditEvent.objects.filter(action="training.attendance").latest("pk")
    assert row.detail["import"]["file_name"] == "a.csv"

    with pytest.raises(Invalid):  # no column naming the worker
        imports.attendance_import(
            core, event=event, data=_csv("所属\nあおば\n"), name="", dry_run=True
        )
    future = make_event(personas.core_center, personas.core_officer, held_on=dt.date(2099, 1, 1))
    with pytest.raises(Invalid):
        imports.attendance_import(core, event=future, data=good, name="", dry_run=True)


def test_the_export_reads_back_on_the_screens(personas, event, client_as):
    core = client_as(personas.core_officer)
    export = core.get(reverse("trainings:registrations_export", args=[event.pk]))
    assert export.status_code == 200
    text = export.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "ログイン名,氏名,所属（申込時）,職種（申込時）,状態,出欠"
    assert "counselor_a" in text
    assert "reader_a" in text
    assert AuditEvent.objects.filter(action="training.registrations_exported").exists()
    # The organizer keeps the two registered rows (the waiting one is dropped) and uploads.
    kept = [line for line in text.splitlines() if "キャンセル待ち" not in line]
    upload = _csv("\r\n".join(kept) + "\r\n")
    url = reverse("trainings:attendance_import", args=[event.pk])
    assert core.get(url).status_code == 200
    preview = core.post(url, {"file": SimpleUploadedFile("list.csv", upload)})
    assert preview.status_code == 200, preview.content.decode()
    assert not Registration.objects.filter(attendance="attended").exists()
    token = preview.context["token"]
    assert core.post(url, {"token": token}).status_code == 302
    assert Registration.objects.filter(attendance="attended").count() == 2

    bad = core.post(url, {"file": SimpleUploadedFile("x.csv", _csv("氏名\n山田 花子\n"))})
    assert bad.status_code == 400
    assert "この研修の申込者にいません" in bad.content.decode()
    assert client_as(personas.counselor_a).get(url).status_code == 403
    office = client_as(personas.counselor_a)
    assert office.get(reverse("trainings:registrations_export", args=[event.pk])).status_code == 403


def test_the_import_through_the_api(personas, event, client):
    token = api_token_for(personas.core_officer, personas.core_center)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    path = f"/api/v1/trainings/{event.pk}/attendance/import"
    good = _csv("ログイン名\ncounselor_a\n")
    dry = client.post(path, {"file": SimpleUploadedFile("a.csv", good)}, **auth)
    assert dry.status_code == 200
    assert dry.json()["committed"] is False
    bad = client.post(
        path + "?dry_run=false",
        {"file": SimpleUploadedFile("a.csv", _csv("ログイン名\nx\n"))},
        **auth,
    )
    assert bad.status_code == 422
    assert bad.json()["problems"][0]["message"] == "「x」はこの研修の申込者にいません。"
    assert client.post(path + "?dry_run=false", {}, **auth).status_code == 422
    done = client.post(path + "?dry_run=false", {"file": SimpleUploadedFile("a.csv", good)}, **auth)
    assert done.status_code == 201
    assert Registration.objects.get(worker=personas.counselor_a).attendance == "attended"
    other = api_token_for(personas.counselor_b, personas.office_b)
    refused = client.post(
        path, {"file": SimpleUploadedFile("a.csv", good)}, HTTP_AUTHORIZATION=f"Bearer {other}"
    )
    assert refused.status_code == 403
    assert Membership.objects.exists()
