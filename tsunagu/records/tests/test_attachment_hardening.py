"""Attachments at rest and at the door: encrypted (AES-GCM) in a 0700 directory as 0600 files,
stored under the extension of their detected type, bound to their place; polyglots and PDFs
with active content refused; `encrypt_attachments` seals what was written before."""

from __future__ import annotations

import hashlib
import io
import os
import random
import shutil
import stat
import zipfile
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from tsunagu.core import crypto
from tsunagu.core.storage import context_for
from tsunagu.records.checks import private_media_is_private
from tsunagu.records.models import NoteAttachment, ProgressNote
from tsunagu.records.tests.factories import minimal_pdf, minimal_png

pytestmark = pytest.mark.django_db

TEXT = "面談。受診の結果を本人と確認した。"


def _post(client, case, *files):
    return client.post(
        f"/records/cases/{case.pk}/notes/new/",
        {
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "kind": "interview",
            "text": TEXT,
            "attachments": list(files),
        },
    )


def _download(client, attachment):
    return client.get(f"/records/attachments/{attachment.pk}/")


def _image(kind: str, size=(8, 8), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, kind, **save)
    return out.getvalue()


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.html", "<p>hi</p>")
    return out.getvalue()


def _jpeg_with_comment(comment: bytes) -> bytes:
    jpeg = _image("JPEG")
    # A COM segment right after SOI: still a valid JPEG that every viewer opens.
    return jpeg[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + jpeg[2:]


def _gif_with_comment(comment: bytes) -> bytes:
    gif = _image("GIF")
    at = gif.index(b",")  # the image descriptor: put a comment extension before it
    blocks = b"".join(
        bytes([len(comment[i : i + 255])]) + comment[i : i + 255]
        for i in range(0, len(comment), 255)
    )
    return gif[:at] + b"\x21\xfe" + blocks + b"\x00" + gif[at:]


def _pdf_with(catalog_extra: bytes) -> bytes:
    return (
        b"%PDF-1.4\n"
        b"1 0 obj<</Type/Catalog/Pages 2 0 R" + catalog_extra + b">>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def _pdf_with_compressed_object(body: bytes) -> bytes:
    stream = zlib.compress(body)
    return (
        b"%PDF-1.5\n"
        b"1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction 4 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        b"5 0 obj<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length "
        + str(len(stream)).encode()
        + b">>stream\n"
        + stream
        + b"\nendstream endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def test_files_are_encrypted_at_rest_in_private_modes_and_served_as_they_were(
    personas, world, client_as, private_media
):
    response = _post(
        client_as(personas.counselor_a),
        world.case,
        SimpleUploadedFile("意見書.pdf", minimal_pdf()),
        SimpleUploadedFile("写真.jpg", _image("JPEG")),
    )
    assert response.status_code == 302, response.content.decode()
    attachments = {a.content_type: a for a in NoteAttachment.objects.all()}
    pdf, jpeg = attachments["application/pdf"], attachments["image/jpeg"]
    # Stored under the extension of the type judged from the bytes.
    assert pdf.file.name.endswith(f"{pdf.sha256}.pdf")
    assert jpeg.file.name.endswith(f"{jpeg.sha256}.jpg")

    stored = Path(private_media, pdf.file.name)
    on_disk = stored.read_bytes()
    assert on_disk.startswith(crypto.FILE_MAGIC)
    assert b"%PDF" not in on_disk
    assert b"/Catalog" not in on_disk
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    directory = stored.parent
    while True:
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700, directory
        if directory == Path(private_media):
            break
        directory = directory.parent

    download = _download(client_as(personas.colleague_a), pdf)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == minimal_pdf()
    assert download["Content-Length"] == str(len(minimal_pdf()))
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_file_swapped_onto_another_or_left_in_plaintext_is_not_served(
    personas, world, client_as, private_media, settings
):
    _post(
        client_as(personas.counselor_a),
        world.case,
        SimpleUploadedFile("a.pdf", minimal_pdf()),
        SimpleUploadedFile("b.png", minimal_png()),
    )
    pdf = NoteAttachment.objects.get(content_type="application/pdf")
    png = NoteAttachment.objects.get(content_type="image/png")
    client = client_as(personas.colleague_a)
    # Someone with the disk copies the PNG's sealed bytes over the PDF: it no longer opens.
    shutil.copyfile(Path(private_media, png.file.name), Path(private_media, pdf.file.name))
    assert _download(client, pdf).status_code == 404
    assert _download(client, png).status_code == 200
    # A plaintext file planted under an attachment's name is not served either.
    Path(private_media, png.file.name).write_bytes(minimal_png())
    assert _download(client, png).status_code == 404
    # Nor a row pointing at another attachment's file (its hash differs).
    NoteAttachment.objects.filter(pk=pdf.pk).update(file=png.file.name)
    Path(private_media, png.file.name).write_bytes(
        crypto.seal(minimal_png(), keys=settings.FILE_KEYS, context=context_for(png.file.name))
    )
    assert _download(client, png).status_code == 200
    assert _download(client, NoteAttachment.objects.get(pk=pdf.pk)).status_code == 404


def test_a_new_first_key_encrypts_and_the_old_one_still_opens(
    personas, world, client_as, private_media, settings
):
    old_key = settings.FILE_KEYS[0]
    _post(client_as(personas.counselor_a), world.case, SimpleUploadedFile("a.pdf", minimal_pdf()))
    old = NoteAttachment.objects.get()
    new_key = os.urandom(32)
    settings.FILE_KEYS = (new_key, old_key)
    client = client_as(personas.colleague_a)
    assert _download(client, old).status_code == 200
    _post(client_as(personas.counselor_a), world.case, SimpleUploadedFile("b.png", minimal_png()))
    new = NoteAttachment.objects.get(content_type="image/png")
    assert crypto.sealed_key_id(Path(private_media, new.file.name).read_bytes()) == (
        crypto.key_id(new_key)
    )
    settings.FILE_KEYS = (new_key,)
    assert _download(client, old).status_code == 404  # the old key was dropped too early
    settings.FILE_KEYS = (new_key, old_key)
    call_command("encrypt_attachments", stdout=io.StringIO())  # re-seals under the new key
    settings.FILE_KEYS = (new_key,)
    assert _download(client, old).status_code == 200


POLYGLOTS = {
    "jpeg+html": ("photo.jpg", lambda: _jpeg_with_comment(b"<html><script>alert(1)</script>")),
    "jpeg+svg": ("photo.jpg", lambda: _jpeg_with_comment(b'<svg onload="alert(1)">')),
    "png+zip": ("map.png", lambda: _image("PNG") + _zip()),
    "jpeg+zip-inside": ("photo.jpg", lambda: _jpeg_with_comment(_zip()[:60])),
    "gif+pdf": ("anim.gif", lambda: _gif_with_comment(_pdf_with(b""))),
    "pdf+zip": ("report.pdf", lambda: minimal_pdf() + _zip()),
    "pdf+html": ("report.pdf", lambda: _pdf_with(b"/Lang(<!DOCTYPE html>)")),
}


@pytest.mark.parametrize("case_id", list(POLYGLOTS))
def test_a_file_valid_as_two_types_is_refused(case_id, personas, world, client_as, private_media):
    name, build = POLYGLOTS[case_id]
    response = _post(client_as(personas.counselor_a), world.case, SimpleUploadedFile(name, build()))
    assert response.status_code == 400
    body = response.content.decode()
    assert f"ファイル「{name}」は" in body
    assert "としても読めるため、受け付けられません。" in body
    assert not ProgressNote.objects.exists()
    assert not any(p.is_file() for p in Path(private_media).rglob("*"))


@pytest.mark.parametrize(
    "pdf",
    [
        _pdf_with(b"/OpenAction<</S/JavaScript/JS(app.alert(1))>>"),
        _pdf_with(b"/OpenAction<</S/J#61vaScript/J#53(app.alert(1))>>"),
        _pdf_with(b"/Names<</EmbeddedFiles 6 0 R>>"),
        _pdf_with(b"/OpenAction<</S/Launch/F(cmd.exe)>>"),
        _pdf_with_compressed_object(b"4 0 <</S/JavaScript/JS(app.alert(1))>>"),
    ],
    ids=["javascript", "escaped-name", "embedded-file", "launch", "in-object-stream"],
)
def test_a_pdf_with_active_content_is_refused(pdf, personas, world, client_as, private_media):
    response = _post(
        client_as(personas.counselor_a), world.case, SimpleUploadedFile("計画.pdf", pdf)
    )
    assert response.status_code == 400
    assert "開くと動く内容" in response.content.decode()
    assert not NoteAttachment.objects.exists()


def test_ordinary_images_and_pdfs_are_not_mistaken_for_polyglots(
    personas, world, client_as, private_media
):
    noisy = Image.frombytes("RGB", (600, 600), random.Random(13).randbytes(600 * 600 * 3))
    png = io.BytesIO()
    noisy.save(png, "PNG")  # ~1 MB of incompressible image data
    files = [
        SimpleUploadedFile("noise.png", png.getvalue()),
        SimpleUploadedFile("photo.jpg", _image("JPEG", (400, 300), quality=95)),
        SimpleUploadedFile("anim.gif", _image("GIF")),
        SimpleUploadedFile("photo.webp", _image("WEBP")),
        SimpleUploadedFile("form.pdf", _pdf_with(b"/OpenAction[3 0 R/Fit]")),
    ]
    response = _post(client_as(personas.counselor_a), world.case, *files)
    assert response.status_code == 302, response.content.decode()
    assert NoteAttachment.objects.count() == 5


def test_encrypt_attachments_seals_plaintext_files_under_their_type_extension(
    personas, world, client_as, private_media
):
    _post(client_as(personas.counselor_a), world.case, SimpleUploadedFile("a.pdf", minimal_pdf()))
    attachment = NoteAttachment.objects.get()
    # As the files were before this change: plaintext, named by the hash alone, 0644.
    legacy_name = attachment.file.name.removesuffix(".pdf")
    os.unlink(Path(private_media, attachment.file.name))
    legacy = Path(private_media, legacy_name)
    legacy.write_bytes(minimal_pdf())
    legacy.chmod(0o644)
    legacy.parent.chmod(0o755)
    NoteAttachment.objects.filter(pk=attachment.pk).update(file=legacy_name)
    client = client_as(personas.colleague_a)
    assert _download(client, attachment).status_code == 404  # plaintext is never served

    out = io.StringIO()
    call_command("encrypt_attachments", "--dry-run", stdout=out)
    assert "encrypted 1" in out.getvalue()
    assert legacy.read_bytes() == minimal_pdf()

    call_command("encrypt_attachments", stdout=out)
    attachment.refresh_from_db()
    assert attachment.file.name == f"{legacy_name}.pdf"
    assert not legacy.exists()
    stored = Path(private_media, attachment.file.name)
    assert stored.read_bytes().startswith(crypto.FILE_MAGIC)
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(stored.parent.stat().st_mode) == 0o700
    download = _download(client, attachment)
    assert b"".join(download.streaming_content) == minimal_pdf()
    assert hashlib.sha256(minimal_pdf()).hexdigest() == attachment.sha256

    again = io.StringIO()
    call_command("encrypt_attachments", stdout=again)
    assert "encrypted 0, rekeyed 0, current 1, problems 0" in again.getvalue()


def test_check_deploy_warns_about_a_private_directory_others_can_read(private_media):
    Path(private_media).mkdir(mode=0o755, parents=True)
    Path(private_media).chmod(0o755)
    (warning,) = private_media_is_private()
    assert warning.id == "tsunagu.W013"
    call_command("encrypt_attachments", stdout=io.StringIO())
    assert private_media_is_private() == []


def test_a_large_upload_never_touches_the_disk_in_plaintext(
    personas, world, client_as, private_media, monkeypatch
):
    spilled: list[str] = []
    original = TemporaryUploadedFile.__init__

    def spy(self, name, *args, **kwargs):
        spilled.append(name)
        original(self, name, *args, **kwargs)

    monkeypatch.setattr(TemporaryUploadedFile, "__init__", spy)
    noisy = Image.frombytes("RGB", (1000, 1000), random.Random(7).randbytes(3_000_000))
    png = io.BytesIO()
    noisy.save(png, "PNG")
    assert len(png.getvalue()) > 2_621_440  # over Django's default in-memory limit
    response = _post(
        client_as(personas.counselor_a), world.case, SimpleUploadedFile("scan.png", png.getvalue())
    )
    assert response.status_code == 302, response.content.decode()
    assert spilled == []
    stored = Path(private_media, NoteAttachment.objects.get().file.name).read_bytes()
    assert stored.startswith(crypto.FILE_MAGIC)
