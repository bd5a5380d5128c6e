"""Community work (issue 21 items 1-3), with the keyboard only.

A commissioned office's counselor logs an awareness event (a 障がい者サポーター研修 at a school,
with its questionnaire counted), then records an outreach lead a 民生委員 is worried about on
the person's consent and connects it to a consultation in one step.  Every page is checked
with axe.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.keyboard import (
    choose,
    follow,
    pick_radio,
    start_at_top,
    submit,
    tab_to,
    tick,
    type_date,
    type_into,
)
from tsunagu.cases.models import Consultation
from tsunagu.community.models import AwarenessEvent, LeadStatus, OutreachLead
from tsunagu.community.tests.factories import make_world


def replace(page: Page, label: str, text: str) -> None:
    """A number field shows 0 at first: select it and type over it."""
    tab_to(page, page.get_by_label(label, exact=True))
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def test_a_worker_logs_awareness_and_an_outreach_lead_with_the_keyboard(
    page, personas, browser_sign_in, assert_no_axe_violations
):
    make_world()
    today = timezone.localdate()
    browser_sign_in(personas.counselor_a)
    start_at_top(page, "/community/")
    expect(page.get_by_role("heading", name=re.compile("地域活動"), level=1)).to_be_visible()
    assert_no_axe_violations(page, "community-01-home")

    follow(page, "普及啓発を記録する")
    type_into(page, "活動名", "障がい者サポーター研修（青葉中学校）")
    choose(page, page.get_by_label("テーマ", exact=True), "障がい者サポーター研修")
    type_date(page, "実施日", today - dt.timedelta(days=1))
    choose(page, page.get_by_label("地域", exact=True), "青葉区")
    tick(page, "学校")
    replace(page, "参加者: 児童・生徒・学生", "32")
    replace(page, "障がい者サポーター（修了者）", "30")
    type_into(page, "障がいや今日のテーマへの理解は深まりましたか: とても深まった", "21")
    assert_no_axe_violations(page, "community-02-awareness-form")
    submit(page, "保存する")
    expect(page.get_by_test_id("theme")).to_have_text("障がい者サポーター研修")
    event = AwarenessEvent.objects.get()
    assert event.supporters_completed == 30
    assert event.activity.students == 32
    assert event.questionnaire == {"understanding": {"much": 21}}
    assert_no_axe_violations(page, "community-03-awareness-detail")

    start_at_top(page, "/community/outreach/")
    follow(page, "アウトリーチを記録する")
    type_into(page, "呼び名", "Kさん")
    choose(page, page.get_by_label("地域", exact=True), "青葉第一地区")
    choose(page, page.get_by_label("心配している人", exact=True), "民生委員・児童委員")
    type_into(page, "心配していること", "母親が亡くなってから外に出ていない様子")
    type_date(page, "受けた日", today - dt.timedelta(days=3))
    pick_radio(page, "basis", "本人の同意")
    type_date(page, "同意を得た日", today - dt.timedelta(days=3))
    assert_no_axe_violations(page, "community-04-lead-form")
    submit(page, "保存する")
    expect(page.get_by_test_id("status")).to_have_text("対応中")
    assert_no_axe_violations(page, "community-05-lead-detail")

    follow(page, "相談につなぐ")
    submit(page, "相談受付を作る")
    expect(page.get_by_test_id("status")).to_have_text("相談につないだ")
    lead = OutreachLead.objects.get()
    assert lead.status == LeadStatus.CONNECTED
    assert lead.consultation_id is not None
    consultation = Consultation.objects.get(pk=lead.consultation_id)
    assert consultation.channel == "outreach"
    assert lead.days_to_first_contact == 3
    assert_no_axe_violations(page, "community-06-connected")
