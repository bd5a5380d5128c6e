"""The main menu in groups (dashboard/menu.py): read at 1280px and on a phone, the groups in
order, the links reached by Tab in reading order, the phone's menu folded behind its button
(no script), and nothing for axe to find.  Screenshots: test-artifacts/screenshots/menu-*.png."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, ViewportSize, expect

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
DAILY = [
    "ホーム",
    "本人・世帯",
    "相談受付",
    "支援ケース",
    "紹介・依頼",
    "タスク",
    "カレンダー",
    "記録の検索",
]


def save_screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True, animations="disabled")


def _groups(page: Page) -> list[str]:
    return page.locator(".site-nav__heading").all_inner_texts()


def test_the_menu_reads_in_groups_at_1280_and_on_a_phone(
    page: Page, live_server, personas, browser_sign_in, assert_no_axe_violations
):
    page.set_default_navigation_timeout(120_000)  # a shared, busy machine
    browser_sign_in(personas.core_officer)
    page.set_viewport_size(DESKTOP)
    page.goto("/cases/")
    menu = page.get_by_role("navigation", name="メインメニュー")
    assert _groups(page) == [
        "日々の支援",
        "ネットワーク",
        "人材育成・評価",
        "権利擁護・防災",
        "管理",
    ]
    daily = menu.get_by_role("list", name="日々の支援")
    assert daily.get_by_role("link").all_inner_texts() == DAILY
    expect(menu.get_by_role("link", name="支援ケース")).to_have_attribute("aria-current", "page")
    # Keyboard: after the header's controls, Tab walks the menu in the order it reads.
    links = menu.get_by_role("link")
    first = links.first
    first.focus()
    order = [first.inner_text()]
    for _ in range(links.count() - 1):
        page.keyboard.press("Tab")
        order.append(page.evaluate("() => document.activeElement.textContent"))
    assert order == links.all_inner_texts()
    save_screenshot(page, "menu-core-1280")
    assert_no_axe_violations(page, "menu-core")

    # A counselor: no 管理 group at all.
    page.context.clear_cookies()
    browser_sign_in(personas.counselor_a)
    page.goto("/")
    assert _groups(page) == ["日々の支援", "ネットワーク", "人材育成・評価", "権利擁護・防災"]
    assert menu.get_by_role("link", name="虐待対応").count() == 0
    save_screenshot(page, "menu-counselor-1280")

    # The phone: folded behind メニュー; opened with the keyboard, the groups stack.
    page.set_viewport_size(PHONE)
    page.goto("/")
    cases_link = menu.get_by_role("link", name="支援ケース")
    expect(cases_link).to_be_hidden()
    save_screenshot(page, "menu-counselor-390-closed")
    menu.get_by_text("メニュー", exact=True).focus()
    page.keyboard.press("Enter")
    expect(cases_link).to_be_visible()
    expect(menu.get_by_text("人材育成・評価")).to_be_visible()
    save_screenshot(page, "menu-counselor-390-open")
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= PHONE["width"]
    assert_no_axe_violations(page, "menu-counselor-open")
