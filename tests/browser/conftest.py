"""Browser tests: headless Chromium driven by Playwright against pytest-django's live server.

Every test here is marked `browser`.  Chromium is the Debian package (/usr/bin/chromium);
Playwright's own browser download is not used.  Without Chromium the suite is skipped locally,
and fails when CI or TSUNAGU_REQUIRE_BROWSER is set: a skipped browser suite must not pass CI.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright

from conftest import seed_demo_city

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--no-first-run",
]
HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
AXE_SOURCE_PATH = HERE / "vendor" / "axe-4.14.1.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# The screenshots of the checked pages are for people to look at; TSUNAGU_SCREENSHOTS=0 (CI)
# skips them.  They check nothing: the checks run the same either way.
KEEP_SCREENSHOTS = os.environ.get("TSUNAGU_SCREENSHOTS", "1") != "0"
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
TABLET: ViewportSize = {"width": 820, "height": 1180}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") or os.environ.get("TSUNAGU_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


_CALL_FAILED = pytest.StashKey[bool]()


@pytest.fixture
def page(
    request: pytest.FixtureRequest, browser: Browser, live_server: Any, transactional_db: None
) -> Iterator[Page]:
    """A fresh browser context per test: no cookies carried over, Japanese locale, 1280px.

    When the test fails, the page as it was is saved as test-artifacts/screenshots/FAILED-*.png.
    """
    context = browser.new_context(locale="ja-JP", viewport=DESKTOP, base_url=live_server.url)
    tab = context.new_page()
    yield tab
    if request.node.stash.get(_CALL_FAILED, False):
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        save_screenshot(tab, f"FAILED-{name}")
    context.close()


# --- The demo city, committed for the live server ---------------------------------------------
# seed_demo writes the whole city through its services: it is the dearest setup of the browser
# tests.  It runs once per run; the rows it left are copied as they stand, and each later test
# that asks for `demo` gets that copy back (the flush at the end of every browser test has
# removed it).  On PostgreSQL the copy is each table's COPY, put back with the triggers off (as
# pg_restore does: the search index's rows are in the copy already); on SQLite it is the
# database itself, through SQLite's backup API.  Where the copy cannot be put back (PostgreSQL
# without the right to turn triggers off), the city is seeded again.
_DEMO_COPY: dict[str, Any] = {}


def _pg_columns(cursor: Any) -> dict[str, list[str]]:
    """Each table of the schema and its columns, less the generated ones (COPY cannot set them)."""
    cursor.execute(
        "SELECT c.table_name, c.column_name FROM information_schema.columns c"
        " JOIN information_schema.tables t"
        "   ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
        " WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'"
        "   AND c.is_generated = 'NEVER'"
        " ORDER BY c.table_name, c.ordinal_position"
    )
    columns: dict[str, list[str]] = {}
    for table, column in cursor.fetchall():
        columns.setdefault(table, []).append(column)
    return columns


def _copy_of_the_demo(connection: Any) -> Any:
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(copy)
        return copy
    if connection.vendor != "postgresql":
        return None
    tables = {}
    with connection.cursor() as cursor:
        for table, columns in _pg_columns(cursor).items():
            if table == "django_migrations":
                continue
            names = ", ".join(connection.ops.quote_name(c) for c in columns)
            sql = f"COPY {connection.ops.quote_name(table)} ({names}) TO STDOUT"
            with cursor.cursor.copy(sql) as copy:
                data = b"".join(bytes(block) for block in copy)
            if data:
                tables[table] = (names, data)
        cursor.execute(
            "SELECT sequencename, last_value FROM pg_sequences"
            " WHERE schemaname = current_schema() AND last_value IS NOT NULL"
        )
        sequences = dict(cursor.fetchall())
    return tables, sequences


def _put_back_the_demo(connection: Any, copy: Any) -> bool:
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    if connection.vendor == "sqlite":
        connection.ensure_connection()
        copy.backup(connection.connection)
    else:
        tables, sequences = copy
        quote = connection.ops.quote_name
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
                cursor.execute(f"TRUNCATE {', '.join(quote(t) for t in tables)} CASCADE")
                for table, (names, data) in tables.items():
                    with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as into:
                        into.write(data)
                cursor.execute(
                    "SELECT sequencename, last_value FROM pg_sequences"
                    " WHERE schemaname = current_schema()"
                )
                for name, value in cursor.fetchall():
                    if name in sequences and (value or 0) < sequences[name]:
                        cursor.execute("SELECT setval(%s, %s)", [quote(name), sequences[name]])
        except Exception:  # no right to turn the triggers off: seed instead
            return False
    ContentType.objects.clear_cache()  # the copy's content types, not the flush's new ones
    return True


@pytest.fixture
def demo(transactional_db: None) -> None:
    """The demo city (`manage.py seed_demo`), committed for the live server to read."""
    from django.db import connection

    copy = _DEMO_COPY.get(connection.vendor)
    if copy is not None and _put_back_the_demo(connection, copy):
        return
    seed_demo_city()
    _DEMO_COPY[connection.vendor] = _copy_of_the_demo(connection)


def sign_in_via_form(page: Page, live_server: Any, username: str, password: str) -> None:
    """Sign in as a person would: the form, typed with the keyboard, sent with Enter."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("ユーザー名").focus()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    expect(page.get_by_label("パスワード")).to_be_focused()
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.fixture
def browser_sign_in(page: Page, live_server: Any, client_as: Callable[..., Any]):
    """`browser_sign_in(user)` gives `page` a signed-in, 2FA-verified session for `user`.

    For pages where the sign-in itself is not under test: the session comes from the root
    conftest's `sign_in` (through `client_as`) and its cookie is copied into the browser.
    """

    def sign_in(user: Any, *, verified: bool = True) -> Page:
        client = client_as(user, verified=verified)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": cookie.value,
                    "url": live_server.url,
                    "httpOnly": True,
                    "sameSite": "Lax",
                }
            ]
        )
        return page

    return sign_in


