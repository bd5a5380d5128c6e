"""Keyboard-only helpers for the browser tests: every step is Tab / Shift+Tab, typing, Space,
arrow keys and Enter, never a click."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from playwright.sync_api import Browser, Locator, Page, expect

from tsunagu.core.dates import wareki

MAX_TABS = 250


# --- Keyboard helpers -----------------------------------------------------------------------


def _has_focus(locator: Locator) -> bool:
    return bool(locator.evaluate_all("(els) => els.includes(document.activeElement)"))


def tab_to(page: Page, locator: Locator, *, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until one of the elements `locator` matches has the focus."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MAX_TABS):
        if _has_focus(locator):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{locator} never received the focus with {key}")


def type_into(page: Page, label: str, text: str) -> None:
    tab_to(page, page.get_by_label(label, exact=True))
    page.keyboard.type(text)


def choose(page: Page, locator: Locator, option: str) -> None:
    """Focus a select (or list box) and move through its options with ↓ until `option`."""
    tab_to(page, locator)
    if locator.evaluate("(el) => !el.multiple && el.selectedIndex > 0"):
        page.keyboard.press("Home")
    for _ in range(80):
        chosen = locator.evaluate(
            "(el) => Array.from(el.selectedOptions).map((o) => o.textContent.trim()).join('|')"
        )
        if option in chosen:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"option {option!r} not reachable with the arrow keys")


def pick_radio(page: Page, name: str, label: str) -> None:
    """Tab into a radio group and move with ↓ until the radio labelled `label` is checked."""
    group = page.locator(f"input[type=radio][name={name}]")
    tab_to(page, group)
    target = page.get_by_label(label, exact=True)
    for _ in range(10):
        if target.is_checked():
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"radio {label!r} not reachable with the arrow keys")


def tick(page: Page, label: str) -> None:
    box = page.get_by_label(label, exact=True)
    tab_to(page, box)
    if not box.is_checked():
        page.keyboard.press("Space")
    expect(box).to_be_checked()


def type_date(page: Page, label: str, day: dt.date) -> None:
    """Type a date into the date entry (core/widgets.py) as an era date, the way a Japanese
    office writes it, and wait for the entry to read it back."""
    field = page.get_by_label(label, exact=True)
    tab_to(page, field)
    page.keyboard.press("Control+A")
    page.keyboard.type(wareki(day))
    expect(field).to_have_value(wareki(day))
    echo = page.locator(f"output[for='{field.get_attribute('id')}']")
    expect(echo).to_contain_text(f"{day.year}年{day.month}月{day.day}日")


def submit(page: Page, button: str) -> None:
    """Tab to the submit button and press Enter; wait for the next page."""
    tab_to(page, page.get_by_role("button", name=button, exact=True))
    with page.expect_navigation():
        page.keyboard.press("Enter")


def follow(page: Page, link: str) -> None:
    tab_to(page, page.get_by_role("link", name=link, exact=True).first)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def start_at_top(page: Page, path: str) -> None:
    page.goto(path)
    page.keyboard.press("Tab")  # the skip link first, then onwards


def new_signed_in_page(
    browser: Browser, live_server: Any, client_as: Callable[..., Any], user: Any
) -> Page:
    context = browser.new_context(
        locale="ja-JP", viewport={"width": 1280, "height": 900}, base_url=live_server.url
    )
    cookie = client_as(user).cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
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
    return context.new_page()
