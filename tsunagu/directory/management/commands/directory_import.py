"""`manage.py directory_import FILE`: import an HSDS 3.0 JSON file into the directory.

All or nothing: when any part of the file is refused, nothing is written and the command exits
with status 1 after printing why.  `-` reads standard input.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tsunagu.core.errors import Invalid
from tsunagu.directory.hsds import directory_import


class Command(BaseCommand):
    help = "HSDS 3.0 のJSONファイルを社会資源ディレクトリに取り込みます（全部か、何もしないか）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="JSONファイルのパス（- で標準入力）")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["file"]
        try:
            raw = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except OSError as exc:
            raise CommandError(f"ファイルを読めません: {exc}") from None
        try:
            report = directory_import(actor=None, raw=raw)
        except Invalid as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(report.summary())
        for title, lines in (
            ("取り込めない理由", report.refused),
            ("新規", report.created),
            ("更新", report.updated),
            ("お知らせ", report.notices),
        ):
            if lines:
                self.stdout.write(f"{title}:")
                for line in lines:
                    self.stdout.write(f"  - {line}")
        if not report.applied:
            raise CommandError("取り込みませんでした。")
