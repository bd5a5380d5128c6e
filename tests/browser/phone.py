"""The phone-width check several browser tests make of their screens (WCAG 1.4.10)."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Page, ViewportSize

PHONE: ViewportSize = {"width": 390, "height": 844}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# As conftest's KEEP_SCREENSHOTS: TSUNAGU_SCREENSHOTS=0 (CI) keeps none; they check nothing.
KEEP_SCREENSHOTS = os.environ.get("TSUNAGU_SCREENSHOTS", "1") != "0"


def no_sideways_scroll_at_phone_width(page: Page, name: str) -> None:
    """At 390px the page itself does not scroll sideways; a screenshot is kept either way
    (unless TSUNAGU_SCREENSHOTS=0)."""
    original = page.viewport_size
    page.set_viewport_size(PHONE)
    overflow = page.evaluate(
        "() => document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"
    )
    if KEEP_SCREENSHOTS:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-phone.png"), full_page=True)
    assert overflow <= 0, f"{name}: the page scrolls {overflow}px sideways at 390px"
    if original:
        page.set_viewport_size(original)
