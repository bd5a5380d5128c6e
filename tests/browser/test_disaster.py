"""A safety check recorded from a phone (issue 20 item 7).

The city has declared a safety check for one ward naming office A; office A's counselor opens
the phone screen at 390px, finds the not yet reached first, records one person as evacuated
with a big button, and the core center's progress page counts it for the area.
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.phone import PHONE, no_sideways_scroll_at_phone_width
from tsunagu.disaster import services
from tsunagu.disaster.models import SafetyCheck
from tsunagu.disaster.tests.factories import make_world
from tsunagu.organizations.tests.actors import actor_as


def test_a_worker_records_a_state_from_a_phone_and_the_progress_counts_it(
    page, personas, browser_sign_in, assert_no_axe_violations
):
    w = make_world(personas)
    campaign = services.campaign_declare(
        actor_as(personas.city_official),
        title="豪雨",
        areas=[w.ward],
        workers=[personas.office_a],
    )
    page.set_viewport_size(PHONE)
    browser_sign_in(personas.counselor_a)
    page.goto(f"/disaster/campaigns/{campaign.pk}/check/")
    expect(page.get_by_role("heading", name="安否を記録する", level=1)).to_be_visible()
    card = page.get_by_test_id(f"check-{w.not_consenting.pk}")
    expect(card.get_by_test_id(f"state-{w.not_consenting.pk}")).to_have_text("未確認")
    no_sideways_scroll_at_phone_width(page, "disaster-check")
    assert_no_axe_violations(page, "disaster-check")

    card.get_by_label("避難先").fill("青葉小学校")
    with page.expect_navigation():
        card.get_by_role("button", name="避難済み").click()
    expect(page.get_by_test_id(f"state-{w.not_consenting.pk}")).to_contain_text(
        "避難済み（青葉小学校）"
    )
    # The one still not reached now comes first.
    first = page.locator("[data-testid^='check-']").first
    expect(first).to_have_attribute("data-testid", f"check-{w.consenting.pk}")
    check = SafetyCheck.objects.get()
    assert (check.state, check.evacuated_to) == ("evacuated", "青葉小学校")

    browser_sign_in(personas.core_officer)
    page.goto(f"/disaster/campaigns/{campaign.pk}/")
    progress = page.get_by_test_id("progress")
    expect(progress.get_by_role("row", name="青葉区")).to_contain_text("1")
    no_sideways_scroll_at_phone_width(page, "disaster-progress")
