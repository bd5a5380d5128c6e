"""The staffing page (issue 17 item 6), with the keyboard only.

The city official opens the staffing page from the home page: office A is short a 地域支援員
(the last one left forty days ago) and is listed first.  The official adds a 相談員 post to
office B, records a new 地域支援員 for office A, and looks at the previous fiscal year.  Every
page is checked with axe, and the staffing page reflows at phone width (390 px).
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.keyboard import choose, follow, start_at_top, submit, type_date
from tests.browser.phone import no_sideways_scroll_at_phone_width
from tsunagu.accounts.tests.factories import UserFactory
from tsunagu.core.dates import fiscal_year, fiscal_year_label
from tsunagu.organizations.models import (
    JobTitle,
    Membership,
    PostKind,
    StaffingAssignment,
    StaffingPost,
)
from tsunagu.organizations.tests.factories import MembershipFactory


def test_the_city_reads_and_fills_the_posts_by_keyboard(
    page, live_server, personas, browser_sign_in, assert_no_axe_violations
):
    today = timezone.localdate()
    start = dt.date(2021, 4, 1)
    a, b = personas.office_a, personas.office_b
    for org, holder in ((a, personas.colleague_a), (b, personas.counselor_b)):
        officer = StaffingPost.objects.create(
            organization=org, kind=PostKind.CAPACITY_BUILDING_OFFICER, required_from=start
        )
        StaffingAssignment.objects.create(
            post=officer, membership=Membership.objects.get(user=holder), started_on=start
        )
    community = StaffingPost.objects.create(
        organization=a, kind=PostKind.COMMUNITY_SUPPORT_WORKER, required_from=start
    )
    leaver = UserFactory.create(username="leaver", full_name="岡田 修")
    StaffingAssignment.objects.create(
        post=community,
        membership=MembershipFactory.create(
            user=leaver, organization=a, job_title=JobTitle.COMMUNITY_SUPPORT_WORKER
        ),
        started_on=start,
        ended_on=today - dt.timedelta(days=40),
    )
    newcomer = UserFactory.create(username="newcomer", full_name="今井 真由")
    MembershipFactory.create(
        user=newcomer, organization=a, job_title=JobTitle.COMMUNITY_SUPPORT_WORKER
    )
    browser_sign_in(personas.city_official)

    # 1. From the home page to the staffing page: office A is short now, and first.
    start_at_top(page, "/")
    follow(page, "センターの人員配置（欠員）")
    expect(page).to_have_url(re.compile(r"/organizations/staffing/$"))
    short = page.locator("#staffing-short")
    expect(page.get_by_role("link", name=a.name).first).to_be_visible()
    expect(page.locator("section[aria-labelledby=staffing-short] li")).to_have_count(1)
    expect(page.locator("section[aria-labelledby=staffing-short]")).to_contain_text("1人不足")
    assert short.is_visible()
    first_center = page.locator("section[id^=center-]").first
    expect(first_center).to_have_id(f"center-{a.pk}")
    expect(first_center).to_contain_text("継続中")
    assert_no_axe_violations(page, "staffing-01-page")
    no_sideways_scroll_at_phone_width(page, "staffing-01-page")

    # 2. A 相談員 post for office B (an empty form first, for the messages).
    follow(page, f"{b.name}に配置を追加")
    submit(page, "保存する")
    expect(page.locator(".error-summary")).to_be_visible()
    assert_no_axe_violations(page, "staffing-02-post-form-error")
    choose(page, page.get_by_label("職種", exact=True), "相談員")
    type_date(page, "配置の開始日", dt.date(today.year, today.month, 1))
    submit(page, "保存する")
    expect(page.get_by_text("配置を追加しました。")).to_be_visible()
    assert StaffingPost.objects.filter(organization=b, kind=PostKind.COUNSELOR).exists()

    # 3. Office A's new 地域支援員 from today: the center is no longer short.
    follow(page, "地域支援員の担当者を記録")
    choose(page, page.get_by_label("職員", exact=True), "今井 真由")
    type_date(page, "就任日", today)
    assert_no_axe_violations(page, "staffing-03-assignment-form")
    submit(page, "記録する")
    expect(page.get_by_text("担当者を記録しました。")).to_be_visible()
    expect(page.locator(f"#center-{a.pk}")).to_contain_text("今井 真由")
    # Office B's new post is the one short now.
    expect(page.locator("section[aria-labelledby=staffing-short] li")).to_have_count(1)
    expect(page.locator("section[aria-labelledby=staffing-short]")).to_contain_text(b.name)

    # 4. The previous fiscal year, chosen with the keyboard.
    last_year = fiscal_year(today) - 1
    choose(page, page.get_by_label("欠員期間を見る年度", exact=True), fiscal_year_label(last_year))
    submit(page, "表示")
    expect(page).to_have_url(re.compile(rf"\?year={last_year}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("センターの人員配置")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert_no_axe_violations(page, "staffing-04-last-year")
