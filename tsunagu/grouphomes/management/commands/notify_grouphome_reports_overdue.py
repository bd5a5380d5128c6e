"""Notify the evaluators of group home evaluation reports past their due date (run once a day
by the background worker: reports/periodic.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tsunagu.grouphomes.services import overdue_notify


class Command(BaseCommand):
    help = "Notify each overdue group home evaluation report's evaluators once."

    def handle(self, *args: Any, **options: Any) -> None:
        notified = overdue_notify()
        self.stdout.write(f"notified {len(notified)} overdue report(s)")
