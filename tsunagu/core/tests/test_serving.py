"""How Tsunagu is served: kept database connections, and gunicorn.conf.py's workers."""

from __future__ import annotations

import gc
import importlib.util
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest
from django.conf import settings

CONF = Path(__file__).resolve().parents[3] / "gunicorn.conf.py"


def test_database_connections_are_kept_on_both_databases():
    database = settings.DATABASES["default"]
    assert (database["CONN_MAX_AGE"] or 0) > 0  # DATABASE_CONN_MAX_AGE, 60 by default
    assert database["CONN_HEALTH_CHECKS"] is True


@pytest.fixture
def conf(monkeypatch) -> Iterator[ModuleType]:
    monkeypatch.delenv("GUNICORN_WORKERS", raising=False)
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    spec = importlib.util.spec_from_file_location("tsunagu_gunicorn_conf", CONF)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    was_enabled = gc.isenabled()
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        if was_enabled:
            gc.enable()


def test_gunicorn_serves_the_app_preloaded_with_threads(conf):
    assert conf.wsgi_app == "tsunagu.wsgi:application"
    assert conf.bind == ["127.0.0.1:8000"]
    assert conf.preload_app is True
    assert conf.worker_class == "gthread"
    assert conf.workers >= 1
    assert conf.threads == 4
    assert conf.timeout == 30
    assert conf.control_socket_disable is True


def test_the_app_is_frozen_and_no_connection_crosses_the_fork(conf, monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(
        "django.db.connections.close_all", lambda: calls.append("close connections")
    )
    assert not gc.isenabled()  # while the app loads
    server = SimpleNamespace(cfg=SimpleNamespace(preload_app=True))
    conf.when_ready(server)
    assert calls == ["close connections", "freeze"]
    conf.post_fork(server, SimpleNamespace())
    assert gc.isenabled()
    conf.post_worker_init(SimpleNamespace(cfg=server.cfg))
    assert calls[-1] == "freeze"


def test_the_worker_count_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "2")
    monkeypatch.setenv("GUNICORN_BIND", "0.0.0.0:8080")
    spec = importlib.util.spec_from_file_location("tsunagu_gunicorn_conf_env", CONF)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    finally:
        gc.enable()
    assert module.workers == 2
    assert module.bind == ["0.0.0.0:8080"]
