"""Django's `flush`, allowed to empty the audit log on SQLite (see audit/sqlite.py).

Flushing removes every row of every table; that is a deliberate reset (the test harness runs it
between transactional tests), not a way to edit the log.  On PostgreSQL flush uses TRUNCATE,
which the app's role may not run on the audit tables (`manage.py audit_roles`).
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush

from tsunagu.audit.sqlite import flushing


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        with flushing():
            super().handle(**options)
