"""`manage.py directory_export [FILE]`: the directory as HSDS 3.0 JSON (standard output
without FILE).  `--include-internal` keeps what residents do not see (internal notes,
unpublished resources, internal phones and contacts) for a full backup or a move."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tsunagu.audit import services as audit
from tsunagu.directory.hsds import directory_export


class Command(BaseCommand):
    help = "社会資源ディレクトリを HSDS 3.0 のJSONで書き出します。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="書き出し先（省略すると標準出力）")
        parser.add_argument(
            "--include-internal",
            action="store_true",
            help="職員向けの情報（非公開の資源・メモ・連絡先）も含める",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        include_internal = bool(options["include_internal"])
        document = directory_export(include_internal=include_internal)
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        audit.record(
            action="directory.exported",
            actor_username="manage.py directory_export",
            target_type="directory.export",
            detail={"include_internal": include_internal},
        )
        if options["file"]:
            Path(options["file"]).write_text(text, encoding="utf-8")
            self.stderr.write(f"{len(document['organizations'])}件の組織を書き出しました。")
        else:
            self.stdout.write(text, ending="")
