"""`manage.py audit_verify`: recompute the audit log's hash chain and name the first broken link.

Prints the head (last row's id and hash): keep it somewhere the database's users cannot write,
and pass it back with `--expect-head ID:HASH` later to find rows cut off the end.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tsunagu.audit import chain


def _parse_head(value: str) -> tuple[int, str]:
    pk, sep, digest = value.partition(":")
    if not sep or not pk.isdigit() or len(digest) != 64:
        raise CommandError(
            "--expect-head は ID:HASH の形で指定してください (expected ID:HASH, e.g. 1234:ab12…)."
        )
    return int(pk), digest.lower()


class Command(BaseCommand):
    help = "監査ログのハッシュチェーンを検証します (verify the audit log's hash chain)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--expect-head",
            metavar="ID:HASH",
            help="a head printed by an earlier run; fails if that row is gone or changed",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        expected = _parse_head(options["expect_head"]) if options["expect_head"] else None
        result = chain.verify(expected_head=expected)
        if not result.ok:
            raise CommandError(
                f"監査ログのチェーンが壊れています: 行 {result.first_broken_id} "
                f"(audit chain broken at row {result.first_broken_id}: {result.reason}; "
                f"{result.checked} rows verified before it)"
            )
        head = f"{result.head[0]}:{result.head[1]}" if result.head else "-"
        self.stdout.write(
            f"監査ログのチェーンは正常です: {result.checked}行 "
            f"(audit chain OK: {result.checked} rows, head {head})"
        )
