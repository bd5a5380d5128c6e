"""The training plan (issue 18 item 3), with the keyboard only.

The core center's officer creates this year's plan, adds a training from the needs panel (a
community issue's theme: the form comes filled in), links nothing yet, and publishes the plan;
an office's counselor then reads it, without the needs panel.  Every page is checked with axe.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.keyboard import choose, follow, start_at_top, submit, tab_to
from tsunagu.meetings.models import CommunityIssue
from tsunagu.trainingplans.models import PlannedTraining, TrainingPlan


def test_the_core_center_plans_from_the_needs_and_an_office_reads_it(
    page, personas, browser_sign_in, assert_no_axe_violations
):
    CommunityIssue.objects.create(
        title="行動障害のある人の短期入所先がない",
        theme="behavior",
        description="複数のケースで受け皿が見つからない。",
        source="meeting",
        raised_by=personas.counselor_a,
        raised_by_organization=personas.office_a,
    )
    browser_sign_in(personas.core_officer)
    start_at_top(page, "/trainings/")
    follow(page, "研修計画（計画と実績）")
    expect(page.get_by_role("heading", name="研修計画", level=1)).to_be_visible()
    assert_no_axe_violations(page, "training-plans-01-list")
    follow(page, "研修計画を作成する")
    submit(page, "保存する")
    expect(page).to_have_url(re.compile(r"/training-plans/\d+/$"))
    expect(page.get_by_test_id("progress-summary")).to_contain_text("計画0件")
    assert_no_axe_violations(page, "training-plans-02-needs")

    # The link names its theme for a screen reader (計画に加える: 強度行動障害).
    tab_to(
        page, page.get_by_role("link", name=re.compile(r"計画に加える\s*:\s*強度行動障害")).first
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_label("テーマ", exact=True)).to_have_value("強度行動障害")
    choose(page, page.get_by_label("予定月", exact=True), "7月")
    submit(page, "保存する")
    expect(page.get_by_test_id("progress-summary")).to_contain_text("計画1件")
    item = PlannedTraining.objects.get()
    expect(page.get_by_test_id(f"planned-{item.pk}")).to_contain_text(
        "行動障害のある人の短期入所先がない"
    )
    assert item.need_source == "community_issue"

    follow(page, "方針・状態を変更する")
    choose(page, page.get_by_label("状態", exact=True), "公開")
    submit(page, "保存する")
    assert TrainingPlan.objects.get().status == "published"

    page.context.clear_cookies()
    browser_sign_in(personas.counselor_a)
    start_at_top(page, f"/training-plans/{item.plan_id}/")
    expect(page.get_by_test_id(f"planned-{item.pk}")).to_contain_text("強度行動障害")
    expect(page.get_by_role("heading", name="研修のニーズ（いまある記録から）")).to_have_count(0)
    assert_no_axe_violations(page, "training-plans-03-office")
