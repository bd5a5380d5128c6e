"""The social resource directory with the keyboard only.

A resident, not signed in, searches for a 生活介護 where a visit is possible, opens the result
and reads the hours and phone; then a core-center officer edits the same resource's vacancies
(first over the capacity, to see the error).  Every page is checked with axe (WCAG 2.1 A/AA)
at desktop and tablet width, and the screenshots are kept.
"""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Locator, Page, expect

from tsunagu.directory.models import SocialResource
from tsunagu.directory.services import refresh_search_text
from tsunagu.directory.tests.factories import (
    ContactFactory,
    LocationFactory,
    PhoneFactory,
    ProviderFactory,
    ResourceFactory,
    ScheduleFactory,
    term,
)
from tsunagu.organizations.models import AreaKind
from tsunagu.organizations.tests.factories import AreaFactory

MAX_TABS = 300


def _has_focus(locator: Locator) -> bool:
    return bool(locator.evaluate_all("(els) => els.includes(document.activeElement)"))


def tab_to(page: Page, locator: Locator) -> None:
    for _ in range(MAX_TABS):
        if _has_focus(locator):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{locator} never received the focus with Tab")


def choose(page: Page, locator: Locator, option: str) -> None:
    tab_to(page, locator)
    for _ in range(80):
        chosen = locator.evaluate("(el) => el.selectedOptions[0].textContent.trim()")
        if option in chosen:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"option {option!r} not reachable with the arrow keys")


def type_into(page: Page, label: str, text: str, *, clear: bool = False) -> None:
    field = page.get_by_label(label, exact=True)
    tab_to(page, field)
    if clear:
        page.keyboard.press("Control+A")
        page.keyboard.press("Delete")
    page.keyboard.type(text)


def submit(page: Page, button: str) -> None:
    tab_to(page, page.get_by_role("button", name=button, exact=True))
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _world(personas):
    ward = AreaFactory.create(code="b-chuo", name="中央区", kind=AreaKind.WARD)
    catchment = AreaFactory.create(
        code="b-honcho", name="本町圏域", kind=AreaKind.CATCHMENT, parent=ward
    )
    provider = ProviderFactory.create(
        name="社会福祉法人 みどり福祉会", name_kana="みどりふくしかい"
    )
    resource = ResourceFactory.create(
        provider=provider,
        name="生活介護事業所 ひだまりの家",
        name_kana="せいかつかいごじぎょうしょ ひだまりのいえ",
        service_type=term("life-care"),
        specialties=[term("smid-medical-care")],
        capacity=20,
        vacancies=2,
        vacancies_confirmed_on=dt.date(2026, 11, 25),
        accepts_visits=True,
        accepts_trial=True,
        visit_note="見学は平日10時〜15時。",
        internal_note="送迎車は2台（非公開）",
    )
    LocationFactory.create(
        resource=resource, area=catchment, accessibility="段差なし。車いす用トイレあり。"
    )
    ScheduleFactory.create(resource=resource)
    PhoneFactory.create(resource=resource, number="022-011-3101")
    ContactFactory.create(resource=resource, name="サービス管理責任者 大野", is_internal=True)
    other = ResourceFactory.create(
        provider=provider, name="グループホーム こもれび", service_type=term("group-home")
    )
    for item in (resource, other):
        refresh_search_text(item)
    return resource


def test_a_resident_searches_with_the_keyboard_only(
    page, live_server, personas, assert_no_axe_violations
):
    resource = _world(personas)

    page.goto("/directory/")
    page.keyboard.press("Tab")  # the skip link
    expect(page.get_by_role("link", name="本文へ移動")).to_be_focused()
    expect(page.get_by_text("操作中の所属")).to_have_count(0)
    assert_no_axe_violations(page, "directory-01-public-search")

    type_into(page, "キーワード", "ひだまり")
    choose(page, page.get_by_label("サービスの種類", exact=True), "生活介護")
    box = page.get_by_label("見学・体験ができる", exact=True)
    tab_to(page, box)
    page.keyboard.press("Space")
    expect(box).to_be_checked()
    submit(page, "さがす")
    expect(page.get_by_role("heading", name="1件見つかりました")).to_be_visible()
    assert_no_axe_violations(page, "directory-02-public-results")

    link = page.get_by_role("link", name="生活介護事業所 ひだまりの家", exact=True)
    tab_to(page, link)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/directory/{resource.hsds_id}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("生活介護事業所 ひだまりの家")
    expect(page.get_by_text("月・火・水・木・金 9:30〜16:00")).to_be_visible()
    expect(page.get_by_role("link", name="022-011-3101")).to_be_visible()
    expect(page.get_by_text("段差なし。車いす用トイレあり。")).to_be_visible()
    body = page.content()
    assert "送迎車は2台" not in body
    assert "大野" not in body
    assert_no_axe_violations(page, "directory-03-public-detail")

    # Nothing found: the page says so and suggests what to do.
    page.goto("/directory/?q=存在しない資源")
    expect(page.get_by_text("条件に合う地域資源はありません。")).to_be_visible()
    assert_no_axe_violations(page, "directory-04-public-no-results")


def test_the_core_center_edits_with_the_keyboard_only(
    page, live_server, personas, browser_sign_in, assert_no_axe_violations
):
    resource = _world(personas)
    browser_sign_in(personas.core_officer)

    page.goto("/directory/staff/")
    assert_no_axe_violations(page, "directory-10-staff-list")
    link = page.get_by_role("link", name="生活介護事業所 ひだまりの家", exact=True)
    tab_to(page, link)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("送迎車は2台（非公開）")).to_be_visible()
    assert_no_axe_violations(page, "directory-11-staff-detail")

    tab_to(page, page.get_by_role("link", name="編集する", exact=True))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/directory/staff/{resource.pk}/edit/$"))
    assert_no_axe_violations(page, "directory-12-staff-edit")

    # More vacancies than places: refused, with the message linked to the field.
    type_into(page, "空き", "30", clear=True)
    submit(page, "保存する")
    expect(page.get_by_role("alert")).to_contain_text("空きが定員を超えています。")
    expect(page.get_by_role("alert")).to_be_focused()
    assert SocialResource.objects.get(pk=resource.pk).vacancies == 2
    assert_no_axe_violations(page, "directory-13-staff-edit-error")

    type_into(page, "空き", "0", clear=True)
    submit(page, "保存する")
    expect(page).to_have_url(re.compile(rf"/directory/staff/{resource.pk}/$"))
    expect(page.get_by_role("status").first).to_contain_text("保存しました")
    saved = SocialResource.objects.get(pk=resource.pk)
    assert saved.vacancies == 0
    assert saved.version == 2
    assert_no_axe_violations(page, "directory-14-staff-detail-saved")

    for path, name in [
        ("/directory/staff/new/", "directory-15-staff-create"),
        ("/directory/staff/providers/", "directory-16-providers"),
        ("/meetings/developments/", "directory-17-developments"),
        ("/meetings/developments/new/", "directory-18-development-form"),
        ("/directory/staff/import/", "directory-19-import"),
    ]:
        page.goto(path)
        assert_no_axe_violations(page, name)
