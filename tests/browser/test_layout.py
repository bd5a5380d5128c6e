"""Every page of the demo city at phone width and at 200% zoom (issue 16, item 12; WCAG 1.4.10).

The pages are not a hand-picked list: the test walks the demo city from the home page, following
every link of the site as a counselor, a core-center officer and a city official would see it,
and opens each kind of page (each URL name) once.  On each it checks, at 390x844 (a phone) and
at 640x450 (a 1280x900 screen zoomed to 200%), that the page itself does not scroll sideways
(wide tables scroll inside their own labelled region) and that axe-core finds nothing.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, ViewportSize, expect

from tsunagu.accounts.models import User

PHONE: ViewportSize = {"width": 390, "height": 844}
ZOOM_200: ViewportSize = {"width": 640, "height": 450}  # 1280x900 at 200% zoom
WALKERS = ("core1", "office_a1", "city1")
# Not pages of the site: the admin, the API, files (PDF, xlsx, FHIR, CSV, iCalendar).
NOT_PAGES = ("/admin/", "/api/", "/i18n/", "/static/", "/media/")
FILE_VIEWS = ("pdf", "xlsx", "fhir", "csv", "ics", "export", "download", "attachment")

PAGE_WIDTH = """() => {
    const root = document.scrollingElement;
    const wide = [];
    for (const el of document.body.querySelectorAll("*")) {
        const box = el.getBoundingClientRect();
        const parent = el.parentElement && el.parentElement.getBoundingClientRect();
        if (box.right > root.clientWidth && !(parent && parent.right > root.clientWidth)) {
            wide.push(el.tagName.toLowerCase() + (el.className ? "." + el.className : ""));
        }
    }
    return {scroll: root.scrollWidth, client: root.clientWidth, wide: wide.slice(0, 5)};
}"""


def _view_name(path: str) -> str | None:
    if path.startswith(NOT_PAGES):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    name = match.view_name
    if any(word in name for word in FILE_VIEWS) or "logout" in name:
        return None
    return name


def _links(page: Page) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all(
        "a[href]", "els => els.map((e) => e.getAttribute('href'))"
    )
    paths = []
    for href in hrefs:
        parts = urlsplit(urljoin(page.url, href))
        if parts.netloc == urlsplit(page.url).netloc:
            paths.append(parts.path)
    return paths


def _check(page: Page, axe: Callable[[Page], list[dict[str, Any]]], name: str) -> list[str]:
    problems = []
    for label, size in (("390px", PHONE), ("200%", ZOOM_200)):
        page.set_viewport_size(size)
        width = page.evaluate(PAGE_WIDTH)
        if width["scroll"] > width["client"]:
            problems.append(
                f"{name} at {label}: page is {width['scroll']}px wide in a "
                f"{width['client']}px window; widest: {width['wide']}"
            )
        for violation in axe(page):
            targets = [node["target"] for node in violation["nodes"]][:3]
            problems.append(f"{name} at {label}: axe {violation['id']} on {targets}")
    return problems


def _walk(
    page: Page, axe: Callable[[Page], list[dict[str, Any]]], seen: set[str], start: str
) -> list[str]:
    problems: list[str] = []
    queue: deque[str] = deque([start])
    tried: set[str] = set()
    while queue:
        path = queue.popleft()
        name = _view_name(path)
        if name is None or name in seen or path in tried:
            continue
        tried.add(path)
        try:
            response = page.goto(path)
        except PlaywrightError:  # a link that turned out to be a file download
            continue
        assert response is not None
        assert response.status < 500, f"{path} answered {response.status}"
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        if urlsplit(page.url).path != path:  # sent elsewhere (sign-in): not this page
            continue
        seen.add(name)
        problems += _check(page, axe, f"{path} ({name})")
        queue.extend(link for link in _links(page) if _view_name(link) not in seen)
    return problems


def test_every_page_reflows_at_phone_width_and_200_percent_zoom(
    page: Page, demo: None, browser_sign_in: Callable[..., Page], axe_violations: Any
) -> None:
    seen: set[str] = set()
    problems = _walk(page, axe_violations, seen, "/accounts/login/")
    problems += _walk(page, axe_violations, seen, "/directory/")
    for username in WALKERS:
        page.context.clear_cookies()
        browser_sign_in(User.objects.get(username=username))
        problems += _walk(page, axe_violations, seen, "/")
    # The walk reached the whole site, not a corner of it.
    assert {
        "dashboard:home",
        "cases:list",
        "cases:case_detail",
        "cases:consultation_list",
        "people:person_detail",
        "plans:task_list",
        "referrals:list",
        "meetings:body_list",
        "directory:resource_list",
    } <= seen
    assert len(seen) >= 60, sorted(seen)
    assert not problems, "\n".join(problems)


def test_menu_folds_into_a_button_on_a_phone_and_opens_without_script(
    page: Page, demo: None, browser_sign_in: Callable[..., Page]
) -> None:
    browser_sign_in(User.objects.get(username="office_a1"))
    page.set_viewport_size(PHONE)
    page.goto("/")
    menu = page.get_by_role("navigation", name="メインメニュー")
    cases_link = menu.get_by_role("link", name="支援ケース")
    expect(cases_link).to_be_hidden()
    toggle = menu.get_by_text("メニュー", exact=True)
    toggle.focus()
    page.keyboard.press("Enter")
    expect(cases_link).to_be_visible()
    with page.expect_navigation():
        cases_link.click()
    assert urlsplit(page.url).path == "/cases/"

    # On a wide screen there is no button: the menu is simply there.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/")
    expect(toggle).to_be_hidden()
    expect(cases_link).to_be_visible()


def test_a_wide_table_scrolls_in_its_own_labelled_region(
    page: Page, demo: None, browser_sign_in: Callable[..., Page]
) -> None:
    browser_sign_in(User.objects.get(username="office_a1"))
    page.set_viewport_size(PHONE)
    page.goto("/plans/tasks/")
    # The table's scroll region is named for what it lists.
    region = page.get_by_role("region", name="タスクの一覧", exact=True)
    expect(region).to_have_attribute("role", "region")
    expect(region).to_have_accessible_name("タスクの一覧")
    sizes = region.evaluate("(el) => [el.scrollWidth, el.clientWidth, el.tabIndex]")
    assert sizes[0] > sizes[1], "the task table is wider than a phone: it scrolls in its region"
    assert sizes[2] == 0  # the keyboard can reach it to scroll
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
