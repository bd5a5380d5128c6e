"""`manage.py run_periodic`: run the periodic jobs that are due now, once, without the worker
(for a cron that still wants to drive them; each job still runs at most once a day)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tsunagu.reports import periodic


class Command(BaseCommand):
    help = "いま実行すべき定期処理を一度だけ実行します（同じ日に二度は実行しません）。"

    def handle(self, *args: Any, **options: Any) -> None:
        for run in periodic.run_due():
            self.stdout.write(f"{run.job} {run.period}: {run.outcome} {run.summary}")
