"""The portal at 200% zoom and at 320 px (issue 22 item 6, WCAG 1.4.10 reflow, 2.5.5 target
size): every page of the person's and of a supporter's portal, at 640×480 CSS px with
device_scale_factor 2 (a 1280×960 screen at 200%) and at 320 px wide, scrolls only downwards,
its links and buttons in <main> are at least 44×44 CSS px, and axe finds nothing at that size.
One どう？ is then walked with the keyboard alone at 200%."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.browser.keyboard import tab_to
from tests.browser.phone import KEEP_SCREENSHOTS, SCREENSHOTS
from tsunagu.core.actor import Origin
from tsunagu.people.tests.factories import ConsentFactory
from tsunagu.plainplans.tests.factories import make_case, released
from tsunagu.portal import codes, services
from tsunagu.portal.middleware import cookie_name
from tsunagu.portal.tests.factories import PASSPHRASE, invite_person, invite_supporter

ZOOMED: ViewportSize = {"width": 640, "height": 480}  # 1280×960 at 200%
NARROW: ViewportSize = {"width": 320, "height": 640}
TARGET = 44

TOO_SMALL = """() => Array.from(document.querySelectorAll(
    "main a[href], main button, main input[type=submit], main input[type=file], main summary"
  )).filter((el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== "hidden";
  }).map((el) => {
    const box = el.getBoundingClientRect();
    return {what: (el.innerText || el.value || el.name || el.tagName).trim().slice(0, 40),
            width: Math.round(box.width), height: Math.round(box.height)};
  }).filter((t) => t.width < 44 || t.height < 44)"""

SIDEWAYS = "() => document.documentElement.scrollWidth - window.innerWidth"


def _check(page: Page, name: str, axe_violations: Any, problems: list[str]) -> None:
    for label, size in (("200%", ZOOMED), ("320px", NARROW)):
        page.set_viewport_size(size)
        overflow = page.evaluate(SIDEWAYS)
        if overflow > 0:
            problems.append(f"{name} at {label}: scrolls {overflow}px sideways")
        for target in page.evaluate(TOO_SMALL):
            problems.append(
                f"{name} at {label}: {target['what']!r} is {target['width']}×{target['height']}"
            )
        for violation in axe_violations(page):
            targets = ", ".join(n["target"] for n in violation["nodes"])
            problems.append(f"{name} at {label}: axe {violation['id']} ({targets})")
        if KEEP_SCREENSHOTS:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(
                path=str(SCREENSHOTS / f"portal-zoom-{name}-{label}.png"), full_page=True
            )
    page.set_viewport_size(ZOOMED)


def _zoomed_page(browser: Browser, live_server: Any, token: str | None = None) -> Page:
    context = browser.new_context(
        locale="ja-JP", viewport=ZOOMED, device_scale_factor=2, base_url=live_server.url
    )
    if token is not None:
        context.add_cookies(
            [{"name": cookie_name(), "value": token, "url": f"{live_server.url}/my/"}]
        )
    return context.new_page()


def _signed_in(code: str, passphrase: str) -> str:
    _account, token = services.invitation_redeem(
        code, passphrase=passphrase, again=passphrase, origin=Origin(ip_address="192.0.2.20")
    )
    return token


def test_every_portal_page_reflows_at_200_percent_with_big_targets(
    browser, live_server, personas, client_as, axe_violations, transactional_db
):
    world = make_case(personas)  # 月見里 陽菜, with a plan in plain words released
    ConsentFactory.create(person=world.case.person, obtained_by_organization=personas.office_a)
    account, code = invite_person(world.case, personas.counselor_a, display_name="ひなさん")
    mother, mother_code = invite_supporter(
        world.case, personas.counselor_a, sections=["plan", "checkin", "access", "rights"]
    )
    released(personas, world.case)
    client_as(personas.counselor_a).get(f"/cases/{world.case.pk}/")  # an access to list
    problems: list[str] = []

    # Coming in: the welcome, the code, the passphrase, the portal id.
    page = _zoomed_page(browser, live_server)
    page.goto("/my/")
    _check(page, "welcome", axe_violations, problems)
    page.goto("/my/signin/")
    _check(page, "signin", axe_violations, problems)
    page.goto("/my/start/")
    _check(page, "start", axe_violations, problems)
    page.get_by_label("招待コード").fill(codes.grouped(code))
    page.get_by_role("button", name="つぎへ").click()
    _check(page, "passphrase", axe_violations, problems)
    page.get_by_label("あいことば", exact=True).fill(PASSPHRASE)
    page.get_by_label("もう一度、同じあいことば").fill(PASSPHRASE)
    page.get_by_role("button", name="決める").click()
    expect(page.get_by_test_id("portal-id")).to_be_visible()
    _check(page, "ready", axe_violations, problems)

    # The person's own pages.
    for path, name in (
        ("/my/", "home"),
        ("/my/plan/", "plan"),
        ("/my/checkin/", "checkin"),
        ("/my/checkin/rhythm/", "rhythm"),
        ("/my/access/", "access"),
        ("/my/rights/", "rights"),
        ("/my/rights/ask/disclosure/", "ask-disclosure"),
        ("/my/rights/ask/consent_change/", "ask-consent"),
        (f"/my/rights/supporters/{mother.pk}/end/", "supporter-end"),
        ("/my/end/", "end"),
    ):
        page.goto(path)
        _check(page, name, axe_violations, problems)
    page.goto("/my/access/")
    page.get_by_role("link", name="このことを聞く").first.click()
    _check(page, "access-ask", axe_violations, problems)
    page.get_by_role("button", name="相談員に送る").click()
    _check(page, "sent", axe_violations, problems)

    # どう？ with the keyboard alone, at 200%: a face, a sentence, send.
    page.goto("/my/checkin/")
    tab_to(page, page.get_by_test_id("mood-good"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="もう少しおしえてください")).to_be_visible()
    _check(page, "checkin-more", axe_violations, problems)
    tab_to(page, page.get_by_label("よくなったことは？"))
    page.keyboard.type("バスにひとりで乗れた")
    tab_to(page, page.get_by_test_id("checkin-send"))
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("checkin-done")).to_be_visible()
    _check(page, "checkin-done", axe_violations, problems)
    page.context.close()

    # The mother's pages, in her own browser.
    supporter = _zoomed_page(browser, live_server, _signed_in(mother_code, PASSPHRASE + " はは"))
    for path, name in (
        ("/my/", "mother-home"),
        ("/my/plan/", "mother-plan"),
        ("/my/checkin/", "mother-checkin"),
        ("/my/access/", "mother-access"),
        ("/my/rights/", "mother-rights"),
    ):
        supporter.goto(path)
        _check(supporter, name, axe_violations, problems)
    expect(supporter.get_by_role("heading", name="ひなさんの権利と同意")).to_be_visible()
    supporter.context.close()
    assert not problems, "\n".join(problems)
    assert account.pk
