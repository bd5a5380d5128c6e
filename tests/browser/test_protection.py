"""DV and hidden addresses (issue 20 item 4): the lead counselor hides a person's whereabouts
on the protection screen, the page shows the banner and not the address, and 表示する shows it
on that one page.  Both screens are axe-clean."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.people.tests.factories import PersonFactory

ADDRESS = "みどり市青葉区かくれ町七丁目7番7号"


def test_the_lead_hides_the_address_and_reveals_it_once(
    page, personas, browser_sign_in, assert_no_axe_violations
):
    person = PersonFactory.create(
        family_name="隠田",
        given_name="みどり",
        address=ADDRESS,
        phone="090-7777-6543",
        registered_by_organization=personas.office_a,
    )
    CaseFactory.create(
        person=person,
        lead_organization=personas.office_a,
        lead_worker=personas.counselor_a,
        opened_on=timezone.localdate() - dt.timedelta(days=10),
    )
    browser_sign_in(personas.counselor_a)
    page.goto(f"/people/{person.pk}/")
    expect(page.get_by_test_id("person-address")).to_contain_text(ADDRESS)
    page.get_by_role("link", name="住所等を非表示にする（DV等支援措置）").click()
    expect(
        page.get_by_role("heading", name="住所等の非表示（DV等支援措置）", level=1)
    ).to_be_visible()
    assert_no_axe_violations(page, "protection-form")
    page.get_by_label("住民基本台帳の支援措置（DV等支援措置）").check()
    page.get_by_label("理由").fill("配偶者からの暴力により避難中。")
    review = (timezone.localdate() + dt.timedelta(days=365)).isoformat()
    page.get_by_label("終了・見直しの日").fill(review)
    with page.expect_navigation():
        page.get_by_role("button", name="保存する").click()
    expect(page.get_by_test_id("protection-banner")).to_be_visible()
    expect(page.get_by_test_id("person-address")).to_have_text("非表示（DV等支援措置）")
    assert ADDRESS not in page.content()
    assert_no_axe_violations(page, "person-protected")
    with page.expect_navigation():
        page.get_by_role("button", name="表示する").click()
    expect(page.get_by_test_id("person-address")).to_contain_text(ADDRESS)
    page.goto(f"/people/{person.pk}/")
    assert ADDRESS not in page.content()
