"""What every worker holds (ADR 0007, issue 15): the app gunicorn preloads must not import the
document libraries, which only exports, printing, calendars and de-identification need.

Checked in a fresh interpreter, as the test process has long imported everything."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess  # runs this interpreter with fixed arguments
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

# Each of these is imported inside the function that makes a document with it.
DOCUMENT_LIBRARIES = [
    "weasyprint",  # plans/printing.py
    "openpyxl",  # plans/workbooks.py, referrals/exports.py
    "fhir",  # plans/fhir.py, referrals/fhir.py (fhir.resources)
    "icalendar",  # meetings/ics.py, agenda/ics.py
    "sudachipy",  # meetings/deidentify.py
    "jsonschema",  # directory/hsds.py
    "referencing",  # directory/hsds.py
    "segno",  # accounts/views.py (the QR code of 2FA enrolment)
    "PIL",  # through openpyxl and weasyprint
    "webauthn",  # accounts/passkeys.py, in the four ceremony functions
    "OpenSSL",  # through webauthn (pyOpenSSL, about 20 MB)
]

CODE = """
import json, sys
import django
django.setup()
import tsunagu.urls
import tsunagu.wsgi
json.dump(sorted(name.split(".")[0] for name in sys.modules), sys.stdout)
"""


def _loaded_by_the_app(**extra: str) -> set[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTEST_VERSION", "DJANGO_DEBUG"}}
    env.update(DJANGO_SETTINGS_MODULE="tsunagu.settings", TSUNAGU_DEMO="1", **extra)
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", CODE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout))


@pytest.mark.parametrize("library", DOCUMENT_LIBRARIES)
def test_the_libraries_are_installed(library: str) -> None:
    """Otherwise the test below would pass for the wrong reason."""
    assert importlib.util.find_spec(library) is not None


def test_loading_the_app_imports_no_document_library() -> None:
    loaded = _loaded_by_the_app()
    assert "tsunagu" in loaded
    assert "django" in loaded
    assert sorted(loaded & set(DOCUMENT_LIBRARIES)) == []


def test_a_sqlite_worker_does_not_load_the_postgresql_driver(tmp_path: Path) -> None:
    """django_tables2 would import django.contrib.postgres, and psycopg with it, for a column
    of PostgreSQL's HStore (11 MB a worker); the settings stop that on SQLite."""
    loaded = _loaded_by_the_app(DATABASE_URL=f"sqlite:///{tmp_path / 'tsunagu.sqlite3'}")
    assert "django_tables2" in loaded
    assert "psycopg" not in loaded


def test_a_postgresql_worker_has_its_driver() -> None:
    """Loading the app does not connect, so no server is needed to see the driver loaded."""
    loaded = _loaded_by_the_app(DATABASE_URL="postgres://nobody@127.0.0.1:1/none")
    assert "psycopg" in loaded
