"""`manage.py periodic_start`: make sure the periodic jobs' tick is queued for the worker
(`make run` calls it before it starts `db_worker`; it does nothing when a tick is waiting)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tsunagu.reports import periodic


class Command(BaseCommand):
    help = "定期処理（受付期限の通知、監査ログの検証など）をワーカーの待ち行列に入れます。"

    def handle(self, *args: Any, **options: Any) -> None:
        started = periodic.ensure_scheduled()
        self.stdout.write("periodic jobs scheduled" if started else "periodic jobs already queued")
