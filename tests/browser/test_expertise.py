"""The expertise directory (issue 18 item 4), with the keyboard only.

Office B's counselor asks "who knows about 強度行動障害 in 北区": office A (a catchment area in
北区, five closed cases) and the core center (city-wide, declared) answer; office B itself
(南区) does not.  A hand-typed bad theme in the address shows the form's message.  Then office
A's counselor declares 強度行動障害 (an empty form first, for the message).  Every page is
checked with axe.
"""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from tests.browser.keyboard import choose, follow, start_at_top, submit, type_into
from tsunagu.cases.models import CaseStatus, DifficultyFactor
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.expertise import services
from tsunagu.expertise.models import ExpertiseDeclaration, Theme
from tsunagu.organizations.models import AreaKind
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.organizations.tests.factories import AreaFactory


def test_a_counselor_finds_who_knows_and_an_office_declares_by_keyboard(
    page, live_server, personas, browser_sign_in, assert_no_axe_violations
):
    city = AreaFactory.create(code="city", name="みどり市", kind=AreaKind.CITY)
    north = AreaFactory.create(code="kita", name="北区", kind=AreaKind.WARD, parent=city)
    south = AreaFactory.create(code="minami", name="南区", kind=AreaKind.WARD, parent=city)
    personas.office_a.areas_served.set([north])
    personas.office_b.areas_served.set([south])
    personas.core_center.areas_served.set([city])
    personas.office_a.phone = "022-000-1111"
    personas.office_a.save(update_fields=["phone"])
    for _ in range(5):
        CaseFactory.create(
            lead_organization=personas.office_a,
            status=CaseStatus.CLOSED,
            difficulty_factors=[DifficultyFactor.TRAIT_AGGRESSION],
            opened_on=dt.date(2025, 4, 1),
            closed_on=dt.date(2025, 10, 1),
        )
    CaseFactory.create(
        lead_organization=personas.office_b,
        status=CaseStatus.CLOSED,
        difficulty_factors=[DifficultyFactor.TRAIT_AGGRESSION],
        opened_on=dt.date(2025, 4, 1),
        closed_on=dt.date(2025, 10, 1),
    )
    services.declaration_create(
        actor_as(personas.core_officer),
        theme=Theme.SEVERE_BEHAVIOUR,
        note="精神科医のSVによる事例検討を年4回開いています。",
    )

    # 1. Office B asks about 強度行動障害 in 北区.
    browser_sign_in(personas.counselor_b)
    start_at_top(page, "/expertise/")
    expect(page.get_by_role("heading", name="専門性の一覧", level=1)).to_be_visible()
    choose(page, page.get_by_label("分野", exact=True), "強度行動障害")
    choose(page, page.get_by_label("区", exact=True), "北区")
    submit(page, "探す")
    expect(page).to_have_url(re.compile(r"theme=severe_behaviour"))
    offices = page.get_by_test_id("expertise-office")
    expect(offices).to_have_count(2)
    expect(offices.first).to_contain_text(personas.office_a.name)
    expect(offices.first).to_contain_text("5件")
    expect(offices.first).to_contain_text("022-000-1111")
    expect(offices.nth(1)).to_contain_text(personas.core_center.name)
    expect(offices.nth(1)).to_contain_text("事例検討")
    expect(page.locator("#expertise-results")).not_to_contain_text(personas.office_b.name)
    assert_no_axe_violations(page, "expertise-01-north")

    # 2. In 南区, office B's single case shows as "5件未満", never as 1.
    choose(page, page.get_by_label("区", exact=True), "南区")
    submit(page, "探す")
    south_offices = page.get_by_test_id("expertise-office")
    expect(south_offices.filter(has_text=personas.office_b.name)).to_contain_text("5件未満")
    expect(south_offices.filter(has_text=personas.office_b.name)).not_to_contain_text("1件")

    # 3. A bad theme typed into the address: the form's message, no list.
    page.goto("/expertise/?theme=%E3%81%8E%E3%82%83%E3%81%8F%E3%81%9F%E3%81%84")
    expect(page.locator(".field__errors")).to_contain_text("一覧から分野を選んでください")
    assert_no_axe_violations(page, "expertise-02-bad-theme")

    # 4. Office A declares 強度行動障害 (an empty form first).
    page.context.clear_cookies()
    browser_sign_in(personas.counselor_a)
    start_at_top(page, "/expertise/")
    follow(page, "自機関の専門性を登録・変更する")
    follow(page, "分野を登録する")
    submit(page, "保存する")
    expect(page.locator(".field__errors")).to_contain_text("分野を選んでください")
    assert_no_axe_violations(page, "expertise-03-empty-form")
    choose(page, page.get_by_label("分野", exact=True), "強度行動障害")
    type_into(page, "経験・体制", "強度行動障害支援者養成研修の修了者が2名います。")
    submit(page, "保存する")
    expect(page.get_by_role("table")).to_contain_text("養成研修の修了者")
    assert_no_axe_violations(page, "expertise-04-declared")
    assert ExpertiseDeclaration.objects.filter(organization=personas.office_a).exists()
