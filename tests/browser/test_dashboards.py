"""The dashboards per role (issue 17 item 1) on the demo city, with the keyboard only.

city1 (the city department), core1 (the core center) and council1 (a council member through
the parents' association) each reach their dashboard from the home page and see real figures
with their charts; the city official follows the link to the joint-support table and the
meeting compliance list, and chooses the previous fiscal year; the council member sees the
small counts suppressed; an unknown year is a 400 with its message.  Every page is checked
with axe, and the dashboard reflows at phone width.
"""

from __future__ import annotations

import csv
import re
from io import BytesIO, StringIO

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.keyboard import (
    choose,
    follow,
    new_signed_in_page,
    start_at_top,
    submit,
    tab_to,
)
from tests.browser.phone import no_sideways_scroll_at_phone_width
from tsunagu.accounts.models import User
from tsunagu.core.dates import fiscal_year
from tsunagu.dashboard.figures import year_label


def _figures_shown(page) -> None:
    expect(page.locator("svg[role=img]").first).to_be_visible()
    # Every chart is labelled by its title and its one-line summary.
    for svg in page.locator("svg.chart").all():
        assert (svg.locator("title").text_content() or "").strip()
        assert (svg.locator("desc").text_content() or "").strip()
    key = page.locator(".dashboard-key strong").first
    assert re.fullmatch(r"\d+", key.inner_text().strip()), key.inner_text()


def _home_shows_figures(page, name: str, assert_no_axe_violations) -> None:
    """The home page of a dashboard's role: this year's key figures, each a link to the records
    it counts, and the consultations chart."""
    section = page.locator("section[aria-labelledby=dashboards]")
    expect(section.locator("svg[role=img]")).to_be_visible()
    links = section.locator(".dashboard-key a")
    expect(links).to_have_count(4)
    for i in range(4):
        assert "/dashboards/records/" in (links.nth(i).get_attribute("href") or "")
    assert_no_axe_violations(page, name)


