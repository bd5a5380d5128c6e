"""`manage.py restore ARCHIVE`: put a backup into an empty, migrated instance.

Refuses an instance holding any data or any private file.  Checks the archive against its
`.sha256` file (when beside it), decrypts every chunk and checks every member against the
manifest before touching anything, then loads rows and files in one transaction that ends with
`audit_verify` and the chain head compared with the manifest's (see tsunagu/records/backup.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.records.backup import (
    BackupError,
    applied_migrations,
    check_outer_checksum,
    instance_problems,
    read_manifest,
    restore_archive,
)

RESTORE_ACTION = Action.BACKUP_RESTORED


class Command(BaseCommand):
    help = "Restore a backup archive into an empty instance and verify the audit chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="The .tsunagu-backup file.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.BACKUP_KEYS:
            raise CommandError("TSUNAGU_BACKUP_KEY must be set to the key of the backup.")
        path = Path(options["archive"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        try:
            digest = check_outer_checksum(path)
            self.stdout.write(
                f"checksum matches {path.name}.sha256"
                if digest
                else f"no {path.name}.sha256 beside the archive: relying on its encryption"
            )
            manifest = read_manifest(path, settings.BACKUP_KEYS)
            problems = instance_problems()
            if problems:
                raise BackupError(
                    "restore needs an empty, migrated instance: " + "; ".join(problems[:5])
                )
            if manifest.migrations != applied_migrations():
                raise BackupError(
                    "the archive was made at another schema version: run the release that made "
                    "it (and `migrate`) before restoring"
                )
            self.stdout.write(f"archive of {manifest.created_at} ({manifest.database}) checked")
            try:
                restore_archive(
                    path, manifest=manifest, keys=settings.BACKUP_KEYS, log=self.stdout.write
                )
            except DatabaseError as exc:
                # On PostgreSQL the application's role may not reset sequences (nor, with
                # audit_roles, do more than insert into the audit log): the owner restores.
                raise BackupError(
                    f"the database refused the restore, nothing was changed ({exc}). Run "
                    "restore as the role that runs `migrate` (the owner of the tables)."
                ) from None
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        audit.record(
            action=RESTORE_ACTION,
            detail={
                "archive": path.name,
                "created_at": manifest.created_at,
                "audit_head": manifest.audit_head,
            },
        )
        head = ":".join(map(str, manifest.audit_head)) if manifest.audit_head else "-"
        self.stdout.write(f"restored; audit chain valid up to {head}")
