"""The council's report pack (issue 17 item 4), with the keyboard only.

The core center (the council's secretariat) opens the council's page, goes to its report pack,
chooses 令和8年度 and reads the schedule, the subcommittee, the issues and the exact figures;
downloads the Word report; then a year the pack cannot be made for is refused with a Japanese
message.  A council member in their own right (a hospital's doctor) reaches the pack from the
council issues page and sees small figures as ＊.  Every page is checked with axe, and the pack
reflows at phone width (390 px).
"""

from __future__ import annotations

import io
import re

from docx import Document
from playwright.sync_api import expect

from tests.browser.keyboard import choose, follow, start_at_top, submit, tab_to
from tests.browser.phone import no_sideways_scroll_at_phone_width
from tsunagu.meetings.tests.test_council_pack import NAME, build_world


def test_the_secretariat_and_a_member_read_the_pack_by_keyboard(
    page, live_server, personas, browser_sign_in, assert_no_axe_violations
):
    w = build_world(personas)
    browser_sign_in(personas.core_officer)

    # 1. From the council's page to its pack, for 令和8年度.
    start_at_top(page, f"/meetings/bodies/{w.council.pk}/")
    follow(page, "協議会の報告資料（年間スケジュール・部会の取組み・地域課題）")
    expect(page).to_have_url(re.compile(rf"/meetings/bodies/{w.council.pk}/council-pack/$"))
    choose(page, page.get_by_label("年度", exact=True), "令和8年度")
    submit(page, "表示する")
    expect(page).to_have_url(re.compile(r"\?fiscal_year=2026$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("協議会の報告資料: 令和8年度")
    schedule = page.locator("section[aria-labelledby=pack-schedule]")
    expect(schedule).to_contain_text("協議会で部会の取組みを報告")
    expect(schedule).to_contain_text("第1回 地域部会")
    expect(page.locator("section[aria-labelledby=pack-subcommittees]")).to_contain_text(
        "一人事業所を支える体制を各区で検討する"
    )
    issues = page.locator("section[aria-labelledby=pack-issues]")
    expect(issues).to_contain_text("医療的ケア児の短期入所先がない")
    expect(issues).to_contain_text("本文は、もとのケースの本人・世帯を特定しうる記述を含む")
    for part in NAME:
        expect(page.locator("main")).not_to_contain_text(part)
    figures = page.locator("section[aria-labelledby=pack-figures]")
    expect(figures).to_contain_text("正確な数値を表示しています")
    assert_no_axe_violations(page, "council-pack-01-secretariat")
    no_sideways_scroll_at_phone_width(page, "council-pack-01-secretariat")
    page.set_viewport_size({"width": 1280, "height": 900})

    # 2. The Word report, by keyboard.
    link = page.get_by_role("link", name="Word（docx）で出力", exact=True)
    tab_to(page, link)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    path = download.value.path()
    text = "\n".join(p.text for p in Document(io.BytesIO(path.read_bytes())).paragraphs)
    assert "みどり市障害者自立支援協議会 報告資料 令和8年度" in text

    # 3. A year the pack cannot be made for: a Japanese message, the form kept.
    page.goto(f"/meetings/bodies/{w.council.pk}/council-pack/?fiscal_year=99999")
    expect(page.locator(".error-summary, .errorlist").first).to_contain_text("年度")
    expect(page.locator("section[aria-labelledby=pack-schedule]")).to_have_count(0)
    assert_no_axe_violations(page, "council-pack-02-bad-year")

    # 4. A council member in their own right: from the council issues page, small cells hidden.
    page.context.clear_cookies()
    browser_sign_in(w.member_user)
    start_at_top(page, "/meetings/issues/council/")
    follow(page, "協議会の報告資料")
    expect(page).to_have_url(re.compile(rf"/meetings/bodies/{w.council.pk}/council-pack/$"))
    choose(page, page.get_by_label("年度", exact=True), "令和8年度")
    submit(page, "表示する")
    figures = page.locator("section[aria-labelledby=pack-figures]")
    expect(figures).to_contain_text("＊: 5未満の値と、合計から逆算できてしまう値は")
    expect(figures.locator("td", has_text="＊").first).to_be_visible()
    assert_no_axe_violations(page, "council-pack-03-member")
