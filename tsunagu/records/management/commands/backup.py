"""`manage.py backup [--output-dir DIR]`: one encrypted archive of the whole instance.

The database (every table), the private files (still sealed with the file key) and the audit
chain head, with a manifest of SHA-256 checksums, encrypted with TSUNAGU_BACKUP_KEY, written
0600 as `tsunagu-<UTC time>.tsunagu-backup` with a `.sha256` file beside it (see
tsunagu/records/backup.py and the README's "Backups").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.records.backup import BackupError, write_backup

BACKUP_ACTION = Action.BACKUP_CREATED


class Command(BaseCommand):
    help = "Write one encrypted backup archive (database, attachments, audit chain head)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output-dir",
            default=str(settings.BASE_DIR / "var" / "backups"),
            help="Directory for the archive (created 0700). Default: var/backups.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.BACKUP_KEYS:
            raise CommandError(
                "TSUNAGU_BACKUP_KEY must be set (base64 of 32 random bytes; keep it apart "
                "from the backups and from TSUNAGU_FILE_KEY's copy)."
            )
        if set(settings.BACKUP_KEYS) & set(settings.FILE_KEYS):
            raise CommandError(
                "TSUNAGU_BACKUP_KEY must differ from TSUNAGU_FILE_KEY: a copy of the archives "
                "and one key must not open the attachments."
            )
        verbose = options["verbosity"] > 1
        try:
            written = write_backup(
                Path(options["output_dir"]),
                keys=settings.BACKUP_KEYS,
                log=lambda line: self.stdout.write(line) if verbose else None,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        manifest = written.manifest
        audit.record(
            action=BACKUP_ACTION,
            detail={
                "archive": written.path.name,
                "sha256": written.sha256,
                "rows": sum(manifest.counts.values()),
                "files": len(manifest.files),
                "audit_head": manifest.audit_head,
            },
        )
        self.stdout.write(f"{written.path}")
        self.stdout.write(f"sha256 {written.sha256}")
        head = ":".join(map(str, manifest.audit_head)) if manifest.audit_head else "-"
        self.stdout.write(
            f"rows {sum(manifest.counts.values())}, files {len(manifest.files)}, audit head {head}"
        )
