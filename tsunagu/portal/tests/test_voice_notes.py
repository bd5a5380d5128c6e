"""どう？ with a voice note (issue 22 item 3): sound only, judged from the bytes, at most 8 MB,
kept as the person's note's attachment in the private storage; the counselor plays it on the
timeline through the audited download; nobody else reaches it; the monitoring says it exists;
a supporter sends one only where the person allowed どう？."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tsunagu.audit.models import Action, AuditEvent
from tsunagu.plans.tests.factories import MonitoringFactory
from tsunagu.portal.models import CheckIn
from tsunagu.portal.tests.factories import (
    invite_person,
    invite_supporter,
    portal_client,
    tiny_wav,
)
from tsunagu.records.models import NoteAttachment
from tsunagu.records.tests.factories import minimal_png

# The first bytes of a WebM recording as Chrome's MediaRecorder writes it (EBML, DocType webm).
WEBM_HEAD = bytes.fromhex("1a45dfa3") + b"\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04"
WEBM_HEAD += b"\x42\xf3\x81\x08\x42\x82\x84webm\x42\x87\x81\x04\x42\x85\x81\x02"


@pytest.fixture(autouse=True)
def _voices_in_tmp(private_media):
    """Voice notes go to a throw-away private directory."""


def _send(client, voice, **answers):
    return client.post("/my/checkin/", {"step": "2", "mood": "okay", "voice": voice, **answers})


def _stored(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_voice_note_is_kept_and_the_counselor_plays_it_on_the_timeline(
    personas, world, client_as, private_media
):
    monitoring = MonitoringFactory.create(plan__case=world.case)
    account, code = invite_person(world.case, personas.counselor_a)
    client = portal_client(account, code)
    page = client.get("/my/checkin/", {"mood": "okay"})
    assert page.status_code == 200
    more_response = client.post("/my/checkin/", {"mood": "okay"})
    more = more_response.content.decode()
    # Listening again plays a blob: address: allowed for sound on this page, and only here.
    assert "media-src 'self' blob:" in more_response["Content-Security-Policy"]
    assert "blob:" not in client.get("/my/")["Content-Security-Policy"]
    assert 'type="file"' in more
    assert 'accept="audio/*"' in more
    assert "capture" in more
    assert 'enctype="multipart/form-data"' in more
    assert "portal/js/voice.js" in more
    assert "電話" not in more  # the page no longer sends the person to the phone

    wav = tiny_wav()
    response = _send(client, SimpleUploadedFile("koe.wav", wav, content_type="audio/x-wav"))
    assert response.status_code == 302, response.content.decode()
    checkin = CheckIn.objects.get(account=account)
    assert checkin.note is not None
    voice = NoteAttachment.objects.get(note=checkin.note)
    assert voice.content_type == "audio/wav"
    assert voice.uploaded_by is None  # the person's own, no staff uploader
    assert voice.original_name == "声のメッセージ.wav"
    assert voice.file.name.startswith("attachments/")
    assert voice.file.name.endswith(f"{voice.sha256}.wav")
    stored = _stored(private_media)
    assert len(stored) == 1
    assert stored[0].read_bytes() != wav  # encrypted at rest
    event = AuditEvent.objects.get(action="portal.checkin")
    assert event.detail["voice"] == [voice.pk]

    counselor = client_as(personas.counselor_a)
    timeline = counselor.get(f"/records/cases/{world.case.pk}/notes/").content.decode()
    assert 'data-testid="voice-note"' in timeline
    assert f'<audio controls preload="none" src="/records/attachments/{voice.pk}/"' in timeline
    assert "本人の声（ポータルから送られた録音）" in timeline
    assert 'data-testid="person-voice"' in timeline
    played = counselor.get(f"/records/attachments/{voice.pk}/")
    assert played.status_code == 200
    assert played["Content-Type"] == "audio/wav"
    assert played["X-Content-Type-Options"] == "nosniff"
    assert b"".join(played.streaming_content) == wav
    assert AuditEvent.objects.filter(
        action=Action.ATTACHMENT_DOWNLOADED, target_id=str(voice.pk)
    ).exists()

    record = counselor.get(f"/plans/monitorings/{monitoring.pk}/").content.decode()
    assert "声のメッセージ" in record
    assert "あり（支援経過記録の、この日の記録で聞けます）" in record


def test_a_webm_recording_is_taken_as_sound(personas, world, private_media):
    account, code = invite_person(world.case, personas.counselor_a)
    client = portal_client(account, code)
    recording = WEBM_HEAD + b"\x00" * 2000
    response = _send(client, SimpleUploadedFile("voice.webm", recording, content_type="video/webm"))
    assert response.status_code == 302, response.content.decode()
    voice = NoteAttachment.objects.get()
    assert voice.content_type == "audio/webm"
    assert voice.file.name.endswith(".webm")


def test_a_picture_named_webm_is_refused_in_plain_words(personas, world, private_media):
    account, code = invite_person(world.case, personas.counselor_a)
    client = portal_client(account, code)
    fake = SimpleUploadedFile("voice.webm", minimal_png(), content_type="audio/webm")
    response = _send(client, fake, better="作業所に行けた")
    assert response.status_code == 400
    page = response.content.decode()
    assert "このファイルは声（音）ではないようです。" in page
    assert "作業所に行けた" in page  # what was written is kept
    assert not CheckIn.objects.exists()
    assert not NoteAttachment.objects.exists()
    assert _stored(private_media) == []


def test_a_voice_note_over_the_limit_is_refused(personas, world, private_media, settings):
    settings.VOICE_NOTE_MAX_BYTES = 8 * 1024 * 1024
    account, code = invite_person(world.case, personas.counselor_a)
    client = portal_client(account, code)
    big = tiny_wav()
    big += b"\x00" * (settings.VOICE_NOTE_MAX_BYTES + 1 - len(big))
    response = _send(client, SimpleUploadedFile("koe.wav", big, content_type="audio/wav"))
    assert response.status_code == 400
    assert "声が長すぎます（8MBまで）。短くして、もう一度送ってください。" in (
        response.content.decode()
    )
    assert not CheckIn.objects.exists()
    assert _stored(private_media) == []


def test_nobody_else_reaches_the_voice_note(personas, world, client_as, private_media):
    account, code = invite_person(world.case, personas.counselor_a)
    client = portal_client(account, code)
    assert _send(client, SimpleUploadedFile("k.wav", tiny_wav())).status_code == 302
    voice = NoteAttachment.objects.get()
    url = f"/records/attachments/{voice.pk}/"
    # Staff of an office off the team: the project's 404.
    assert client_as(personas.counselor_b).get(url).status_code == 404
    # The person's own portal session and another person's: 404 outside /my/.
    other, other_code = invite_person(world.other_case, personas.counselor_a)
    assert portal_client(other, other_code).get(url).status_code == 404
    assert client.get(url).status_code == 404
    # No portal page serves it either.
    assert client.get(f"/my/attachments/{voice.pk}/").status_code == 404


def test_a_supporter_sends_a_voice_note_only_where_the_person_allowed_checkins(
    personas, world, private_media
):
    _person, _code = invite_person(world.case, personas.counselor_a)
    plan_only, plan_code = invite_supporter(world.case, personas.counselor_a, sections=["plan"])
    mother = portal_client(plan_only, plan_code)
    response = _send(mother, SimpleUploadedFile("k.wav", tiny_wav()))
    assert response.status_code == 404
    assert not NoteAttachment.objects.exists()

    helper, helper_code = invite_supporter(
        world.case, personas.counselor_a, sections=["checkin"], relationship="グループホーム職員"
    )
    allowed = portal_client(helper, helper_code)
    assert _send(allowed, SimpleUploadedFile("k.wav", tiny_wav())).status_code == 302
    checkin = CheckIn.objects.get(account=helper)
    assert NoteAttachment.objects.filter(note=checkin.note).count() == 1
