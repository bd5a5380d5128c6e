"""Backups (issue 13, item 14): `backup` writes one encrypted archive with a checksum, 0600;
`restore` puts it into an empty instance, all or nothing, and the audit chain verifies.

The drill runs on whichever database the suite runs on (SQLite by default, PostgreSQL with
DATABASE_URL): seed, back up, wipe, restore, compare every table row by row.  The wipe is
`flush` (TRUNCATE on PostgreSQL; on SQLite the audit log's DELETE trigger lets it through only
while flush runs), which leaves the instance as `migrate` would except for the rows data
migrations add; restore replaces those anyway.
"""

from __future__ import annotations

import hashlib
import io
import stat
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from tsunagu.audit import chain
from tsunagu.audit import services as audit
from tsunagu.audit.models import AuditEvent
from tsunagu.core import crypto
from tsunagu.plans.tests.factories import AssessmentFactory, AssessmentSectionFactory
from tsunagu.records.backup import SUFFIX, backed_up_models, instance_problems
from tsunagu.records.models import NoteAttachment
from tsunagu.records.tests.factories import FormulationFactory, minimal_pdf, minimal_png
from tsunagu.search.models import SearchDocument

NOTE = "訪問。佐藤花子さんと母の入院後の暮らしについて話した。"


def _seed(client, case) -> None:
    response = client.post(
        f"/records/cases/{case.pk}/notes/new/",
        {
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "kind": "home_visit",
            "text": NOTE,
            "attachments": [
                SimpleUploadedFile("意見書.pdf", minimal_pdf()),
                SimpleUploadedFile("写真.png", minimal_png()),
            ],
        },
    )
    assert response.status_code == 302, response.content.decode()
    FormulationFactory.create(case=case, author=case.lead_worker)
    # A section's search document is made by a trigger that reads its assessment: restore must
    # load assessments first.
    AssessmentSectionFactory.create(
        assessment=AssessmentFactory.create(case=case, author=case.lead_worker)
    )
    client.get(f"/records/cases/{case.pk}/notes/")  # a read, audited
    audit.record(action="test.seeded", detail={"note": "監査ログの行"})


def _tables() -> dict[str, list[dict[str, object]]]:
    return {
        model._meta.label_lower: list(model._base_manager.order_by("pk").values())
        for model in backed_up_models()
    }


def _backup(tmp_path: Path) -> Path:
    out = io.StringIO()
    call_command("backup", "--output-dir", str(tmp_path / "backups"), stdout=out)
    return Path(out.getvalue().splitlines()[0])


@pytest.mark.django_db(transaction=True)
def test_drill_seed_backup_wipe_restore_gives_the_same_data_and_a_valid_chain(
    personas, world, client_as, private_media, tmp_path
):
    _seed(client_as(personas.counselor_a), world.case)
    before = _tables()
    documents = set(SearchDocument.objects.values_list("kind", "source_id", "body"))
    assert {kind for kind, _, _ in documents} == {
        "note",
        "formulation",
        "assessment",
        "assessment_section",
    }
    head = chain.head()
    assert head is not None

    archive = _backup(tmp_path)
    assert archive.name.endswith(SUFFIX)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    sidecar = archive.with_name(archive.name + ".sha256")
    assert stat.S_IMODE(sidecar.stat().st_mode) == 0o600
    assert stat.S_IMODE(archive.parent.stat().st_mode) == 0o700
    raw = archive.read_bytes()
    assert raw.startswith(crypto.STREAM_MAGIC)
    assert NOTE.encode() not in raw
    assert "佐藤".encode() not in raw
    assert sidecar.read_text().split() == [hashlib.sha256(raw).hexdigest(), archive.name]
    created = AuditEvent.objects.get(action="system.backup_created")
    assert created.detail["audit_head"] == list(head)

    call_command("flush", interactive=False, verbosity=0)
    for path in sorted(Path(private_media).rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    assert not AuditEvent.objects.exists()
    assert instance_problems() == []

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "checksum matches" in out.getvalue()

    after = _tables()
    restored = after["audit.auditevent"].pop()  # the restore itself is the one row added
    assert restored["action"] == "system.backup_restored"
    assert after == before
    assert set(SearchDocument.objects.values_list("kind", "source_id", "body")) == documents
    assert chain.verify().ok
    assert chain.verify(expected_head=head).ok
    verified = io.StringIO()
    call_command("audit_verify", stdout=verified)
    assert "OK" in verified.getvalue()

    # The attachments come back sealed as they were, and open for the team.
    pdf = NoteAttachment.objects.get(content_type="application/pdf")
    download = client_as(personas.colleague_a).get(f"/records/attachments/{pdf.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == minimal_pdf()
    # New rows get new ids after the restored ones (sequences were reset).
    FormulationFactory.create(case=world.case, author=personas.counselor_a)


@pytest.mark.django_db
def test_restore_refuses_an_instance_with_data_and_changes_nothing(
    personas, world, client_as, private_media, tmp_path
):
    _seed(client_as(personas.counselor_a), world.case)
    archive = _backup(tmp_path)
    count = AuditEvent.objects.count()
    with pytest.raises(CommandError, match="restore needs an empty, migrated instance"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert AuditEvent.objects.count() == count


@pytest.mark.django_db
def test_restore_refuses_a_changed_or_cut_archive_before_touching_anything(
    personas, world, client_as, private_media, tmp_path, settings
):
    _seed(client_as(personas.counselor_a), world.case)
    archive = _backup(tmp_path)
    sidecar = archive.with_name(archive.name + ".sha256")
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 1
    archive.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="does not match"):
        call_command("restore", str(archive), stdout=io.StringIO())
    sidecar.unlink()  # without the checksum file, the encryption still finds the change
    with pytest.raises(CommandError, match="damaged or was changed"):
        call_command("restore", str(archive), stdout=io.StringIO())
    data[len(data) // 2] ^= 1
    archive.write_bytes(bytes(data[: len(data) - 100]))
    with pytest.raises(CommandError, match="damaged or was changed"):
        call_command("restore", str(archive), stdout=io.StringIO())
    settings.BACKUP_KEYS = (b"k" * 32,)
    archive.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="not configured"):
        call_command("restore", str(archive), stdout=io.StringIO())


@pytest.mark.django_db
def test_backup_needs_its_own_key(settings, tmp_path):
    settings.BACKUP_KEYS = ()
    with pytest.raises(CommandError, match="TSUNAGU_BACKUP_KEY must be set"):
        call_command("backup", "--output-dir", str(tmp_path), stdout=io.StringIO())
    assert not list(tmp_path.iterdir())
    settings.BACKUP_KEYS = (settings.FILE_KEYS[0],)
    with pytest.raises(CommandError, match="must differ from TSUNAGU_FILE_KEY"):
        call_command("backup", "--output-dir", str(tmp_path), stdout=io.StringIO())
    assert not list(tmp_path.iterdir())


@pytest.mark.django_db
def test_a_freshly_migrated_instance_counts_as_empty(private_media):
    # Only the tables `migrate` fills itself (REPLACED) may hold rows before a restore; a new
    # data migration filling another table must be added there, or restore refuses.
    assert instance_problems() == []
