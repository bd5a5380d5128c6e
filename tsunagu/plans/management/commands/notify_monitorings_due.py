"""Notify case leads of monitorings falling due (run once a day by the background worker,
before send_digests: reports/periodic.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tsunagu.plans.services import monitorings_due_notify


class Command(BaseCommand):
    help = "Notify each case lead once of a scheduled monitoring due within 14 days or overdue."

    def handle(self, *args: Any, **options: Any) -> None:
        notified = monitorings_due_notify()
        self.stdout.write(f"notified {len(notified)} monitoring(s)")
