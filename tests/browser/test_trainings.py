"""Trainings (issue 18 item 1), with the keyboard only: the core center's officer creates an
event for one place, office A registers two of its staff (the second waits), the officer takes
attendance on the day and issues the certificates; the attendee answers the questionnaire, and
the officer reads the (still too few to show) results and opens the materials and the attendance
import.  Every page is checked with axe."""

from __future__ import annotations

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
    tick,
    type_date,
    type_into,
)
from tsunagu.trainings.models import Registration, TrainingEvent


def test_an_officer_runs_a_training_by_keyboard(
    page, browser, live_server, client_as, personas, browser_sign_in, assert_no_axe_violations
):
    today = timezone.localdate()
    browser_sign_in(personas.core_officer)

    # 1. The officer creates an event (an empty form first, for the messages).
    start_at_top(page, "/trainings/")
    follow(page, "研修を作成する")
    submit(page, "保存する")
    expect(page.locator(".error-summary")).to_be_visible()
    assert_no_axe_violations(page, "trainings-01-form-error")
    type_into(page, "テーマ", "強度行動障害の理解と支援")
    choose(page, page.get_by_label("形式", exact=True), "講義")
    type_date(page, "開催日", today)
    type_into(page, "開始時刻", "00:00")
    type_into(page, "終了時刻", "23:59")
    choose(page, page.get_by_label("開催方法", exact=True), "集合")
    type_into(page, "講師", "山田 太郎（みどり市精神保健福祉センター）")
    type_into(page, "定員", "1")
    choose(page, page.get_by_label("状態", exact=True), "募集中")
    submit(page, "保存する")
    expect(page.get_by_text("研修を作成しました。")).to_be_visible()
    event = TrainingEvent.objects.get()
    expect(page).to_have_url(re.compile(rf"/trainings/{event.pk}/$"))
    assert_no_axe_violations(page, "trainings-02-detail")

    # 2. Office A registers two of its staff: one place, so the second waits.
    office = new_signed_in_page(browser, live_server, client_as, personas.counselor_a)
    for name in (personas.counselor_a.full_name, personas.colleague_a.full_name):
        start_at_top(office, f"/trainings/{event.pk}/")
        follow(office, "職員を申し込む")
        choose(office, office.get_by_label("申し込む職員", exact=True), name)
        submit(office, "申し込む")
    expect(office.get_by_text("キャンセル待ちで受け付けました")).to_be_visible()
    assert_no_axe_violations(office, "trainings-03-office-registered")
    first, second = Registration.objects.order_by("pk")
    assert (first.status, second.status) == ("registered", "waiting")

    # 3. The officer takes attendance and issues the certificates.
    start_at_top(page, f"/trainings/{event.pk}/")
    follow(page, "出欠を記録する")
    assert_no_axe_violations(page, "trainings-04-attendance")
    pick_radio(page, f"r{first.pk}", "出席")
    submit(page, "記録する")
    expect(page.get_by_text("出欠を記録しました。")).to_be_visible()
    submit(page, "修了証を発行する")
    expect(page.get_by_text("修了証を1人に発行しました。")).to_be_visible()
    expect(
        page.get_by_role("link", name=f"{personas.counselor_a.full_name}さんの修了証（PDF）")
    ).to_be_visible()
    assert_no_axe_violations(page, "trainings-05-certificates")
    first.refresh_from_db()
    assert first.certificate_issued_on == today

    # 4. The attendee answers the questionnaire, anonymously and once.
    start_at_top(office, f"/trainings/{event.pk}/")
    follow(office, "アンケートに答える")
    assert_no_axe_violations(office, "trainings-06-questionnaire")
    pick_radio(office, "satisfaction", "満足")
    type_into(office, "感想・意見", "事例が具体的でした。")
    tick(office, "強度行動障害")
    submit(office, "回答する")
    expect(office.get_by_text("アンケートに回答しました。ありがとうございました。")).to_be_visible()
    expect(office.get_by_text("アンケート回答済み")).to_be_visible()

    # 5. The officer: one answer is too few to show; the materials and the import pages.
    start_at_top(page, f"/trainings/{event.pk}/")
    follow(page, "アンケートの集計")
    expect(page.get_by_text("回答 1件（出席 1人）")).to_be_visible()
    expect(page.get_by_text("事例が具体的でした。")).to_have_count(0)
    assert_no_axe_violations(page, "trainings-07-results")
    start_at_top(page, f"/trainings/{event.pk}/")
    follow(page, "資料を追加する")
    assert_no_axe_violations(page, "trainings-08-materials")
    start_at_top(page, f"/trainings/{event.pk}/")
    follow(page, "出欠をファイルから記録する")
    assert_no_axe_violations(page, "trainings-09-attendance-import")
