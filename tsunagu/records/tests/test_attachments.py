"""Attachments: judged by their bytes, all-or-nothing with the note, served only through a view."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tsunagu.audit.models import Action, AuditEvent
from tsunagu.records.models import NoteAttachment, ProgressNote
from tsunagu.records.tests.factories import minimal_pdf, minimal_png

pytestmark = pytest.mark.django_db

TEXT = "訪問。本人の部屋で主治医の意見書を一緒に確認した。"


def _post(client, case, *files, text=TEXT):
    return client.post(
        f"/records/cases/{case.pk}/notes/new/",
        {
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "kind": "home_visit",
            "text": text,
            "attachments": list(files),
        },
    )


def _stored_files(root) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _assert_nothing_saved(private_media):
    assert not ProgressNote.objects.exists()
    assert not NoteAttachment.objects.exists()
    assert _stored_files(private_media) == []
    assert not AuditEvent.objects.filter(action=Action.RECORD_CREATED).exists()


def test_pdf_and_png_are_stored_under_their_hash_and_downloadable_by_the_team(
    personas, world, client_as, private_media
):
    pdf = SimpleUploadedFile("意見書 2025.pdf", minimal_pdf(), content_type="text/plain")
    png = SimpleUploadedFile("photo.bin", minimal_png(), content_type="application/octet-stream")
    response = _post(client_as(personas.counselor_a), world.case, pdf, png)
    assert response.status_code == 302, response.content.decode()

    note = ProgressNote.objects.get()
    by_type = {a.content_type: a for a in note.attachments.all()}
    assert set(by_type) == {"application/pdf", "image/png"}  # from the bytes, not the upload
    pdf_row = by_type["application/pdf"]
    assert pdf_row.original_name == "意見書 2025.pdf"
    assert pdf_row.file.name.endswith(f"{pdf_row.sha256}.pdf")  # the detected type's
    assert "意見書" not in pdf_row.file.name
    assert len(_stored_files(private_media)) == 2
    created = AuditEvent.objects.get(action=Action.RECORD_CREATED)
    assert sorted(created.detail["attachments"]) == sorted(a.pk for a in by_type.values())

    timeline = client_as(personas.core_officer).get(f"/records/cases/{world.case.pk}/notes/")
    assert f"/records/attachments/{pdf_row.pk}/" in timeline.content.decode()

    for user in (personas.core_officer, personas.colleague_a, personas.reader_a):
        download = client_as(user).get(f"/records/attachments/{pdf_row.pk}/")
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == minimal_pdf()
        assert download["Content-Type"] == "application/pdf"
        assert download["Content-Disposition"].startswith("attachment;")
        assert (
            "filename*=utf-8''%E6%84%8F%E8%A6%8B%E6%9B%B8%202025.pdf"
            in (download["Content-Disposition"])
        )
        assert download["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in download["Cache-Control"]
        row = AuditEvent.objects.filter(actor=user).order_by("-id").first()
        assert row is not None
        assert row.action == Action.ATTACHMENT_DOWNLOADED
        assert (row.target_type, row.target_id) == ("records.noteattachment", str(pdf_row.pk))

    png_download = client_as(personas.core_officer).get(
        f"/records/attachments/{by_type['image/png'].pk}/"
    )
    assert png_download["Content-Type"] == "image/png"


def test_oversize_file_refuses_the_whole_note(personas, world, client_as, private_media, settings):
    good = SimpleUploadedFile("ok.png", minimal_png())
    big = SimpleUploadedFile("大きな資料.pdf", minimal_pdf() + b"0" * settings.ATTACHMENT_MAX_BYTES)
    response = _post(client_as(personas.counselor_a), world.case, good, big)
    assert response.status_code == 400
    body = response.content.decode()
    assert "ファイル「大きな資料.pdf」は10MBを超えています。" in body
    assert "添付ファイルはもう一度選び直してください" in body
    assert TEXT in body  # the typed text is kept
    _assert_nothing_saved(private_media)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("報告書.pdf", "これはPDFではなくただの文章です。".encode()),
        ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64),
        ("page.pdf", b"<html><script>alert(1)</script></html>"),
    ],
    ids=["text", "exe", "html"],
)
def test_a_file_that_is_not_pdf_or_image_is_refused_whatever_its_name(
    name, content, personas, world, client_as, private_media
):
    good = SimpleUploadedFile("ok.pdf", minimal_pdf(), content_type="application/pdf")
    bad = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = _post(client_as(personas.counselor_a), world.case, good, bad)
    assert response.status_code == 400
    body = response.content.decode()
    assert f"ファイル「{name}」は受け付けられない形式です（PDFと画像のみ）。" in body
    assert TEXT in body
    _assert_nothing_saved(private_media)


def test_outsider_gets_404_for_an_attachment_and_it_is_audited(
    personas, world, client_as, private_media
):
    _post(client_as(personas.counselor_a), world.case, SimpleUploadedFile("a.pdf", minimal_pdf()))
    attachment = NoteAttachment.objects.get()
    response = client_as(personas.counselor_b).get(f"/records/attachments/{attachment.pk}/")
    assert response.status_code == 404
    denial = AuditEvent.objects.filter(action=Action.ACCESS_DENIED).get()
    assert denial.actor == personas.counselor_b
    assert denial.target_id == str(attachment.pk)
    assert not AuditEvent.objects.filter(action=Action.ATTACHMENT_DOWNLOADED).exists()


def test_attachment_of_a_restricted_note_is_restricted_too(
    personas, world, client_as, private_media
):
    client = client_as(personas.counselor_a)
    client.post(
        f"/records/cases/{world.case.pk}/notes/new/",
        {
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "kind": "interview",
            "text": TEXT,
            "is_restricted": "on",
            "attachments": [SimpleUploadedFile("a.png", minimal_png())],
        },
    )
    attachment = NoteAttachment.objects.get()
    assert (
        client_as(personas.core_officer).get(f"/records/attachments/{attachment.pk}/").status_code
        == 404
    )
    assert (
        client_as(personas.colleague_a).get(f"/records/attachments/{attachment.pk}/").status_code
        == 200
    )
