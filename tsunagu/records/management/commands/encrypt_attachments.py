"""`manage.py encrypt_attachments [--dry-run]`: bring every private file under the current key.

- A file written before encryption existed is checked against its row's SHA-256, stored under
  the extension of its detected type (the row follows), sealed, and the plaintext removed.
- A file sealed under an older key (not the first of TSUNAGU_FILE_KEY) is re-sealed under the
  first one: rotation is "put the new key first, run this, then drop the old key".
- Directories become 0700 and files 0600.

Safe to run again: what is already under the current key is left alone.  A file that is
missing, does not match its row or cannot be opened is reported and the command ends with an
error, having done everything else.
"""

from __future__ import annotations

import hashlib
import os
from typing import Any

import filetype
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.core import crypto
from tsunagu.core.storage import (
    DIRECTORY_MODE,
    FILE_MODE,
    context_for,
    extension_for,
    private_file_fields,
    private_storage,
)

ENCRYPTED_ACTION = Action.ATTACHMENTS_ENCRYPTED


class Command(BaseCommand):
    help = "Encrypt private files written in plaintext, and re-seal old ones under the current key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; change nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run: bool = options["dry_run"]
        storage = private_storage()
        keys = settings.FILE_KEYS
        current = crypto.key_id(keys[0])
        counts = {"encrypted": 0, "rekeyed": 0, "current": 0, "problems": 0}

        for model, field in private_file_fields():
            rows = model._default_manager.exclude(**{field.name: ""}).order_by("pk")
            for row in rows.iterator(chunk_size=200):
                name = getattr(row, field.name).name
                label = f"{model._meta.label} {row.pk} ({name})"
                try:
                    stored = storage.read_sealed(name)
                except FileNotFoundError:
                    self.stderr.write(f"missing: {label}")
                    counts["problems"] += 1
                    continue
                if crypto.is_sealed(stored):
                    if crypto.sealed_key_id(stored) == current:
                        counts["current"] += 1
                        continue
                    try:
                        plain = crypto.unseal(stored, keys=keys, context=context_for(name))
                    except crypto.SealError as exc:
                        self.stderr.write(f"cannot open: {label}: {exc}")
                        counts["problems"] += 1
                        continue
                    if not dry_run:
                        sealed = crypto.seal(plain, keys=keys, context=context_for(name))
                        storage.write_sealed(name, sealed, replace=True)
                    counts["rekeyed"] += 1
                    continue

                expected = getattr(row, "sha256", "")
                if expected and hashlib.sha256(stored).hexdigest() != expected:
                    self.stderr.write(f"does not match its row, left as it is: {label}")
                    counts["problems"] += 1
                    continue
                kind = filetype.guess(stored[:8192])
                new_name = name
                if not os.path.splitext(name)[1]:
                    extension = extension_for(kind.mime) if kind else "bin"
                    new_name = storage.get_available_name(f"{name}.{extension}")
                self.stdout.write(f"encrypt: {label} -> {new_name}")
                counts["encrypted"] += 1
                if dry_run:
                    continue
                sealed = crypto.seal(stored, keys=keys, context=context_for(new_name))
                storage.write_sealed(new_name, sealed, replace=new_name == name)
                if new_name != name:
                    with transaction.atomic():
                        model._default_manager.filter(pk=row.pk).update(**{field.name: new_name})
                    os.unlink(storage.path(name))

        if not dry_run:
            self._tighten_modes(storage.location)
            if counts["encrypted"] or counts["rekeyed"]:
                audit.record(action=ENCRYPTED_ACTION, detail=dict(counts))
        summary = ", ".join(f"{key} {value}" for key, value in counts.items())
        if counts["problems"]:
            raise CommandError(f"Done with problems: {summary}")
        self.stdout.write(("Would change: " if dry_run else "Done: ") + summary)

    def _tighten_modes(self, root: str) -> None:
        if not os.path.isdir(root):
            return
        os.chmod(root, DIRECTORY_MODE)
        for directory, subdirectories, files in os.walk(root):
            for name in subdirectories:
                os.chmod(os.path.join(directory, name), DIRECTORY_MODE)
            for name in files:
                os.chmod(os.path.join(directory, name), FILE_MODE)
