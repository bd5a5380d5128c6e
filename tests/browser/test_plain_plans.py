"""The plan in plain words (issue 22 item 2): the counselor checks a draft with the keyboard,
sees every flag, releases it, and the person's view reads at 390px with furigana, large type
and no axe violations."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.phone import PHONE, no_sideways_scroll_at_phone_width
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.plainplans import services
from tsunagu.plainplans.tests.factories import make_case, written


def test_the_counselor_checks_previews_and_the_person_view_reads_on_a_phone(
    page, personas, browser_sign_in, assert_no_axe_violations
):
    world = make_case(personas)
    draft = written(personas, world.case)
    browser_sign_in(personas.counselor_a)
    page.goto(f"/plain-plans/{draft.pk}/edit/")
    page.get_by_label("目標（やさしい日本語で）").fill("支給決定が出ました。")
    page.get_by_role("button", name="チェック").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    flags = page.locator(".plain-flags li")
    expect(flags.first).to_contain_text("サービスを使ってよいという決定")
    assert_no_axe_violations(page, "plain-plan-edit")

    services.plain_plan_release(actor_as(personas.counselor_a), plain_plan=draft)
    page.set_viewport_size(PHONE)
    page.goto(f"/plain-plans/{draft.pk}/preview/")
    view = page.locator("article.plain-plan")
    expect(view).to_have_attribute("lang", "ja")
    expect(view.locator("ruby rt").first).to_be_visible()
    size = view.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 20
    no_sideways_scroll_at_phone_width(page, "plain-plan-person")
    assert_no_axe_violations(page, "plain-plan-person")
