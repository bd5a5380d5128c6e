"""SQLite's DELETE trigger on the audit log asks `tsunagu_audit_flushing()` whether to let a
DELETE through (migration 0003).  Every connection the app opens defines the function; it answers
true only while `manage.py flush` empties every table (the test harness does this between
transactional tests), so the app itself can never delete an audit row, and a connection without
the function (the sqlite3 shell) cannot either.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.backends.signals import connection_created
from django.dispatch import receiver

_flushing = threading.Event()


@contextmanager
def flushing() -> Iterator[None]:
    _flushing.set()
    try:
        yield
    finally:
        _flushing.clear()


def _is_flushing() -> int:
    return 1 if _flushing.is_set() else 0


@receiver(connection_created)
def _define_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "tsunagu_audit_flushing", 0, _is_flushing, deterministic=False
        )
