"""Lists with the keyboard (issue 16): a city official goes from a count on the home page to
the list behind it and finds exactly that many rows; a counselor finds a case by its person's
name typed in hiragana, sorts the list by a column, saves the search and opens it again.
Every page reached is checked with axe (WCAG 2.1 A/AA)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.keyboard import follow, start_at_top, submit, tab_to, type_into
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.people.tests.factories import PersonFactory
from tsunagu.referrals.models import ReferralStatus
from tsunagu.referrals.tests.factories import ReferralFactory


def _sort_by(page: Page, column: str, order: str) -> None:
    """The column's header link, which says where it leads (「…（昇順に並べ替え）」)."""
    header = page.get_by_role("link", name=re.compile(rf"^{column}\s*（{order}に並べ替え）$"))
    tab_to(page, header)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_city_official_goes_from_a_home_count_to_its_rows(
    page, personas, browser_sign_in, assert_no_axe_violations
):
    for status in [ReferralStatus.IN_PROGRESS] * 3 + [ReferralStatus.REQUESTED]:
        ReferralFactory.create(
            case=CaseFactory.create(lead_organization=personas.office_a),
            receiving_organization=personas.city,
            status=status,
        )
    browser_sign_in(personas.city_official)
    start_at_top(page, "/")
    assert_no_axe_violations(page, "home-counts")
    count = page.locator("dt", has_text="受信: 対応中").locator("xpath=following-sibling::dd[1]//a")
    expect(count).to_have_text("3件")
    tab_to(page, count)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("受信した依頼")
    expect(page.locator("caption")).to_have_text("3件")
    expect(page.locator("tbody tr")).to_have_count(3)
    expect(page.get_by_label("対応中", exact=True)).to_be_checked()
    assert_no_axe_violations(page, "referrals-behind-a-count")


def test_a_case_found_by_kana_sorted_and_saved(
    page, personas, browser_sign_in, assert_no_axe_violations
):
    for family, kana in [("鈴木", "スズキ"), ("相田", "アイダ"), ("鈴村", "スズムラ")]:
        CaseFactory.create(
            person=PersonFactory.create(
                family_name=family,
                family_name_kana=kana,
                registered_by_organization=personas.office_a,
            ),
            title="",
            lead_organization=personas.office_a,
            lead_worker=personas.counselor_a,
        )
    browser_sign_in(personas.counselor_a)
    start_at_top(page, "/cases/")
    assert_no_axe_violations(page, "case-list")
    type_into(page, "本人・世帯の名前（漢字・かな）", "すず")
    submit(page, "絞り込む")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    assert "q=" in page.url

    _sort_by(page, "本人・世帯", "昇順")
    expect(rows.first).to_contain_text("鈴木")
    _sort_by(page, "本人・世帯", "降順")
    expect(rows.first).to_contain_text("鈴村")
    assert "sort=-subject" in page.url
    assert "q=" in page.url
    expect(page.locator("th[aria-sort=descending]")).to_have_count(1)
    assert_no_axe_violations(page, "case-list-searched-sorted")

    type_into(page, "この条件を保存", "すず")
    submit(page, "保存する")
    expect(rows).to_have_count(2)  # back on the same list, the same filters
    start_at_top(page, "/accounts/account/searches/")
    assert_no_axe_violations(page, "saved-searches")
    follow(page, "すず")
    expect(rows.first).to_contain_text("鈴村")
