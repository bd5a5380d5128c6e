"""Notify the response team and the core center of abuse reports whose fact-finding has passed
its deadline (run every hour by the background worker: reports/periodic.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tsunagu.abuse.services import overdue_notify


class Command(BaseCommand):
    help = "Notify each overdue abuse fact-finding's response team and the core center once."

    def handle(self, *args: Any, **options: Any) -> None:
        notified = overdue_notify()
        self.stdout.write(f"notified {len(notified)} overdue fact-finding(s)")
