"""Attachments of meetings (minutes documents, handouts): checked like note attachments, stored
in the private storage, served only to those who see the meeting, deleted by its secretariat."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit import services as audit_services
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.meetings.models import NO_PERSON_DATA_HELP, Meeting, MeetingAttachment
from tsunagu.meetings.tests.factories import MeetingBodyFactory, MeetingFactory
from tsunagu.records.tests.factories import minimal_pdf, minimal_png

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]

MINUTES = "各機関から近況報告。短期入所の空きが少ないことを共有した。"
REFUSED = (
    "議事録はまだ保存されていません。"
    "入力した内容は残っていますが、添付ファイルはもう一度選び直してください。"
)


@pytest.fixture
def meeting(personas, ward_network) -> Meeting:
    return MeetingFactory.create(body=ward_network, created_by=personas.core_officer)


def _record(client, meeting, *files, minutes=MINUTES):
    return client.post(
        reverse("meetings:meeting_record", args=[meeting.pk]),
        {
            "version": meeting.version,
            "status": "held",
            "minutes": minutes,
            "decisions": "地域部会に提起する。",
            "attachments": list(files),
        },
    )


def _stored_files(root) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _assert_nothing_saved(meeting, private_media):
    meeting.refresh_from_db()
    assert meeting.version == 1
    assert meeting.minutes == ""
    assert not MeetingAttachment.objects.exists()
    assert _stored_files(private_media) == []
    assert not AuditEvent.objects.filter(action=Action.RECORD_UPDATED).exists()


def _last_event_id() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _upload(client_as, personas, meeting) -> MeetingAttachment:
    response = _record(
        client_as(personas.core_officer), meeting, SimpleUploadedFile("配布資料.pdf", minimal_pdf())
    )
    assert response.status_code == 302, response.content.decode()
    return MeetingAttachment.objects.get()


def test_the_upload_field_carries_the_same_warning_as_the_minutes(personas, meeting, client_as):
    page = client_as(personas.core_officer).get(
        reverse("meetings:meeting_record", args=[meeting.pk])
    )
    body = page.content.decode()
    assert 'enctype="multipart/form-data"' in body
    hint = body.split('id="id_attachments_helptext">', 1)[1].split("</div>", 1)[0]
    assert str(NO_PERSON_DATA_HELP) in hint
    assert str(NO_PERSON_DATA_HELP) in body.split('id="id_minutes_helptext">', 1)[1]


def test_secretariat_uploads_with_the_minutes_and_members_download(
    personas, meeting, client_as, client, private_media
):
    pdf = SimpleUploadedFile("第3回 議事録.pdf", minimal_pdf(), content_type="text/plain")
    png = SimpleUploadedFile("map.bin", minimal_png(), content_type="application/octet-stream")
    response = _record(client_as(personas.core_officer), meeting, pdf, png)
    assert response.status_code == 302, response.content.decode()

    meeting.refresh_from_db()
    assert meeting.minutes == MINUTES
    by_type = {a.content_type: a for a in meeting.attachments.all()}
    assert set(by_type) == {"application/pdf", "image/png"}  # from the bytes, not the upload
    pdf_row = by_type["application/pdf"]
    assert pdf_row.original_name == "第3回 議事録.pdf"
    assert pdf_row.size == len(minimal_pdf())
    assert pdf_row.uploaded_by == personas.core_officer
    assert pdf_row.file.name.startswith("meetings/")
    assert pdf_row.file.name.endswith(f"{pdf_row.sha256}.pdf")  # the detected type's
    assert "議事録" not in pdf_row.file.name
    assert len(_stored_files(private_media)) == 2
    updated = AuditEvent.objects.get(action=Action.RECORD_UPDATED)
    assert sorted(updated.detail["attachments"]) == sorted(a.pk for a in by_type.values())

    url = reverse("meetings:attachment_download", args=[pdf_row.pk])
    detail = client_as(personas.counselor_a).get(
        reverse("meetings:meeting_detail", args=[meeting.pk])
    )
    assert url in detail.content.decode()
    assert "第3回 議事録.pdf" in detail.content.decode()

    # A member of the body, its secretariat and the city (which oversees every body).
    for user in (personas.counselor_a, personas.core_officer, personas.city_official):
        download = client_as(user).get(url)
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == minimal_pdf()
        assert download["Content-Type"] == "application/pdf"
        assert download["Content-Disposition"].startswith("attachment;")
        assert (
            "filename*=utf-8''%E7%AC%AC3%E5%9B%9E%20%E8%AD%B0%E4%BA%8B%E9%8C%B2.pdf"
            in download["Content-Disposition"]
        )
        assert download["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in download["Cache-Control"]
        row = AuditEvent.objects.filter(actor=user).order_by("-id").first()
        assert row is not None
        assert row.action == Action.ATTACHMENT_DOWNLOADED
        assert (row.target_type, row.target_id) == ("meetings.meetingattachment", str(pdf_row.pk))
        assert row.detail["meeting"] == meeting.pk

    # The meeting's JSON lists the attachments with the same download address.
    token = api_token_for(personas.counselor_a, personas.office_a)
    data = client.get(f"/api/v1/meetings/{meeting.pk}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    listed = {a["name"]: a for a in data["attachments"]}
    assert listed["第3回 議事録.pdf"]["size"] == len(minimal_pdf())
    assert listed["第3回 議事録.pdf"]["url"] == url
    assert listed["map.bin"]["content_type"] == "image/png"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("議事録.pdf", "これはPDFではなくただの文章です。".encode()),
        ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64),
    ],
    ids=["text", "exe"],
)
def test_a_refused_type_refuses_the_whole_record_and_keeps_the_typed_text(
    name, content, personas, meeting, client_as, private_media
):
    good = SimpleUploadedFile("ok.pdf", minimal_pdf())
    bad = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = _record(client_as(personas.core_officer), meeting, good, bad)
    assert response.status_code == 400
    body = response.content.decode()
    assert f"ファイル「{name}」は受け付けられない形式です（PDFと画像のみ）。" in body
    assert REFUSED in body
    assert MINUTES in body  # the typed text is kept
    _assert_nothing_saved(meeting, private_media)


def test_a_file_over_the_size_limit_is_refused(
    personas, meeting, client_as, private_media, settings
):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("大きな資料.pdf", minimal_pdf() + b"0" * (1024 * 1024))
    response = _record(client_as(personas.core_officer), meeting, big)
    assert response.status_code == 400
    body = response.content.decode()
    assert "ファイル「大きな資料.pdf」は1MBを超えています。" in body
    assert REFUSED in body
    assert MINUTES in body
    _assert_nothing_saved(meeting, private_media)


def test_outsider_gets_404_for_an_attachment_and_it_is_audited(
    personas, meeting, client_as, private_media
):
    attachment = _upload(client_as, personas, meeting)
    for route in ("meetings:attachment_download", "meetings:attachment_delete"):
        client = client_as(personas.counselor_b)
        before = _last_event_id()
        url = reverse(route, args=[attachment.pk])
        response = client.get(url) if route.endswith("download") else client.post(url)
        assert response.status_code == 404
        [denial] = AuditEvent.objects.filter(pk__gt=before)
        assert denial.action == Action.ACCESS_DENIED
        assert denial.actor == personas.counselor_b
        assert denial.target_id == str(attachment.pk)
    assert not AuditEvent.objects.filter(action=Action.ATTACHMENT_DOWNLOADED).exists()
    assert MeetingAttachment.objects.filter(pk=attachment.pk).exists()
    assert len(_stored_files(private_media)) == 1


def test_only_the_secretariat_deletes_and_the_file_leaves_the_disk_on_commit(
    personas, client_as, private_media, django_capture_on_commit_callbacks
):
    # The core center runs this body; office A is only a member.
    body = MeetingBodyFactory.create(
        secretariats=[personas.core_center], members=[personas.office_a, personas.core_center]
    )
    meeting = MeetingFactory.create(body=body, created_by=personas.core_officer)
    attachment = _upload(client_as, personas, meeting)
    url = reverse("meetings:attachment_delete", args=[attachment.pk])
    detail_url = reverse("meetings:meeting_detail", args=[meeting.pk])

    assert url not in client_as(personas.counselor_a).get(detail_url).content.decode()
    assert url in client_as(personas.core_officer).get(detail_url).content.decode()

    for user in (personas.counselor_a, personas.reader_a):  # a member writer, a reader
        client = client_as(user)
        before = _last_event_id()
        response = client.post(url)
        assert response.status_code == 403
        [denial] = AuditEvent.objects.filter(pk__gt=before)
        assert (denial.action, denial.actor) == (Action.ACCESS_DENIED, user)
    assert MeetingAttachment.objects.filter(pk=attachment.pk).exists()
    assert len(_stored_files(private_media)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(personas.core_officer).post(url)
    assert response.status_code == 302
    assert response["Location"] == detail_url
    assert not MeetingAttachment.objects.exists()
    assert _stored_files(private_media) == []
    deleted = AuditEvent.objects.get(action=Action.RECORD_DELETED)
    assert deleted.actor == personas.core_officer
    assert (deleted.target_type, deleted.target_id) == (
        "meetings.meetingattachment",
        str(attachment.pk),
    )
    assert deleted.detail["original_name"] == "配布資料.pdf"
    assert (
        client_as(personas.core_officer)
        .get(reverse("meetings:attachment_download", args=[attachment.pk]))
        .status_code
        == 404
    )


def test_files_are_removed_from_disk_when_the_record_rolls_back(
    personas, meeting, client_as, private_media, monkeypatch
):
    client = client_as(personas.core_officer)
    client.raise_request_exception = True
    real_record = audit_services.record

    def audit_down(**kwargs):
        if kwargs.get("action") == Action.RECORD_UPDATED:
            raise RuntimeError("audit store unavailable")
        return real_record(**kwargs)

    # The audit row is written after the files are stored; its failure rolls everything back.
    monkeypatch.setattr(audit_services, "record", audit_down)
    with pytest.raises(RuntimeError, match="audit store unavailable"):
        _record(
            client,
            meeting,
            SimpleUploadedFile("a.pdf", minimal_pdf()),
            SimpleUploadedFile("b.png", minimal_png()),
        )
    monkeypatch.undo()
    _assert_nothing_saved(meeting, private_media)


def test_a_rolled_back_delete_keeps_the_file(
    personas, meeting, client_as, private_media, monkeypatch, django_capture_on_commit_callbacks
):
    attachment = _upload(client_as, personas, meeting)

    def broken_delete(self, *args, **kwargs):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(MeetingAttachment, "delete", broken_delete)
    client = client_as(personas.core_officer)
    client.raise_request_exception = True
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError, match="database unavailable"),
    ):
        client.post(reverse("meetings:attachment_delete", args=[attachment.pk]))
    monkeypatch.undo()
    assert MeetingAttachment.objects.filter(pk=attachment.pk).exists()
    assert len(_stored_files(private_media)) == 1
    assert not AuditEvent.objects.filter(action=Action.RECORD_DELETED).exists()