@functools.cache
def _axe_source() -> str:
    return AXE_SOURCE_PATH.read_text(encoding="utf-8")


def _axe_violations(page: Page) -> list[dict[str, Any]]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    result: list[dict[str, Any]] = page.evaluate(
        """async (tags) => {
            const results = await window.axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            });
            return results.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                nodes: v.nodes.map((n) => ({
                    target: n.target.join(" "),
                    summary: n.failureSummary,
                })),
            }));
        }""",
        AXE_TAGS,
    )
    return result


def _format_violations(name: str, width: int, violations: list[dict[str, Any]]) -> str:
    lines = [f"axe: {len(violations)} violation(s) on {name!r} at {width}px"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {node['target']}")
            for summary_line in (node["summary"] or "").splitlines():
                lines.append(f"      {summary_line}")
    return "\n".join(lines)


def save_screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    return path


def assert_no_axe_violations(page: Page, name: str) -> None:
    """Run axe-core (WCAG 2.1 A and AA rules) at desktop and tablet width; fail on any finding.

    Saves full-page screenshots as test-artifacts/screenshots/<name>.png and <name>-tablet.png
    (unless TSUNAGU_SCREENSHOTS=0: CI keeps none, and a full-page shot costs about as much as
    the axe run itself; a failed test's page is saved either way, by the `page` fixture).
    axe is injected with `evaluate`: the CSP forbids inline <script>, and evaluate is not a
    script element.
    """
    failures = []
    original = page.viewport_size or DESKTOP
    for suffix, size in (("", DESKTOP), ("-tablet", TABLET)):
        page.set_viewport_size(size)
        violations = _axe_violations(page)
        if KEEP_SCREENSHOTS:
            save_screenshot(page, f"{name}{suffix}")
        if violations:
            failures.append(_format_violations(name, size["width"], violations))
    page.set_viewport_size(original)
    if failures:
        pytest.fail("\n".join(failures), pytrace=False)


# Test modules receive the helpers as fixtures rather than with `from conftest import ...`: the
# root has a conftest too, and which one a bare `import conftest` finds depends on sys.path.
@pytest.fixture(name="sign_in_via_form")
def _sign_in_via_form_fixture() -> Callable[[Page, Any, str, str], None]:
    return sign_in_via_form


@pytest.fixture(name="assert_no_axe_violations")
def _assert_no_axe_violations_fixture() -> Callable[[Page, str], None]:
    return assert_no_axe_violations


@pytest.fixture(name="axe_violations")
def _axe_violations_fixture() -> Callable[[Page], list[dict[str, Any]]]:
    """`axe_violations(page)`: axe-core's WCAG 2.1 A/AA findings on the page as it is now."""
    return _axe_violations
