"""The demo city is its own app: installed only in demo mode (and under pytest), its commands
refuse clearly elsewhere, and no domain app imports it (issue 14)."""

from __future__ import annotations

import ast
import base64
import os
import subprocess
import sys
from pathlib import Path

from django.apps import apps
from django.conf import settings

TSUNAGU = Path(settings.BASE_DIR) / "tsunagu"
DEMO = TSUNAGU / "demo"


def _manage(*args: str, demo: bool) -> subprocess.CompletedProcess[str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("PYTEST") and not name.startswith(("TSUNAGU_", "DJANGO_"))
    }
    env["DJANGO_SETTINGS_MODULE"] = "tsunagu.settings"
    if demo:
        env["TSUNAGU_DEMO"] = "1"
    else:  # what production must set, so that the settings load
        env["DJANGO_SECRET_KEY"] = "test-only-" + "k" * 50
        env["TSUNAGU_FILE_KEY"] = base64.b64encode(b"\x01" * 32).decode()
    return subprocess.run(  # noqa: S603  # fixed arguments, our own manage.py
        [sys.executable, str(settings.BASE_DIR / "manage.py"), *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_under_pytest_the_demo_app_is_installed():
    assert apps.is_installed("tsunagu.demo")


def test_outside_demo_mode_the_demo_is_not_installed_and_its_commands_say_why():
    listed = _manage("help", "--commands", demo=False)
    assert listed.returncode == 0, listed.stderr
    assert "migrate" in listed.stdout.split()
    assert "seed_demo" not in listed.stdout.split()
    assert "seed_scale" not in listed.stdout.split()
    for command in ("seed_demo", "seed_scale"):
        refused = _manage(command, demo=False)
        assert refused.returncode == 1
        expected = f"{command} はデモモード（環境変数 TSUNAGU_DEMO=1）でのみ実行できます"
        assert expected in refused.stderr
        assert "Unknown command" not in refused.stderr


def test_in_demo_mode_both_commands_are_there():
    listed = _manage("help", "--commands", demo=True)
    assert listed.returncode == 0, listed.stderr
    assert {"seed_demo", "seed_scale"} <= set(listed.stdout.split())


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_no_domain_app_holds_or_imports_demo_code():
    outside = [
        path
        for path in TSUNAGU.rglob("*.py")
        if DEMO not in path.parents and "migrations" not in path.parts
    ]
    assert len(outside) > 100  # really scanning the project
    # The demo modules that used to live in the domain apps are gone from them.
    leftovers = [
        str(p.relative_to(TSUNAGU))
        for p in outside
        if p.name in {"demo.py", "scale.py", "seed_demo.py", "seed_scale.py"}
    ]
    assert leftovers == []
    importers = [
        str(p.relative_to(TSUNAGU))
        for p in outside
        if any(
            name == "tsunagu.demo" or name.startswith("tsunagu.demo.")
            for name in _imported_modules(p)
        )
    ]
    assert importers == []