def test_city_core_and_council_read_their_dashboards_by_keyboard(
    page, live_server, demo, browser, client_as, browser_sign_in, assert_no_axe_violations
):
    from django.utils import timezone

    this_year = fiscal_year(timezone.localdate())

    # 1. The city official: from the home page to the city's dashboard.
    browser_sign_in(User.objects.get(username="city1"))
    start_at_top(page, "/")
    _home_shows_figures(page, "dashboards-00-city-home", assert_no_axe_violations)
    follow(page, "市の状況（市担当課）")
    expect(page).to_have_url(re.compile(rf"/dashboards/\?fiscal_year={this_year}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(year_label(this_year))
    _figures_shown(page)
    expect(page.locator("#consultations_by_support_type-h")).to_be_visible()
    expect(page.locator("text=5未満")).to_have_count(0)  # the city sees every count
    assert_no_axe_violations(page, "dashboards-01-city")
    no_sideways_scroll_at_phone_width(page, "dashboards-01-city")

    # 1b. The key figures as CSV (UTF-8 with BOM), by keyboard: the numbers the page shows.
    link = page.get_by_role("link", name="主な数 CSV（UTF-8）", exact=True)
    tab_to(page, link)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == f"dashboard-city-key_figures-FY{this_year}.csv"
    raw = download.value.path().read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(StringIO(raw.decode("utf-8-sig"))))
    shown = page.locator(".dashboard-key strong").first.inner_text().strip()
    assert ["相談受付（件）", shown] in rows

    # 2. The joint-support figure links to the table behind it, for the same year.
    follow(page, "共同支援依頼の表（障害種別とのクロス集計）")
    expect(page).to_have_url(re.compile(rf"/referrals/statistics/\?fiscal_year={this_year}$"))
    expect(page.get_by_role("heading", name=re.compile("共同支援依頼の状況"))).to_be_visible()
    page.go_back()

    # 3. The meeting compliance figure links to its list.
    follow(page, "会議の開催状況の一覧（月ごとの欠け）")
    expect(page).to_have_url(re.compile(rf"/meetings/compliance/\?fiscal_year={this_year}$"))
    page.go_back()

    # 3b. Every figure links to the records it counts: as many rows as the figure says, and
    #     nobody's name.
    total = page.locator(".dashboard-key strong").first.inner_text().strip()
    follow(page, "相談受付（月別）: 数えた記録の一覧")
    expect(page).to_have_url(
        re.compile(rf"/dashboards/records/consultations_by_month/\?fiscal_year={this_year}$")
    )
    expect(page.locator("section[aria-labelledby=records-h] caption")).to_have_text(f"{total}件")
    assert_no_axe_violations(page, "dashboards-01b-records")
    no_sideways_scroll_at_phone_width(page, "dashboards-01b-records")
    page.go_back()

    # 4. The previous fiscal year, chosen with the arrow keys.
    choose(page, page.get_by_label("年度", exact=True), year_label(this_year - 1))
    submit(page, "表示する")
    expect(page).to_have_url(re.compile(rf"\?fiscal_year={this_year - 1}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(year_label(this_year - 1))

    # 5. A year with no records: a 400 with its message, no figures.
    response = page.goto("/dashboards/?fiscal_year=1999")
    assert response is not None
    assert response.status == 400
    expect(page.locator(".error-summary")).to_contain_text("その年度の記録はありません")
    expect(page.locator("svg.chart")).to_have_count(0)
    assert_no_axe_violations(page, "dashboards-02-unknown-year")

    # 6. The core center: the whole city, every count.
    core = new_signed_in_page(browser, live_server, client_as, User.objects.get(username="core1"))
    start_at_top(core, "/")
    _home_shows_figures(core, "dashboards-03-core-home", assert_no_axe_violations)
    follow(core, "市全体の状況（基幹相談支援センター）")
    _figures_shown(core)
    expect(core.locator("#difficulty_by_household-h")).to_be_visible()
    assert_no_axe_violations(core, "dashboards-03-core")
    core.context.close()

    # 7. The council member: de-identified, small counts suppressed, no link to a list that
    #    the member may not open.
    council = new_signed_in_page(
        browser, live_server, client_as, User.objects.get(username="council1")
    )
    start_at_top(council, "/")
    _home_shows_figures(council, "dashboards-04-council-home", assert_no_axe_violations)
    follow(council, "自立支援協議会のための集計")
    expect(council.locator(".lead")).to_contain_text("5未満")
    expect(council.locator("svg[role=img]").first).to_be_visible()
    assert council.locator("td", has_text="5未満").count() > 0
    expect(
        council.get_by_role("link", name="共同支援依頼の表（障害種別とのクロス集計）")
    ).to_have_count(0)
    # Its workbook holds the same suppressed cells, never the small counts.
    link = council.get_by_role("link", name="相談受付（区別） Excel（xlsx）", exact=True)
    tab_to(council, link)
    with council.expect_download() as download:
        council.keyboard.press("Enter")
    book = load_workbook(BytesIO(download.value.path().read_bytes()))
    cells = [c.value for row in book["相談受付（区別）"].iter_rows(min_row=4) for c in row]
    assert not {1, 2, 3, 4} & set(cells), cells
    table = council.locator("section[aria-labelledby=consultations_by_ward-h] td")
    assert [c for c in cells if c == "5未満"] == [
        t for t in table.all_inner_texts() if t.strip() == "5未満"
    ]
    assert_no_axe_violations(council, "dashboards-04-council")
    no_sideways_scroll_at_phone_width(council, "dashboards-04-council")
    # Its figures link to their tables, never to a record.
    follow(council, "相談受付（区別）: 区分ごとの数")
    expect(council.locator("body")).to_contain_text("個々の記録は表示しません")
    expect(council.locator("section[aria-labelledby=records-h]")).to_have_count(0)
    assert_no_axe_violations(council, "dashboards-05-council-records")
    council.context.close()
