"""The calendar as a counselor uses it (issue 16, item 5): this week's entries by keyboard, the
month, a phone's list of days without sideways scrolling, and the feed made and stopped."""

from __future__ import annotations

import datetime as dt
import os
import re

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.keyboard import follow, start_at_top, submit
from tsunagu.agenda.models import CalendarFeed
from tsunagu.agenda.tests.world import PERSON_FAMILY, build_agenda_world

PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("TSUNAGU_AGENDA_SHOTS", "")  # a folder for screenshots, if wanted

PAGE_WIDTH = """() => ({scroll: document.scrollingElement.scrollWidth,
                      client: document.scrollingElement.clientWidth})"""


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/agenda-{name}.png", full_page=True)


def _no_sideways_scroll(page) -> None:
    width = page.evaluate(PAGE_WIDTH)
    assert width["scroll"] <= width["client"], width


def test_the_week_the_month_and_the_feed(
    page, personas, browser_sign_in, assert_no_axe_violations, axe_violations
):
    today = timezone.localdate()
    world = build_agenda_world(personas, today - dt.timedelta(days=today.weekday()))
    browser_sign_in(personas.counselor_a)

    start_at_top(page, "/")
    follow(page, "カレンダー")
    expect(page.get_by_role("heading", level=1)).to_have_text("カレンダー")
    expect(page.get_by_role("link", name="短期入所先の見学日程を調整する")).to_be_visible()
    expect(page.get_by_role("link", name=world.case.title).first).to_be_visible()
    expect(page.get_by_role("link", name="第3回 中央区ネットワーク会議")).to_be_visible()
    assert_no_axe_violations(page, "agenda-week")
    _shot(page, "week")

    follow(page, "月")
    assert "view=month" in page.url
    expect(page.get_by_role("link", name="第3回 中央区ネットワーク会議")).to_be_visible()
    assert_no_axe_violations(page, "agenda-month")
    _shot(page, "month")

    follow(page, "次の月")
    follow(page, "今日")
    expect(page.get_by_role("link", name="第3回 中央区ネットワーク会議")).to_be_visible()

    page.set_viewport_size(PHONE)
    for view in ("week", "month"):
        page.goto(f"/agenda/?view={view}&date={today.isoformat()}")
        _no_sideways_scroll(page)
        assert axe_violations(page) == []
        expect(page.get_by_role("link", name="第3回 中央区ネットワーク会議")).to_be_visible()
        _shot(page, f"{view}-phone")

    page.goto("/agenda/feed/")
    _no_sideways_scroll(page)
    assert axe_violations(page) == []
    _shot(page, "feed-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    start_at_top(page, "/agenda/feed/")
    submit(page, "作る")
    url = page.get_by_test_id("feed-url").input_value()
    assert re.search(r"/agenda/feed/cal_[\w-]+\.ics$", url)
    assert_no_axe_violations(page, "agenda-feed")
    _shot(page, "feed")
    body = page.request.get(url).text()
    assert "BEGIN:VCALENDAR" in body
    assert PERSON_FAMILY not in body

    submit(page, "配信を停止する")
    expect(page.get_by_text("カレンダーの配信を停止しました。")).to_be_visible()
    assert not CalendarFeed.objects.active().exists()
    assert page.request.get(url).status == 404
