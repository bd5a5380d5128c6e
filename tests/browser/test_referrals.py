"""A closed loop with the keyboard only: office A asks the core center for joint support, the
core center accepts, works, reports the outcome, and office A confirms.

Every step is Tab / Shift+Tab, typing, arrow keys and Enter (no clicks), and every page reached
is checked with axe (WCAG 2.1 A/AA), empty and with a validation error at least once.  Before
accepting, the core center sees only the summary office A chose (the case answers 404); after,
it is on the case team.  Office B, outside, sees none of it.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.keyboard import (
    choose,
    follow,
    new_signed_in_page,
    pick_radio,
    start_at_top,
    submit,
    tab_to,
    type_into,
)
from tsunagu.cases.models import CaseTeamMember, SharingBasis
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.people.models import DisabilityCategory
from tsunagu.people.tests.factories import ConsentFactory, PersonFactory
from tsunagu.referrals.models import Referral, ReferralStatus


def test_the_whole_loop_by_keyboard_only(
    page, browser, live_server, personas, browser_sign_in, client_as, assert_no_axe_violations
):
    person = PersonFactory.create(
        family_name="高木",
        given_name="誠",
        family_name_kana="タカギ",
        given_name_kana="マコト",
        disability_categories=[DisabilityCategory.MENTAL],
        registered_by_organization=personas.office_a,
    )
    case = CaseFactory.create(
        person=person,
        title="高木誠さんの支援",
        lead_organization=personas.office_a,
        lead_worker=personas.counselor_a,
        opened_on=timezone.localdate() - dt.timedelta(days=60),
    )
    ConsentFactory.create(
        person=person,
        obtained_by=personas.counselor_a,
        obtained_by_organization=personas.office_a,
        organizations=[personas.core_center],
    )
    browser_sign_in(personas.counselor_a)

    # 1. office A picks the case and writes the request; first empty, for the messages.
    start_at_top(page, "/referrals/new/")
    assert_no_axe_violations(page, "referrals-01-case-picker")
    tab_to(page, page.get_by_role("link", name="高木誠さんの支援について依頼を作る"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/referrals/cases/{case.pk}/new/$"))
    assert_no_axe_violations(page, "referrals-02-form")
    submit(page, "依頼を送る")
    expect(page.get_by_text("依頼の理由を入力してください。").first).to_be_visible()
    assert_no_axe_violations(page, "referrals-03-form-error")
    choose(page, page.get_by_label("依頼の種類", exact=True), "共同支援依頼")
    choose(page, page.get_by_label("依頼先の機関", exact=True), personas.core_center.name)
    type_into(page, "依頼の理由", "母の入院後、見立てが定まらず支援チームが組めていない。")
    type_into(page, "依頼したいこと", "ケース会議への同席と、ニーズ整理の助言をお願いしたい。")
    type_into(page, "先方に伝える概要", "40代男性。母の入院後、日中の居場所がない。")
    pick_radio(page, "basis", "本人の同意")
    choose(page, page.get_by_label("同意（根拠が「本人の同意」のとき）", exact=True), "高木 誠")
    submit(page, "依頼を送る")
    referral = Referral.objects.get(case=case)
    expect(page).to_have_url(re.compile(rf"/referrals/{referral.pk}/$"))
    assert referral.status == ReferralStatus.REQUESTED
    assert_no_axe_violations(page, "referrals-04-sent")
    start_at_top(page, "/referrals/?box=outbox")
    expect(page.get_by_role("link", name=f"共同支援依頼 #{referral.pk}")).to_be_visible()
    assert_no_axe_violations(page, "referrals-05-outbox")

    # 2. The core center finds it in its inbox and sees only the summary.
    core = new_signed_in_page(browser, live_server, client_as, personas.core_officer)
    start_at_top(core, "/")
    expect(core.get_by_role("heading", name="紹介・依頼")).to_be_visible()
    assert_no_axe_violations(core, "referrals-06-core-dashboard")
    follow(core, "紹介・依頼")
    assert_no_axe_violations(core, "referrals-07-core-inbox")
    follow(core, f"共同支援依頼 #{referral.pk}")
    expect(core.get_by_text("40代男性。母の入院後、日中の居場所がない。")).to_be_visible()
    expect(core.get_by_text("高木 誠")).to_have_count(0)
    assert_no_axe_violations(core, "referrals-08-core-before-accepting")
    response = core.goto(f"/cases/{case.pk}/")
    assert response is not None
    assert response.status == 404
    start_at_top(core, f"/referrals/{referral.pk}/")

    # 3. Accept → the core center is on the team with the consent as its basis.
    submit(core, "受理する")
    expect(core.get_by_role("link", name="ケースを開く")).to_be_visible()
    member = CaseTeamMember.objects.get(case=case, organization=personas.core_center)
    assert member.basis == SharingBasis.CONSENT
    assert_no_axe_violations(core, "referrals-09-accepted")

    # 4. In progress, then the outcome report: empty first, for the message.
    submit(core, "対応を始める")
    submit(core, "完了を報告する")
    expect(core.get_by_text("完了の報告には結果の報告が必要です").first).to_be_visible()
    assert_no_axe_violations(core, "referrals-10-outcome-error")
    type_into(core, "結果の報告", "ケース会議で見立てを共有し、役割分担を決めた。")
    submit(core, "完了を報告する")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED
    assert referral.outcome == "ケース会議で見立てを共有し、役割分担を決めた。"
    assert_no_axe_violations(core, "referrals-11-completed")

    # 5. Office A reads the outcome and closes the loop.
    start_at_top(page, "/")
    assert_no_axe_violations(page, "referrals-12-office-dashboard")
    start_at_top(page, f"/referrals/{referral.pk}/")
    expect(page.get_by_text("ケース会議で見立てを共有し、役割分担を決めた。").first).to_be_visible()
    submit(page, "完了報告を確認した（終了）")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CONFIRMED
    expect(page.get_by_text("完了確認済み").first).to_be_visible()
    assert_no_axe_violations(page, "referrals-13-confirmed")
    assert list(referral.transitions.values_list("action", flat=True)) == [
        "create",
        "request",
        "accept",
        "start",
        "complete",
        "confirm",
    ]

    # 6. The core center's statistics (aggregates only), and a bad "as of" date.
    start_at_top(core, "/referrals/statistics/")
    expect(core.get_by_role("heading", name=re.compile("共同支援依頼の状況"))).to_be_visible()
    expect(core.get_by_text("高木")).to_have_count(0)
    assert_no_axe_violations(core, "referrals-15-statistics")
    start_at_top(core, "/referrals/statistics/?fiscal_year=2026&as_of=2026-03-01")
    expect(core.get_by_text("基準日は令和8年度の開始日").first).to_be_visible()
    assert_no_axe_violations(core, "referrals-16-statistics-error")

    # 7. Office B sees none of it.
    outsider = new_signed_in_page(browser, live_server, client_as, personas.counselor_b)
    for path in ("/referrals/", "/referrals/?box=outbox&state=all", "/referrals/?state=all"):
        start_at_top(outsider, path)
        expect(outsider.get_by_text(f"#{referral.pk}")).to_have_count(0)
    assert_no_axe_violations(outsider, "referrals-14-outsider-inbox")
    response = outsider.goto(f"/referrals/{referral.pk}/")
    assert response is not None
    assert response.status == 404
    expect(outsider.get_by_text("ページが見つかりません").first).to_be_visible()
