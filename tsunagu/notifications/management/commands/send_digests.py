"""Send the daily digest e-mail of unread notifications (run once a day by the background
worker: reports/periodic.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tsunagu.notifications.services import send_digests


class Command(BaseCommand):
    help = "Mail each user who asked for it the count of their unread notifications, by kind."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list who would be mailed")

    def handle(self, *args: Any, **options: Any) -> None:
        mailed = send_digests(dry_run=options["dry_run"])
        verb = "would mail" if options["dry_run"] else "mailed"
        self.stdout.write(f"{verb} {len(mailed)} user(s)")
