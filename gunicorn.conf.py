"""gunicorn's settings for Tsunagu: `make run`, `make bench` and production use this file.

gunicorn reads it from the directory it starts in (`gunicorn` alone serves tsunagu.wsgi), or
from `-c gunicorn.conf.py`.  Every number can be changed through the environment; README
("Production settings") says what each is for and what the benchmark measured with.

- The app is loaded once in the master and the workers are forked from it (`preload_app`),
  so they share its memory until they write to it.
- The garbage collector is off while the app loads, and every object that exists once it has
  loaded is frozen (`gc.freeze()`) before the workers are forked: a collection then walks only
  what requests create, not the tens of thousands of objects of Django, the app and its
  libraries, and it does not touch (and so copy) the pages the workers share.  Collections
  over those objects were the p90 spikes of issue 15.
- No database connection is carried across the fork: SQLite forbids using a connection in a
  child process, and a PostgreSQL connection shared by two workers mixes their traffic.
  Workers open their own and keep them (DATABASE_CONN_MAX_AGE, tsunagu/settings.py).
- Large allocations are always mapped on their own and given back when freed
  (`mallopt(M_MMAP_THRESHOLD)`, GUNICORN_MMAP_THRESHOLD bytes, 0 leaves glibc's default): glibc
  otherwise raises its threshold to the size of the largest block freed, so each sign-in's
  19 MiB argon2 buffer (ADR 0007) moved to the heap and stayed in the worker's memory, once
  per thread that hashed a password (ADR 0007, 2026-12-03: 128 -> 110 MB after a sign-in).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
from typing import Any


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


wsgi_app = "tsunagu.wsgi:application"
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]
# The work is CPU in Python: a worker per core, and a few threads each so that a slow request
# (a sign-in's password hash, an export) does not hold up the others of its worker.
workers = _env_int("GUNICORN_WORKERS", os.cpu_count() or 2)
worker_class = "gthread"
threads = _env_int("GUNICORN_THREADS", 4)
timeout = _env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 30
keepalive = 5  # behind the reverse proxy, which keeps its connections open
preload_app = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None  # "-" for standard output
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# gunicorn's runtime control socket (under $HOME by default) is not used: restarts go through
# the service manager.
control_socket_disable = True

M_MMAP_THRESHOLD = -3  # glibc's malloc.h


def _fixed_mmap_threshold(size: int) -> None:
    """Blocks of `size` bytes or more are mapped and unmapped on their own (glibc only)."""
    if size <= 0:
        return
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        if libc is not None:
            libc.mallopt(M_MMAP_THRESHOLD, size)
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to set
        pass


# Set in the master before the app loads; the workers inherit it through the fork.
_fixed_mmap_threshold(_env_int("GUNICORN_MMAP_THRESHOLD", 128 * 1024))

# Off until the app has loaded and been frozen (when_ready), on again in each worker.
gc.disable()


def when_ready(server: Any) -> None:
    """In the master, once the app is loaded (preload_app) and before any worker is forked."""
    if server.cfg.preload_app:
        from django.db import connections

        connections.close_all()
    gc.freeze()


def post_fork(server: Any, worker: Any) -> None:
    gc.enable()


def post_worker_init(worker: Any) -> None:
    """In a worker, once it has the app: freezes what it loaded itself (without preload_app)."""
    gc.freeze()
