"""Organizations managed in the app (issue 17 item 8), with the keyboard only.

The city department's manager opens the management page, imports the WAM NET office list
(a file with a bad row first: the preview names the row and nothing is saved; then the sample
file: the preview lists its eight offices, and 取り込む adds them), opens one of the new
offices and adds a counselor to it (an empty form first, for the messages).  Every page is
checked with axe, and the management list reflows at phone width.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.keyboard import choose, follow, start_at_top, submit, tab_to
from tests.browser.phone import no_sideways_scroll_at_phone_width
from tsunagu.organizations import imports
from tsunagu.organizations.models import (
    Area,
    AreaKind,
    JobTitle,
    Membership,
    Organization,
    SystemRole,
)

SAMPLE = str(Path(imports.__file__).parent / "samples" / "wam_office_list.csv")


def _choose_file(page: Page, path: str) -> None:
    """Tab to the file field as a keyboard user does, then give it the file. (The native chooser
    that Space opens is refused by a busy Chromium now and then; the file is set on the field
    the keyboard reached, as tests/browser/test_imports.py does.)"""
    field = page.get_by_label("事業所一覧のCSVファイル", exact=True)
    tab_to(page, field)
    field.set_input_files(path)


def test_the_city_imports_the_office_list_and_adds_a_member_by_keyboard(
    page, live_server, personas, browser_sign_in, assert_no_axe_violations, tmp_path
):
    city_area = Area.objects.create(code="midori", name="みどり市", kind=AreaKind.CITY)
    Area.objects.create(code="chuo", name="中央区", kind=AreaKind.WARD, parent=city_area)
    Membership.objects.filter(user=personas.city_official).update(role=SystemRole.MANAGER)
    before = Organization.objects.count()
    browser_sign_in(personas.city_official)

    # 1. The management page, from the menu's link.
    start_at_top(page, "/organizations/manage/")
    expect(page.get_by_role("heading", level=1)).to_have_text("機関とアカウントの管理")
    assert_no_axe_violations(page, "organization-admin-01-list")
    no_sideways_scroll_at_phone_width(page, "organization-admin-01-list")

    # 2. A file with a bad row: the preview says which, and offers nothing to commit.
    follow(page, "事業所一覧を取り込む（CSV）")
    lines = Path(SAMPLE).read_text(encoding="utf-8-sig").splitlines()
    lines[2] = lines[2].replace("0431200023", "43120002")
    bad = tmp_path / "offices.csv"
    bad.write_bytes("\r\n".join(lines).encode("cp932"))
    _choose_file(page, str(bad))
    submit(page, "内容を確認する")
    expect(page.locator(".error-summary")).to_contain_text("1件の誤り")
    expect(page.locator("table")).to_contain_text("半角数字10桁")
    expect(page.get_by_role("button", name="取り込む", exact=True)).to_have_count(0)
    assert_no_axe_violations(page, "organization-admin-02-bad-row")
    assert Organization.objects.count() == before

    # 3. The sample file: eight new offices previewed, then imported.
    _choose_file(page, SAMPLE)
    submit(page, "内容を確認する")
    rows = page.locator("section[aria-labelledby=preview] tbody tr")
    expect(rows).to_have_count(8)
    expect(rows.first).to_contain_text("相談支援事業所 こもれび")
    expect(rows.first).to_contain_text("新規")
    expect(rows.first).to_contain_text("中央区")
    assert_no_axe_violations(page, "organization-admin-03-preview")
    assert Organization.objects.count() == before
    submit(page, "取り込む")
    expect(page).to_have_url(re.compile(r"/organizations/manage/$"))
    expect(page.locator(".messages")).to_contain_text("新規 8件")
    assert Organization.objects.count() == before + 8

    # 4. The new office, and a counselor added to it.
    office = Organization.objects.get(office_number="0431200015")
    follow(page, office.name)
    expect(page).to_have_url(re.compile(rf"/organizations/manage/{office.pk}/$"))
    expect(page.locator("dl")).to_contain_text("0431200015")
    follow(page, "所属を追加する")
    submit(page, "所属を追加する")
    expect(page.locator(".error-summary")).to_be_visible()
    assert_no_axe_violations(page, "organization-admin-04-member-errors")
    counselor = personas.counselor_b
    choose(page, page.get_by_label("アカウント", exact=True), f"（{counselor.username}）")
    choose(page, page.get_by_label("職種", exact=True), str(JobTitle.COUNSELOR.label))
    submit(page, "所属を追加する")
    expect(page).to_have_url(re.compile(rf"/organizations/manage/{office.pk}/$"))
    expect(page.locator("section[aria-labelledby=members] tbody")).to_contain_text(
        counselor.full_name
    )
    assert_no_axe_violations(page, "organization-admin-05-detail")
    assert Membership.objects.filter(user=counselor, organization=office, is_active=True).exists()
