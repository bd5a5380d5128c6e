"""Lists with the keyboard (issue 16): a city official goes from a count on the home page to
the list behind it and finds exactly that many rows; a counselor finds a case by its person's
name typed in hiragana, sorts the list by a column, saves the search and opens it again.
Every page reached is checked with axe (WCAG 2.1 A/AA)."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.keyboard import follow, start_at_top, submit, tab_to, type_into
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.directory.services import refresh_search_text
from tsunagu.directory.tests.factories import ProviderFactory, ResourceFactory
from tsunagu.people.tests.factories import (
    HouseholdFactory,
    HouseholdMemberFactory,
    PersonFactory,
)
from tsunagu.plans.tests.factories import (
    MonitoringFactory,
    SupportPlanFactory,
    TaskFactory,
)
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


def test_a_counselor_goes_from_home_counts_to_tasks_and_monitorings(
    page, personas, browser_sign_in, assert_no_axe_violations
):
    today = timezone.localdate()
    case = CaseFactory.create(
        person=PersonFactory.create(
            family_name="鈴木",
            family_name_kana="スズキ",
            registered_by_organization=personas.office_a,
        ),
        lead_organization=personas.office_a,
        lead_worker=personas.counselor_a,
    )
    plan = SupportPlanFactory.create(case=case, agreed=True)
    for days in (-20, -4, 6):
        MonitoringFactory.create(plan=plan, due_on=today + dt.timedelta(days=days))
    for days in (-3, -1, 5):
        TaskFactory.create(
            case=case, owner_worker=personas.counselor_a, due_on=today + dt.timedelta(days=days)
        )
    TaskFactory.create(case=case, owner_worker=None, title="通帳の確認")
    browser_sign_in(personas.counselor_a)
    start_at_top(page, "/")
    warning = page.locator("p.message--warning", has_text="期限を過ぎたモニタリング")
    count = warning.get_by_role("link").first
    expect(count).to_have_text("2件")
    tab_to(page, count)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("モニタリングの予定")
    expect(page.locator("caption")).to_have_text("2件")
    expect(page.get_by_label("状態", exact=True)).to_have_value("overdue")
    assert_no_axe_violations(page, "listsa-monitorings-behind-a-count")

    start_at_top(page, "/")
    tasks = page.locator("section", has_text="所属機関のタスク").get_by_role("link", name="4件")
    tab_to(page, tasks)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("caption")).to_have_text("4件")
    type_into(page, "件名・内容・ケース・本人の名前", "通帳")
    submit(page, "絞り込む")
    expect(page.locator("tbody tr")).to_have_count(1)
    assert "scope=organization" in page.url
    _sort_by(page, "期限", "昇順")
    assert_no_axe_violations(page, "listsa-tasks-searched")
    type_into(page, "この条件を保存", "通帳")
    submit(page, "保存する")
    expect(page.locator("tbody tr")).to_have_count(1)

    start_at_top(page, "/referrals/?box=outbox&state=all")
    assert_no_axe_violations(page, "listsa-referrals")
    for path, name in [
        ("/plans/tasks/?scope=organization", "tasks"),
        ("/plans/monitorings/", "monitorings"),
        ("/referrals/?box=outbox&state=all", "referrals"),
    ]:
        page.goto(path)
        page.set_viewport_size({"width": 1280, "height": 900})
        # For the reviewer to look at (desktop and phone width).
        page.screenshot(path=f"/tmp/listsa-{name}.png", full_page=True)  # noqa: S108
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=f"/tmp/listsa-{name}-390.png", full_page=True)  # noqa: S108
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390


def test_directory_and_household_lists_by_keyboard(
    page, personas, browser_sign_in, assert_no_axe_violations
):
    """A counselor finds a resource by a keyword typed in half-width kana, sorts by name both
    ways, goes from the provider's resource count to its resources; the household list, found
    by a member's name in hiragana, reflows at phone width."""
    salon = ProviderFactory.create(name="本町町内会", name_kana="ほんちょうちょうないかい")
    for name, kana in [
        ("ひだまりサロン", "ひだまりさろん"),
        ("ひだまり食堂", "ひだまりしょくどう"),
    ]:
        refresh_search_text(ResourceFactory.create(provider=salon, name=name, name_kana=kana))
    refresh_search_text(ResourceFactory.create(name="あおぞら作業所", name_kana="あおぞら"))
    household = HouseholdFactory.create(
        name="北村さん世帯", registered_by_organization=personas.office_a
    )
    HouseholdMemberFactory.create(
        household=household,
        person=PersonFactory.create(
            family_name="北村",
            family_name_kana="キタムラ",
            registered_by_organization=personas.office_a,
        ),
    )
    browser_sign_in(personas.counselor_a)
    start_at_top(page, "/directory/staff/")
    type_into(page, "キーワード", "ﾋﾀﾞﾏﾘ")
    submit(page, "絞り込む")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    _sort_by(page, "名称", "昇順")
    expect(rows.first).to_contain_text("ひだまりサロン")
    _sort_by(page, "名称", "降順")
    expect(rows.first).to_contain_text("ひだまり食堂")
    assert "q=" in page.url
    assert_no_axe_violations(page, "resource-list-searched-sorted")

    start_at_top(page, "/directory/staff/providers/")
    assert_no_axe_violations(page, "provider-list")
    count = page.get_by_role("link", name=re.compile(r"^2件\s*（本町町内会）$"))
    tab_to(page, count)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("社会資源")
    expect(rows).to_have_count(2)
    assert f"provider={salon.pk}" in page.url

    page.set_viewport_size({"width": 390, "height": 844})
    start_at_top(page, "/people/households/")
    type_into(page, "世帯名・住所・世帯員の名前", "きたむら")
    submit(page, "絞り込む")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("北村さん世帯")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    assert_no_axe_violations(page, "household-list-phone")
