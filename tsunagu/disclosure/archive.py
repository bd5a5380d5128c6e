"""The disclosure ZIP: one PDF for the person, JSON and CSV for machines, the attached files.

    開示記録.pdf              everything, in Japanese, as the person reads it
    manifest.json             who made it, when, for which request; counts; withheld notes
    records.json              every record, section by section, with ids and labels
    csv/<section>.csv         one table per section (UTF-8 with BOM, formula-safe cells)
    attachments/<id>_<name>   the files of the disclosed notes (decrypted, hash-checked)

Entries carry the export's own time, so the archive does not depend on the clock of the
machine that unzips it; names are UTF-8 (the ZIP's language-encoding flag is set by zipfile).
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from tsunagu.core.exports import csv_text
from tsunagu.core.storage import UnreadableFile, open_checked
from tsunagu.disclosure.documents import Disclosure
from tsunagu.disclosure.records import flat_row

PDF_NAME = "開示記録.pdf"


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder).encode()


def manifest(disclosure: Disclosure, *, missing_files: list[int]) -> dict[str, Any]:
    return {
        "format": "tsunagu.disclosure/1",
        "person_id": disclosure.person.pk,
        "organization": {"id": disclosure.organization.pk, "name": disclosure.organization.name},
        "received_on": disclosure.received_on,
        "made_at": timezone.localtime(disclosure.made_at).isoformat(),
        "counts": disclosure.counts,
        "withheld_notes": [
            {
                "id": note.pk,
                "occurred_at": timezone.localtime(note.occurred_at).isoformat(),
                "kind": note.kind,
                "ground": note.ground,
                "ground_label": note.ground_label,
                "reason": note.reason,
            }
            for note in disclosure.withheld
        ],
        "attachments_not_readable": missing_files,
    }


def _csv(rows: list[dict[str, Any]]) -> bytes:
    header: list[str] = []
    for row in rows:
        header.extend(key for key in row if key not in header)
    table: list[list[object]] = [list(header)]
    table.extend([row.get(key) for key in header] for row in rows)
    return ("\ufeff" + csv_text(table)).encode()


def _safe_name(name: str) -> str:
    """A stored file name as a ZIP entry: no directories, no leading dots."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].lstrip(".")
    return base or "file"


def build_zip(disclosure: Disclosure, *, pdf: bytes) -> bytes:
    made = timezone.localtime(disclosure.made_at)
    stamp = (made.year, made.month, made.day, made.hour, made.minute, made.second)
    buffer = io.BytesIO()
    missing: list[int] = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def put(name: str, content: bytes) -> None:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)

        put(PDF_NAME, pdf)
        put(
            "records.json",
            _json(
                {section.key: [r.data for r in section.records] for section in disclosure.sections}
            ),
        )
        for section in disclosure.sections:
            put(f"csv/{section.key}.csv", _csv([flat_row(r) for r in section.records]))
        for attachment in disclosure.attachments:
            try:
                with open_checked(attachment.file, sha256=attachment.sha256) as handle:
                    content = handle.read()
            except (FileNotFoundError, UnreadableFile):
                missing.append(attachment.pk)
                continue
            put(f"attachments/{attachment.pk}_{_safe_name(attachment.original_name)}", content)
        put("manifest.json", _json(manifest(disclosure, missing_files=missing)))
    return buffer.getvalue()
