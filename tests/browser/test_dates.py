"""The date entry with the keyboard only (issue 16, item 8): an era date is typed and read back,
an impossible one is refused with the reason, the calendar button opens a native date picker
whose choice fills the text box, and the page passes axe with the picker open."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from tests.browser.keyboard import start_at_top, submit, tab_to, type_into
from tsunagu.meetings.models import CommunityIssue


def test_an_era_date_typed_read_back_and_picked_from_the_calendar(
    page, personas, browser_sign_in, assert_no_axe_violations
):
    axe = assert_no_axe_violations
    browser_sign_in(personas.counselor_a)
    start_at_top(page, "/meetings/issues/new/")
    field = page.get_by_label("提起日", exact=True)
    echo = page.locator("output[for='id_raised_on']")
    calendar = page.locator("#id_raised_on + .date-entry__calendar")
    picker = page.get_by_label("カレンダーで日付を選ぶ")

    # An impossible era date: the reason, as the user types.
    type_into(page, "提起日", "H31.5.1")
    expect(echo).to_contain_text("平成は平成31年4月30日までです")

    # A real one, with full-width digits: read back as the Western date and its era year.
    page.keyboard.press("Control+A")
    page.keyboard.type("令和８年５月１１日")
    expect(echo).to_have_text("＝ 2026年5月11日（令和8年）")

    # The calendar: a button next to the box, reached with Tab, opened with Enter.
    expect(picker).to_be_hidden()
    tab_to(page, calendar)
    expect(calendar).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(calendar).to_have_attribute("aria-expanded", "true")
    expect(picker).to_be_visible()
    expect(picker).to_be_focused()
    expect(picker).to_have_value("2026-05-11")  # it opens on the date typed
    axe(page, "dates-01-calendar-open")
    # Escape closes it and gives the focus back to the button.
    page.keyboard.press("Escape")
    expect(picker).to_be_hidden()
    expect(calendar).to_be_focused()

    # A day chosen in the picker is written into the box and read back.
    page.keyboard.press("Enter")
    expect(picker).to_be_focused()
    picker.fill("2026-05-12")  # the picker's own segments follow the browser's language
    expect(field).to_have_value("2026-05-12")
    expect(field).to_be_focused()
    expect(picker).to_be_hidden()
    expect(echo).to_have_text("＝ 2026年5月12日（令和8年）")

    type_into(page, "地域課題", "短期入所先が区内に足りない")
    tab_to(page, page.get_by_label("テーマ", exact=True))
    page.keyboard.press("ArrowDown")
    type_into(
        page,
        "課題の内容（匿名化）",
        "医療的ケアが必要な人の短期入所の受け皿が区内になく、家族の入院時に困る世帯が続いている。",
    )
    type_into(page, "調査・会議の名称", "事業所アンケート")
    submit(page, "提起する")
    issue = CommunityIssue.objects.get()
    assert issue.raised_on == dt.date(2026, 5, 12)
    expect(page.get_by_text("令和8年5月12日").first).to_be_visible()
    axe(page, "dates-02-issue-raised")
