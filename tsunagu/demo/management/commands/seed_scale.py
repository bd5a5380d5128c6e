"""`manage.py seed_scale --persons 100000 --notes 1000000 --years 10 --seed 1` (issue 7)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tsunagu.demo.scale import Plan, ScaleSeeder, default_end, has_real_data


class Command(BaseCommand):
    help = "ベンチマーク用の市規模のデータを作ります（デモモード専用）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, default=100_000)
        parser.add_argument("--notes", type=int, default=1_000_000)
        parser.add_argument("--years", type=int, default=10)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--end", type=dt.date.fromisoformat, default=None, help="the last day (YYYY-MM-DD)"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="run over existing data (or, under pytest, outside demo mode)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["force"]:
            if not settings.DEMO_MODE:
                raise CommandError("seed_scale runs only in demo mode (TSUNAGU_DEMO=1).")
            if has_real_data():
                raise CommandError(
                    "The database already holds persons or cases; use an empty one (or --force)."
                )
        if options["persons"] < 10 or options["notes"] < 0 or options["years"] < 1:
            raise CommandError("Need --persons >= 10, --notes >= 0 and --years >= 1.")
        plan = Plan(
            persons=options["persons"],
            notes=options["notes"],
            years=options["years"],
            seed=options["seed"],
            end=options["end"] or default_end(),
        )
        began = time.monotonic()
        summary = ScaleSeeder(
            plan, log=lambda m: self.stdout.write(f"[{time.monotonic() - began:6.1f}s] {m}")
        ).run()
        for name, count in summary.counts.items():
            self.stdout.write(f"{name}: {count}")
        self.stdout.write(f"seed_scale done in {time.monotonic() - began:.1f}s")
